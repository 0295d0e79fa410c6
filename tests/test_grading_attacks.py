"""Hostile and broken submissions (issue 6): each gets the score its code earns.

One grading run (two at a time) covers every fixture (solutions/<assignment>/cases/) plus the
broken files built below; the tests then check each student's score, status and graded copy.
To reproduce one case by hand:

    python -c "import sys; sys.path.insert(0, 'tests'); import grading_cases as g; \\
               g.write_submission(g.load_case(g.case_path('toyConv', 'segfault')), '/tmp/class')"
    python -m autograder --workdir /tmp/wd collect toyConv /tmp/class
    python -m autograder --workdir /tmp/wd grade toyConv
"""

import hashlib
import json
import os
import re
import zipfile

import nbformat
import pytest

from autograder.collect import collect
from autograder.config import REPO_ROOT, Workdir
from autograder.grade import grade
from autograder.probes import load_spec
from autograder.sandbox import bwrap_path
from autograder.config import assignments
from grading_cases import build, cases, write_submission
from mnist_support import HAVE_OFFICIAL, MISSING_REASON, OFFICIAL_DIR

TIME_LIMIT = 10  # short, so that the endless loops end soon (the slowest case that must finish,
# slow_right, takes 2.3 s: 2 s of sleep); notebooks that train keep their own
ASSIGNMENTS = [name for name in assignments() if cases(name)]
CASES = [case for assignment in ASSIGNMENTS for case in cases(assignment)]
# The official MNIST test digits, which convnet's hidden test needs in the grader.
OFFICIAL_MNIST, HAVE_MNIST = OFFICIAL_DIR, HAVE_OFFICIAL
NEEDS_MNIST = {name for name in ASSIGNMENTS if load_spec(name).hidden_data}


def _time_limit(assignment):
    return TIME_LIMIT if load_spec(assignment).time_limit <= 60 else None

# Broken files (attack 8): student -> (expected score, expected status).
BROKEN = {
    "invalid_json": (0, "error: the notebook is not valid JSON (Expecting property name enclosed in double quotes at line 1)"),
    "empty_file": (0, "error: the notebook file is empty"),
    "huge": (0, "error: the notebook is 200 MB, more than the 20 MB a notebook may have"),
    "not_a_notebook": (0, "error: not a notebook: the file holds JSON, but not a notebook object"),
    "nbformat3": (10, "graded"),
    "wrong_name": (10, "graded"),
    "extra_files": (10, "graded"),
    "symlinked": (0, "error: 'escape' not collected: a symbolic link; 'toyConv.ipynb' not collected: a symbolic link; no notebook (expected toyConv.ipynb)"),
    "lms": (10, "graded"),
}


def _full_notebook():
    case = next(c for c in cases("toyConv") if c.name == "full")
    return build(case)[0]


def _write_broken(folder, tmp):
    """The broken submissions of BROKEN, as a folder (symlinks) and a zip (the rest)."""
    full = _full_notebook()
    for student in ("invalid_json", "empty_file", "huge", "not_a_notebook", "nbformat3", "wrong_name", "extra_files", "symlinked"):
        (folder / student).mkdir(parents=True)
    (folder / "invalid_json" / "toyConv.ipynb").write_text('{nbformat: 4, "cells": [')
    (folder / "empty_file" / "toyConv.ipynb").write_bytes(b"")
    with open(folder / "huge" / "toyConv.ipynb", "wb") as file:
        file.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    (folder / "not_a_notebook" / "toyConv.ipynb").write_text("[1, 2, 3]")
    nbformat.write(nbformat.convert(nbformat.from_dict(full), 3), folder / "nbformat3" / "toyConv.ipynb")
    (folder / "wrong_name" / "my toyconv (final).ipynb").write_text(json.dumps(full))
    (folder / "extra_files" / "toyConv.ipynb").write_text(json.dumps(full))
    (folder / "extra_files" / "notes.txt").write_text("my notes\n")
    (folder / "extra_files" / "data").mkdir()
    (folder / "extra_files" / "data" / "numbers.csv").write_text("1,2,3\n")
    secret = tmp / "instructor_secret.txt"
    secret.write_text("the instructor's secret\n")
    (folder / "symlinked" / "toyConv.ipynb").symlink_to(secret)
    (folder / "symlinked" / "escape").symlink_to(tmp)
    archive = tmp / "lms_export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lms_attempt2_toyConv.ipynb", json.dumps(full))
        zipped.writestr("../escaped.ipynb", "{}")
        zipped.writestr("lms/../../escaped_too.ipynb", "{}")
        zipped.writestr("/absolute/escaped.ipynb", "{}")
        link = zipfile.ZipInfo("zipsymlink/toyConv.ipynb")
        link.external_attr = 0o120777 << 16
        zipped.writestr(link, "/etc/passwd")
    return archive


