"""The online book: it builds without a warning, works offline in a browser, shows its numbers.

The session fixture ``book_build`` (conftest.py) builds the book exactly as ``make book`` does.
Then:

* the build log has no warning;
* Chromium (Debian's, driven by Playwright) visits every page served from 127.0.0.1 and finds
  no console error, no failed request, no request to another host, every image loaded, the math
  rendered, every answer toggle opening and every explorer responding;
* the worked numbers of each chapter (tests/book_support/expected_numbers.py) are on its page.

The explorers (book/explorers.py) are also tested directly, without a build.
"""

import base64
import gzip
import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from bs4 import BeautifulSoup

from book_support.browser import CHROMIUM, PageWatcher, check_page, cut_text, explorer_gaps, launched_chromium, serve
from book_support.expected_numbers import EXPECTED_NUMBERS
from scratchcnn.layers import Convolution, Pooling
from scratchcnn.util import conv_output_size, im2col

from book_support.build import BUILD, HTML, REPO
# Full-page screenshots of two chapters, for a human to look at.
SCREENSHOTS = {"book/ch02_convolution.html": "ch02_convolution.png", "book/ch03_padding.html": "ch03_padding.png"}

sys.path.insert(0, str(REPO / "book"))
sys.path.insert(0, str(REPO / "book" / "_ext"))
import bookext  # noqa: E402  (book/_ext/bookext.py, the book's Sphinx extension)
import explorers  # noqa: E402  (book/explorers.py, importable once book/ is on the path)


# --------------------------------------------------------------------------------------------
# The build (the session fixture book_build is in conftest.py)


def test_book_builds_without_warnings(book_build):
    returncode, log = book_build
    warnings = [line for line in log.splitlines() if "WARNING:" in line or "ERROR:" in line]
    assert not warnings, "the book build warned:\n" + "\n".join(warnings)
    assert returncode == 0, f"jupyter-book exited with {returncode}; see _build/book-build.log"
    # What the kernels say about themselves (ipykernel's "[IPKernelApp] WARNING | ..." at each
    # start, a traceback when a shutdown races) is in their own log (execute.py).
    assert "[IPKernelApp]" not in log
    assert (BUILD / "kernels.log").is_file()


def test_sphinx_executes_only_the_pages_that_ask_for_it(book_build):
    """book/_ext/execute.py runs the chapters missing from the execution cache before Sphinx
    reads them, under the key MyST-NB looks up: Sphinx itself then executes only the pages
    whose front matter forces it (from an empty _build/, as in a fresh clone, every chapter
    goes through execute.py)."""
    _, log = book_build
    executed = set(re.findall(r"book/(\w+)\.md: Executing notebook", log))
    forced = {path.stem for path in (REPO / "book").glob("*.md") if "execution_mode: force" in path.read_text(encoding="utf-8")}
    assert forced and executed <= forced, f"Sphinx executed {sorted(executed - forced)} itself"


def pages():
    """Every HTML page of the built site (not the copies of sources and static files)."""
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0] in ("_static", "_sources", "_images", "ko")  # ko: test_book_ko.py
    )


def test_source_pages_are_the_librarys_own(book_build):
    """The highlighted sources (sphinx.ext.viewcode) are scratchcnn's modules, not another
    library's that a docstring names (matplotlib's Figure)."""
    sources = sorted(p.relative_to(HTML / "_modules").as_posix() for p in (HTML / "_modules").rglob("*.html"))
    assert "scratchcnn/layers.html" in sources
    assert [name for name in sources if name != "index.html" and not name.startswith("scratchcnn/")] == []


def test_site_loads_nothing_from_other_hosts(book_build):
    """The HTML itself names no script, stylesheet, font or image on another host."""
    offenders = []
    for name in pages():
        soup = BeautifulSoup((HTML / name).read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")]:
            for element in soup.find_all(tag):
                value = element.get(attribute) or ""
                rel = set(element.get("rel") or [])
                if tag == "link" and rel & {"canonical", "alternate"}:
                    continue
                if value.startswith(("http://", "https://", "//")):
                    offenders.append(f"{name}: <{tag} {attribute}={value}>")
    assert not offenders, "\n".join(offenders)


# --------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="module")  # one Playwright at a time: other modules start their own
def browser():
    assert Path(CHROMIUM).is_file(), f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)"
    with launched_chromium() as chromium:
        yield chromium


