"""Hostile input on the Korean-edition path of the grader, and the start-up check that every
edition grades like the English one.

* a forged edition marker only ever chooses among the editions an assignment is offered in;
* a translation that gives two checks of different test cells the same name (the grader keys
  the records of a run by the check's name) or that changes the code of a cell is refused
  when grading starts, instead of grading that edition otherwise than the English one;
* a student's error text, quoted under a test cell's verdict, cannot forge verdict lines or
  reorder what the instructor sees, in either edition (the ``toyConv-verdict_spoof`` fixture);
* the result key follows every catalog the verdicts' words come from (layers' hidden cases
  are labelled with toyConv's templates).
"""

import json

import pytest

from autograder import editions, grade, sanitize
from autograder.collect import collect
from autograder.config import Workdir
from autograder.reconstruct import Template
from autograder.sandbox import bwrap_path
from autograder.verdict import parse_checks, template_checks
from grading_cases import cases, write_submission

KO = "ko"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    "marker",
    ["ko\n", " ko", "KO", "ko-KR", "ko\x00", "\u202eko", "../ko", "locale/ko", "en", "k" * 1_000_000, 1, True, None,
     ["ko"], {"ko": 1}, {"edition": "ko"}],  # fmt: skip
    ids=lambda marker: repr(marker)[:20],
)
def test_a_forged_marker_never_chooses_an_edition_that_is_not_offered(marker):
    assert editions.edition_of({"scratchcnn": {"edition": marker}}, "toyConv") == "en"


def test_an_assignment_without_a_catalog_is_graded_in_english(tmp_path):
    (tmp_path / "solutions" / "toyConv").mkdir(parents=True)  # no ko.po there
    assert editions.edition_of({"scratchcnn": {"edition": "ko"}}, "toyConv", root=tmp_path) == "en"


def _tampered(monkeypatch, assignment, changes):
    """Make ``assignment``'s Korean catalog translate as ``changes`` says ({English: Korean})."""
    real = editions.load_translations

    def load(name, language, root=editions.REPO_ROOT):
        translations = dict(real(name, language, root))
        if name == assignment and language == KO:
            translations.update(changes(translations))
        return translations

    monkeypatch.setattr(editions, "load_translations", load)


def test_two_checks_translated_to_one_name_are_refused_when_grading_starts(tmp_path, monkeypatch):
    """The records of a run are {check name: record}: two checks of different cells with one
    name would judge the first cell with the second cell's value. Graded anyway, an honest
    Korean toyConv notebook lost the 2 points of its lecture test (8 of 10, English 10)."""
    _tampered(monkeypatch, "toyConv", lambda t: {"out (stride 2, pad 1)": t["out (lecture example)"]})
    korean = Template.load("toyConv", KO)
    names = [check.name for _, _, source in korean.test_cells() for check in parse_checks(source)]
    assert names.count("out (강의 예제)") == 2  # the tampered catalog does what it should
    with pytest.raises(ValueError, match=r"out \(강의 예제\)"):
        grade.Context("toyConv", Workdir(tmp_path / "workdir").create(), None, False)


def test_a_translation_that_changes_the_code_is_refused_when_grading_starts(monkeypatch):
    """An f-string's translation is written between the English quotes: one with a quote of its
    own adds code (here: the Korean edition throws the trained network away). `translate
    check` (its {fields} are the English ones) and the checks' comparison both let it pass."""
    english = "training took {training_seconds:.0f} s"
    injected = '훈련에 {training_seconds:.0f}초가 걸렸습니다"); network = None; print("'
    assert editions.translation_problems(english, "f-string", injected) == []  # the catalog check misses it
    _tampered(monkeypatch, "convnet", lambda t: {english: injected})
    template, korean = Template.load("convnet"), Template.load("convnet", KO)
    assert any("network = None" in cell.source for cell in korean.cells)
    with pytest.raises(ValueError, match="code"):
        grade.same_as_english(template, template_checks(template), korean, template_checks(korean))
    problems = editions.problems("convnet", KO)
    assert any("code" in problem for problem in problems), problems


def test_the_committed_editions_have_the_english_code():
    for assignment in ("toyConv", "toyPooling", "im2col", "layers", "convnet"):
        english, korean = Template.load(assignment), Template.load(assignment, KO)
        grade.same_as_english(english, template_checks(english), korean, template_checks(korean))


def test_sanitised_text_has_no_bidirectional_controls_or_other_line_breaks():
    text = sanitize.text("a\u202eb\u2067c\u2069d\u2028e\u2029f\u200bg 한국어", 100)
    assert not set(BIDI) & set(text)
    assert text.split("\n") == text.splitlines() == ["a\ufffdb\ufffdc\ufffdd", "e", "f\u200bg 한국어"]


