"""The instructor's term: course.toml (due dates, late policy, extensions), the export's late
columns, Canvas and Moodle rosters and grade files.

The working folders here are made by hand (a manifest and result files as collect and grade
write them), so these tests run in seconds and need no sandbox.
"""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from autograder import cli
from autograder.config import Workdir
from autograder.course import Course, Policy, late_lines, lateness, load_course, submitted_time
from autograder.export import COLUMNS, grades, rows

JST = timezone(timedelta(hours=9))
DUE = datetime(2026, 3, 4, 12, 0, tzinfo=JST)

COURSE_TOML = """
[assignments.toyConv]
due = "2026-03-04T12:00:00+09:00"
late_policy = "per_day"
late_penalty = 10
late_cap = 30
grace_minutes = 15

[extensions.toyConv]
ext = "2026-03-06T12:00:00+09:00"
"""


def course(**policy):
    return Course({"toyConv": Policy(due=DUE, **policy)}, {"toyConv": {"ext": DUE + timedelta(days=2)}})


# Lateness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offset, late, penalty",
    [
        (timedelta(hours=-5), False, 0),  # before
        (timedelta(0), False, 0),  # exactly at the due date
        (timedelta(minutes=14, seconds=59), False, 0),  # within the grace period
        (timedelta(minutes=15), False, 0),  # the grace period's last moment
        (timedelta(minutes=15, seconds=1), True, 10),  # after it: one started day
        (timedelta(days=1), True, 10),  # exactly one day
        (timedelta(days=1, seconds=1), True, 20),  # a second day started
        (timedelta(days=9), True, 30),  # capped
    ],
)
def test_per_day_with_grace_and_cap(offset, late, penalty):
    result = lateness(course(late_policy="per_day", late_penalty=10, late_cap=30, grace_minutes=15), "toyConv", "s1", DUE + offset)
    assert (result.late, result.penalty_percent) == (late, penalty)
    assert result.late_by == (offset if late else timedelta(0))


def test_an_extension_moves_the_deadline_for_that_student_only():
    c = course(late_policy="per_day", late_penalty=10)
    submitted = DUE + timedelta(days=1, hours=1)
    assert lateness(c, "toyConv", "ext", submitted).late is False
    assert lateness(c, "toyConv", "other", submitted).penalty_percent == 20
    after_extension = lateness(c, "toyConv", "ext", DUE + timedelta(days=2, minutes=1))
    assert (after_extension.late, after_extension.penalty_percent, after_extension.late_by) == (True, 10, timedelta(minutes=1))


def test_per_hour_zero_and_none_policies():
    late = DUE + timedelta(hours=2, minutes=1)
    assert lateness(course(late_policy="per_hour", late_penalty=5), "toyConv", "s", late).penalty_percent == 15
    assert lateness(course(late_policy="zero"), "toyConv", "s", late).penalty_percent == 100
    result = lateness(course(late_policy="none"), "toyConv", "s", late)
    assert (result.late, result.penalty_percent) == (True, 0)
    assert lateness(Course(), "toyConv", "s", late).late is False  # no due date: never late
    # Time zones compare as instants: 03:00 UTC is 12:00 in Tokyo, the due date itself.
    assert lateness(course(late_policy="zero"), "toyConv", "s", datetime(2026, 3, 4, 3, 0, tzinfo=timezone.utc)).late is False


