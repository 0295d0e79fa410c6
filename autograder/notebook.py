"""The checks that the test cells of the course's notebooks call.

    from autograder.notebook import expect_close, expect_error, expect_shape, hidden_tests

They work in two modes:

* **Local** (a student's own machine, ``nbgrader validate``): each check runs right here. A
  passing check prints one short line (what passed, and the points of its test cell, read
  from the cell's comment). A failing one raises an AssertionError whose message says what
  is wrong and, when the answer is what one of the check's usual ``mistakes`` gives, which
  mistake (see :mod:`autograder.compare`). In IPython the message comes first, wrapped for a
  terminal of 80 columns (``nbgrader validate`` cuts longer lines), and the checks' own
  frames are hidden from tracebacks. Hidden tests compare with the reference library on
  practice inputs.
* **Graded** (inside the grader's sandbox, switched on by :mod:`autograder.runner`): the
  checks only *record* the values they are given; they never raise and decide nothing. The
  grader reads the records in its own process and compares them there (with the expected
  values written in the original test cell, or with the reference library on the hidden
  inputs it drew from the student's secret seed and handed in with that test cell).
  Whatever the student's code does to this module, to NumPy or to ``scratchcnn``, the
  verdict is not computed where it could interfere.

Messages are said in the language the notebook's setup cell chose, ``use_language("ko")``
for the Korean edition (see :mod:`autograder.messages`); English otherwise.

Rules the grader relies on (the release refuses a test cell that breaks them, see
:func:`autograder.verdict.parse_checks`): every check is a statement of its own at the top
level of a test cell; its first argument is a name unique in the notebook, and every other
argument except the student's value is a literal.
"""

import re
import sys
import textwrap
import types
import unicodedata

import numpy as np

from . import records
from .compare import ATOL, RTOL, check_mistakes, mismatch, shape_mismatch
from .messages import tr, use_language  # noqa: F401 (use_language: the setup cell imports it from here)
from .probes import PRACTICE_SEED, load_spec

__all__ = ["expect_shape", "expect_close", "expect_error", "hidden_tests"]

WIDTH = 76  # characters per line of a message: nbgrader validate indents by 4 and cuts at 87


class CheckFailed(AssertionError):
    """A failed check. IPython shows its message first and alone, wrapped to :data:`WIDTH`."""

    def _render_traceback_(self):
        return wrap(f"AssertionError: {self}")


