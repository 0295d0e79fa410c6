"""A small class through the instructor's command line: roster, collect, grade, feedback, export.

Six students: a full solution (ada), the untouched release (ben), a partly right one (cy),
one whose code raises (dee), one who submitted nothing (eve) and one whose notebook lost its
nbgrader metadata and needs a look by hand (hal). Two submit through an LMS export (flat
file names), three as folders, all in one zip.
"""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder import cli
from autograder.collect import collect
from autograder.config import REPO_ROOT, Workdir
from autograder.export import rows
from autograder.grade import grade, load_results
from autograder.gradebook import open_gradebook
from autograder.sandbox import bwrap_path
from grading_cases import build, cases

# Without bubblewrap (a machine without user namespaces) the scores are the same, unisolated.
SANDBOX = {} if bwrap_path() else {"use_bwrap": False}
SANDBOX_FLAG = [] if bwrap_path() else ["--no-sandbox"]

SUBMISSIONS = {
    "ada/toyConv.ipynb": "full",
    "ben/toyConv.ipynb": "untouched",
    "cy_12345_attempt2_toyConv.ipynb": "partly_right",
    "dee_98765_toyConv.ipynb": "raises",
    "hal/toyConv.ipynb": "deleted_metadata",
}
HAL_STATUS = "manual: answer cell 'conv_forward' not found in the submission (nbgrader metadata deleted?)"
EXPECTED_CSV = """\
student_id,assignment,score,max_score,status,raw_score,late_penalty,final_score
ada,toyConv,10,10,graded,10,0,10
ben,toyConv,0,10,graded,0,0,0
cy,toyConv,4,10,graded,4,0,4
dee,toyConv,5,10,graded,5,0,5
eve,toyConv,0,10,missing,0,0,0
hal,toyConv,10,10,{HAL_STATUS},10,0,10
""".format(HAL_STATUS=HAL_STATUS)


def _class_zip(folder):
    by_name = {case.name: case for case in cases("toyConv")}
    archive = folder / "class.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, case in SUBMISSIONS.items():
            zipped.writestr(name, json.dumps(build(by_name[case])[0]))
    return archive


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    workdir = tmp / "workdir"
    roster = tmp / "roster.csv"
    roster.write_text("\ufeffStudent ID,name\nada,Ada\nben,Ben\ncy,Cy\ndee,Dee\neve,Eve\nhal,Hal\n")  # a spreadsheet's CSV
    run = ["--workdir", str(workdir)]
    assert cli.main(run + ["roster", str(roster)]) == 0
    assert cli.main(run + ["collect", "toyConv", str(_class_zip(tmp))]) == 0
    assert cli.main(run + ["grade", "toyConv", "--jobs", "2"] + SANDBOX_FLAG) == 0
    assert cli.main(["export", str(tmp / "grades.csv")] + run) == 0  # --workdir after the command works too
    return Workdir(workdir), tmp


def test_export_has_exactly_the_expected_scores(graded_class):
    _, tmp = graded_class
    assert (tmp / "grades.csv").read_text() == EXPECTED_CSV


def test_feedback_is_one_html_page_per_student(graded_class):
    workdir, _ = graded_class
    assert cli.main(["--workdir", str(workdir.root), "feedback", "toyConv"]) == 0
    pages = {p.parts[-3]: p.read_text() for p in workdir.feedback.glob("*/toyConv/toyConv.html")}
    assert sorted(pages) == ["ada", "ben", "cy", "dee", "hal"]
    assert "test_conv_backward_hidden: passed, 3 of 3 points" in pages["ada"]
    assert "out (stride 2, pad 1) has shape (2, 5, 2, 2); expected (2, 5, 3, 3)" in pages["cy"]
    assert "NameError" in pages["dee"]


def test_regrading_is_idempotent_and_keeps_manual_grades(graded_class):
    workdir, _ = graded_class
    before = load_results(workdir, "toyConv")
    with open_gradebook(workdir) as gb:
        grade_row = gb.find_grade("test_conv_forward_hidden", "toyConv", "toyConv", "cy")
        grade_row.manual_score = 3.0
        gb.find_comment("conv_forward", "toyConv", "toyConv", "cy").manual_comment = "Padding: see the lecture."
        gb.db.commit()
    backups = len(list(workdir.backups.glob("*.db")))
    grade("toyConv", workdir, jobs=2, force=True, progress=False, **SANDBOX)
    after = load_results(workdir, "toyConv")
    strip = lambda results: {s: {k: v for k, v in r.items() if k != "seconds"} for s, r in results.items()}
    assert strip(after) == strip(before)
    with open_gradebook(workdir) as gb:
        grade_row = gb.find_grade("test_conv_forward_hidden", "toyConv", "toyConv", "cy")
        assert (grade_row.manual_score, grade_row.auto_score) == (3.0, 0.0)
        assert gb.find_comment("conv_forward", "toyConv", "toyConv", "cy").manual_comment == "Padding: see the lecture."
    assert ["cy", "toyConv", "7", "10", "graded"] in rows(workdir)
    assert len(list(workdir.backups.glob("*.db"))) == backups + 1