def _tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    workdir = Workdir(tmp / "workdir")
    protected = {name: _tree_digest(REPO_ROOT / name) for name in ("solutions", "exercises", "autograder")}
    reports, results = {}, {}
    with pytest.MonkeyPatch.context() as patch:
        if HAVE_MNIST:
            patch.setenv("MNIST_DIR", str(OFFICIAL_MNIST))
        for assignment in ASSIGNMENTS:
            if assignment in NEEDS_MNIST and not HAVE_MNIST:
                continue
            folder = tmp / f"class-{assignment}"
            for case in cases(assignment):
                write_submission(case, folder)
            if assignment == "toyConv":
                archive = _write_broken(folder, tmp)
                reports["zip"] = collect(assignment, archive, workdir)
            reports[assignment] = collect(assignment, folder, workdir)
            results[assignment] = grade(
                assignment, workdir, jobs=2, time_limit=_time_limit(assignment), progress=False, use_bwrap=bool(bwrap_path())
            )
    after = {name: _tree_digest(REPO_ROOT / name) for name in protected}
    return {"workdir": workdir, "tmp": tmp, "reports": reports, "results": results, "protected": (protected, after)}


def _graded_copy(workdir, assignment, student):
    return json.loads((workdir.autograded / student / assignment / f"{assignment}.ipynb").read_text())


def _outputs_text(notebook, graded_cells=False):
    text = []
    for cell in notebook["cells"]:
        is_test = cell.get("metadata", {}).get("nbgrader", {}).get("grade", False)
        if cell["cell_type"] == "code" and is_test == graded_cells:
            for output in cell["outputs"]:
                value = output.get("text") or f"{output.get('ename')}: {output.get('evalue')}"
                text.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(text)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.assignment}-{c.name}" for c in CASES])
def test_each_case_gets_the_score_its_code_earns(graded, case):
    if case.name == "snooping" and not bwrap_path():
        pytest.skip("file-system isolation needs bubblewrap")
    if case.assignment in NEEDS_MNIST and not HAVE_MNIST:
        pytest.skip(MISSING_REASON)
    result = graded["results"][case.assignment][case.name]
    assert result["score"] == case.score, result
    assert case.status_matches(result["status"]), result


@pytest.mark.parametrize("student", sorted(BROKEN))
def test_broken_files_get_a_clear_status(graded, student):
    result = graded["results"]["toyConv"][student]
    assert (result["score"], result["status"]) == BROKEN[student]


def test_unsafe_archive_entries_are_skipped_and_nothing_escapes(graded):
    tmp, workdir = graded["tmp"], graded["workdir"]
    skipped = "\n".join(graded["reports"]["zip"].skipped + graded["reports"]["toyConv"].skipped)
    for entry in ("'../escaped.ipynb'", "'lms/../../escaped_too.ipynb'", "'/absolute/escaped.ipynb'"):
        assert f"{entry}: the path leaves the archive" in skipped
    assert "'zipsymlink/toyConv.ipynb': a symbolic link" in skipped
    assert "'symlinked/toyConv.ipynb': a symbolic link" in skipped
    assert "'symlinked/escape': a symbolic link" in skipped
    for place in (tmp, workdir.root, workdir.submitted, workdir.root.parent.parent):
        assert not list(place.glob("escaped*"))
    assert not any(path.is_symlink() for path in workdir.root.rglob("*"))
    assert "instructor's secret" not in json.dumps(graded["results"])


