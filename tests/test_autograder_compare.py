"""autograder.compare: the messages students read when an array is wrong."""

import numpy as np

from autograder.compare import mismatch, shape_mismatch


def test_a_wrong_shape_is_named_with_the_hint():
    message = mismatch("out", np.zeros((4, 2)), np.zeros((1, 2, 2, 2)), hint="did you reshape and transpose back?")
    assert message == "out has shape (4, 2); expected (1, 2, 2, 2): did you reshape and transpose back?"


def test_the_first_wrong_entry_is_named_with_the_count():
    actual = np.array([[1.0, 2.0], [3.0, 5.0]])
    assert mismatch("dW", actual, [[1, 2], [3, 4]]) == "dW[1, 1] is 5; expected 4 (1 of 4 entries differ)"


def test_nan_and_inf_are_never_close():
    assert mismatch("db", [np.nan, 1.0], [1.0, 1.0]) == "db[0] is nan; expected 1"
    assert mismatch("db", [1.0, np.inf], [1.0, 1.0]) == "db[1] is inf; expected 1"


def test_rounding_differences_of_float32_pass():
    expected = np.random.default_rng(0).standard_normal((3, 4)) * 100
    assert mismatch("out", expected.astype(np.float32), expected) is None
    assert mismatch("out", expected * (1 + 1e-3), expected) is not None


def test_shapes_compare_as_tuples():
    assert shape_mismatch("x", [2, 3], (2, 3)) is None
    assert shape_mismatch("x", (3,), (2, 3), hint="h") == "x has shape (3,); expected (2, 3): h"