def test_load_course_reads_the_file_and_reports_mistakes(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(COURSE_TOML)
    loaded = load_course(path)
    assert loaded.policy("toyConv") == Policy(DUE, "per_day", 10, 30, 15)
    assert loaded.deadline("toyConv", "ext") == datetime(2026, 3, 6, 12, tzinfo=JST)
    assert loaded.policy("im2col").due is None
    for text, message in [
        ('[assignments.toyConv]\ndue = "2026-03-04 12:00"', "no time zone"),
        ('[assignments.toyConv]\ndue = "next monday"', "not an ISO 8601"),
        ('[assignments.toyConv]\nlate_policy = "half"', "late_policy"),
        ("[assignments.toyConv]\nlate_penalty = 150", "between 0 and 100"),
        ("[assignments.toyConv]\nlate_penaly = 10", "unknown key 'late_penaly'"),
        ("[assignments.toyConvv]\n", "unknown assignment"),
        ('[extensions.toyConv]\ns1 = "soon"', "not an ISO 8601"),
        ("[assignments.toyConv\n", "not valid TOML"),
    ]:
        path.write_text(text)
        with pytest.raises(ValueError, match=message):
            load_course(path)
    with pytest.raises(ValueError, match="does not exist"):
        load_course(tmp_path / "nowhere.toml")


def test_the_repository_course_file_parses():
    load_course()  # course.toml at the root: an instructor's edits must stay valid


def test_submitted_time_prefers_the_manifest_submitted_field():
    entry = {"collected": "2026-03-05 01:00:00.000000 UTC", "submitted": "2026-03-04T02:59:00+00:00", "submitted_from": "timestamp.txt"}
    assert submitted_time(entry) == (datetime(2026, 3, 4, 2, 59, tzinfo=timezone.utc), "timestamp.txt")
    assert submitted_time({"collected": entry["collected"]}) == (datetime(2026, 3, 5, 1, 0, tzinfo=timezone.utc), "collect time")


# A working folder made by hand ----------------------------------------------------------

# student -> (submitted, score); "eve" submitted nothing; "ext" has an extension.
CLASS = {
    "ada": ("2026-03-04T02:00:00+00:00", 10.0),  # on time
    "ben": ("2026-03-04T03:10:00+00:00", 8.0),  # 10 min late: within the 15-minute grace
    "cy": ("2026-03-05T04:00:00+00:00", 5.0),  # 1 day 1 h late: 2 started days, 20%
    "dee": ("2026-03-20T04:00:00+00:00", 10.0),  # very late: capped at 30%
    "ext": ("2026-03-06T01:00:00+00:00", 9.0),  # before the extended deadline
}


def make_workdir(root, assignment="toyConv", klass=CLASS, messages=None):
    """A working folder with a manifest and result files for ``klass``."""
    workdir = Workdir(root)
    workdir.manifests.mkdir(parents=True)
    (workdir.results / assignment).mkdir(parents=True)
    manifest = {"students": {}}
    for student, (submitted, score) in klass.items():
        manifest["students"][student] = {
            "files": {f"{assignment}.ipynb": "0" * 64}, "notebook": f"{assignment}.ipynb",
            "collected": "2026-03-21 00:00:00.000000 UTC", "submitted": submitted, "submitted_from": "timestamp.txt",
            "notes": [],
        }  # fmt: skip
        cells = (messages or {}).get(student) or {
            "test_conv_forward_lecture": {"score": 2.0, "max_score": 2.0, "messages": []},
        }
        result = {"student": student, "status": "graded", "score": score, "cells": cells, "comments": {},
                  "manual_reasons": [], "notes": [], "seconds": 1.5 + len(student), "key": "k"}  # fmt: skip
        (workdir.results / assignment / f"{student}.json").write_text(json.dumps(result))
    (workdir.manifests / f"{assignment}.json").write_text(json.dumps(manifest))
    return workdir


@pytest.fixture
def term(tmp_path, monkeypatch):
    course_file = tmp_path / "course.toml"
    course_file.write_text(COURSE_TOML)
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_file))
    return make_workdir(tmp_path / "workdir"), course_file


def test_export_has_raw_penalty_and_final_columns(term, tmp_path, capsys):
    workdir, course_file = term
    roster = tmp_path / "roster.txt"
    roster.write_text("ada\nben\ncy\ndee\next\neve\n")
    assert cli.main(["roster", str(roster), "--workdir", str(workdir.root)]) == 0
    out = tmp_path / "grades.csv"
    assert cli.main(["export", str(out), "--workdir", str(workdir.root), "--course", str(course_file)]) == 0
    assert "wrote 6 rows" in capsys.readouterr().out
    table = list(csv.reader(out.open()))
    assert table[0] == COLUMNS == ["student_id", "assignment", "score", "max_score", "status", "raw_score", "late_penalty", "final_score"]
    assert table[1:] == [
        ["ada", "toyConv", "10", "10", "graded", "10", "0", "10"],
        ["ben", "toyConv", "8", "10", "graded", "8", "0", "8"],
        ["cy", "toyConv", "4", "10", "graded", "5", "1", "4"],
        ["dee", "toyConv", "7", "10", "graded", "10", "3", "7"],
        ["eve", "toyConv", "0", "10", "missing", "0", "0", "0"],
        ["ext", "toyConv", "9", "10", "graded", "9", "0", "9"],
    ]
    assert ["cy", "toyConv", "4", "10", "graded"] in rows(workdir)  # the five columns, final score


def test_late_lines_name_the_late_students(term):
    workdir, course_file = term
    lines = late_lines(workdir, "toyConv", load_course(course_file))
    assert [line.split()[1] for line in lines] == ["cy", "dee"]
    assert "1 day 1 h late, penalty 20%" in lines[0] and "(timestamp.txt)" in lines[0]
    assert "penalty 30%" in lines[1]
    assert late_lines(workdir, "toyConv", Course()) == []


