"""An assignment is one folder: a new one, added to a copy of the course, works end to end.

The test copies the course (grader, library, source and released notebooks) to a temporary
folder, adds `solutions/relu/` (a notebook, its grading specification) and nothing else, then
runs the instructor's commands there: release, collect an honest and an empty submission,
grade, export. Every file outside the new folder and its release must be unchanged.

The new assignment has no translation catalog (solutions/relu/ko.po), so it is offered in
English only: no Korean notebook is released, and a notebook that claims to be Korean is
graded in English, to the same score (see autograder/editions.py).
"""

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap

import nbformat
import pytest

from autograder.config import REPO_ROOT
from autograder.sandbox import bwrap_path

SOLUTION = "### BEGIN SOLUTION\n{}\n### END SOLUTION"
HIDDEN = "### BEGIN HIDDEN TESTS\n{}\n### END HIDDEN TESTS"

GRADING = textwrap.dedent('''\
    """relu: the rectified linear unit, forward and backward, on random arrays of any shape."""

    import numpy as np

    from autograder.probes import Case, Probe, Spec


    def make_cases(rng):
        for shape in [(3, 4), (2, 3, 5), (1, 2, 2, 3)]:
            yield Case(f"x {shape}", dict(x=rng.standard_normal(shape), dout=rng.standard_normal(shape)))


    SPEC = Spec(
        name="relu",
        order=6,
        probes=[
            Probe("forward", make_cases, lambda f, c: {"out": f["relu_forward"](c.x.copy())},
                  lambda c: {"out": np.maximum(c.x, 0)}),
            Probe("backward", make_cases, lambda f, c: {"dx": f["relu_backward"](c.dout.copy(), c.x.copy())},
                  lambda c: {"dx": c.dout * (c.x > 0)}),
        ],
    )
    ''')


def _cell(kind, source, grade_id=None, points=None):
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell(source, id=grade_id or "intro")
    cell = nbformat.v4.new_code_cell(source, id=grade_id or "setup")
    if grade_id:
        test = kind == "test"
        cell.metadata["nbgrader"] = {
            "grade": test, "grade_id": grade_id, "locked": test, "schema_version": 3, "solution": not test, "task": False,
            **({"points": points} if test else {}),
        }  # fmt: skip
    return cell


def _notebook(forward_test='expect_close("out", relu_forward(np.array([-1.0, 2.0])), [0, 2])'):
    cells = [
        _cell("markdown", "# ReLU\n\nWrite `relu_forward(x)` and `relu_backward(dout, x)`."),
        _cell("code", "import numpy as np\nfrom autograder.notebook import expect_close, hidden_tests"),
        _cell("answer", "def relu_forward(x):\n" + textwrap.indent(SOLUTION.format("return np.maximum(x, 0)"), "    "), "relu_forward"),
        _cell("test", forward_test + "\n" + HIDDEN.format('hidden_tests("relu", "forward", relu_forward=relu_forward)'), "test_forward", 2),
        _cell("answer", "def relu_backward(dout, x):\n" + textwrap.indent(SOLUTION.format("return dout * (x > 0)"), "    "),
              "relu_backward"),
        _cell("test", 'expect_close("dx", relu_backward(np.ones(2), np.array([-1.0, 2.0])), [0, 1])\n'
              + HIDDEN.format('hidden_tests("relu", "backward", relu_backward=relu_backward)'), "test_backward", 3),
    ]  # fmt: skip
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _digests(root, skip):
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and "__pycache__" not in relative.parts and not any(relative.is_relative_to(s) for s in skip):
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _copy_of_the_course(tmp_path):
    course = tmp_path / "course"
    for name in ("autograder", "lib", "solutions", "exercises"):
        shutil.copytree(REPO_ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__", "cases"))
    shutil.copy(REPO_ROOT / "nbgrader_config.py", course)
    return course, dict(os.environ, PYTHONPATH=f"{course}{os.pathsep}{course / 'lib'}")


def test_a_check_the_grader_cannot_read_stops_the_release_with_its_cell_and_line(tmp_path):
    course, environment = _copy_of_the_course(tmp_path)
    folder = course / "solutions" / "relu"
    folder.mkdir()
    looped = 'for value in (-1.0, 2.0):\n    expect_close("out", relu_forward(np.array([value])), [max(value, 0)])'
    nbformat.write(_notebook(forward_test=looped), folder / "relu.ipynb")
    (folder / "grading.py").write_text(GRADING)
    run = subprocess.run([sys.executable, "-m", "autograder", "--workdir", str(tmp_path / "wd"), "release", "relu"],
                         cwd=course, env=environment, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 2
    assert "error: relu, test cell 'test_forward', line 2: expect_close(...) is inside a loop" in run.stderr
    assert not (course / "exercises" / "relu").exists()


@pytest.mark.skipif(not bwrap_path(), reason="needs bubblewrap with user namespaces")
def test_a_new_assignment_is_one_folder(tmp_path):
    course, environment = _copy_of_the_course(tmp_path)
    before = _digests(course, [])

    folder = course / "solutions" / "relu"
    folder.mkdir()
    nbformat.write(_notebook(), folder / "relu.ipynb")
    (folder / "grading.py").write_text(GRADING)

    workdir = tmp_path / "workdir"

    def autograder(*arguments):
        run = subprocess.run([sys.executable, "-m", "autograder", "--workdir", str(workdir), *arguments],
                             cwd=course, env=environment, capture_output=True, text=True, timeout=600)  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    assert "relu" in autograder("grade", "--help")  # the command line found the new folder
    autograder("release", "relu")
    released = nbformat.read(course / "exercises" / "relu" / "relu.ipynb", as_version=4)
    assert sorted(p.name for p in (course / "exercises" / "relu").iterdir()) == ["relu.ipynb"]  # no grading.py
    assert not (course / "exercises" / "ko" / "relu").exists()  # no ko.po: offered in English only

    honest = copy.deepcopy(released)
    honest.metadata["scratchcnn"] = {"edition": "ko"}  # a claim the assignment cannot honour
    for cell in honest.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "relu_forward":
            cell.source = "def relu_forward(x):\n    return np.where(x > 0, x, 0.0)"
        elif grade_id == "relu_backward":
            cell.source = "def relu_backward(dout, x):\n    return np.where(x > 0, dout, 0.0)"
    submissions = tmp_path / "class"
    for student, notebook in (("honest", honest), ("empty", released)):
        (submissions / student).mkdir(parents=True)
        nbformat.write(notebook, submissions / student / "relu.ipynb")
    autograder("collect", "relu", str(submissions))
    autograder("grade", "relu")
    autograder("export", str(tmp_path / "grades.csv"), "--assignment", "relu")
    rows = (tmp_path / "grades.csv").read_text().splitlines()
    assert rows[1:] == ["empty,relu,0,5,graded,0,0,0", "honest,relu,5,5,graded,5,0,5"]
    result = json.loads((workdir / "results" / "relu" / "honest.json").read_text())
    assert result["cells"]["test_backward"]["messages"] == []
    assert result["edition"] == "en"

    after = _digests(course, [os.path.join("solutions", "relu"), os.path.join("exercises", "relu")])
    assert after == before  # nothing outside the new folder (and its release) was edited
