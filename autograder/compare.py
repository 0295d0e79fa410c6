"""Compare an answer with the expected array and say, readably, where they first differ.

Used on both sides: in a student's notebook (local mode, to raise a helpful
AssertionError) and in the grader's own process (to decide scores). Pure NumPy, no I/O.

Tolerance: entry ``a`` matches ``e`` when ``|a - e| <= rtol * |e| + atol * scale``, where
``scale`` is the largest ``|e|`` (at least 1). Scaling ``atol`` keeps the test fair for
answers computed in float32 or in a different summation order, whatever the magnitude of
the numbers.
"""

import numpy as np

RTOL = 1e-5
ATOL = 1e-6


def _join(message, hint):
    return f"{message}: {hint}" if hint else message


def shape_mismatch(name, actual_shape, expected_shape, hint=""):
    """A message when the shapes differ, else None."""
    actual_shape, expected_shape = tuple(actual_shape), tuple(expected_shape)
    if actual_shape == expected_shape:
        return None
    return _join(f"{name} has shape {actual_shape}; expected {expected_shape}", hint)


def mismatch(name, actual, expected, rtol=RTOL, atol=ATOL, hint=""):
    """None when ``actual`` matches ``expected``; otherwise one sentence naming the problem.

    Parameters
    ----------
    name : str
        What the array is called in the notebook, e.g. ``"out"`` or ``"dW"``.
    actual, expected : array-like of real numbers, any shape
    rtol, atol : float
        See the module docstring.
    hint : str
        Appended to a shape mismatch: what usually causes it.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    problem = shape_mismatch(name, actual.shape, expected.shape, hint)
    if problem:
        return problem
    if actual.size == 0:
        return None
    bad_value = ~np.isfinite(actual) & np.isfinite(expected)
    if bad_value.any():
        index = tuple(int(i) for i in np.argwhere(bad_value)[0])
        return f"{name}{list(index)} is {actual[index]}; expected {expected[index]:.6g}"
    scale = max(1.0, float(np.max(np.abs(expected))))
    wrong = ~(np.abs(actual - expected) <= rtol * np.abs(expected) + atol * scale)
    if not wrong.any():
        return None
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    where = list(index) if index else ""
    count = int(wrong.sum())
    return (
        f"{name}{where} is {actual[index]:.6g}; expected {expected[index]:.6g} "
        f"({count} of {actual.size} entries differ)"
    )
