"""autograder.reconstruct: the graded notebook is the source's, with the student's answers in it."""

import pytest

from autograder.reconstruct import Template, reconstruct
from grading_cases import MUTATIONS, build, cases


@pytest.fixture(scope="module")
def template():
    return Template.load("toyConv")


def _cells(case_name, mutations=()):
    case = next(c for c in cases("toyConv") if c.name == case_name)
    notebook = build(case)[0]
    cells = notebook["cells"]
    for mutation in mutations:
        cells = MUTATIONS[mutation](cells)
    return [dict(c, source="".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in cells]


def _test_sources(template):
    return [source for _, _, source in template.test_cells()]


def test_the_template_keeps_hidden_tests_and_drops_solutions(template):
    text = "\n".join(c.source for c in template.cells)
    assert "hidden_tests(" in text
    assert "BEGIN SOLUTION" not in text and "cache = (x.shape, col, col_W, W.shape, stride, pad)" not in text
    assert [gid for gid, _, _ in template.test_cells()] == [
        "test_conv_forward_lecture", "test_conv_forward_hidden", "test_conv_backward_lecture", "test_conv_backward_hidden",
    ]  # fmt: skip


@pytest.mark.parametrize("mutations", [(), ("edit_tests",), ("delete_tests",), ("tests_to_markdown",), ("reverse",)])
def test_test_cells_always_come_from_the_source(template, mutations):
    rebuilt = reconstruct(template, _cells("full", mutations))
    graded_tests = [c["source"] for c, kind in zip(rebuilt.cells, rebuilt.kinds) if kind == "test"]
    assert graded_tests == _test_sources(template)
    assert list(rebuilt.student_code) == ["conv_forward", "conv_backward"]
    assert not rebuilt.unmatched
    assert "cache = (x.shape, col, col_W, W.shape, stride, pad)" in rebuilt.student_code["conv_forward"]


def test_edited_test_cells_are_noted(template):
    rebuilt = reconstruct(template, _cells("full", ["edit_tests"]))
    assert "changes to the read-only cell 'test_conv_forward_lecture' were discarded" in rebuilt.notes


def test_answers_without_metadata_run_as_added_cells_and_are_flagged(template):
    rebuilt = reconstruct(template, _cells("full", ["delete_metadata"]))
    assert rebuilt.unmatched == ["conv_forward", "conv_backward"]
    kinds = rebuilt.kinds
    first_extra, first_test = kinds.index("extra"), kinds.index("test")
    assert first_extra < first_test and kinds.count("extra") == 2
    assert all(c["source"] == "" for c, k in zip(rebuilt.cells, kinds) if k == "answer")


def test_added_cells_follow_the_answer_before_them(template):
    cells = _cells("full")
    position = next(i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("grade_id") == "conv_backward")
    cells.insert(position + 1, {"cell_type": "code", "source": "helper = 1", "metadata": {}})
    rebuilt = reconstruct(template, cells)
    at = rebuilt.cells.index(next(c for c in rebuilt.cells if c["source"] == "helper = 1"))
    assert rebuilt.cells[at - 1]["metadata"]["nbgrader"]["grade_id"] == "conv_backward"
    assert rebuilt.kinds[at] == "extra"


def test_added_cells_below_a_test_run_after_that_test(template):
    # A scratch cell under the visible tests may overwrite their inputs; it must not run before them.
    cells = _cells("full")
    position = next(
        i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("grade_id") == "test_conv_forward_lecture"
    )
    cells.insert(position + 1, {"cell_type": "code", "source": "x = None  # scratch", "metadata": {}})
    rebuilt = reconstruct(template, cells)
    at = next(i for i, c in enumerate(rebuilt.cells) if c["source"] == "x = None  # scratch")
    assert rebuilt.cells[at - 1]["metadata"]["nbgrader"]["grade_id"] == "test_conv_forward_lecture"


def test_added_cells_are_placed_by_text_when_metadata_is_gone(template):
    cells = _cells("full", ["delete_metadata"])
    rebuilt = reconstruct(template, cells)
    extras = [i for i, kind in enumerate(rebuilt.kinds) if kind == "extra"]
    answers = [i for i, kind in enumerate(rebuilt.kinds) if kind == "answer"]
    assert [e + 1 for e in extras] == answers  # each lost answer lands just above its empty slot


def test_untouched_answers_are_noted_and_type_changes_graded_as_code(template):
    assert reconstruct(template, _cells("untouched")).unanswered == ["conv_forward", "conv_backward"]
    rebuilt = reconstruct(template, _cells("full", ["answers_to_raw"]))
    assert [c["cell_type"] for c, k in zip(rebuilt.cells, rebuilt.kinds) if k == "answer"] == ["code", "code"]
    assert any("changed to a raw cell" in note for note in rebuilt.notes)