def test_every_page_works_offline_in_the_browser(book_build, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    problems = {}
    with serve(HTML) as base_url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watcher = PageWatcher(context, base_url)
        page = context.new_page()
        watcher.watch(page)
        for name in pages():
            shot = BUILD / "screenshots" / SCREENSHOTS[name] if name in SCREENSHOTS else None
            if re.search(r"""http-equiv=["']?refresh""", (HTML / name).read_text(encoding="utf-8"), re.IGNORECASE):
                page.goto(base_url + name)  # a redirect (index.html): it must land on a page
                try:  # another page, loaded
                    page.wait_for_url(lambda url, here=base_url + name: url != here, timeout=10_000)
                    found = []
                except PlaywrightTimeoutError:
                    found = [f"{name} did not redirect"]
                found += watcher.take()
            else:
                found = check_page(page, watcher, base_url + name, screenshot=shot)
            if found:
                problems[name] = found
        context.close()
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items())
    assert not problems, f"problems on {len(problems)} page(s):\n{report}"
    for shot in SCREENSHOTS.values():
        assert (BUILD / "screenshots" / shot).stat().st_size > 0


BROKEN_PAGE = """<!DOCTYPE html><html><head><title>broken</title>
<script src="https://cdn.example.org/library.js"></script></head>
<body><article>
<p>Raw math left: $$x^2$$</p>
<img src="missing.png" alt="a picture that is not there"><img src="pixel.svg">
<details><summary>Answer</summary></details>
<div style="position: relative"><details><summary>Covered</summary><p>the answer</p></details>
<div style="position: absolute; inset: 0; background: white"></div></div>
<pre style="white-space: pre; overflow: hidden; width: 200px">ValueError: a long message whose end, the reason, is cut at the edge of its box</pre>
<script>console.error("something went wrong");</script>
</article></body></html>"""


def test_browser_checks_catch_a_broken_page(browser, tmp_path):
    """The page checks are not vacuous: each kind of problem on a deliberately broken page is
    reported."""
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    (tmp_path / "pixel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    with serve(tmp_path) as base_url:
        context = browser.new_context()
        watcher = PageWatcher(context, base_url)
        page = context.new_page()
        watcher.watch(page)
        found = "\n".join(check_page(page, watcher, base_url + "broken.html"))
        context.close()
    for expected in ["request leaving 127.0.0.1: https://cdn.example.org/library.js",
                     "HTTP 404", "image did not load", "image without alt text",
                     "raw TeX left in the visible text: $$", "toggle 'Answer' did not open",
                     "toggle 'Covered' is covered by another element",
                     "console error: something went wrong", "pre cuts its text"]:
        assert expected in found, f"{expected!r} not reported in:\n{found}"


# --------------------------------------------------------------------------------------------
# The worked numbers

NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")


def page_numbers(name):
    """The numbers of a page's content, in reading order (code outputs and math included)."""
    soup = BeautifulSoup((HTML / name).read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    for element in article.find_all(["script", "style"]):
        element.decompose()
    text = article.get_text(" ").replace("\u2212", "-")  # a typographic minus is a minus
    return NUMBER.findall(text)


def contains_run(numbers, run):
    return any(numbers[i : i + len(run)] == run for i in range(len(numbers) - len(run) + 1))


@pytest.mark.parametrize("page", sorted(EXPECTED_NUMBERS))
def test_worked_numbers_appear_on_their_page(book_build, page):
    html = HTML / f"{page}.html"
    assert html.is_file(), f"{page} is listed in expected_numbers.py but was not built"
    numbers = page_numbers(html.relative_to(HTML).as_posix())
    missing = [f"{run!r} ({what})" for run, what in EXPECTED_NUMBERS[page] if not contains_run(numbers, run.split())]
    assert not missing, f"{page} does not show: " + "; ".join(missing)


def test_number_matching_is_strict():
    """The matcher finds a run only as consecutive numbers of the page, in order."""
    numbers = NUMBER.findall("[[15 16]\n [ 6 15]] and 3,072 inputs, -1 and 2.5")
    assert numbers == ["15", "16", "6", "15", "3,072", "-1", "2.5"]
    assert contains_run(numbers, "15 16 6 15".split())
    assert not contains_run(numbers, "15 6 16 15".split())
    assert not contains_run(numbers, "16 6 15 3072".split())


# --------------------------------------------------------------------------------------------
# The explorers, without a build

X = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
W = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]])


def static_data(explorer):
    """The frame tables a static explorer embeds (gzipped, base64-encoded JSON)."""
    html = explorer.static_html()
    payload = re.search(r'<script type="application/octet-stream" id="[^"]+">([^<]+)</script>', html).group(1)
    return json.loads(gzip.decompress(base64.b64decode(payload)))