@pytest.fixture(scope="module")
def spoofed(tmp_path_factory):
    """toyConv's verdict_spoof submission in both editions, graded in the sandbox."""
    tmp = tmp_path_factory.mktemp("spoof")
    case = next(c for c in cases("toyConv") if c.name == "verdict_spoof")
    for edition in ("en", KO):
        write_submission(case, tmp / "class", edition=edition, student=f"spoof_{edition}")
    workdir = Workdir(tmp / "workdir")
    collect("toyConv", tmp / "class", workdir)
    results = grade.grade("toyConv", workdir, jobs=2, progress=False, use_bwrap=bool(bwrap_path()))
    return workdir, results


@pytest.mark.parametrize("edition, prefix", [("en", "[grader] "), (KO, "[채점기] ")])
def test_a_students_error_text_cannot_forge_verdict_lines(spoofed, edition, prefix):
    workdir, results = spoofed
    result = results[f"spoof_{edition}"]
    assert (result["score"], result["status"], result["edition"]) == (4, "graded", edition)
    graded = json.loads((workdir.autograded / f"spoof_{edition}" / "toyConv" / "toyConv.ipynb").read_text())
    tests = [c for c in graded["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c["cell_type"] == "code"]
    for cell in tests:
        (output,) = cell["outputs"]
        lines = output["text"].splitlines()
        grade_id = cell["metadata"]["nbgrader"]["grade_id"]
        assert lines[0].startswith(f"{prefix}{grade_id}: "), lines
        # Every other line is the grader's "  - " item or a continuation indented under it.
        assert all(line.startswith("  ") for line in lines[1:]), lines
        assert not set(BIDI) & set(output["text"]) and "\u2028" not in output["text"]
    text = "".join(c["outputs"][0]["text"] for c in tests)
    assert "{0.__class__} {name} %s" in text  # quoted as it is, never used as a template


def test_the_result_key_follows_every_catalog_the_verdicts_words_come_from(tmp_path, monkeypatch):
    """layers' hidden convolution cases are labelled with toyConv's template, translated in
    solutions/toyConv/ko.po: a change there changes layers' Korean verdicts."""
    copies = {}
    for name in ("toyConv", "layers"):
        copies[name] = tmp_path / name / "ko.po"
        copies[name].parent.mkdir()
        copies[name].write_bytes(editions.catalog_path(name, KO).read_bytes())
    real = editions.catalog_path
    monkeypatch.setattr(editions, "catalog_path", lambda a, lang, root=editions.REPO_ROOT: copies.get(a, real(a, lang, root)))
    before = grade.code_fingerprint("layers")
    copies["toyConv"].write_text(copies["toyConv"].read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert grade.code_fingerprint("layers") != before


def test_edited_korean_read_only_cells_and_a_mixed_notebook_run_the_templates_cells():
    """Read-only cells of a Korean notebook edited (tests emptied, the setup cell switched to
    English), then the same cells followed by the English notebook's: whatever the mix, the
    graded notebook holds the template's cells; the first answer of each cell counts and any
    later copy runs after it as the student's own cell (as it ran for them)."""
    from autograder.reconstruct import kind_of, reconstruct

    korean = json.loads(editions.release_path("toyConv", KO).read_text())
    english = json.loads(editions.release_path("toyConv", "en").read_text())
    for notebook in (korean, english):
        for cell in notebook["cells"]:
            cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    edited = json.loads(json.dumps(korean["cells"]))
    for cell in edited:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("test_"):
            cell["source"] = "pass"
        if grade_id == "setup":
            cell["source"] = cell["source"].replace('use_language("ko")', 'use_language("en")')
    for language in ("en", KO):
        template = Template.load("toyConv", language)
        for cells in (edited, edited + english["cells"]):
            rebuilt = reconstruct(template, cells)
            given = [(c["source"], kind) for c, kind in zip(rebuilt.cells, rebuilt.kinds) if kind not in ("extra", "answer", "manual")]
            assert given == [(c.source, kind_of(c)) for c in template.cells if kind_of(c) not in ("answer", "manual")]
            assert "changes to the read-only cell 'setup' were discarded" in rebuilt.notes


def test_a_forged_nbformat_value_gives_a_short_status(tmp_path):
    """The nbformat value is the one piece of a notebook a status quotes: 3 MB of it made a
    3 MB status (results, the `grade` table, the CSV export, the report)."""
    from autograder.submission import BadSubmission, read_notebook

    path = tmp_path / "toyConv.ipynb"
    path.write_text(json.dumps({"nbformat": "\u202e" + "A" * 3_000_000, "cells": []}))
    with pytest.raises(BadSubmission) as raised:
        read_notebook(path)
    assert len(str(raised.value)) < 100 and "\u202e" not in str(raised.value), str(raised.value)[:100]
