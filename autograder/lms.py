"""Learning-management systems in and out: the rosters they export, the grade files they import.

`roster FILE` reads, recognising the format from the header row:

* a plain list: one student id per line (or the first column of a CSV, with or without a
  header row such as ``student_id``);
* Canvas's gradebook export (Grades > Export): columns ``Student, ID, SIS User ID,
  SIS Login ID, Section`` and the assignments, with a ``Points Possible`` row (skipped, as
  is Canvas's ``Student, Test``). The student id is ``SIS Login ID`` unless
  ``--id-column`` names another column (``SIS User ID``, ``ID``);
* a Moodle export: the gradebook's plain text export (``First name, Last name, ID number,
  Institution, Department, Email address``, then the grade items) or a participants or
  users download (``username, firstname, lastname, email, idnumber``). The student id is
  the first of ``Username``, ``ID number``, ``Email address`` the file has, unless
  ``--id-column`` says otherwise.

Every id must be a plain name (``collect.STUDENT_ID``: letters, digits, ``. _ @ -``, not
starting with a sign), so no id can be read as a spreadsheet formula. The LMS's own
columns (names, Canvas's user ids, sections, e-mail) are kept in ``roster.json`` in the
working folder, so that the grade files name students the way the LMS knows them.

`export --format canvas` writes Canvas's gradebook import CSV: the five identity columns
``Student, ID, SIS User ID, SIS Login ID, Section``, a ``Points Possible`` row, then one
column per assignment (named as in the Canvas export the roster came from, e.g.
``toyConv (48213)``, so Canvas updates that assignment; a bare name makes Canvas create
a new assignment). `export --format moodle` writes a CSV for Moodle's Import > CSV file:
the id column (under the header it had in the Moodle file, e.g. ``Email address``; map it
to the matching "Identify user by" field), first and last names, and one column per
assignment to map to its grade item. Both hold every roster student, with late
penalties applied and 0 for those who submitted nothing (``--missing blank``: empty).
"""

import csv
import io
import json
import os

from .collect import STUDENT_ID

