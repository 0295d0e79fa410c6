"""autograder.grade: the result key follows what decides a score, and only that."""

import shutil

from autograder import config, grade, sandbox


def test_the_result_key_follows_what_decides_a_score_and_only_that(tmp_path, monkeypatch):
    package = tmp_path / "autograder"
    library = tmp_path / "scratchcnn"
    specs = tmp_path / "specs"
    shutil.copytree(grade.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(sandbox.library_folder(), library, ignore=shutil.ignore_patterns("__pycache__"))
    specs.mkdir()
    for name in config.assignments():
        shutil.copy(config.grading_file(name), specs / f"{name}.py")
    monkeypatch.setattr(grade, "PACKAGE", package)
    monkeypatch.setattr(sandbox, "library_folder", lambda: library)
    monkeypatch.setattr(config, "grading_file", lambda name, root=None: specs / f"{name}.py")
    original = grade.code_fingerprint("toyConv")

    def changed(path):
        text = path.read_text()
        path.write_text(text + "\n# an edit\n")
        key = grade.code_fingerprint("toyConv")
        path.write_text(text)
        assert grade.code_fingerprint("toyConv") == original
        return key != original

    # Help texts, exports, reports: regrading the class for them would be wrong.
    for module in ("cli", "export", "feedback", "report", "similarity", "collect", "publish", "gradebook"):
        assert not changed(package / f"{module}.py"), module
    # What decides a verdict: the grader's judging modules, the reference library, the
    # grading specifications (layers builds on toyConv's).
    for module in grade.VERDICT_MODULES:
        assert changed(package / f"{module}.py"), module
    assert changed(library / "layers.py") and changed(library / "util.py")
    assert changed(specs / "toyConv.py") and changed(specs / "layers.py")
