# expect-score: 10
# expect-status: manual: *
# Issue 10, item 3: output records forged through the file descriptors. While its answer cell
# runs, the notebook writes, to every file descriptor its process has open (the grader's
# outputs file among them), well-formed nbformat outputs for every cell index 0..40 that
# carry hostile bundles of every MIME type (text/html, application/javascript, SVG, markdown
# with raw HTML, LaTeX, a widget view with widget state, an <img> attribute break-out, remote
# image file names, an isolated iframe, a stream whose name is HTML, an error whose fields
# are HTML), then an early {"done": true}. The right outcome: full marks (the code is
# correct, the checks it forged nothing for still count), flagged for a human look (honest
# code never writes to the grader's files or pipes, so a grader that sees the forged lines
# says so; a grader that cannot see them may say "graded"); the grader keeps none of the
# forged outputs, or only their text, so nothing runs in formgrader or in the feedback page.
# %% conv_forward
<<solution>>
from xss_payloads import _forge, _html, _pwn, _pwn64

_svg = f"<svg xmlns='http://www.w3.org/2000/svg' onload=\"{_pwn('forged-svg-onload')}\"><script>{_pwn('forged-svg')}</script></svg>"


def _bundle(i):
    return [
        {"output_type": "display_data", "metadata": {}, "data": {
            "text/html": _html(f"forged{i}-html"), "text/plain": "forged",
            "application/javascript": _pwn(f"forged{i}-javascript"),
        }},
        {"output_type": "display_data", "metadata": {}, "data": {"application/javascript": _pwn(f"forged{i}-javascript-only")}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": _svg}},
        {"output_type": "display_data", "metadata": {}, "data": {
            "text/markdown": _html(f"forged{i}-markdown") + f"\n\n[click](javascript:{_pwn64(f'forged{i}-markdown-link')})"}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/latex": f"</div><script>{_pwn(f'forged{i}-latex')}</script>"}},
        {"output_type": "display_data", "metadata": {}, "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": f"</script><script>{_pwn(f'forged{i}-widget')}</script>",
                                                         "version_major": 2, "version_minor": 0}}},
        {"output_type": "display_data", "data": {"image/png": f"x\" onerror=\"{_pwn(f'forged{i}-png-attribute')}\" x=\""},
         "metadata": {"image/png": {"width": f"1 onerror={_pwn64(f'forged{i}-png-width')}"},
                      "filenames": {"image/png": f"http://127.0.0.1:9/PWNED-forged{i}-filename.png"}}},
        {"output_type": "display_data", "data": {"text/html": _html(f"forged{i}-isolated")},
         "metadata": {"text/html": {"isolated": True}}},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/html": _html(f"forged{i}-result")}},
        {"output_type": "stream", "name": f"stdout\"><script>{_pwn(f'forged{i}-stream-name')}</script>",
         "text": f"<script>{_pwn(f'forged{i}-stream-text')}</script>"},
        {"output_type": "error", "ename": f"<img src=x onerror=\"{_pwn(f'forged{i}-ename')}\">",
         "evalue": f"<script>{_pwn(f'forged{i}-evalue')}</script>",
         "traceback": [f"<script>{_pwn(f'forged{i}-traceback')}</script>"]},
    ]


_forge([{"index": i, "execution_count": 1, "outputs": _bundle(i)} for i in range(41)] + [{"done": True}])
# %% conv_backward
<<solution>>
# %% new after conv_backward
print("an ordinary cell after the forged outputs")
# %% file xss_payloads.py
<<shared:xss_payloads.py>>