def test_grading_writes_nothing_outside_the_working_folder(graded):
    before, after = graded["protected"]
    assert before == after
    assert not (REPO_ROOT / "grading").exists() or graded["workdir"].root != REPO_ROOT / "grading"
    assert list(graded["workdir"].tmp.iterdir()) == []  # every sandbox's scratch copy is gone


def test_submissions_are_stored_read_only_with_their_sha256(graded):
    workdir = graded["workdir"]
    manifest = json.loads((workdir.manifests / "toyConv.json").read_text())["students"]
    stored = workdir.submitted / "extra_files" / "toyConv"
    for relative, digest in manifest["extra_files"]["files"].items():
        path = stored / relative
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        assert oct(path.stat().st_mode & 0o777) == "0o444"
    assert set(manifest["extra_files"]["files"]) == {"toyConv.ipynb", "notes.txt", "data/numbers.csv"}
    assert manifest["wrong_name"]["notes"] == ["notebook 'my toyconv (final).ipynb' renamed to 'toyConv.ipynb'"]


def test_timeouts_say_so_and_spare_the_other_students(graded):
    results = graded["results"]["toyConv"]
    cells = results["infinite_loop"]["cells"]
    assert cells["test_conv_forward_hidden"]["score"] == 3
    assert f"the notebook reached the time limit of {TIME_LIMIT} s" in " ".join(cells["test_conv_backward_lecture"]["messages"])
    assert results["full"]["score"] == 10


def test_dying_kernels_never_get_the_tests_they_did_not_run(graded):
    for student in ("os_exit", "segfault"):
        messages = " ".join(graded["results"]["toyConv"][student]["cells"]["test_conv_backward_hidden"]["messages"])
        assert "not checked" in messages and "the cell did not finish" in messages


def test_memory_bombs_are_stopped_inside_the_sandbox(graded):
    text = _outputs_text(_graded_copy(graded["workdir"], "toyConv", "memory_bomb"))
    assert "numpy bomb stopped" in text and "bytearray bomb stopped" in text
    assert "MemoryError: Unable to allocate" in text  # the third bomb, in the backward cell


def test_forbidden_use_scores_zero_with_a_comment(graded):
    for assignment, layer in (("toyConv", "Convolution"), ("toyPooling", "Pooling")):
        result = graded["results"][assignment]["forbidden_layer"]
        answer = next(iter(result["comments"]))
        assert result["comments"][answer].startswith(f"Uses scratchcnn.layers.{layer}:")
        for cell in result["cells"].values():
            assert cell["score"] == 0 and f"0 points: {assignment} asks you to write" in cell["messages"][-1]
    hidden = graded["results"]["toyConv"]["forbidden_hidden"]  # the module is not in the sandbox
    assert "ModuleNotFoundError: No module named 'scratchcnn.layers'" in json.dumps(hidden["cells"])


def test_forbidden_use_in_one_part_zeroes_only_that_part(graded):
    """im2col, layers: a forbidden object zeroes the tests of its own part, with a comment on its cell."""
    for assignment, student, cell, target, zeroed in (
        ("im2col", "forbidden_size", "conv_output_size", "scratchcnn.util.conv_output_size", {"test_output_size", "test_output_size_errors"}),
        ("layers", "forbidden_conv_only", "convolution", "scratchcnn.layers.Convolution",
         {"test_conv_forward_lecture", "test_conv_forward_hidden", "test_conv_backward"}),
    ):  # fmt: skip
        result = graded["results"][assignment][student]
        assert result["comments"][cell].startswith(f"Uses {target}:")
        assert [c for c, comment in result["comments"].items() if comment] == [cell]
        assert {grade_id for grade_id, c in result["cells"].items() if c["score"] == 0} == zeroed


def test_subclassing_the_reference_layer_scores_zero_with_a_comment(graded):
    result = graded["results"]["layers"]["subclass"]
    assert result["comments"]["convolution"].startswith("Uses scratchcnn.layers.Convolution:")
    assert result["comments"]["pooling"].startswith("Uses scratchcnn.layers.Pooling:")
    assert all("subclassed" in cell["messages"][-1] for cell in result["cells"].values())


