"""`export FILE.csv`: one row per student and assignment.

Columns: ``student_id, assignment, score, max_score, status``. The score is the gradebook's,
so manual grades entered in formgrader count; status is the grading result's (``graded``,
``timeout``, ``error: ...``, ``manual: ...``, and ``graded (checked by hand)`` once an
instructor has dealt with a ``manual`` one) or ``missing`` when the student submitted
nothing. Students are those of the gradebook (``roster`` adds them) and those who
submitted; assignments are those with collected submissions.
"""

import csv

from . import gradebook
from .collect import load_manifest
from .config import Workdir, available_assignments
from .grade import load_results
from .reconstruct import Template

COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


def rows(workdir, assignments=None):
    recorded, maxima, students = gradebook.submissions(workdir)
    assignments = assignments or [a for a in available_assignments() if (workdir.manifests / f"{a}.json").exists()]
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
            if student not in manifests[assignment]:
                score, status = 0.0, "missing"
            elif result is None:
                score, status = 0.0, "error: collected but not graded yet"
            else:
                score, reviewed = recorded.get((student, assignment), (result["score"], False))
                status = gradebook.status(result["status"], reviewed)
            table.append([student, assignment, f"{score:g}", f"{max_score:g}", status])
    return table


def export(path, workdir, assignments=None):
    table = rows(workdir, assignments)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(table)
    return table


def main(args):
    table = export(args.file, Workdir(args.workdir), args.assignment)
    print(f"wrote {len(table)} rows to {args.file}")
    return 0