def test_a_grader_failure_keeps_the_grade_of_the_earlier_run(graded_class, monkeypatch, capsys):
    """The grader itself fails on cy's notebook during a forced regrade (seen for real: CPython's
    parser on two threads at once, see autograder/syntax.py): not cy's fault, so cy keeps
    the earlier grade, manual grade and comment included, and the message names cy."""
    from autograder import grade as grade_module

    workdir, _ = graded_class
    with open_gradebook(workdir) as gb:
        gb.find_grade("test_conv_forward_hidden", "toyConv", "toyConv", "cy").manual_score = 3.0
        gb.find_comment("conv_forward", "toyConv", "toyConv", "cy").manual_comment = "Padding: see the lecture."
        gb.db.commit()
    before = load_results(workdir, "toyConv")
    export_before = rows(workdir)
    real = grade_module.grade_student

    def failing_for_cy(context, student, entry):
        if student == "cy":
            raise SystemError("AST constructor recursion depth mismatch (before=36, after=31)")
        return real(context, student, entry)

    monkeypatch.setattr(grade_module, "grade_student", failing_for_cy)
    results = grade("toyConv", workdir, jobs=2, force=True, progress=False, students=["ada", "cy"], **SANDBOX)
    assert "cy: error: the grader failed on this submission (SystemError: AST constructor" in capsys.readouterr().err
    assert results["cy"] == before["cy"]
    assert load_results(workdir, "toyConv")["cy"] == before["cy"]
    assert rows(workdir) == export_before
    with open_gradebook(workdir) as gb:
        assert gb.find_grade("test_conv_forward_hidden", "toyConv", "toyConv", "cy").manual_score == 3.0
        assert gb.find_comment("conv_forward", "toyConv", "toyConv", "cy").manual_comment == "Padding: see the lecture."

    # The earlier grade belongs to another submission (or other tests): it is not kept, or a
    # notebook that makes the grader fail would keep an older grade. The error stands alone.
    monkeypatch.setattr(grade_module.Context, "result_key", lambda self, entry: "a new submission")
    results = grade("toyConv", workdir, jobs=1, progress=False, students=["cy"], **SANDBOX)
    assert results["cy"]["status"].startswith("error: the grader failed on this submission (SystemError")
    assert "grader_failed" not in load_results(workdir, "toyConv")["cy"]
    assert [row[2:] for row in rows(workdir) if row[0] == "cy"] == [["0", "10", results["cy"]["status"]]]
    monkeypatch.undo()
    # As before, for the tests below: graded again, and the instructor's grade given again.
    grade("toyConv", workdir, jobs=1, progress=False, students=["cy"], **SANDBOX)
    assert load_results(workdir, "toyConv")["cy"]["score"] == before["cy"]["score"]
    with open_gradebook(workdir) as gb:
        gb.find_grade("test_conv_forward_hidden", "toyConv", "toyConv", "cy").manual_score = 3.0
        gb.find_comment("conv_forward", "toyConv", "toyConv", "cy").manual_comment = "Padding: see the lecture."
        gb.db.commit()