@pytest.mark.skipif(not HAVE_MNIST, reason="the official MNIST test digits are not available")
def test_trained_networks_are_judged_on_digits_whose_labels_stay_with_the_grader(graded):
    results = graded["results"]["convnet"]
    assert results["full"]["cells"]["test_training"]["score"] == 10
    for student, accuracy in (("weak", r"[5-8]\d\.\d\d%"), ("random_predictions", r"1?\d\.\d\d%")):
        message = " ".join(results[student]["cells"]["test_training"]["messages"])
        assert re.search(rf"your network classifies {accuracy} of the 10,000 hidden test digits correctly", message), message


def test_the_sandbox_gets_the_images_and_the_grader_keeps_the_labels(monkeypatch):
    from autograder.probes import spec_module

    SPEC, hidden_digits = load_spec("convnet"), spec_module("convnet").hidden_digits
    if not HAVE_MNIST:
        pytest.skip("the official MNIST test digits are not available")
    monkeypatch.setenv("MNIST_DIR", str(OFFICIAL_MNIST))
    hidden_digits.cache_clear()
    hidden = SPEC.hidden_data(local=False)
    assert set(hidden.inputs) == {"images"} and set(hidden.answers) == {"labels"}
    assert hidden.inputs["images"].shape == (10000, 1, 28, 28) and hidden.inputs["images"].dtype == "uint8"


def test_grading_without_the_hidden_data_set_fails_clearly(tmp_path, monkeypatch):
    from autograder.probes import spec_module

    hidden_digits = spec_module("convnet").hidden_digits
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "no-mnist"))
    monkeypatch.setenv("SCRATCHCNN_CACHE", str(tmp_path / "no-cache"))
    hidden_digits.cache_clear()  # a copy loaded earlier in this process would hide the problem
    try:
        with pytest.raises(ValueError, match="the hidden tests of convnet need data the grader cannot find: MNIST file"):
            grade("convnet", Workdir(tmp_path / "workdir"), progress=False, use_bwrap=False)
    finally:
        hidden_digits.cache_clear()


def test_output_floods_are_cut(graded):
    notebook = _graded_copy(graded["workdir"], "toyConv", "output_flood")
    text = _outputs_text(notebook)
    assert "more characters of stdout cut by the grader" in text
    assert "more characters of stderr cut by the grader" in text
    assert len(json.dumps(notebook)) < 300_000


@pytest.mark.skipif(not bwrap_path(), reason="file-system isolation needs bubblewrap")
def test_student_code_sees_nothing_of_the_instructor(graded):
    text = _outputs_text(_graded_copy(graded["workdir"], "toyConv", "snooping"))
    assert "FOUND" not in text
    assert "working directory: [] as user 65534" in text
    helper = _outputs_text(_graded_copy(graded["workdir"], "toyConv", "extra_files"))
    assert "FOUND" not in helper


def test_test_cells_in_graded_copies_hold_the_graders_verdict_only(graded):
    notebook = _graded_copy(graded["workdir"], "toyConv", "tamper_helpers")
    verdicts = _outputs_text(notebook, graded_cells=True)
    assert verdicts.count("[grader]") == 4 and "passed" not in verdicts


def test_graded_copies_hold_no_solution_code(graded):
    source = nbformat.read(REPO_ROOT / "solutions" / "toyConv" / "toyConv.ipynb", as_version=4)
    regions = [r for c in source.cells for r in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", c.source, re.DOTALL)]
    lines = {line.strip() for region in regions for line in region.splitlines() if len(line.strip()) > 12}
    assert lines
    notebook = json.dumps(_graded_copy(graded["workdir"], "toyConv", "untouched"))
    assert not [line for line in lines if line in notebook]


def test_hidden_inputs_differ_between_students(graded):
    from autograder.grade import seed_for, seed_key

    key = seed_key(graded["workdir"])
    seeds = {seed_for(key, "toyConv", student) for student in graded["results"]["toyConv"]}
    assert len(seeds) == len(graded["results"]["toyConv"])
    assert os.stat(graded["workdir"].secret).st_mode & 0o077 == 0