def test_a_missing_submitted_field_falls_back_on_the_collect_time(term):
    workdir, course_file = term
    manifest = json.loads((workdir.manifests / "toyConv.json").read_text())
    for entry in manifest["students"].values():
        del entry["submitted"], entry["submitted_from"]
    (workdir.manifests / "toyConv.json").write_text(json.dumps(manifest))
    late = {g.student: (g.lateness.late, g.submitted_from) for g in grades(workdir, ["toyConv"], load_course(course_file))}
    assert late["ada"] == (True, "collect time") and late["ext"] == (True, "collect time")


# Canvas and Moodle ---------------------------------------------------------------------------

# Canvas: Grades > Export. The header row, the "Points Possible" row, the test student.
CANVAS_EXPORT = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,toyConv (48213),Current Score,Final Score\n"
    "    Points Possible,,,,,10,(read only),(read only)\n"
    '"Lovelace, Ada",1001,S-1,ada,CNN 2026,,,\n'
    '"Babbage, Ben",1002,S-2,ben,CNN 2026,,,\n'
    '"=HYPERLINK(""http://evil.example/""),Cy",1003,S-3,cy,CNN 2026,,,\n'
    '"Dee, Dee",1004,S-4,dee,CNN 2026,,,\n'
    '"Ext, Ext",1005,S-5,ext,CNN 2026,,,\n'
    '"Eve, Eve",1006,S-6,eve,CNN 2026,,,\n'
    '"Student, Test",9999,,,CNN 2026,,,\n'
)
# Moodle: Grades > Export > Plain text file.
MOODLE_EXPORT = (
    "First name,Last name,ID number,Institution,Department,Email address,Assignment: toyConv (Real),Last downloaded from this course\n"
    "Ada,Lovelace,S-1,,,ada@uni.example,-,1700000000\n"
    "Ben,Babbage,S-2,,,ben@uni.example,-,1700000000\n"
    "@SUM(1+1),Cy,S-3,,,cy@uni.example,-,1700000000\n"
    "Dee,Dee,S-4,,,dee@uni.example,-,1700000000\n"
    "Ext,Ext,S-5,,,ext@uni.example,-,1700000000\n"
    "Eve,Eve,S-6,,,eve@uni.example,-,1700000000\n"
)


def _run(*argv):
    return cli.main([str(a) for a in argv])


def test_a_canvas_roster_and_the_canvas_grade_file(term, tmp_path, capsys):
    workdir, course_file = term
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_EXPORT, encoding="utf-8")
    assert _run("roster", roster, "--workdir", workdir.root) == 0
    assert "6 students in the gradebook (a Canvas roster; ids from its column 'SIS Login ID')" in capsys.readouterr().out
    out = tmp_path / "canvas-import.csv"
    assert _run("export", out, "--format", "canvas", "--workdir", workdir.root) == 0
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    # Canvas's gradebook import: the five identity columns first, then the assignment under
    # the name (with Canvas's id) it had in the export, a Points Possible row, every student.
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "toyConv (48213)"]
    assert table[1][0].strip() == "Points Possible" and table[1][5] == "10"
    body = {row[3]: row for row in table[2:]}
    assert sorted(body) == ["ada", "ben", "cy", "dee", "eve", "ext"]
    assert body["ada"] == ["Lovelace, Ada", "1001", "S-1", "ada", "CNN 2026", "10"]
    assert body["cy"][5] == "4" and body["dee"][5] == "7"  # late penalties applied
    assert body["eve"][5] == "0"  # missing: 0
    assert body["cy"][0].startswith("'=")  # a name that is a formula stays text
    assert all(len(row) == 6 for row in table)
    assert _run("export", out, "--format", "canvas", "--missing", "blank", "--workdir", workdir.root) == 0
    assert {row[3]: row[5] for row in csv.reader(out.open())}["eve"] == ""


def test_a_moodle_roster_and_the_moodle_grade_file(term, tmp_path, capsys):
    workdir, _ = term
    roster = tmp_path / "moodle.csv"
    roster.write_text(MOODLE_EXPORT.replace("@uni.example", ""), encoding="utf-8")  # ids: ada, ben, ...
    assert _run("roster", roster, "--id-column", "email address", "--workdir", workdir.root) == 0
    assert "(a Moodle roster; ids from its column 'Email address')" in capsys.readouterr().out
    out = tmp_path / "moodle-import.csv"
    assert _run("export", out, "--format", "moodle", "--workdir", workdir.root) == 0
    table = list(csv.reader(out.open(encoding="utf-8")))
    # Moodle's CSV import: a header row; one column identifies the user (mapped to "Email
    # address"), one column per grade item.
    assert table[0] == ["Email address", "First name", "Last name", "toyConv"]
    body = {row[0]: row for row in table[1:]}
    assert sorted(body) == ["ada", "ben", "cy", "dee", "eve", "ext"]
    assert body["ada"] == ["ada", "Ada", "Lovelace", "10"]
    assert body["cy"][1] == "'@SUM(1+1)" and body["cy"][3] == "4"
    assert body["eve"][3] == "0"


