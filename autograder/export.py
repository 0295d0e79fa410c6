"""`export FILE.csv [--format csv|canvas|moodle]`: the grades, one row per student and assignment.

The plain CSV (``--format csv``, the default) has the columns ``student_id, assignment,
score, max_score, status, raw_score, late_penalty, final_score``. ``raw_score`` is the
gradebook's score, so manual grades entered in formgrader count; ``late_penalty`` is the
points taken off for lateness (see :mod:`autograder.course`, ``course.toml``);
``final_score = raw_score - late_penalty``, and ``score`` is the final score too. Status is
the grading result's (``graded``, ``timeout``, ``error: ...``, ``manual: ...``, and
``graded (checked by hand)`` once an instructor has dealt with a ``manual`` one) or
``missing`` when the student submitted nothing. Students are those of the gradebook
(``roster`` adds them) and those who submitted; assignments are those with collected
submissions.

``--format canvas`` and ``--format moodle`` write the same final scores as a file those
systems import (see :mod:`autograder.lms`). No cell of any format starts like a
spreadsheet formula (student ids cannot; other text is quoted with ``'``).
"""

import csv
from dataclasses import dataclass

from . import gradebook
from .collect import load_manifest
from .config import Workdir, assignments as course_assignments
from .course import Lateness, apply_penalty, lateness, load_course, submitted_time
from .grade import load_results
from .lms import canvas_rows, harmless, load_roster, moodle_rows
from .reconstruct import Template

BASE_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]
COLUMNS = BASE_COLUMNS + ["raw_score", "late_penalty", "final_score"]
FORMATS = ("csv", "canvas", "moodle")


@dataclass
class Grade:
    """One student's grade for one assignment."""

    student: str
    assignment: str
    raw: float
    max_score: float
    status: str
    lateness: Lateness
    submitted: object = None  # aware datetime, or None when nothing was submitted
    submitted_from: str = ""

    @property
    def final(self):
        return apply_penalty(self.raw, self.lateness.penalty_percent)

    @property
    def penalty(self):
        return round(self.raw - self.final, 2)


def grades(workdir, assignments=None, course=None):
    """[Grade] for every student (gradebook and collected) and assignment, student-major per assignment."""
    course = load_course() if course is None else course
    recorded, maxima, students = gradebook.submissions(workdir)
    assignments = assignments or [a for a in course_assignments() if (workdir.manifests / f"{a}.json").exists()]
    manifests = {a: load_manifest(workdir, a)["students"] for a in assignments}
    results = {a: load_results(workdir, a) for a in assignments}
    everyone = sorted(set(students).union(*manifests.values()) if manifests else students)
    table = []
    for assignment in assignments:
        max_score = maxima.get(assignment)
        if max_score is None:
            max_score = sum(points for _, points, _ in Template.load(assignment).test_cells())
        for student in everyone:
            result = results[assignment].get(student)
            entry = manifests[assignment].get(student)
            when, source = submitted_time(entry) if entry else (None, "")
            late = lateness(course, assignment, student, when)
            if entry is None:
                score, status = 0.0, "missing"
            elif result is None:
                score, status = 0.0, "error: collected but not graded yet"
            else:
                score, reviewed = recorded.get((student, assignment), (result["score"], False))
                status = gradebook.status(result["status"], reviewed)
            table.append(Grade(student, assignment, float(score), float(max_score), status, late, when, source))
    return table


def rows(workdir, assignments=None, course=None):
    """[student_id, assignment, score, max_score, status] with the final (after penalty) score."""
    return [[g.student, g.assignment, f"{g.final:g}", f"{g.max_score:g}", g.status] for g in grades(workdir, assignments, course)]


def table(workdir, assignments=None, course=None):
    """The plain export's rows (COLUMNS)."""
    return [
        [g.student, g.assignment, f"{g.final:g}", f"{g.max_score:g}", g.status, f"{g.raw:g}", f"{g.penalty:g}", f"{g.final:g}"]
        for g in grades(workdir, assignments, course)
    ]


def _write(path, all_rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(all_rows)


def export(path, workdir, assignments=None, format="csv", course=None, missing="zero"):
    """Write the grade file; returns the data rows written (header rows not counted)."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; one of {', '.join(FORMATS)}")
    if format == "csv":
        data = [[harmless(cell) for cell in row] for row in table(workdir, assignments, course)]
        _write(path, [COLUMNS] + data)
        return data
    graded = grades(workdir, assignments, course)
    if not graded:
        raise ValueError("nothing to export: no students and no collected submissions")
    roster = load_roster(workdir)
    if format == "canvas":
        all_rows = canvas_rows(graded, roster, missing)
        data = all_rows[2:]
    else:
        all_rows = moodle_rows(graded, roster, missing)
        data = all_rows[1:]
    _write(path, all_rows)
    return data


def main(args):
    workdir = Workdir(args.workdir, getattr(args, "db", None))
    course = load_course(getattr(args, "course", None))
    format = getattr(args, "format", None) or "csv"
    data = export(args.file, workdir, args.assignment, format, course, getattr(args, "missing", None) or "zero")
    if format == "csv":
        print(f"wrote {len(data)} rows to {args.file}")
    else:
        print(f"wrote {len(data)} students to {args.file} (a {format.capitalize()} grade import file)")
    return 0
