"""The checks that the test cells of the course's notebooks call.

    from autograder.notebook import expect_close, expect_error, expect_shape, hidden_tests

They work in two modes:

* **Local** (a student's own machine, ``nbgrader validate``): each check runs right here and
  raises an AssertionError whose message says what is wrong and, where possible, what
  usually causes it. Hidden tests compare with the reference library on practice inputs.
* **Graded** (inside the grader's sandbox, switched on by :mod:`autograder.runner`): the
  checks only *record* the values they are given; they never raise and decide nothing. The
  grader reads the records in its own process and compares them there (with the expected
  values written in the original test cell, or with the reference library on the hidden
  inputs it drew from the student's secret seed and handed in with that test cell).
  Whatever the student's code does to this module, to NumPy or to ``scratchcnn``, the
  verdict is not computed where it could interfere.

Rules the grader relies on (the release refuses a test cell that breaks them, see
:func:`autograder.verdict.parse_checks`): every check is a statement of its own at the top
level of a test cell; its first argument is a name unique in the notebook, and every other
argument except the student's value is a literal.
"""

import numpy as np

from . import records
from .compare import ATOL, RTOL, mismatch, shape_mismatch
from .probes import PRACTICE_SEED, load_spec

__all__ = ["expect_shape", "expect_close", "expect_error", "hidden_tests"]


class Checks:
    """The four checks, bound to a mode: ``write`` is None locally, else a record sender.

    In graded mode the runner builds one instance before any student code runs and hands its
    bound methods to every test cell; the references it needs are taken at construction.
    ``cases(probe name)`` gives the hidden cases the grader sent with the running test cell.
    """

    def __init__(self, write=None, cases=None):
        self._write = write
        self._cases = cases
        self._encode = records.encode
        self._encode_error = records.encode_error

    def _record(self, name, entry):
        entry["check"] = name
        self._write(entry)

    def _record_value(self, name, value):
        try:
            self._record(name, {"value": self._encode(value)})
        except ValueError as error:
            self._record(name, {"error": str(error)})

    def expect_shape(self, name, actual, shape, hint=""):
        """``actual`` has shape ``shape`` (a literal tuple)."""
        actual_shape = np.shape(actual)
        if self._write:
            self._record_value(name, actual_shape)
            return
        problem = shape_mismatch(name, actual_shape, shape, hint)
        if problem:
            raise AssertionError(problem)

    def expect_close(self, name, actual, expected, hint="", rtol=RTOL, atol=ATOL):
        """``actual`` equals ``expected`` (a literal: number or nested lists) within tolerance."""
        if self._write:
            self._record_value(name, actual)
            return
        problem = mismatch(name, actual, expected, rtol, atol, hint)
        if problem:
            raise AssertionError(problem)

    def expect_error(self, name, error, function, *args, **kwargs):
        """``function(*args, **kwargs)`` raises ``error`` (a built-in exception class)."""
        try:
            function(*args, **kwargs)
        except Exception as raised:
            if self._write:
                names = [cls.__name__ for cls in type(raised).__mro__]
                self._record(name, {"raised": names, "message": self._encode_error(raised)["error"]})
            elif not isinstance(raised, error):
                raise AssertionError(
                    f"{name}: expected {error.__name__}, but {type(raised).__name__} was raised: {raised}"
                ) from raised
            return
        if self._write:
            self._record(name, {"raised": []})
        else:
            raise AssertionError(f"{name}: expected {error.__name__}, but nothing was raised")

    def hidden_tests(self, assignment, probe, **functions):
        """Run hidden test ``probe`` of ``assignment`` on the student's ``functions``."""
        spec = load_spec(assignment)
        probe = spec.probe(probe)
        if not self._write:
            data = None
            if probe.uses_data:
                hidden = spec.hidden_data(local=True)
                if hidden.note:
                    print(hidden.note)
                data = hidden.everything()
            for case in probe.cases(PRACTICE_SEED, data):
                values = probe.call(functions, case)
                problem = probe.judge(case, {k: np.asarray(v, dtype=np.float64) for k, v in values.items()})
                if problem:
                    raise AssertionError(f"{probe.name}, {case.label}: {problem}")
            return
        results = []
        for case in self._cases(probe.name) or []:
            try:
                values = probe.call(functions, case)
                results.append({key: self._encode(value) for key, value in values.items()})
            except Exception as error:  # the student's function failed on this case
                results.append(self._encode_error(error))
        self._record(f"hidden:{probe.name}", {"cases": results})


_local = Checks()
expect_shape = _local.expect_shape
expect_close = _local.expect_close
expect_error = _local.expect_error
hidden_tests = _local.hidden_tests