def test_sliding_window_frames_come_from_the_library():
    explorer = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(X, W, b=3)}, pads=(0, 1), strides=(1, 2))
    for pad, stride in [(0, 1), (1, 1)]:
        frame = explorer.frame("frames", ("ex", pad, stride))
        out = Convolution(W[None, None], np.array([3]), stride, pad).forward(X[None, None])[0, 0]
        assert len(frame.steps) == out.size
        output_grid = frame.grids[-1]
        assert [int(cell.text) for row in output_grid.rows for cell in row] == out.ravel().tolist()
        # Each step highlights the FH*FW window cells and the output cell it computes.
        assert all(len(step.on) == W.size + 1 for step in frame.steps)
        assert frame.steps[0].caption.endswith(f"= {out[0, 0]}")
    with pytest.raises(ValueError) as error:
        conv_output_size(4, 3, stride=2)
    invalid = explorer.frame("frames", ("ex", 0, 2))
    assert invalid.error and invalid.message == explorers.book_notation(str(error.value)) and not invalid.steps


def test_pooling_example_uses_the_pooling_layer():
    x = np.array([[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]])
    explorer = explorers.SlidingWindowExplorer({"pool": explorers.pool_example(x, 2)}, pads=(0,), strides=(2,))
    frame = explorer.frame("frames", ("pool", 0, 2))
    out = Pooling(2, 2, stride=2).forward(x[None, None])[0, 0]
    assert [int(cell.text) for row in frame.grids[-1].rows for cell in row] == out.ravel().tolist()


def test_output_size_calculator_shows_the_library_answer_and_error():
    explorer = explorers.OutputSizeExplorer()
    ok = explorer.frame("axis", (28, 5, 2, 3))
    assert not ok.error and ok.message.endswith(f"<b>{conv_output_size(28, 5, 3, 2)}</b>")
    bad = explorer.frame("axis", (7, 3, 0, 3))
    with pytest.raises(ValueError) as error:
        conv_output_size(7, 3, 3, 0, axis=explorer.AXIS)
    assert bad.error and explorers.book_notation(str(error.value)) in bad.message
    # The static table: one entry per (size, filter, pad, stride), shared by both axes.
    data = static_data(explorer)
    controls = {c.name: c for c in explorer.controls}
    expected = len(controls["H"].values) * len(controls["FH"].values) * len(controls["P"].values) * len(controls["S"].values)
    assert len(data["tables"]["axis"]) == expected
    assert [part["subst"] for part in data["parts"]] == [{"{axis}": "H"}, {"{axis}": "W"}]


def test_im2col_explorer_rows_are_the_library_rows():
    explorer = explorers.Im2colExplorer()
    frame = explorer.frame("frames", (3, 2, 1, 0, 1))
    col = im2col(np.arange(1, 10).reshape(1, 1, 3, 3), 2, 2)
    matrix = frame.grids[-1]
    assert [[cell.text for cell in row] for row in matrix.rows] == [[f"D{n - 1}" for n in row] for row in col]
    # Step r lights up the input cells of row r (and the row itself).
    cells = {cell.cid: cell.text for row in frame.grids[0].rows for cell in row}
    for r, step in enumerate(frame.steps):
        assert sorted(cells[c] for c in step.on if c.startswith("p")) == sorted(f"D{n - 1}" for n in col[r])


def test_static_view_embeds_every_setting():
    explorer = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(X, W)}, pads=(0, 1, 2), strides=(1, 2, 3))
    data = static_data(explorer)
    assert sorted(data["tables"]["frames"]) == sorted(f"ex|{p}|{s}" for p in (0, 1, 2) for s in (1, 2, 3))
    assert data["tables"]["frames"]["ex|1|1"]["html"] == explorers.render_frame(explorer.frame("frames", ("ex", 1, 1)))


def test_live_widget_recomputes_on_change():
    explorer = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(X, W)}, pads=(0, 1), strides=(1,))
    widget = explorer.widget()
    _, controls, stepper, view = widget.children
    (pad,) = controls.children  # one example and one stride: nothing to choose, no control
    play, step = stepper.children
    assert step.max == 3  # a 2 x 2 output: four steps
    before = view.value
    pad.value = 1
    assert view.value != before and step.max == 15
    step.value = 5
    assert 'class="now"' in view.value or 'class="on now"' in view.value
    assert "output (1, 1)" in view.value
    bundle = explorer._repr_mimebundle_()
    assert {"text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)


def test_explorer_messages_use_the_book_notation():
    """The library writes 2*0 and 7 - 3; the explorers show 2·0 and 7 − 3, as the book does."""
    with pytest.raises(ValueError) as error:
        conv_output_size(7, 3, 3, 0)
    assert "2*0" in str(error.value)  # the library's own message, for contrast
    message = explorers.OutputSizeExplorer().frame("axis", (7, 3, 0, 3)).message
    assert "2·0" in message and "2*0" not in message and " - " not in message
    frame = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(X, W)}, pads=(0,), strides=(2,)).frame(
        "frames", ("ex", 0, 2))
    assert frame.error and "*" not in frame.message and "2·0" in frame.message
    assert explorers.book_notation("(H + 2P - FH) = (4 + 2*1 - 3)") == "(H + 2P − FH) = (4 + 2·1 − 3)"


