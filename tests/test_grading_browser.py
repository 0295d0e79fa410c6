"""Issue 10, item 3: nothing a student controls runs in the instructor's browser.

The hostile submissions are solutions/toyConv/cases/xss_*.py (each says what it tries and
what the right outcome is), graded with the instructor's own commands in one temporary
working folder, next to the honest ``full`` submission:

    python -m autograder --workdir WD collect toyConv CLASS
    python -m autograder --workdir WD grade toyConv --jobs 2 --timeout 20
    python -m autograder --workdir WD feedback toyConv

Then Debian's Chromium (through Playwright) opens every feedback page from disk (file://) and,
on a real Jupyter server (JupyterLab with nbgrader's formgrader, on 127.0.0.1, a free port and
a token, AUTOGRADER_WORKDIR set to the working folder, the repository root as its root),
formgrader's gradebook list and each student's submission view. Every payload, if it ran,
would set ``window.__pwned``, log "PWNED", PUT ``pwned-<label>.txt`` through the contents API
with the session's XSRF token and request an image whose URL holds PWNED; none of that may
happen (book_support.browser.HostileWatcher records it, and the payloads left live in the
DOM that one click would run). test_the_detectors_catch_a_script_that_runs proves the
watcher sees a payload that does run, and that such a payload can write through the API.

xss_markdown and xss_metadata carry a file ``xss-notebook.json`` that this module merges into
the submitted notebook (markdown, raw and code cells to add, cell and notebook metadata);
test_grading_attacks grades them as plain extra files. Run:

    .venv/bin/python -m pytest tests/test_grading_browser.py -v

To look by hand: keep the working folder (it is printed on failure) and run
``AUTOGRADER_WORKDIR=WD jupyter lab`` in the repository root, then open /formgrader.
"""

import base64
import binascii
import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.config import REPO_ROOT, cases_folder
from book_support.browser import CHROMIUM, PWNED, HostileWatcher, launched_chromium
from book_support.jupyter import jupyter_lab
from grading_cases import build, cases

ASSIGNMENT = "toyConv"
HOSTILE = [case for case in cases(ASSIGNMENT) if case.name.startswith("xss_")]
CONTROL = "full"  # an honest student, graded and shown alongside
STUDENTS = sorted([case.name for case in HOSTILE] + [CONTROL])
EXTENSION = "xss-notebook.json"  # merged into the notebook by write_hostile
TIME_LIMIT = 20
MAX_GRADED_BYTES = 3 * 2**20  # a graded copy (text and small PNGs); the huge case forges 25 MB
MAX_FEEDBACK_BYTES = 4 * 2**20  # a feedback page: the graded copy plus nbconvert's CSS
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STRICT_CSP = re.compile(r"(default-src|script-src)\s+'none'", re.IGNORECASE)
SERVER_START = 90  # seconds


def _bwrap():
    from autograder.sandbox import bwrap_path

    return bwrap_path()


pytestmark = [
    pytest.mark.timeout(900),  # per test, fixtures included: grading, feedback and the server start in the first
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(not shutil.which("bwrap") or not _bwrap(), reason="the sandbox needs bubblewrap with user namespaces"),
]


# --- the submissions ------------------------------------------------------------------------


