"""autograder.notebook: checks that explain locally and only record when graded."""

import json

import numpy as np
import pytest

from autograder import records
from autograder.notebook import Checks, expect_close, expect_error, expect_shape, hidden_tests
from autograder.probes import PRACTICE_SEED, load_spec
from grading_cases import solution_answers


def _functions(assignment):
    namespace = {}
    exec("import numpy as np\nfrom scratchcnn.util import col2im, conv_output_size, im2col", namespace)
    for source in solution_answers(assignment).values():
        exec(source, namespace)
    return namespace


def test_local_checks_pass_silently_and_fail_with_the_hint():
    expect_close("out", np.ones((1, 2)), [[1, 1]])
    expect_shape("out", np.ones((1, 2)), (1, 2))
    with pytest.raises(AssertionError, match=r"out has shape \(2,\); expected \(1, 2\): reshape"):
        expect_close("out", np.ones(2), [[1, 1]], hint="reshape")
    with pytest.raises(AssertionError, match="expected ValueError, but nothing was raised"):
        expect_error("bad stride", ValueError, lambda: None)
    expect_error("bad stride", ValueError, int, "x")


@pytest.mark.parametrize("assignment, names", [("toyConv", ("conv_forward", "conv_backward")),
                                               ("toyPooling", ("pool_forward", "pool_backward"))])  # fmt: skip
def test_hidden_tests_pass_the_solution_and_catch_a_wrong_answer_locally(assignment, names):
    functions = _functions(assignment)
    forward, backward = names
    hidden_tests(assignment, forward, **{forward: functions[forward]})
    hidden_tests(assignment, backward, **{name: functions[name] for name in names})

    def off_by_a_bit(*args):
        out, cache = functions[forward](*args)
        return out * 1.01, cache

    with pytest.raises(AssertionError, match=rf"{forward}, x \(.*: out\[.*\] is .*; expected"):
        hidden_tests(assignment, forward, **{forward: off_by_a_bit})


def test_graded_checks_record_and_never_raise():
    lines = []
    cases = load_spec("toyConv").probe("conv_forward").cases(7)
    checks = Checks(write=lambda entry: lines.append(json.loads(json.dumps(entry))), cases={"conv_forward": cases}.get)
    checks.expect_close("out", np.zeros(2), [5, 5])
    checks.expect_shape("shape", np.zeros((2, 3)), (9,))
    checks.expect_close("liar", object(), [1])
    checks.expect_error("error", ValueError, int, "x")
    checks.hidden_tests("toyConv", "conv_forward", conv_forward=lambda *args: 1 / 0)
    by_name = {line["check"]: line for line in lines}
    assert records.decode(by_name["out"]["value"]).tolist() == [0.0, 0.0]
    assert records.decode(by_name["shape"]["value"]).tolist() == [2.0, 3.0]
    assert by_name["liar"]["error"] == "expected a NumPy array of real numbers, got object holding object"
    assert by_name["error"]["raised"][:2] == ["ValueError", "Exception"]
    recorded = by_name["hidden:conv_forward"]["cases"]
    assert len(recorded) == len(cases)
    assert all(case == {"error": "ZeroDivisionError: division by zero"} for case in recorded)


def test_seeds_change_the_hidden_inputs():
    probe = load_spec("toyConv").probe("conv_forward")
    first, again, other = probe.cases(1)[0], probe.cases(1)[0], probe.cases(2)[0]
    assert np.array_equal(first.x, again.x) and not np.array_equal(first.x, other.x)
    assert not np.array_equal(probe.cases(PRACTICE_SEED)[0].x, first.x)