# --------------------------------------------------------------------------------------------
# What a student reads: visible cells, errors, paths, links

CODE_CELL = re.compile(r"^```\{code-cell\} ipython3\n(.*?)^```\n", re.S | re.M)
# The book's plumbing, which belongs in hidden cells (see book/appendix_authors.md).
PLUMBING = re.compile(r"\bglue\(|from myst_nb import|^import figures|^%matplotlib|from IPython\.display import Markdown",
                      re.M)


def visible_cells(text):
    """(line, code) of the code cells of a page that the reader sees: not removed, input kept."""
    for match in CODE_CELL.finditer(text):
        body = match.group(1)
        header = body.split("\n---\n", 1)[0] if body.startswith("---\n") else "\n".join(
            line for line in body.splitlines() if line.startswith(":"))
        if re.search(r"remove-cell|remove-input", header):
            continue
        yield text[: match.start()].count("\n") + 1, body


def plumbing_in_visible_cells(text):
    return [f"line {line}: {hit.group(0)!r}" for line, code in visible_cells(text) for hit in PLUMBING.finditer(code)]


def test_visible_code_cells_hold_no_build_plumbing():
    """Every code cell a reader sees is code a student would type: glue() calls, the figure
    module and the other plumbing are in hidden cells."""
    found = {}
    for page in sorted((REPO / "book").glob("*.md")):
        if page.name == "appendix_instructors.md":  # the instructors' guide shows the grader's own code
            continue
        problems = plumbing_in_visible_cells(page.read_text(encoding="utf-8"))
        if problems:
            found[page.name] = problems
    assert not found, f"build plumbing in visible cells: {found}"


def test_plumbing_check_finds_a_visible_glue():
    page = "```{code-cell} ipython3\nx = 1\nglue('x', x, display=False)\n```\n" \
           "```{code-cell} ipython3\n:tags: [remove-cell]\nglue('y', 2, display=False)\n```\n"
    assert plumbing_in_visible_cells(page) == ["line 1: 'glue('"]


def test_absolute_paths_are_recognised():
    folders = bookext.machine_paths("/home/ada/course")
    frame = "\x1b[36mFile \x1b[39m\x1b[32m/srv/build/lib/scratchcnn/networks.py:145\x1b[39m, in load_params"
    assert bookext.absolute_paths(frame, folders) == ["/srv/build/lib/scratchcnn/networks.py"]
    assert bookext.absolute_paths('  File "/opt/x/util.py", line 3, in f', folders) == ["/opt/x/util.py"]
    assert bookext.absolute_paths("saved to /home/ada/course/book/_generated/p.npz", folders) == [
        "/home/ada/course/book/_generated/p.npz"]
    for harmless in ["saved to _generated/p.npz", "the student's home lies in grading/tmp/", "a /tmp of 64 MB",
                     "see https://example.org/tmp/page", "ratio 1/2, (N, C*H*W)"]:
        assert bookext.absolute_paths(harmless, folders) == [], harmless


def test_the_build_fails_on_an_absolute_path_in_an_output(tmp_path, caplog):
    """check_output_paths warns (a build error under -W) for a traceback naming a file of the
    build machine, in any output of an executed page."""
    executed = tmp_path / "jupyter_execute"
    (executed / "book").mkdir(parents=True)
    traceback = [f"File {tmp_path}/lib/scratchcnn/networks.py:145, in load_params", "ValueError: bad"]
    notebook = {"cells": [
        {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout", "text": "fine\n"}]},
        {"cell_type": "code", "outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "bad",
                                           "traceback": traceback}]},
    ]}
    (executed / "book" / "ch99.ipynb").write_text(json.dumps(notebook))
    app = SimpleNamespace(
        confdir=str(tmp_path), outdir=str(tmp_path / "html"),
        env=SimpleNamespace(found_docs={"book/ch99"}, mystnb_config=SimpleNamespace(output_folder=str(executed))),
    )
    with caplog.at_level("WARNING"):
        bookext.check_output_paths(app, None)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "code cell 2" in warnings[0] and "networks.py" in warnings[0]