def _columns(text):
    """How many terminal columns ``text`` takes (a Hangul syllable or other wide character: 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap_wide(paragraph, width, indent):
    """Greedy wrapping by terminal columns, for text with wide characters (Korean)."""
    lines, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else (indent if lines else "") + word
        if line and _columns(candidate) > width:
            lines.append(line)
            line = indent + word
        else:
            line = candidate
    return lines + [line] if line else lines


def wrap(message, width=WIDTH):
    """``message`` as lines of at most ``width`` columns, never breaking inside a word.

    A wide character (Hangul) counts as two columns, as a terminal shows it."""
    lines = []
    for paragraph in str(message).splitlines() or [""]:
        if _columns(paragraph) != len(paragraph):
            lines += _wrap_wide(paragraph, width, "    ") or [""]
            continue
        lines += textwrap.wrap(paragraph, width, subsequent_indent="    ", break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines


def _current_cell():
    """The source of the IPython cell running now, or None outside IPython."""
    try:
        shell = sys.modules["IPython"].get_ipython()
        return shell.history_manager.input_hist_raw[-1]
    except Exception:  # no IPython, no history: print without the points
        return None


def _where(name):
    """'  [check i of k, a P-point test]' for check ``name`` of the running test cell, or ''."""
    source = _current_cell()
    if not source:
        return ""
    points = re.search(r"\((\d+(?:\.\d+)?) ?(?:points?|점)\)", source)  # "(2 points)", Korean "(2점)"
    try:
        from .verdict import parse_checks

        names = [check.name for check in parse_checks(source)]
    except Exception:  # not a test cell the grader could read: say only what passed
        return ""
    if name not in names or not points:
        return ""
    return tr("  [check {number} of {count}, a {points}-point test]", number=names.index(name) + 1, count=len(names),
              points=points.group(1))


def _passed(name, line, key=None):
    """Print ``line`` (what passed) with the place of check ``key`` (default: ``name``) in its cell."""
    print(f"{line}{_where(key or name)}")


def _fail(message):
    __tracebackhide__ = True
    raise CheckFailed(message)


def _own_code(traceback):
    """``traceback`` without the frames of the grader's code (this package, grading.py)."""
    frames = []
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if not module.startswith(("autograder.", "autograder_specs.")):
            frames.append(traceback)
        traceback = traceback.tb_next
    chain = None
    for tb in reversed(frames):
        chain = types.TracebackType(chain, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    return chain


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

    def expect_shape(self, name, actual, shape, hint="", mistakes=()):
        """``actual`` has shape ``shape`` (a literal tuple); ``mistakes``: see autograder.compare."""
        __tracebackhide__ = True
        actual_shape = np.shape(actual)
        if self._write:
            self._record_value(name, actual_shape)
            return
        check_mistakes(mistakes)
        problem = shape_mismatch(name, actual_shape, shape, hint, mistakes)
        if problem:
            _fail(problem)
        _passed(name, tr("\u2713 {name}: shape {shape}", name=name, shape=tuple(shape)))

    def expect_close(self, name, actual, expected, hint="", rtol=RTOL, atol=ATOL, mistakes=()):
        """``actual`` equals ``expected`` (a literal: number or nested lists) within tolerance.

        ``mistakes``: the usual mistakes to recognise (see autograder.compare)."""
        __tracebackhide__ = True
        if self._write:
            self._record_value(name, actual)
            return
        check_mistakes(mistakes)
        problem = mismatch(name, actual, expected, rtol, atol, hint, mistakes)
        if problem:
            _fail(problem)
        _passed(name, f"\u2713 {name}")

    def expect_error(self, name, error, function, *args, **kwargs):
        """``function(*args, **kwargs)`` raises ``error`` (a built-in exception class)."""
        __tracebackhide__ = True
        try:
            function(*args, **kwargs)
        except Exception as raised:
            if self._write:
                names = [cls.__name__ for cls in type(raised).__mro__]
                self._record(name, {"raised": names, "message": self._encode_error(raised)["error"]})
            elif not isinstance(raised, error):
                _fail(tr("{name}: expected {error}, but {raised} was raised: {message}", name=name, error=error.__name__,
                         raised=type(raised).__name__, message=raised))
            else:
                _passed(name, tr("\u2713 {name}: raises {error}", name=name, error=error.__name__))
            return
        if self._write:
            self._record(name, {"raised": []})
        else:
            _fail(tr("{name}: expected {error}, but nothing was raised", name=name, error=error.__name__))

    def hidden_tests(self, assignment, probe, **functions):
        """Run hidden test ``probe`` of ``assignment`` on the student's ``functions``."""
        __tracebackhide__ = True
        spec = load_spec(assignment)
        probe = spec.probe(probe)
        if not self._write:
            data = None
            if probe.uses_data:
                hidden = spec.hidden_data(local=True)
                if hidden.note:
                    print(hidden.note)
                data = hidden.everything()
            cases = probe.cases(PRACTICE_SEED, data)
            for case in cases:
                try:
                    values = probe.call(functions, case)
                except Exception as error:  # the student's code failed: show their frames only
                    error.add_note(tr("(in hidden test {probe}, {case})", probe=probe.name, case=case.label))
                    raise error.with_traceback(_own_code(error.__traceback__))  # noqa: B904
                problem = probe.judge(case, {k: np.asarray(v, dtype=np.float64) for k, v in values.items()})
                if problem:
                    _fail(tr("hidden test {probe}, {case}: {problem}", probe=probe.name, case=case.label, problem=problem))
            line = tr("\u2713 hidden test {probe}: right on {count} practice inputs", probe=probe.name, count=len(cases))
            _passed(f"hidden:{probe.name}", line)
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
