"""Fixture submissions for the grading tests, and how to turn them into notebooks.

An assignment's fixtures live in its own folder, ``solutions/<assignment>/cases/<case>.py``
(an assignment is one folder; see autograder.config). Each file describes one student's
submission as a patch of the released notebook, with the outcome the grader must produce:

    # expect-score: 5
    # expect-status: timeout          (a trailing * matches any rest: "error: *")
    # mutate: delete_tests            (optional, see MUTATIONS)
    # What the case is about, in words.
    # %% conv_forward                 the answer cell with this grade_id gets the text below
    <<solution>>                      ... the solution's own code for that cell
                                      (<<solution:GRADE_ID>>: another cell's)
    # %% new                          a new code cell (no metadata) after the previous one
    # %% new after GRADE_ID           a new code cell after the cell with this grade_id
    # %% file helpers.py              a file placed next to the notebook
    <<shared:NAME>>                   ... the text of solutions/<assignment>/cases/shared/NAME
                                      (what several cases hand in alike, written once)

``{REPO}`` in a case is replaced by the repository root, so that a case can try to read the
instructor's files. The solution's code comes from solutions/ (markers stripped): fixtures
never repeat it.
"""

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.config import REPO_ROOT as REPO
from autograder.config import cases_folder
MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.MULTILINE)


@dataclass
class Case:
    assignment: str
    name: str
    score: float
    status: str
    mutations: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(header, text)]

    def status_matches(self, status):
        if self.status.endswith("*"):
            return status.startswith(self.status[:-1])
        return status == self.status


def case_path(assignment, name):
    return cases_folder(assignment) / f"{name}.py"


def load_case(path):
    """The case in ``path``: solutions/<assignment>/cases/<case>.py (or <assignment>/<case>.py)."""
    path = Path(path)
    folder = path.parent.parent if path.parent.name == "cases" else path.parent
    assignment, text = folder.name, path.read_text()
    header, _, body = text.partition("# %%")
    meta = dict(re.findall(r"^# (expect-score|expect-status|mutate): (.*)$", header, re.MULTILINE))
    sections = []
    for chunk in ("# %%" + body).split("# %%")[1:] if body else []:
        title, _, code = chunk.partition("\n")
        sections.append((title.strip(), code.strip("\n") + "\n" if code.strip() else ""))
    return Case(
        assignment,
        path.stem,
        float(meta["expect-score"]),
        meta["expect-status"].strip(),
        meta.get("mutate", "").split(),
        sections,
    )


def cases(assignment):
    return [load_case(p) for p in sorted(cases_folder(assignment).glob("*.py"))]


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_answers(assignment):
    """{grade_id: the solution's code} for the answer cells, solution markers removed."""
    notebook = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {
        _grade_id(c): MARKERS.sub("", c.source)
        for c in notebook.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def _is_test(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade") and not meta.get("solution")


def _as(cell, cell_type):
    cell = dict(cell, cell_type=cell_type)
    for key in ("outputs", "execution_count"):
        cell.pop(key, None)
    return cell


MUTATIONS = {
    "delete_tests": lambda cells: [c for c in cells if not _is_test(c)],
    "edit_tests": lambda cells: [dict(c, source="pass") if _is_test(c) else c for c in cells],
    "tests_to_markdown": lambda cells: [_as(c, "markdown") if _is_test(c) else c for c in cells],
    "answers_to_raw": lambda cells: [
        _as(c, "raw") if c.get("metadata", {}).get("nbgrader", {}).get("solution") else c for c in cells
    ],
    "delete_metadata": lambda cells: [dict(c, metadata={}) for c in cells],
    "reverse": lambda cells: list(reversed(cells)),
    # A lone surrogate cannot be written in this UTF-8 file: the mutation adds one to every
    # answer cell (json.dumps writes it as the escape "\\ud800", as a broken editor would).
    "surrogate_comment": lambda cells: [
        dict(c, source=c["source"] + "\n# \ud800 broken text") if c.get("metadata", {}).get("nbgrader", {}).get("solution") else c
        for c in cells
    ],
}


def expand(case, title, text, solutions, repo=REPO):
    """A section's text with its markers filled in: <<solution>>, <<solution:ID>> (from
    ``solutions``, :func:`solution_answers`), <<shared:NAME>> and {REPO}."""
    text = re.sub(r"<<solution:(\w+)>>", lambda m: solutions[m.group(1)], text)
    text = re.sub(r"<<shared:([\w.]+)>>", lambda m: (cases_folder(case.assignment) / "shared" / m.group(1)).read_text(), text)
    return text.replace("<<solution>>", solutions.get(title, "")).replace("{REPO}", str(repo))


def build(case, repo=REPO, edition="en"):
    """(notebook as a dict, {file name: text}) for ``case``, in the released notebook of
    ``edition`` (the English one, or a translation: exercises/<edition>/<A>/<A>.ipynb)."""
    from autograder.editions import release_path

    released = json.loads(release_path(case.assignment, edition, repo).read_text(encoding="utf-8"))
    solutions = solution_answers(case.assignment)
    cells, files = copy.deepcopy(released["cells"]), {}
    position = {_grade_id(c): i for i, c in enumerate(cells)}
    last = None
    for title, text in case.sections:
        text = expand(case, title, text, solutions, repo)
        if title.startswith("file "):
            files[title[5:].strip()] = text
        elif title.startswith("new"):
            if title.startswith("new after "):
                last = position[title[len("new after ") :].strip()]
            new = nbformat.v4.new_code_cell(text)
            new["id"] = f"added-{len(cells)}"
            cells.insert(last + 1, new)
            position = {_grade_id(c): i for i, c in enumerate(cells)}
            last += 1
        else:
            last = position[title]
            cells[last]["source"] = text
    for mutation in case.mutations:
        cells = MUTATIONS[mutation](cells)
    return dict(released, cells=cells), files


def write_submission(case, folder, repo=REPO, edition="en", student=None):
    """Write the case as ``folder/<student or case name>/<assignment>.ipynb`` plus its files."""
    notebook, files = build(case, repo, edition)
    student = Path(folder) / (student or case.name)
    student.mkdir(parents=True, exist_ok=True)
    (student / f"{case.assignment}.ipynb").write_text(json.dumps(notebook, indent=1))
    for name, text in files.items():
        (student / name).write_text(text)
    return student
