"""A student's install (`make student`): JupyterLab with Validate and none of the instructor's tools.

`make student` builds the separate environment .venv-student from pyproject.toml's `student`
extra and switches nbgrader's instructor parts off in it (autograder/student_env.py); it is
a no-op when the environment is up to date, and takes a few minutes the first time. The test
starts that environment's JupyterLab on 127.0.0.1 (a free port, a token, a folder of the
student's own holding copies of an exercise), opens the exercise in Debian's Chromium, clicks
Validate on a correct and on a wrong solution, and looks for the instructor's panels.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.compare import MISTAKES
from autograder.config import REPO_ROOT, release_notebook
from book_support.browser import CHROMIUM, launched_chromium
from book_support.jupyter import http_status, jupyter_lab
from grading_cases import solution_answers

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason=f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)"
)

STUDENT_VENV = REPO_ROOT / ".venv-student"
BIN = STUDENT_VENV / ("Scripts" if sys.platform == "win32" else "bin")
SERVER_START = 90  # seconds
VALIDATE = 180  # seconds for a validation (it runs the whole notebook in a new kernel)


@pytest.fixture(scope="module")
def student_env():
    """The student's environment, built or updated by `make student`."""
    done = subprocess.run(["make", "student"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, f"make student failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    check = subprocess.run([BIN / "python", "-m", "autograder.student_env", "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return STUDENT_VENV


def _notebook(answers):
    notebook = nbformat.read(release_notebook("toyConv"), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """A student's own folder: toyConv solved, and toyConv with the final transpose forgotten."""
    folder = tmp_path_factory.mktemp("student")
    answers = solution_answers("toyConv")
    nbformat.write(_notebook(answers), folder / "toyConv.ipynb")
    answers["conv_forward"] = answers["conv_forward"].replace(".transpose(0, 3, 1, 2)", "")
    nbformat.write(_notebook(answers), folder / "toyConv_wrong.ipynb")
    shutil.copy(release_notebook("toyConv"), folder / "toyConv_untouched.ipynb")
    return folder


@pytest.fixture(scope="module")
def lab(student_env, student_folder, tmp_path_factory):
    """The student environment's JupyterLab serving the student's folder; torn down after."""
    tmp = tmp_path_factory.mktemp("lab")
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))
    }
    environment.update(
        PATH=f"{BIN}{os.pathsep}{environment.get('PATH', '')}",
        # Nothing of this computer's own Jupyter setup: only the environment's configuration.
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    log_path = tmp / "jupyter.log"
    with jupyter_lab([str(BIN / "jupyter-lab")], student_folder, cwd=student_folder, environment=environment,
                     log_path=log_path, start_seconds=SERVER_START,
                     options=("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",)) as (base, token):  # fmt: skip
        yield {"base": base, "token": token, "log": log_path}


@pytest.fixture(scope="module")
def browser():
    with launched_chromium(timeout=60_000) as chromium:
        yield chromium


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(lab["base"]) else route.abort())
    page = context.new_page()
    yield page
    context.close()


def _open(page, lab, name):
    # ?reset: a fresh workspace, with only this notebook open (not the last test's as well).
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}", wait_until="load")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").filter(has=page.locator(".jp-Cell")).first
    panel.wait_for()
    page.get_by_role("tab", name=name).first.wait_for()
    return panel.locator(".jp-NotebookPanel-toolbar .validate-button").first


def _validate(page, lab, name):
    """Open ``name``, click Validate, return the result dialog's text."""
    button = _open(page, lab, name)
    button.wait_for(state="visible")
    button.click()
    dialog = page.locator("#validation-message")
    dialog.wait_for(timeout=VALIDATE * 1000)
    text = dialog.inner_text()
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    return text


def test_validate_reports_success_on_a_correct_solution(page, lab):
    text = _validate(page, lab, "toyConv.ipynb")
    assert "Success! Your notebook passes all the tests." in text, text


def test_validate_shows_the_hint_on_a_wrong_solution(page, lab):
    text = _validate(page, lab, "toyConv_wrong.ipynb")
    flat = " ".join(text.split())
    assert "The following cell failed" in flat, text
    assert " ".join(f"out (lecture example): {MISTAKES['not_transposed'].sentence}".split()) in flat, text
    assert "site-packages" not in flat and "autograder/" not in flat, "the grader's own frames are hidden"


def test_no_instructor_tool_is_there(page, lab):
    _open(page, lab, "toyConv_untouched.ipynb").wait_for(state="visible")
    page.wait_for_timeout(1000)  # let late plugins add their panels
    assert page.locator("#nbgrader-create_assignemnt").count() == 0, "the Create Assignment panel is there"
    assert page.locator("#jp-mainmenu-nbgrader").count() == 0, "the Nbgrader menu is there"
    menu_bar = page.locator("#jp-menu-panel, .lm-MenuBar").first.inner_text()
    assert "Nbgrader" not in menu_bar
    sidebar = " ".join(page.locator(".jp-SideBar").all_inner_texts())
    assert not re.search(r"Create Assignment|Formgrader|Assignments|Courses", sidebar), sidebar
    for path in ("formgrader", "formgraders", "assignments", "courses"):
        assert http_status(f"{lab['base']}/{path}?token={lab['token']}") == 404, f"/{path} is served"