def test_formgrader_sees_the_course_through_the_repository_config(graded_class, monkeypatch):
    """nbgrader's own API (what formgrader serves) reads nbgrader_config.py at the repository root."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    workdir, _ = graded_class
    monkeypatch.setenv("AUTOGRADER_WORKDIR", str(workdir.root))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO_ROOT)).load_config()
    api = NbGraderAPI(config=config)
    release = api.coursedir.format_path(api.coursedir.release_directory, ".", "toyConv")
    assert os.path.normpath(release) == str(REPO_ROOT / "exercises" / "toyConv")
    scores = {s["student"]: s["score"] for s in api.get_submissions("toyConv") if s["submitted"]}
    assert {student: scores[student] for student in ("ada", "ben", "dee")} == {"ada": 10, "ben": 0, "dee": 5}
    assert scores["cy"] in (4, 7)  # 7 once the manual grade of the test above is in
    assert api.get_assignment("toyConv")["num_submissions"] == 5


def test_a_flagged_notebook_is_graded_once_checked_by_hand(graded_class, capsys):
    workdir, _ = graded_class
    status = lambda: {row[0]: row[4] for row in rows(workdir)}["hal"]
    assert status() == HAL_STATUS
    with open_gradebook(workdir) as gb:  # what formgrader's flag button (Ctrl+Shift+F) does
        gb.find_submission_notebook("toyConv", "toyConv", "hal").flagged = False
        gb.db.commit()
    assert status() == "graded (checked by hand)"
    # Regrading the same notebook does not ask for the review again; the summary agrees.
    command = ["grade", "toyConv", "--student", "hal", "--force", "--workdir", str(workdir.root)] + SANDBOX_FLAG
    assert cli.main(command) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 and table[1].split()[:4] == ["hal", "10", "/", "10"]
    assert table[1].endswith("graded (checked by hand)")
    assert status() == "graded (checked by hand)"
    assert cli.main(command[:2] + ["--student", "nobody", "--workdir", str(workdir.root)] + SANDBOX_FLAG) == 2


def test_grade_summary_shows_manual_grades(graded_class, capsys):
    workdir, _ = graded_class
    assert cli.main(["--workdir", str(workdir.root), "grade", "toyConv", "--student", "cy"] + SANDBOX_FLAG) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.split()[:4] == ["cy", "7", "/", "10"]  # 4 automatic points + 3 by hand (test above)


def test_a_changed_submission_is_not_graded(graded_class):
    workdir, _ = graded_class
    stored = workdir.submitted / "ben" / "toyConv" / "toyConv.ipynb"
    assert stored.stat().st_mode & 0o222 == 0  # read-only
    stored.chmod(0o644)
    stored.write_text(stored.read_text().replace("YOUR CODE HERE", "edited later"))
    result = grade("toyConv", workdir, progress=False, students=["ben"], **SANDBOX)["ben"]
    assert result["status"] == "error: the collected file 'toyConv.ipynb' changed after collect (sha256 differs)"


def test_a_killed_run_resumes_and_ends_with_the_same_scores(tmp_path):
    workdir = Workdir(tmp_path / "workdir")
    collect("toyConv", _class_zip(tmp_path), workdir)
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    command = [sys.executable, "-m", "autograder", "--workdir", str(workdir.root), "grade", "toyConv"] + SANDBOX_FLAG
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not list(workdir.results.glob("toyConv/*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = {p.stem: p.stat().st_mtime_ns for p in workdir.results.glob("toyConv/*.json")}
    assert 1 <= len(finished) < 5, "the run should have been killed halfway"

    grade("toyConv", workdir, jobs=2, progress=False, **SANDBOX)
    assert {row[0]: (row[2], row[4]) for row in rows(workdir)} == {
        "ada": ("10", "graded"),
        "ben": ("0", "graded"),
        "cy": ("4", "graded"),
        "dee": ("5", "graded"),
        "hal": ("10", HAL_STATUS),
    }
    for student, mtime in finished.items():  # reused, not graded again
        assert (workdir.results / "toyConv" / f"{student}.json").stat().st_mtime_ns == mtime


def _zip_of(folder, submissions):
    """A zip holding {entry name: fixture case name or raw text}."""
    by_name = {case.name: case for case in cases("toyConv")}
    archive = folder / f"class-{len(list(folder.glob('class-*.zip')))}.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, what in submissions.items():
            zipped.writestr(name, json.dumps(build(by_name[what])[0]) if what in by_name else what)
    return archive


def test_an_invalid_resubmission_replaces_the_old_score(tmp_path):
    workdir = Workdir(tmp_path / "workdir")
    collect("toyConv", _zip_of(tmp_path, {"ada/toyConv.ipynb": "full", "bo/toyConv.ipynb": "full"}), workdir)
    grade("toyConv", workdir, progress=False, **SANDBOX)
    assert [row[2] for row in rows(workdir)] == ["10", "10"]
    collect("toyConv", _zip_of(tmp_path, {"ada/toyConv.ipynb": '{"nbformat": 4, "cells": ['}), workdir)
    grade("toyConv", workdir, progress=False, **SANDBOX)
    table = {row[0]: (row[2], row[4]) for row in rows(workdir)}
    assert table["ada"] == ("0", "error: the notebook is not valid JSON (Expecting value at line 1)")
    assert table["bo"] == ("10", "graded")
    history = list((workdir.results / "toyConv" / "history").glob("ada-*.json"))
    assert [json.loads(path.read_text())["score"] for path in history] == [10.0]  # the old result is kept


@pytest.mark.skipif(not bwrap_path(), reason="needs bubblewrap with user namespaces")
def test_grading_as_an_unprivileged_user_works_and_leaves_nothing_behind(tmp_path):
    """As root, the test drops to an unprivileged user (a user namespace without capabilities
    over the machine's files): scratch folders a student made read-only must still go."""
    prefix = ["unshare", "--user", "--map-user=1000", "--map-group=1000"] if os.getuid() == 0 else []
    workdir = tmp_path / "workdir"
    archive = _zip_of(tmp_path, {"ada/toyConv.ipynb": "full", "bomb/toyConv.ipynb": "disk_bomb"})
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for command in (["collect", "toyConv", str(archive)], ["grade", "toyConv", "--jobs", "2"], ["export", str(tmp_path / "g.csv")]):
        run = subprocess.run(prefix + [sys.executable, "-m", "autograder", "--workdir", str(workdir), *command],
                             cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=600)  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "g.csv").read_text().splitlines()[1:] == ["ada,toyConv,10,10,graded,10,0,10", "bomb,toyConv,10,10,graded,10,0,10"]
    assert list((workdir / "tmp").iterdir()) == []  # no scratch folder left, whatever the student did
