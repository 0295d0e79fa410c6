"""Decide every test cell in the grader's own process, from the records of the run.

The checks of a test cell are read from the *instructor's* text of that cell (never the
student's copy): every statement of the form ``expect_close("name", value, [[1, 2]], ...)``,
``expect_shape(...)``, ``expect_error(...)`` or ``hidden_tests("assignment", "probe", ...)``.
The expected values are literals in that text, so the grader knows them without running
anything; the student's values come from the records. Hidden tests are judged by their
Probe on the very cases the grader drew from the student's seed and sent into the sandbox
with that test cell, against the reference library.

A test cell earns its points when every one of its checks passes (as in nbgrader, a test
cell is all or nothing). A check with no record did not run: it fails, and the message says
why (the cell raised an error, the time limit was reached, the process died).

The messages are said in the language of the student's notebook (the caller chooses it with
:func:`autograder.messages.speaking`).
"""

import ast
from dataclasses import dataclass, field

import numpy as np

from . import records
from .compare import ATOL, RTOL, mismatch, shape_mismatch
from .messages import tr
from .syntax import parse

CHECKS = ("expect_shape", "expect_close", "expect_error", "hidden_tests")


class TemplateError(ValueError):
    """A test cell the grader cannot read: an authoring mistake in a source notebook."""


@dataclass
class Check:
    kind: str  # one of CHECKS
    name: str  # the record's key
    expected: object = None
    options: dict = field(default_factory=dict)

    @property
    def label(self):
        return tr("the hidden tests {probe}", probe=self.name.removeprefix("hidden:")) if self.kind == "hidden_tests" else self.name


def _literal(node, what):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise TemplateError(f"{what} must be a literal (numbers, strings, lists, tuples)") from None


