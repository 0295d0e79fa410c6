# expect-score: 10
# expect-status: graded
# Issue 10, item 3 (tests/test_grading_browser.py opens the result in Chromium): a correct
# solution whose cells put hostile output bundles through IPython's display machinery, every
# MIME type a browser could run: text/html, application/javascript, image/svg+xml,
# text/markdown with raw HTML, text/latex, a widget view, an image/png that is really SVG or
# HTML (and one that tries to break out of the <img> attribute), display metadata, an object
# whose _repr_*_ methods return them (execute_result), stdout/stderr and an exception whose
# name and message are HTML. Each payload, if it ever ran, would set window.__pwned, log
# PWNED, write pwned-<label>.txt through the contents API and request a PWNED image.
# The right outcome: full marks (the code is correct); the graded copy and the feedback keep
# only text and validated PNG, and nothing of it runs in formgrader or in the feedback page.
# %% conv_forward
<<solution>>
from xss_payloads import _b64, _display, _html, _pwn, _pwn64

_svg = (f"<svg xmlns='http://www.w3.org/2000/svg' onload=\"{_pwn('display-svg-onload')}\">"
        f"<script>{_pwn('display-svg-script')}</script>"
        f"<a href=\"javascript:{_pwn('display-svg-a')}\"><text y='20'>click</text></a></svg>")
_display({
    "text/plain": "<script>" + _pwn("display-plain") + "</script>",
    "text/html": _html("display-html"),
    "application/javascript": _pwn("display-javascript"),
    "image/svg+xml": _svg,
    "text/markdown": _html("display-markdown") + f"\n\n[click](javascript:{_pwn64('display-markdown-link')})\n",
    "text/latex": f"$x$</div><script>{_pwn('display-latex')}</script>",
    "application/vnd.jupyter.widget-view+json": {
        "model_id": f"</script><script>{_pwn('display-widget')}</script>", "version_major": 2, "version_minor": 0,
    },
    "application/json": {"html": _html("display-json")},
    "text/vnd.mermaid": "graph TD; A-->B",
}, raw=True)
_display({"image/png": _b64.b64encode(_svg.encode()).decode()}, raw=True)  # "PNG" that is SVG
_display({"image/png": _b64.b64encode(_html("display-png-html").encode()).decode()}, raw=True)
_display({"image/png": f"x\" onerror=\"{_pwn('display-png-attribute')}\" x=\""}, raw=True)
_display(
    {"image/png": "iVBORw0KGgo=", "text/html": _html("display-metadata-html")},
    metadata={
        "image/png": {"width": f"1 onerror={_pwn64('display-png-width')}", "alt": f"\"><script>{_pwn('display-png-alt')}</script>"},
        "text/html": {"isolated": True},
        "filenames": {"image/png": "http://127.0.0.1:9/PWNED-display-filenames.png"},
    },
    raw=True,
)
print("<script>" + _pwn("display-stdout") + "</script>")
# %% new after conv_forward
class _Hostile:
    def _repr_html_(self):
        return _html("repr-html")

    def _repr_javascript_(self):
        return _pwn("repr-javascript")

    def _repr_svg_(self):
        return f"<svg xmlns='http://www.w3.org/2000/svg'><script>{_pwn('repr-svg')}</script></svg>"

    def _repr_markdown_(self):
        return _html("repr-markdown")

    def _repr_latex_(self):
        return f"</div><script>{_pwn('repr-latex')}</script>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": _html("repr-mimebundle"), "text/plain": "hostile"}


from IPython.display import HTML, SVG, Javascript, Markdown

_display(HTML(_html("display-object-html")), Javascript(_pwn("display-object-javascript")), Markdown(_html("display-object-markdown")))
_display(SVG(f"<svg xmlns='http://www.w3.org/2000/svg'><script>{_pwn('display-object-svg')}</script></svg>"))
_Hostile()
# %% conv_backward
<<solution>>
import sys

sys.stderr.write("<script>" + _pwn("display-stderr") + "</script>\n")
# %% new after test_conv_backward_hidden
raise type(f"<img src=x onerror=\"{_pwn('error-name')}\">", (Exception,), {})(f"<script>{_pwn('error-value')}</script>")
# %% file xss_payloads.py
<<shared:xss_payloads.py>>
