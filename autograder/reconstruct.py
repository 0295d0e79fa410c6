"""Build the notebook that is actually run: the instructor's cells, the student's answers.

A student can edit or delete a read-only test cell, strip nbgrader's metadata, change a
cell's type, reorder cells or add new ones. None of that reaches the graded run, because the
graded notebook is not the submitted file: it is the instructor's notebook (the source with
its solutions cleared, hidden tests included) in which only the answer cells are filled in
with the student's text, matched by their nbgrader ``grade_id``. Everything else, test cells
above all, comes from the source.

Student code cells that match no template cell (new cells, or answer cells whose metadata
was deleted) are kept, placed after the template cell that precedes them in the student's
notebook (recognised by its grade_id or, failing that, by its text), so a scratch cell the
student put below a test still runs after that test, as it did for the student. An answer cell that cannot be matched leaves its slot empty and flags the
notebook for manual grading: its tests still run (the code may have landed in a new cell),
but the score is never taken as final without an instructor looking.

An assignment may be offered in several languages (:mod:`autograder.editions`). The graded
notebook is rebuilt from the template of the edition the submission claims, so a Korean
student's notebook runs with its Korean text and its checks speak Korean; the editions have
the same cells, grade_ids and code, so the answers land in the same places and score the
same. Whichever edition a notebook claims, the read-only cells of every edition count as
given (no "changes discarded" note, no extra cell) and an untouched answer cell of any
edition counts as unanswered.
"""

import copy
import re
from dataclasses import dataclass, field

from . import editions


def _nbgrader(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def grade_id_of(cell):
    grade_id = _nbgrader(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) and grade_id else None


def kind_of(cell):
    """'answer' (student code), 'manual' (answer graded by hand), 'test', 'task' or 'fixed'."""
    meta = _nbgrader(cell)
    if meta.get("solution"):
        return "manual" if meta.get("grade") or cell["cell_type"] != "code" else "answer"
    if meta.get("grade"):
        return "test" if cell["cell_type"] == "code" else "manual"
    if meta.get("task"):
        return "task"
    return "fixed"


@dataclass
class Template:
    """An assignment's notebook as the grader runs it.

    ``cells`` are nbformat cells of the source notebook with the solutions replaced by
    nbgrader's stubs (hidden tests kept), in the language of ``edition``;
    ``release_sources`` maps a grade_id to the text the student was given (hidden tests
    removed). ``given`` maps a grade_id to that text in every edition (this one first), and
    ``texts`` maps the text of a cell without grade_id, in any edition, to its index.
    """

    assignment: str
    notebook: object
    release_sources: dict
    edition: str = editions.ENGLISH
    given: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)

    @classmethod
    def load(cls, assignment, edition=editions.ENGLISH):
        """The template of ``assignment`` in ``edition`` (ValueError if it is not offered)."""
        from nbgrader.preprocessors import ClearHiddenTests

        offered = editions.editions(assignment)
        if edition not in offered:
            raise ValueError(f"{assignment} is not offered in {edition!r} (editions: {', '.join(offered)})")
        cleared = editions.cleared_source(assignment)
        notebooks = {edition: None}  # this edition first
        for language in offered:
            if language == editions.ENGLISH:
                notebooks[language] = cleared
            else:
                notebooks[language] = editions.translate(cleared, editions.load_translations(assignment, language), language)
        given, texts = {}, {}
        for language, notebook in notebooks.items():
            released, _ = ClearHiddenTests().preprocess(copy.deepcopy(notebook), {})
            for index, cell in enumerate(released.cells):
                grade_id = grade_id_of(cell)
                if grade_id and cell.source not in given.setdefault(grade_id, []):
                    given[grade_id].append(cell.source)
                elif not grade_id:
                    texts.setdefault(cell.source, index)
        sources = {grade_id: versions[0] for grade_id, versions in given.items()}
        return cls(assignment, notebooks[edition], sources, edition, {k: tuple(v) for k, v in given.items()}, texts)

    def given_sources(self, grade_id):
        """The texts the cell ``grade_id`` was handed out with, in every edition."""
        return self.given.get(grade_id) or ((self.release_sources[grade_id],) if grade_id in self.release_sources else ())

    @property
    def cells(self):
        return self.notebook.cells

    def test_cells(self):
        """[(grade_id, points, source)] of the autograded test cells, in order."""
        return [
            (grade_id_of(c), float(_nbgrader(c).get("points", 0)), c.source)
            for c in self.cells
            if kind_of(c) == "test"
        ]

    def answer_ids(self):
        return [grade_id_of(c) for c in self.cells if kind_of(c) in ("answer", "manual")]