def _anchor(cells, grade_id):
    for index, cell in enumerate(cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def write_hostile(case, folder):
    """grading_cases.write_submission, plus the notebook changes of the case's xss-notebook.json:

    ``{"cells": [{"after": GRADE_ID, "cell": CELL}], "cell_metadata": {GRADE_ID: {...}},
    "notebook_metadata": {...}}`` (cells are inserted in order after that cell; metadata is
    merged key by key).
    """
    notebook, files = build(case)
    extension = json.loads(files[EXTENSION]) if EXTENSION in files else {}
    cells = notebook["cells"]
    for grade_id, metadata in extension.get("cell_metadata", {}).items():
        cell = cells[_anchor(cells, grade_id)]
        cell["metadata"] = {**cell.get("metadata", {}), **metadata}
    inserted = {}
    for item in extension.get("cells", []):
        position = _anchor(cells, item["after"]) + 1 + inserted.get(item["after"], 0)
        cells.insert(position, item["cell"])
        inserted[item["after"]] = inserted.get(item["after"], 0) + 1
    notebook["metadata"] = {**notebook.get("metadata", {}), **extension.get("notebook_metadata", {})}
    student = Path(folder) / case.name
    student.mkdir(parents=True, exist_ok=True)
    (student / f"{case.assignment}.ipynb").write_text(json.dumps(notebook, indent=1))
    for name, text in files.items():
        (student / name).write_text(text)
    return student


def _autograder(workdir, *args, timeout):
    """``python -m autograder --workdir WD ARGS`` as the instructor runs it: (exit code, output)."""
    command = [sys.executable, "-m", "autograder", "--workdir", str(workdir), *args]
    try:
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired as error:
        return None, f"timed out after {timeout} s: {error.stdout or ''}{error.stderr or ''}"
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    folder, workdir = tmp / "class", tmp / "workdir"
    for case in HOSTILE + [c for c in cases(ASSIGNMENT) if c.name == CONTROL]:
        write_hostile(case, folder)
    steps = {}
    steps["collect"] = _autograder(workdir, "collect", ASSIGNMENT, str(folder), timeout=120)
    assert steps["collect"][0] == 0, steps["collect"][1][-3000:]
    steps["grade"] = _autograder(workdir, "grade", ASSIGNMENT, "--jobs", "2", "--timeout", str(TIME_LIMIT), timeout=600)
    assert steps["grade"][0] == 0, steps["grade"][1][-3000:]
    steps["feedback"] = _autograder(workdir, "feedback", ASSIGNMENT, timeout=600)
    results = {}
    for student in STUDENTS:
        path = workdir / "results" / ASSIGNMENT / f"{student}.json"
        results[student] = json.loads(path.read_text()) if path.is_file() else None
    return {"tmp": tmp, "workdir": workdir, "steps": steps, "results": results}


def _graded_copy(graded, student):
    return graded["workdir"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _feedback_page(graded, student):
    return graded["workdir"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    pytest.importorskip("playwright.sync_api")
    with launched_chromium(timeout=60_000) as browser:
        yield browser


def _pwned_files():
    return {path.name for path in REPO_ROOT.glob("pwned-*.txt")}


@pytest.fixture(scope="module")
def server(graded):
    """JupyterLab with formgrader on 127.0.0.1 over the graded working folder; torn down after."""
    tmp = graded["tmp"]
    before = _pwned_files()
    environment = dict(
        os.environ,
        AUTOGRADER_WORKDIR=str(graded["workdir"]),
        JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "jupyter-workspaces"),
    )
    options = ("--ServerApp.open_browser=False", "--ServerApp.allow_remote_access=False")
    try:
        with jupyter_lab([sys.executable, "-m", "jupyterlab"], REPO_ROOT, cwd=REPO_ROOT, environment=environment,
                         log_path=tmp / "jupyter.log", start_seconds=SERVER_START, options=options) as (base, token):  # fmt: skip
            yield {"base": base, "token": token, "pwned_before": before, "log": tmp / "jupyter.log"}
    finally:
        # Whatever a payload wrote through the contents API is evidence (see
        # test_no_file_was_written_through_the_contents_api), not something to leave in the repository.
        for name in _pwned_files() - before:
            (REPO_ROOT / name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def formgrader(server, chromium):
    """A logged-in browser context on the server, its watcher, and {student: submission id}."""
    context = chromium.new_context()
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    watcher = HostileWatcher(context, allowed_prefixes=(server["base"] + "/", "data:", "about:", "blob:"))
    page = context.new_page()
    # Log in the way an instructor does, at the server's root (a token given to a formgrader URL
    # sets a login cookie for /formgrader only), then open formgrader (which sets _xsrf).
    response = page.goto(f"{server['base']}/api/status?token={server['token']}", wait_until="load")
    assert response.status == 200, f"the server answered HTTP {response.status} to the token"
    response = page.goto(f"{server['base']}/formgrader/manage_students", wait_until="load")
    assert response.status == 200, f"formgrader answered HTTP {response.status}"
    listed = context.request.get(f"{server['base']}/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    assert listed.status == 200, f"formgrader's API answered HTTP {listed.status}: {listed.text()[:500]}"
    ids = {entry["student"]: entry["id"] for entry in listed.json()}
    page.close()
    watcher.take()
    yield {"context": context, "watcher": watcher, "ids": ids, **server}
    context.close()


@pytest.fixture(scope="module")
def files_context(chromium):
    context = chromium.new_context()
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(90_000)
    watcher = HostileWatcher(context, allowed_prefixes=("file:", "data:", "about:", "blob:"))
    yield context, watcher
    context.close()


def _payload(label):
    """The payload of the fixtures (solutions/toyConv/cases/shared/xss_payloads.py), for the control test."""
    return runpy.run_path(str(cases_folder("toyConv") / "shared" / "xss_payloads.py"))["_pwn"](label)


def _summary(problems, examples=6):
    """The watcher's findings grouped by kind, with counts and a few examples of each."""
    groups = {}
    for problem in problems:
        kind = problem.split(":", 1)[0].split(" (")[0]
        kind = "live payload" if kind.startswith("live payload") else kind.split(" = ")[0]
        kind = "request" if kind.startswith("request") else kind
        groups.setdefault(kind, []).append(problem)
    lines = []
    for kind, items in sorted(groups.items()):
        lines.append(f"{len(items)} x {kind}:")
        lines += [f"    {item[:220]}" for item in items[:examples]]
    return "\n".join(lines)


def _visit(page, watcher, url):
    """Open ``url``; (HTTP status or None, the problems the watcher found)."""
    try:
        response = page.goto(url, wait_until="load")
    except Exception as error:  # a page that never loads is a finding too
        return None, watcher.take() + [f"did not load: {str(error)[:200]}"]
    watcher.inspect(page)
    return (response.status if response else None), watcher.take()


# --- the tests ------------------------------------------------------------------------------


def test_the_detectors_catch_a_script_that_runs(graded, files_context, formgrader, tmp_path):
    """Positive control: a payload that runs is seen, and in formgrader's origin it can write
    through the contents API with the session's XSRF token (so the attack is real)."""
    context, watcher = files_context
    page = context.new_page()
    canary = tmp_path / "canary.html"
    canary.write_text(f"<!doctype html><title>canary</title><script>{_payload('canary-file')}</script>"
                      f"<a href=\"javascript:{_payload('canary-link')}\">x</a>")
    _, problems = _visit(page, watcher, canary.as_uri())
    page.close()
    text = "\n".join(problems)
    assert "console: PWNED canary-file" in text, problems
    assert "window.__pwned = 'canary-file'" in text, problems
    assert "PWNED-canary-file.png" in text, problems
    assert "live payload" in text and "javascript:" in text, problems

    label = f"canary-{secrets.token_hex(4)}"
    page = formgrader["context"].new_page()
    status, _ = _visit(page, formgrader["watcher"], f"{formgrader['base']}/formgrader/manage_students")
    assert status == 200
    page.evaluate(_payload(label))
    written = REPO_ROOT / f"pwned-{label}.txt"
    try:
        for _ in range(50):
            if written.exists():
                break
            page.wait_for_timeout(100)
        assert written.exists(), "a script in formgrader's origin could not write through the contents API"
        page.wait_for_timeout(500)  # let the server finish the request before the file goes
    finally:
        written.unlink(missing_ok=True)
        page.close()
    assert any("/api/contents/pwned-canary" in p for p in formgrader["watcher"].take())


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_each_hostile_submission_gets_the_score_its_code_earns(graded, case):
    result = graded["results"][case.name]
    assert result is not None, f"no result for {case.name}:\n{graded['steps']['grade'][1][-2000:]}"
    assert (result["score"], case.status_matches(result["status"])) == (case.score, True), result["status"]


@pytest.mark.parametrize("student", STUDENTS)
def test_graded_copies_are_valid_small_and_keep_only_text_and_png(graded, student):
    path = _graded_copy(graded, student)
    assert path.is_file(), f"no graded copy for {student}"
    problems = []
    size = path.stat().st_size
    if size >= MAX_GRADED_BYTES:
        problems.append(f"the graded copy is {size / 2**20:.1f} MB")
    notebook = json.loads(path.read_text())
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        problems.append(f"not valid nbformat: {error.message} (at {list(error.absolute_path)})")
    for index, cell in enumerate(notebook["cells"]):
        if "attachments" in cell:
            problems.append(f"cell {index} keeps attachments {sorted(cell['attachments'])}")
        student_text = json.dumps([cell.get("id"), cell.get("metadata")])
        if "__pwned" in student_text or PWNED in student_text:
            problems.append(f"cell {index} keeps the student's id or metadata: {student_text[:200]}")
        raw_format = cell.get("metadata", {}).get("raw_mimetype") or cell.get("metadata", {}).get("format")
        if cell["cell_type"] == "raw" and raw_format:
            problems.append(f"raw cell {index} is rendered as {cell['metadata']}")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                if output.get("name") not in ("stdout", "stderr"):
                    problems.append(f"cell {index}: a stream named {str(output.get('name'))[:80]!r}")
                continue
            if kind == "error":
                continue
            extra = set(output.get("data", {})) - {"text/plain", "image/png"}
            if extra:
                problems.append(f"cell {index}: a {kind} output keeps {sorted(extra)}")
            if "image/png" in output.get("data", {}):
                try:
                    image = base64.b64decode(output["data"]["image/png"], validate=True)
                except (binascii.Error, ValueError, TypeError):
                    image = b""
                if not image.startswith(PNG_SIGNATURE):
                    problems.append(f"cell {index}: an image/png that is not a PNG: {str(output['data']['image/png'])[:60]!r}")
            metadata = json.dumps(output.get("metadata", {}))
            if "filenames" in metadata or "isolated" in metadata or "__pwned" in metadata or PWNED in metadata:
                problems.append(f"cell {index}: output metadata {metadata[:120]}")
    text = json.dumps(notebook["metadata"])
    if "__pwned" in text or PWNED in text or "widgets" in notebook["metadata"]:
        problems.append(f"the notebook metadata keeps the student's: {text[:200]}")
    assert not problems, "\n".join(problems)


def test_feedback_writes_a_page_for_every_student(graded):
    code, output = graded["steps"]["feedback"]
    missing = [s for s in STUDENTS if not _feedback_page(graded, s).is_file()]
    assert code == 0 and not missing, f"feedback exited with {code}; no page for {missing}; its output:\n{output[-2500:]}"


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_pages_are_small_and_carry_a_strict_csp(graded, student):
    page = _feedback_page(graded, student)
    if not page.is_file():
        pytest.fail(f"no feedback page for {student}")
    size = page.stat().st_size
    html = page.read_text(errors="replace")
    metas = [m for m in re.findall(r"<meta\b[^>]*>", html, re.IGNORECASE) if re.search(r"http-equiv\s*=\s*[\"']?content-security-policy", m, re.IGNORECASE)]
    assert metas, "no <meta http-equiv=\"Content-Security-Policy\"> in the feedback page"
    first = metas[0]
    assert STRICT_CSP.search(first), f"the policy is not strict (default-src or script-src 'none'): {first}"
    dangerous = re.search(r"<(script|img|iframe|object|embed|svg|link|base|style)\b", html, re.IGNORECASE)
    assert dangerous is None or html.index(first) < dangerous.start(), (
        f"the policy comes after {html[dangerous.start():dangerous.start() + 60]!r}; a <meta> policy only covers what follows it"
    )
    assert size < MAX_FEEDBACK_BYTES, f"the feedback page is {size / 2**20:.1f} MB"


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_pages_run_nothing_in_chromium(graded, files_context, student):
    context, watcher = files_context
    folder = _feedback_page(graded, student).parent
    pages = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".html", ".htm", ".svg", ".xhtml", ".xml"))
    assert pages, f"no feedback page for {student}"
    found = {}
    for path in pages:
        page = context.new_page()
        try:
            _, problems = _visit(page, watcher, path.as_uri())
            if problems:
                found[path.name] = problems
            if path.name == f"{ASSIGNMENT}.html":
                assert page.locator("body").inner_text(timeout=30_000).strip(), "the feedback page shows nothing"
        finally:
            page.close()
    assert not found, "\n".join(f"{name}:\n{_summary(problems)}" for name, problems in found.items())


@pytest.mark.parametrize("student", STUDENTS)
def test_formgrader_submission_view_runs_nothing(graded, formgrader, student):
    assert student in formgrader["ids"], f"formgrader does not list {student}"
    base, submission = formgrader["base"], formgrader["ids"][student]
    page = formgrader["context"].new_page()
    try:
        status, problems = _visit(page, formgrader["watcher"], f"{base}/formgrader/submissions/{submission}/")
        assert status == 200, f"HTTP {status} for {student}'s submission view; server log:\n{_log_tail(formgrader)}"
        text = page.locator("body").inner_text(timeout=30_000)
        assert "conv_forward" in text and "test_conv_backward_hidden" in text, "the submission view does not show the notebook"
        assert student in page.content(), f"the submission view does not name {student}"
        # Files a student submitted, served from the autograded folder if the grader put them there.
        served = []
        for name in _submitted_names(graded, student):
            if name.endswith(".ipynb"):
                continue
            url = f"{base}/formgrader/submissions/{submission}/{urllib.request.quote(name)}"
            response = formgrader["context"].request.get(url)
            kind = response.headers.get("content-type", "")
            if response.status == 200 and re.search(r"html|svg|xml|javascript", kind):
                served.append(f"{name!r} served as {kind}")
                file_status, file_problems = _visit(page, formgrader["watcher"], url)
                problems += file_problems
    finally:
        page.close()
    assert not problems and not served, "\n".join(served) + "\n" + _summary(problems)


def _submitted_names(graded, student):
    folder = graded["workdir"] / "submitted" / student / ASSIGNMENT
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _log_tail(formgrader):
    return Path(formgrader["log"]).read_text(errors="replace")[-2500:]


def test_formgrader_lists_every_student_and_runs_nothing(graded, formgrader):
    base = formgrader["base"]
    page = formgrader["context"].new_page()
    problems = {}
    try:
        for path in (f"/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}", f"/formgrader/manage_submissions/{ASSIGNMENT}",
                     "/formgrader/manage_students"):
            status, found = _visit(page, formgrader["watcher"], base + path)
            assert status == 200, f"HTTP {status} for {path}"
            for student in STUDENTS:
                try:
                    # in the DOM: formgrader's gradebook hides names until asked to show them
                    page.get_by_text(student, exact=False).first.wait_for(state="attached", timeout=10_000)
                except Exception:
                    found.append(f"{student} not shown")
            if found:
                problems[path] = found
    finally:
        page.close()
    assert not problems, json.dumps(problems, indent=1)[:6000]


def test_no_file_was_written_through_the_contents_api(graded, formgrader):
    """Runs after the pages above (pytest keeps the file's order)."""
    written = sorted(n for n in _pwned_files() - formgrader["pwned_before"] if not n.startswith("pwned-canary-"))
    log = Path(formgrader["log"]).read_text(errors="replace")
    puts = sorted({n for n in re.findall(r"PUT /api/contents/(pwned-[^ ?]+)", log) if not n.startswith("pwned-canary-")})
    assert not written and not puts, f"written in {REPO_ROOT}: {written}; PUT requests in the server log: {puts}"