PLAIN_HEADERS = {"student_id", "student id", "studentid", "student", "id", "username", "user", "login", "sis id"}
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_ID_COLUMNS = ["SIS Login ID", "SIS User ID", "ID"]
POINTS_POSSIBLE = "Points Possible"
CANVAS_TEST_STUDENT = "Student, Test"
# Moodle's headers for the same fields, as its grade export / user download write them.
MOODLE_FIELDS = {
    "username": ("Username", "username"),
    "idnumber": ("ID number", "idnumber"),
    "email": ("Email address", "email"),
    "first_name": ("First name", "firstname"),
    "last_name": ("Last name", "lastname"),
}
MOODLE_ID_FIELDS = ["username", "idnumber", "email"]
ROSTER_FILE = "roster.json"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def harmless(text):
    """A text cell a spreadsheet will not run: one starting like a formula gets a ``'``."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _fold(name):
    return " ".join(name.strip().lower().split())


def _find(header, *names):
    """Index of the first column of ``header`` named like one of ``names`` (any case), or None."""
    folded = [_fold(h) for h in header]
    for name in names:
        if _fold(name) in folded:
            return folded.index(_fold(name))
    return None


def _read_rows(path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:  # -sig: spreadsheets write a BOM
            text = file.read()
    except FileNotFoundError:
        raise ValueError(f"no roster file {path}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text (save the roster as CSV UTF-8)") from None
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


def detect_format(header):
    if _find(header, "SIS Login ID", "SIS User ID") is not None or (
        _find(header, "Student") is not None and _find(header, "Section") is not None
    ):
        return "canvas"
    if any(_find(header, *names) is not None for names in MOODLE_FIELDS.values()):
        return "moodle"
    return "plain"


def _plain(rows):
    ids = [row[0].strip().strip('"') for row in rows if not row[0].startswith("#")]
    if ids and ids[0].lower() in PLAIN_HEADERS:
        ids = ids[1:]
    return [(i, {}) for i in ids if i]


def _column(header, id_column, candidates, what):
    if id_column:
        index = _find(header, id_column)
        if index is None:
            raise ValueError(f"the {what} roster has no column {id_column!r} (its columns: {', '.join(header)})")
        return index
    for name in candidates:
        index = _find(header, *(name if isinstance(name, tuple) else (name,)))
        if index is not None:
            return index
    raise ValueError(f"the {what} roster has none of the columns {candidates}; name one with --id-column")


def _canvas(rows, id_column):
    header = rows[0]
    index = _column(header, id_column, CANVAS_ID_COLUMNS, "Canvas")
    fields = {name: _find(header, name) for name in CANVAS_IDENTITY}
    students = []
    for row in rows[1:]:
        first = row[0].strip() if row else ""
        if first == POINTS_POSSIBLE or first == CANVAS_TEST_STUDENT:
            continue
        cell = lambda i: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        info = {"lms": "canvas", **{name: cell(i) for name, i in fields.items()}}
        students.append((cell(index), info))
    return students, header[index]


def _moodle(rows, id_column):
    header = rows[0]
    index = _column(header, id_column, [MOODLE_FIELDS[f] for f in MOODLE_ID_FIELDS], "Moodle")
    fields = {field: _find(header, *names) for field, names in MOODLE_FIELDS.items()}
    students = []
    for row in rows[1:]:
        cell = lambda i: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        info = {"lms": "moodle", **{field: cell(i) for field, i in fields.items() if i is not None}}
        students.append((cell(index), info))
    return students, header[index]


def read_roster(path, id_column=None, format="auto"):
    """(format, id column, [(student id, LMS fields)], {assignment: Canvas column}) of a roster.

    ValueError if the file cannot be read or an id is not a valid student id.
    """
    rows = _read_rows(path)
    if not rows:
        return "plain", None, [], {}
    kind = detect_format(rows[0]) if format == "auto" else format
    if kind == "plain":
        if id_column:
            raise ValueError("--id-column is for Canvas and Moodle rosters; this file reads as a plain list")
        students, column = _plain(rows), None
    elif kind == "canvas":
        students, column = _canvas(rows, id_column)
    elif kind == "moodle":
        students, column = _moodle(rows, id_column)
    else:
        raise ValueError(f"unknown roster format {format!r}")
    seen = set()
    for number, (student, _) in enumerate(students, start=1):
        if not student:
            raise ValueError(f"student {number} of the roster has no {column or 'id'}")
        if not STUDENT_ID.fullmatch(student):
            raise ValueError(f"{student!r} is not a valid student id")
        if student in seen:
            raise ValueError(f"{student!r} is in the roster twice")
        seen.add(student)
    extra = {}
    if kind == "canvas":  # assignment columns such as "toyConv (48213)": Canvas's ids
        from .config import assignments

        for name in rows[0]:
            base = name.rsplit(" (", 1)[0].strip()
            if base in assignments() and name.strip().endswith(")"):
                extra[base] = name.strip()
    return kind, column, students, extra


def load_roster(workdir):
    path = workdir.root / ROSTER_FILE
    if not path.exists():
        return {"students": {}, "canvas_columns": {}, "id_column": None}
    return json.loads(path.read_text(encoding="utf-8"))


def save_roster(workdir, kind, column, students, canvas_columns):
    """Merge the LMS fields of ``students`` into roster.json (atomically)."""
    roster = load_roster(workdir)
    for student, info in students:
        if info:
            roster["students"][student] = info
    roster["canvas_columns"].update(canvas_columns)
    if kind != "plain":
        roster["id_column"] = column
        roster["format"] = kind
    workdir.create()
    path = workdir.root / ROSTER_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(roster, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def roster_main(args):
    """`roster FILE [--id-column NAME] [--format auto|plain|canvas|moodle]`."""
    from . import gradebook
    from .config import Workdir

    workdir = Workdir(args.workdir, getattr(args, "db", None))
    kind, column, students, canvas_columns = read_roster(args.file, getattr(args, "id_column", None),
                                                         getattr(args, "roster_format", "auto") or "auto")  # fmt: skip
    ids = [student for student, _ in students]
    gradebook.add_students(workdir, ids)
    if kind != "plain":
        save_roster(workdir, kind, column, students, canvas_columns)
    how = f" (a {kind.capitalize()} roster; ids from its column {column!r})" if kind != "plain" else ""
    print(f"{len(ids)} students in the gradebook{how}")
    return 0


# Grade files -------------------------------------------------------------------------------


def _score(grade, missing):
    if grade.status == "missing" and missing == "blank":
        return ""
    return f"{grade.final:g}"


def _by_student(grades):
    students, assignments, by = [], [], {}
    for grade in grades:
        if grade.student not in by:
            students.append(grade.student)
            by[grade.student] = {}
        if grade.assignment not in assignments:
            assignments.append(grade.assignment)
        by[grade.student][grade.assignment] = grade
    return students, assignments, by


def canvas_rows(grades, roster, missing="zero"):
    """The rows of Canvas's gradebook import CSV (header, Points Possible, one per student)."""
    students, assignments, by = _by_student(grades)
    columns = roster.get("canvas_columns", {})
    header = CANVAS_IDENTITY + [harmless(columns.get(a, a)) for a in assignments]
    maxima = {a: next(g.max_score for g in grades if g.assignment == a) for a in assignments}
    points = [" " * 4 + POINTS_POSSIBLE, "", "", "", ""] + [f"{maxima[a]:g}" for a in assignments]
    rows = [header, points]
    for student in students:
        info = roster.get("students", {}).get(student, {})
        if info.get("lms") == "canvas":
            identity = [info.get(name, "") for name in CANVAS_IDENTITY]
        else:  # a plain roster: the id is the login Canvas knows the student by
            identity = [student, "", "", student, ""]
        identity[0] = identity[0] or student
        rows.append([harmless(cell) for cell in identity] + [_score(by[student][a], missing) for a in assignments])
    return rows


def moodle_rows(grades, roster, missing="zero"):
    """The rows of a CSV for Moodle's grade import: id column, names, one column per assignment."""
    students, assignments, by = _by_student(grades)
    id_header = roster.get("id_column") if roster.get("format") == "moodle" else None
    id_field = next((f for f, names in MOODLE_FIELDS.items() if id_header in names), None) if id_header else None
    header = [id_header or "Username", "First name", "Last name"] + list(assignments)
    rows = [[harmless(h) for h in header]]
    for student in students:
        info = roster.get("students", {}).get(student, {})
        ident = info.get(id_field, student) if id_field else student
        names = [info.get("first_name", ""), info.get("last_name", "")] if info.get("lms") == "moodle" else ["", ""]
        rows.append([harmless(ident)] + [harmless(n) for n in names] + [_score(by[student][a], missing) for a in assignments])
    return rows
