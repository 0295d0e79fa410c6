# expect-score: 10
# expect-status: manual: *
# Issue 10, items 3 and 5 ("a 25 MB forged output became a 25 MB graded copy and feedback
# page although outputs are documented as cut at 20,000 characters"): 25 MB outputs, once
# through IPython's display machinery (text/plain, text/html and a 25 MB image/png that is
# not a PNG) and once forged straight into the file descriptors as one 25 MB output record
# for the conv_backward cell (its text ends with a script). The right outcome: full marks,
# flagged for a human look (honest code never writes to the grader's files or pipes; a flood
# there is dropped, never a reason to stop reading or to time out); the graded copy and the
# feedback page stay small (every output channel is capped, forged ones included) and
# nothing runs.
# %% conv_forward
<<solution>>
from xss_payloads import _b64, _display, _forge, _html, _pwn

_big = "A" * (25 * 2**20)
_display({"text/plain": _big, "text/html": _big + _html("huge-display-html"),
          "image/png": _b64.b64encode(_big.encode()[: 19 * 2**20]).decode()}, raw=True)
_forge([{"index": 9, "execution_count": 1, "outputs": [
    {"output_type": "stream", "name": "stdout", "text": _big + "<script>" + _pwn("huge-forged-stream") + "</script>"},
    {"output_type": "display_data", "metadata": {}, "data": {"text/html": _html("huge-forged-html")}},
]}])
del _big
# %% conv_backward
<<solution>>
# %% file xss_payloads.py
<<shared:xss_payloads.py>>