def test_no_output_shows_a_path_of_the_build_machine(book_build):
    """The rendered outputs of every page (the build checks the executed notebooks too)."""
    folders = bookext.machine_paths(REPO)
    found = {}
    for name in pages():
        soup = BeautifulSoup((HTML / name).read_text(encoding="utf-8"), "html.parser")
        outputs = " ".join(div.get_text(" ") for div in soup.select("div.cell_output"))
        paths = bookext.absolute_paths(outputs, folders)
        if paths:
            found[name] = paths
    assert not found, f"absolute paths on the pages: {found}"


def test_error_outputs_show_the_message_not_the_frames(book_build):
    """The chapters' deliberate errors are shown as a message, without traceback frames."""
    for page, message in [("book/ch04_stride_output_size.html", "output size OH is not an integer"),
                          ("book/ch10_training.html", "this network expects")]:
        soup = BeautifulSoup((HTML / page).read_text(encoding="utf-8"), "html.parser")
        errors = [div.get_text() for div in soup.select("div.cell_output .traceback")]
        assert any(message in text for text in errors), f"{page}: no error output with {message!r}"
        assert not any("File " in text or "Traceback" in text for text in errors), f"{page}: a full traceback"


def test_exercise_links_point_into_the_published_site(book_build):
    """The exercise links are relative links to the notebooks that `autograder publish` copies
    next to the book, with the download attribute; nothing links to the placeholder repository."""
    links = 0
    for name in pages():
        soup = BeautifulSoup((HTML / name).read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a.exercise-link"):
            href = link["href"]
            assert href.startswith("../exercises/") and href.endswith(".ipynb"), (name, href)
            assert link.has_attr("download"), (name, href)
            # The published site is the book with exercises/ at its root (autograder/publish.py).
            target = (HTML / name).parent / href
            assert (REPO / target.resolve().relative_to(HTML.resolve())).is_file(), (name, href)
            links += 1
        placeholder = [a["href"] for a in soup.find_all("a", href=True) if bookext.PLACEHOLDER_REPOSITORY in a["href"]]
        assert not placeholder, f"{name} links to the placeholder repository: {placeholder}"
    assert links >= len(bookext.course_assignments())


def test_the_build_says_once_that_the_repository_is_a_placeholder(book_build):
    _, log = book_build
    notices = [line for line in log.splitlines() if "is the placeholder" in line]
    assert len(notices) == 1, notices


def test_students_guide_links_every_exercise_into_the_site(book_build):
    soup = BeautifulSoup((HTML / "book/appendix_students.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in soup.find_all("a", href=True) if a.has_attr("download")}
    assert {f"../exercises/{n}/{n}.ipynb" for n in bookext.course_assignments()} <= hrefs


# --------------------------------------------------------------------------------------------
# A phone screen

PHONE = {"width": 390, "height": 844}
BAD_EXPLORER_STYLE = "<style>.sx-grid { padding: 24px 0 !important; } .sx-grids { row-gap: 2em !important; }</style>"


def test_explorers_fit_a_phone_screen(book_build, browser):
    """On a 390-pixel-wide screen the explorers' grids wrap without a large gap, and no output
    or explorer cuts its text."""
    problems = {}
    with serve(HTML) as base_url:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        for name in pages():
            if 'class="sx"' not in (HTML / name).read_text(encoding="utf-8"):
                continue
            page.goto(base_url + name, wait_until="load")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.sx')).every(e => e.dataset.ready === '1')")
            found = explorer_gaps(page) + cut_text(page)
            if found:
                problems[name] = found
        context.close()
    assert not problems, problems


def test_phone_check_catches_a_gap(browser, tmp_path):
    """The gap check is not vacuous: an explorer with the theme's old figure padding fails it."""
    # Padding 2 makes the input 8 x 8: on a phone, the output wraps onto a second line.
    explorer = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(X, W)}, pads=(2,), strides=(1,))
    for name, extra in [("good.html", ""), ("bad.html", BAD_EXPLORER_STYLE)]:
        (tmp_path / name).write_text(f"<!DOCTYPE html><html><body><article>{explorer.static_html()}{extra}"
                                     "</article></body></html>", encoding="utf-8")
    with serve(tmp_path) as base_url:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        found = {}
        for name in ("good.html", "bad.html"):
            page.goto(base_url + name, wait_until="load")
            page.wait_for_function("() => document.querySelector('.sx').dataset.ready === '1'")
            found[name] = explorer_gaps(page)
        context.close()
    assert found["good.html"] == [] and found["bad.html"], found
