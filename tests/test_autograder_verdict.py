"""autograder.verdict: test cells judged from the instructor's text and the recorded values."""

import numpy as np
import pytest

from autograder import records
from autograder.probes import load_spec
from autograder.verdict import TemplateError, judge_cell, parse_checks

CELL = """
out, cache = conv_forward(x, W, b, stride=1, pad=0)
expect_close("out", out, [[1, 2], [3, 4]], hint="transpose back")
expect_shape("shape", out, (2, 2))
expect_error("bad", ValueError, conv_forward, x, W, b, stride=5)
hidden_tests("toyConv", "conv_forward", conv_forward=conv_forward)
"""


def _record(name, value):
    return {"check": name, "value": records.encode(value)}


PROBE = load_spec("toyConv").probe("conv_forward")


def _cases(seed):
    """The hidden cases the grader would draw for a student with this seed."""
    return {"hidden:conv_forward": PROBE.cases(seed)}


def _hidden_records(seed, transform=lambda out: out):
    cases = [{"out": records.encode(transform(PROBE.reference(case)["out"]))} for case in PROBE.cases(seed)]
    return {"check": "hidden:conv_forward", "cases": cases}


def _all_right(seed):
    return {
        "out": _record("out", [[1, 2], [3, 4]]),
        "shape": _record("shape", (2, 2)),
        "bad": {"check": "bad", "raised": ["ValueError", "Exception"]},
        "hidden:conv_forward": _hidden_records(seed),
    }


def test_checks_are_read_from_the_cell_text():
    checks = parse_checks(CELL)
    assert [(c.kind, c.name) for c in checks] == [
        ("expect_close", "out"), ("expect_shape", "shape"), ("expect_error", "bad"), ("hidden_tests", "hidden:conv_forward"),
    ]  # fmt: skip
    assert checks[0].expected == [[1, 2], [3, 4]] and checks[0].options == {"hint": "transpose back"}


@pytest.mark.parametrize("line", ['expect_close("out", out, expected)', 'expect_close(name, out, [1])', 'expect_error("e", errors[0], f)'])
def test_non_literal_arguments_are_an_authoring_error(line):
    with pytest.raises(TemplateError):
        parse_checks(line)


@pytest.mark.parametrize(
    "source, line",
    [
        ('x = 1\nfor s in (1, 2):\n    expect_close("out", f(s), [1])', 3),
        ('if ok:\n    hidden_tests("toyConv", "conv_forward", conv_forward=f)', 2),
        ('def t():\n    expect_shape("s", x, (1,))', 2),
        ('[expect_close(f"o{i}", x, [1]) for i in range(2)]', 1),
        ('ok = expect_close("out", x, [1])', 1),
    ],
)
def test_a_check_the_grader_cannot_read_is_refused_with_its_line(source, line):
    with pytest.raises(TemplateError, match=rf"^line {line}: .* top level of a test cell"):
        parse_checks(source)


def test_a_cell_passes_only_when_every_check_passes():
    checks = parse_checks(CELL)
    assert judge_cell("t", 3, checks, _all_right(11), _cases(11), "").score == 3
    wrong = dict(_all_right(11), out=_record("out", [[1, 2], [3, 5]]))
    verdict = judge_cell("t", 3, checks, wrong, _cases(11), "")
    # The check's hint follows a wrong value too (autograder.compare.mismatch).
    assert (verdict.score, verdict.messages) == (0, ["out[1, 1] is 5; expected 4 (1 of 4 entries differ): transpose back"])


def test_hidden_values_are_compared_on_the_students_own_cases():
    checks = parse_checks(CELL)
    assert judge_cell("t", 3, checks, _all_right(11), _cases(12), "").score == 0  # another student's values
    off = dict(_all_right(11), **{"hidden:conv_forward": _hidden_records(11, lambda out: out + 1e-3)})
    message = judge_cell("t", 3, checks, off, _cases(11), "").messages[0]
    assert message.startswith("hidden test conv_forward, x (2, 3, 7, 7), W (4, 3, 3, 3), stride 2, pad 1: out[0, 0, 0, 0] is")


@pytest.mark.parametrize(
    "bad_record",
    [
        {"check": "out", "value": {"shape": [2, 2], "data": ["1", 2, 3, 4]}},
        {"check": "out", "value": {**records.encode([[1, 2], [3, 4]]), "shape": [4, 4]}},
        {"check": "out", "value": "pickle"},
        {"check": "out", "error": "TypeError: no"},
        {"check": "out"},
    ],
)
def test_malformed_or_failed_records_fail_the_check(bad_record):
    verdict = judge_cell("t", 3, parse_checks(CELL), dict(_all_right(11), out=bad_record), _cases(11), "")
    assert verdict.score == 0 and verdict.messages[0].startswith("out:")


@pytest.mark.parametrize("shape", [[float("inf")], [float("nan"), 2], [1e300, 2]])
def test_a_shape_that_is_no_shape_fails_the_check_not_the_grader(shape):
    """An object whose .shape is (inf,): np.shape reads it, the record holds it; the check
    fails as the student's, never as the grader's failure (an OverflowError or ValueError
    from int())."""
    verdict = judge_cell("t", 3, parse_checks(CELL), dict(_all_right(11), shape=_record("shape", shape)), _cases(11), "")
    assert verdict.score == 0 and verdict.messages[0].startswith("shape")


def test_checks_that_recorded_nothing_fail_with_the_reason():
    verdict = judge_cell("t", 3, parse_checks(CELL), {}, _cases(11), "the cell stopped with NameError: x")
    assert verdict.messages == [
        "not checked (out, shape, bad, the hidden tests conv_forward): the cell stopped with NameError: x"
    ]


def test_wrong_error_type_and_no_error_fail():
    checks = parse_checks('expect_error("bad", ValueError, f)')
    assert judge_cell("t", 1, checks, {"bad": {"check": "bad", "raised": []}}, {}, "").messages == [
        "bad: expected ValueError, but nothing was raised"
    ]
    raised = {"bad": {"check": "bad", "raised": ["TypeError", "Exception"]}}
    assert judge_cell("t", 1, checks, raised, {}, "").score == 0
    assert np.isclose(judge_cell("t", 1, checks, {"bad": {"check": "bad", "raised": ["MyError", "ValueError"]}}, {}, "").score, 1)


def test_a_check_recorded_twice_fails():
    twice = dict(_all_right(11), out=dict(_record("out", [[1, 2], [3, 4]]), duplicate=True))
    verdict = judge_cell("t", 3, parse_checks(CELL), twice, _cases(11), "")
    assert verdict.score == 0 and verdict.messages == ["out: recorded more than once (something other than the test wrote to the grader)"]