def _check_calls(tree):
    """Every call of a check anywhere in ``tree``."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CHECKS
    ]


def parse_checks(source):
    """The checks of a test cell's source, in order. TemplateError if one is not readable.

    Each check must be a statement of its own at the top level of the cell: one inside a
    loop, a condition, a function or an expression would run an unknown number of times (or
    not at all), so the grader could not say what it expects. Such a cell is refused, with
    the line, rather than graded without that check.
    """
    tree = parse(source)
    top_level = {id(s.value) for s in tree.body if isinstance(s, ast.Expr)}
    for call in _check_calls(tree):
        if id(call) not in top_level:
            raise TemplateError(
                f"line {call.lineno}: {call.func.id}(...) is inside a loop, condition, function or "
                "expression; the grader reads only checks that are statements of their own at the "
                "top level of a test cell"
            )
    checks = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in CHECKS):
            continue
        kind, args = call.func.id, call.args
        options = {k.arg: _literal(k.value, f"{kind}'s {k.arg}") for k in call.keywords if kind != "hidden_tests"}
        if kind == "hidden_tests":
            checks.append(Check(kind, "hidden:" + _literal(args[1], "the probe name"), _literal(args[0], "the assignment")))
        elif kind == "expect_error":
            if not isinstance(args[1], ast.Name):
                raise TemplateError("expect_error's second argument must be a built-in exception class")
            checks.append(Check(kind, _literal(args[0], "a check's name"), args[1].id))
        else:
            checks.append(Check(kind, _literal(args[0], "a check's name"), _literal(args[2], f"{kind}'s expected value"), options))
    return checks


def template_checks(template):
    """[(grade_id, points, checks)] of a Template's test cells, as the grader reads them.

    ValueError, naming the assignment, the cell and the line, for a check it cannot read, and
    for a check's name used twice in the notebook.
    """
    cells = []
    for grade_id, points, source in template.test_cells():
        try:
            cells.append((grade_id, points, parse_checks(source)))
        except TemplateError as error:
            raise ValueError(f"{template.assignment}, test cell {grade_id!r}, {error}") from None
    # A run's records are {check name: record}: two checks of one name, even in different
    # cells, would be judged on one value (a translation can make two names one).
    names = [check.name for _, _, checks in cells for check in checks]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{template.assignment} ({getattr(template, 'edition', 'en')}): the check name {repeated[0]!r} is "
                         "used more than once; every check's name must be unique in the notebook")
    return cells


def _judge_value(check, record):
    try:
        actual = records.decode(record.get("value"))
    except ValueError as error:
        return tr("{name}: the recorded value is unusable ({problem})", name=check.name, problem=error)
    hint = check.options.get("hint", "")
    if check.kind == "expect_shape":
        return shape_mismatch(check.name, tuple(int(n) for n in actual), check.expected, hint)
    rtol, atol = check.options.get("rtol", RTOL), check.options.get("atol", ATOL)
    return mismatch(check.name, actual, check.expected, rtol, atol, hint, check.options.get("mistakes", ()))


def _judge_error(check, record):
    raised = record.get("raised")
    if not isinstance(raised, list):
        return tr("{name}: the recorded value is unusable", name=check.name)
    if check.expected in raised:
        return None
    if not raised:
        return tr("{name}: expected {error}, but nothing was raised", name=check.name, error=check.expected)
    return tr("{name}: expected {error}, but {raised} was raised", name=check.name, error=check.expected, raised=raised[0])


def _judge_hidden(check, record, cases):
    from .probes import load_spec

    probe = load_spec(check.expected).probe(check.name.removeprefix("hidden:"))
    results = record.get("cases")
    if not isinstance(results, list) or len(results) != len(cases):
        return tr("hidden test {probe}: the recorded values are unusable", probe=probe.name)
    for case, result in zip(cases, results):
        error = records.error_text(result)
        if error:
            return tr("hidden test {probe}, {case}: your code raised {error}", probe=probe.name, case=case.label, error=error)
        try:
            values = {key: records.decode(value) for key, value in result.items()}
        except (ValueError, AttributeError) as problem:
            return tr("hidden test {probe}, {case}: the recorded values are unusable ({problem})", probe=probe.name,
                      case=case.label, problem=problem)
        problem = probe.judge(case, values)
        if problem:
            return tr("hidden test {probe}, {case}: {problem}", probe=probe.name, case=case.label, problem=problem)
    return None


NOT_RUN = object()  # what judge() returns for a check that recorded nothing


def judge(check, run_records, hidden_cases):
    """None if ``check`` passed, NOT_RUN, or a message.

    ``run_records`` is {name: record}; ``hidden_cases`` maps a hidden check's name to the
    cases (answers included) the grader drew for it.
    """
    record = run_records.get(check.name)
    if record is None:
        return NOT_RUN
    if record.get("duplicate"):
        return tr("{check}: recorded more than once (something other than the test wrote to the grader)", check=check.label)
    error = records.error_text(record)
    if error and check.kind != "hidden_tests":
        return f"{check.name}: {error}"
    try:
        if check.kind == "expect_error":
            return _judge_error(check, record)
        if check.kind == "hidden_tests":
            return _judge_hidden(check, record, hidden_cases[check.name])
        return _judge_value(check, record)
    except (ValueError, TypeError, ArithmeticError) as problem:  # a malformed record (a shape of inf, ...)
        return tr("{name}: the recorded value is unusable ({problem})", name=check.name, problem=problem)


@dataclass
class CellVerdict:
    grade_id: str
    points: float
    score: float
    messages: list


def judge_cell(grade_id, points, checks, run_records, hidden_cases, not_run_reason):
    """The score and messages of one test cell."""
    if not checks:
        return CellVerdict(grade_id, points, 0.0, [tr("this test cell has no checks the grader can read")])
    messages, not_run = [], []
    with np.errstate(all="ignore"):
        for check in checks:
            problem = judge(check, run_records, hidden_cases)
            if problem is NOT_RUN:
                not_run.append(check.label)
            elif problem:
                messages.append(problem)
    if not_run:
        messages.append(tr("not checked ({checks}): {reason}", checks=", ".join(not_run), reason=not_run_reason))
    return CellVerdict(grade_id, points, 0.0 if messages else points, messages)
