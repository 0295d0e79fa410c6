"""The exercise notebooks: solutions pass, releases fail, exercises/ is exactly what `release` makes.

Every assignment with a source notebook in solutions/ is checked, so a new assignment is
covered as soon as its notebook exists.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest

from autograder.config import REPO_ROOT, assignments, release_notebook, source_notebook
from mnist_support import OFFICIAL_DIR
from autograder.probes import load_spec
from autograder.reconstruct import Template
from autograder.verdict import parse_checks

ASSIGNMENTS = assignments()
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)


# The official MNIST test digits that convnet's hidden test uses (it falls back on the
# subset's own test digits when they are missing; the grader never does).
# convnet's training cell may take 3 minutes; nbgrader stops a cell after 30 s by default.
CELL_TIMEOUT = 300


@pytest.fixture
def kernel_finds_autograder(monkeypatch):
    """The notebooks import autograder.notebook; the kernel nbgrader starts must find it.

    The kernel also gets one BLAS thread, as in the grader's sandbox: OpenBLAS with two threads
    on two cores that other processes keep busy trains convnet several times slower.
    """
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    if OFFICIAL_DIR:
        monkeypatch.setenv("MNIST_DIR", str(OFFICIAL_DIR))


def validate(path, invert=False):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = CELL_TIMEOUT
    return Validator(invert=invert, config=config).validate(str(path))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_all_its_tests(assignment, kernel_finds_autograder):
    assert validate(source_notebook(assignment)) == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_fails_every_graded_test(assignment, kernel_finds_autograder):
    assert validate(release_notebook(assignment), invert=True) == {}


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_are_exactly_what_release_generates(assignment, fresh_release):
    committed = _files(REPO_ROOT / "exercises" / assignment)
    assert committed, f"exercises/{assignment} is missing: run python -m autograder release {assignment}"
    assert _files(fresh_release / assignment) == committed, (
        f"exercises/{assignment} differs from a fresh release: run python -m autograder release {assignment}"
    )


def _protected_lines(assignment):
    """Every substantial line of the solution regions and hidden-test regions of the source."""
    lines = set()
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        for _, region in REGION.findall(cell.source):
            lines |= {line.strip() for line in region.splitlines() if len(line.strip()) > 12}
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_code_and_no_hidden_test_in_exercises(assignment):
    released = "\n".join(p.read_text(errors="replace") for p in (REPO_ROOT / "exercises").rglob("*") if p.is_file())
    protected = _protected_lines(assignment)
    assert protected, "the source notebook has no solution or hidden-test regions"
    leaked = sorted(line for line in protected if line in released)
    assert not leaked
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_is_readable_by_the_grader(assignment):
    template = Template.load(assignment)
    spec = load_spec(assignment)
    names, probes = [], set()
    for grade_id, points, source in template.test_cells():
        checks = parse_checks(source)  # raises TemplateError for a non-literal argument
        assert checks, f"{grade_id} has no check the grader can read"
        assert points > 0, f"{grade_id} has no points"
        names += [check.name for check in checks]
        probes |= {check.name.removeprefix("hidden:") for check in checks if check.kind == "hidden_tests"}
        for check in checks:
            if check.kind == "hidden_tests":
                assert check.expected == assignment
    assert len(names) == len(set(names)), "check names must be unique in a notebook"
    assert probes == {probe.name for probe in spec.probes}, "every hidden test is used exactly by the notebook"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_are_stated_in_the_notebook(assignment):
    template = Template.load(assignment)
    text = "\n".join(c.source for c in template.cells if c.cell_type == "markdown")
    for grade_id, points, _ in template.test_cells():
        row = re.search(rf"^\|\s*`{grade_id}`\s*\|.*\|\s*(\d+)\s*\|\s*$", text, re.MULTILINE)
        assert row, f"the notebook's points table has no row for {grade_id}"
        assert float(row.group(1)) == points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_answer_cells_do_not_use_what_they_forbid(assignment):
    """The solutions themselves pass the static check (no false alarm on honest code)."""
    from autograder.static import inspect_code

    answers = {
        c.metadata.nbgrader.grade_id: c.source
        for c in nbformat.read(source_notebook(assignment), as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    findings = inspect_code(answers, load_spec(assignment).forbidden)
    assert not findings.forbidden and not findings.suspicious and not findings.syntax_errors
    for source in answers.values():
        ast.parse(source)