def test_a_moodle_roster_defaults_to_its_id_number_column(tmp_path):
    from autograder.lms import read_roster

    path = tmp_path / "moodle.csv"
    path.write_text(MOODLE_EXPORT)
    kind, column, students, _ = read_roster(path)
    assert (kind, column, [s for s, _ in students][:2]) == ("moodle", "ID number", ["S-1", "S-2"])
    participants = tmp_path / "participants.csv"
    participants.write_text("username,firstname,lastname,email\nada,Ada,Lovelace,ada@uni.example\n")
    assert read_roster(participants)[:2] == ("moodle", "username")


def test_rosters_keep_the_plain_list_and_refuse_bad_ids(tmp_path, capsys):
    workdir = tmp_path / "workdir"
    plain = tmp_path / "plain.csv"
    plain.write_text("\ufeffStudent ID,name\nada,Ada\nben,Ben\n")
    assert _run("roster", plain, "--workdir", workdir) == 0
    assert capsys.readouterr().out == "2 students in the gradebook\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(CANVAS_EXPORT.replace(",ada,", ",=cmd|' /C calc'!A0,"))
    assert _run("roster", bad, "--workdir", workdir) == 2
    assert "is not a valid student id" in capsys.readouterr().err
    assert _run("roster", bad, "--id-column", "Login", "--workdir", workdir) == 2
    assert "has no column 'Login'" in capsys.readouterr().err
    twice = tmp_path / "twice.csv"
    twice.write_text(CANVAS_EXPORT.replace(",ben,", ",ada,"))
    assert _run("roster", twice, "--workdir", workdir) == 2
    assert "twice" in capsys.readouterr().err


def test_the_plain_export_quotes_cells_that_look_like_formulas(tmp_path, monkeypatch):
    from autograder.export import export

    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    workdir = make_workdir(tmp_path / "workdir", klass={"ada": ("2026-03-04T02:00:00+00:00", 10.0)})
    path = workdir.results / "toyConv" / "ada.json"
    result = json.loads(path.read_text())
    result["status"] = "=1+1"
    path.write_text(json.dumps(result))
    export(tmp_path / "grades.csv", workdir)
    assert list(csv.reader((tmp_path / "grades.csv").open()))[1][4] == "'=1+1"


def test_help_names_the_course_file_and_the_new_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for word in ("course.toml", "report ASSIGNMENT", "similarity ASSIGNMENT", "--format canvas|moodle"):
        assert word in text


def test_collect_reads_nbgrader_time_stamps_and_lists_the_late_submissions(tmp_path, monkeypatch, capsys):
    course_file = tmp_path / "course.toml"
    course_file.write_text(COURSE_TOML)
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_file))
    notebook = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})
    stamps = {  # nbgrader's timestamp.txt of each student's folder
        "early": "2026-03-04 02:00:00.000000 UTC",  # 11:00 in Seoul: on time
        "grace": "2026-03-04 03:10:00 UTC",  # 12:10: within the 15 minutes of grace
        "late": "2026-03-05 04:00:00.000000 UTC",  # 13:00 the next day: 2 started days
        "ext": "2026-03-05 04:00:00.000000 UTC",  # the same, with an extension
    }
    for student, stamp in stamps.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "toyConv.ipynb").write_text(notebook)
        (tmp_path / "class" / student / "timestamp.txt").write_text(stamp + "\n")
    workdir = tmp_path / "workdir"
    assert cli.main(["--workdir", str(workdir), "collect", "toyConv", str(tmp_path / "class")]) == 0
    late = [line for line in capsys.readouterr().out.splitlines() if line.startswith("late:")]
    assert len(late) == 1 and late[0].split()[1] == "late" and "penalty 20%" in late[0]
    manifest = json.loads((workdir / "manifests" / "toyConv.json").read_text())["students"]
    assert manifest["late"]["submitted"] == "2026-03-05T04:00:00.000000+00:00"
    assert {entry["submitted_from"] for entry in manifest.values()} == {"timestamp.txt"}
    assert sorted(manifest["early"]["files"]) == ["toyConv.ipynb"]  # the time stamp is not a student file
