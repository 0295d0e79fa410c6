# expect-score: 10
# expect-status: manual: *
# Issue 10, item 3 (and item 5: "a forged output that is not valid nbformat made formgrader
# answer HTTP 500 for that student and `feedback` fail"): the notebook writes to every file
# descriptor it has open lines that are not nbformat at all, for every cell index 0..40, one
# kind per index: an output_type "bogus", a list or a string where an output dict belongs,
# stream text that is a dict, display data that is a list, a text/html that is a list holding
# a number, an error whose traceback is a string, an execute_result without execution_count
# whose HTML is a dict, plus lines that are not JSON, a JSON list, and indices that are strings
# or booleans. Nine empty cells after the tests give these forged records cells to land on.
# The right outcome: full marks, flagged for a human look (honest code never writes to the
# grader's files or pipes); the graded copy validates with nbformat and keeps none of the
# junk, formgrader shows the student (HTTP 200) and `feedback` writes the page.
# %% conv_forward
<<solution>>
from xss_payloads import _forge, _html, _pwn

_junk = [
    lambda i: [{"output_type": "bogus", "data": {"text/html": _html(f"junk{i}-bogus")}, "metadata": {}}],
    lambda i: [["<script>" + _pwn(f"junk{i}-list") + "</script>"]],
    lambda i: ["<script>" + _pwn(f"junk{i}-string") + "</script>"],
    lambda i: [{"output_type": "stream", "name": "stdout", "text": {"<script>": _pwn(f"junk{i}-stream-dict")}}],
    lambda i: [{"output_type": "display_data", "data": ["<script>" + _pwn(f"junk{i}-data-list") + "</script>"], "metadata": {}}],
    lambda i: [{"output_type": "display_data", "data": {"text/html": ["<script>" + _pwn(f"junk{i}-html-list") + "</script>", 5]}}],
    lambda i: [{"output_type": "error", "ename": 5, "evalue": None, "traceback": "<script>" + _pwn(f"junk{i}-traceback") + "</script>"}],
    lambda i: [{"output_type": "execute_result", "metadata": [], "data": {"text/html": {"nested": _html(f"junk{i}-nested")}}}],
    lambda i: [{"output_type": "display_data", "data": {"text/html": _html(f"junk{i}-no-metadata")}}, None, 7, True],
]
_lines = [{"index": i, "outputs": _junk[i % len(_junk)](i)} for i in range(41)]
_lines += [b"not json <script>" + _pwn("junk-line").encode() + b"</script>", b"[1, 2, 3]", b"\xff\xfe\x00 binary",
           {"index": "9", "outputs": []}, {"index": True, "outputs": []}, {"done": True}, {"done": "yes"}]
_forge(_lines)
# %% conv_backward
<<solution>>
# %% new after test_conv_backward_hidden
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% new
pass
# %% file xss_payloads.py
<<shared:xss_payloads.py>>