@dataclass
class Reconstruction:
    """The graded notebook's cells (nbformat dicts) and what was found on the way.

    ``kinds[i]`` is the kind of ``cells[i]`` ('extra' for a student's own code cell);
    ``student_code`` maps a label to every piece of code the student wrote (for the static
    checks); ``unmatched`` lists answer cells not found in the submission.
    """

    cells: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    student_code: dict = field(default_factory=dict)
    unanswered: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _code_cell(source, metadata=None):
    return {"cell_type": "code", "execution_count": None, "metadata": metadata or {}, "outputs": [], "source": source}


def as_plain_text(text):
    """A student's written answer as a Markdown code block: shown verbatim, never as HTML.

    formgrader and the feedback pages render Markdown to HTML in the instructor's browser,
    where raw HTML, SVG or a ``javascript:`` link written by a student could run. Inside a
    fenced block (with a fence longer than any run of backticks in the text) every
    character is shown as it is.
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _positions(template):
    """Where each template cell is, by grade_id and by the text the student was given."""
    by_id, by_source = {}, {}
    for index, cell in enumerate(template.cells):
        grade_id = grade_id_of(cell)
        if grade_id:
            by_id[grade_id] = index
            for source in template.given_sources(grade_id):  # this edition's text first
                by_source.setdefault(source, index)
        else:
            by_source.setdefault(cell.source, index)
    for source, index in template.texts.items():  # the other editions' texts
        by_source.setdefault(source, index)
    return by_id, by_source


def reconstruct(template, student_cells):
    """The graded notebook for ``student_cells`` (as returned by submission.read)."""
    result = Reconstruction()
    answer_ids = set(template.answer_ids())
    by_id, by_source = _positions(template)

    answers, extras, seen = {}, {}, set()
    anchor = None  # index of the template cell the student's next extra cells follow
    for cell in student_cells:
        grade_id = grade_id_of(cell)
        if grade_id in answer_ids and grade_id not in seen:
            seen.add(grade_id)
            answers[grade_id] = cell
            anchor = by_id[grade_id]
            continue
        if grade_id and grade_id in template.release_sources and grade_id not in answer_ids:
            if cell["source"] not in template.given_sources(grade_id):
                result.notes.append(f"changes to the read-only cell {grade_id!r} were discarded")
            anchor = by_id[grade_id]
            continue
        if cell["source"] in by_source:
            anchor = by_source[cell["source"]]
        elif cell["cell_type"] == "code" and cell["source"].strip():
            extras.setdefault(anchor, []).append(cell["source"])

    def add(cell, kind, label=None):
        result.cells.append(cell)
        result.kinds.append(kind)
        if label:
            result.student_code[label] = cell["source"]

    def add_extras(anchor_index):
        for source in extras.pop(anchor_index, []):
            add(_code_cell(source), "extra", f"your added cell {len(result.student_code) + 1}")

    add_extras(None)
    for index, cell in enumerate(template.cells):
        kind = kind_of(cell)
        if kind not in ("answer", "manual"):
            add(copy.deepcopy(dict(cell)), kind)
            add_extras(index)
            continue
        grade_id = grade_id_of(cell)
        graded = copy.deepcopy(dict(cell))
        submitted = answers.get(grade_id)
        if submitted is None:
            result.unmatched.append(grade_id)
            graded["source"] = ""
        else:
            graded["source"] = submitted["source"]
            if submitted["source"] in template.given_sources(grade_id):
                result.unanswered.append(grade_id)
            if submitted["cell_type"] != cell.cell_type:
                result.notes.append(
                    f"the answer cell {grade_id!r} was changed to a {submitted['cell_type']} cell; "
                    f"it was graded as a {cell.cell_type} cell"
                )
        if graded["cell_type"] == "markdown":
            graded["source"] = as_plain_text(graded["source"])
            add(graded, kind)
        else:
            add(graded, kind, grade_id)
        add_extras(index)
    return result
