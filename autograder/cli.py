"""The instructor's command line: python -m autograder COMMAND.

    release [ASSIGNMENT ...]          regenerate exercises/ from solutions/
    collect ASSIGNMENT PATH           store a folder or zip of submissions (read-only, sha256)
    grade ASSIGNMENT [--jobs N]       grade the collected submissions in the sandbox
                                      (--student ID: only these students)
    feedback ASSIGNMENT               HTML feedback per student
    export FILE.csv                   student_id, assignment, score, max_score, status
    roster FILE                       add students (one id per line) so that `export` lists
                                      those who submitted nothing as missing
    publish [--book DIR] [--into DIR] the public site: built book + exercises/, checked for leaks

Every command takes --workdir DIR, before or after the command's name (default: grading/
at the repository root, or $AUTOGRADER_WORKDIR).
"""

import argparse
import sys

from . import collect, export, feedback, grade, gradebook, publish, release
from .config import ASSIGNMENTS, REPO_ROOT, Workdir


ROSTER_HEADERS = {"student_id", "student id", "studentid", "student", "id", "username", "user", "login", "sis id"}


def _roster(args):
    with open(args.file, encoding="utf-8-sig") as file:  # -sig: spreadsheets write a byte-order mark
        ids = [line.split(",")[0].strip().strip('"') for line in file if line.strip() and not line.startswith("#")]
    if ids and ids[0].lower() in ROSTER_HEADERS:  # a CSV header row
        ids = ids[1:]
    ids = [i for i in ids if i]
    for student in ids:
        if not collect.STUDENT_ID.fullmatch(student):
            raise ValueError(f"{student!r} is not a valid student id")
    gradebook.add_students(Workdir(args.workdir), ids)
    print(f"{len(ids)} students in the gradebook")
    return 0


def parser():
    main = argparse.ArgumentParser(
        prog="python -m autograder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    workdir_help = "grading working folder (default: grading/ at the repository root)"
    main.add_argument("--workdir", help=workdir_help)
    # The same option after the command's name; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workdir", default=argparse.SUPPRESS, help=workdir_help)
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_command(name, **kwargs):
        return commands.add_parser(name, parents=[common], **kwargs)

    command = add_command("release", help="regenerate exercises/ from solutions/")
    command.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=f"any of {', '.join(ASSIGNMENTS)} (default: all)")
    command.add_argument("--into", help="write the release here instead of exercises/")
    command.set_defaults(run=release.main)

    command = add_command("collect", help="store a folder or zip of submissions")
    command.add_argument("assignment", choices=ASSIGNMENTS)
    command.add_argument("path")
    command.set_defaults(run=collect.main)

    command = add_command("grade", help="grade the collected submissions")
    command.add_argument("assignment", choices=ASSIGNMENTS)
    command.add_argument("--jobs", type=int, default=1, help="notebooks graded at the same time (default 1)")
    command.add_argument("--timeout", type=float, help="seconds per notebook (default: the assignment's limit)")
    command.add_argument("--force", action="store_true", help="grade again even if nothing changed")
    command.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    command.add_argument("--no-sandbox", action="store_true", help="run without bubblewrap (unsafe: trusted code only)")
    command.set_defaults(run=grade.main)

    command = add_command("feedback", help="write HTML feedback per student")
    command.add_argument("assignment", choices=ASSIGNMENTS)
    command.set_defaults(run=feedback.main)

    command = add_command("export", help="write the grades as CSV")
    command.add_argument("file")
    command.add_argument("--assignment", action="append", choices=ASSIGNMENTS, help="only these (repeatable)")
    command.set_defaults(run=export.main)

    command = add_command("roster", help="add the students listed in a file (one id per line)")
    command.add_argument("file")
    command.set_defaults(run=_roster)

    command = add_command("publish", help="the public site: built book and student notebooks")
    command.add_argument("--book", default=str(REPO_ROOT / "_build" / "html"), help="the built book (default _build/html)")
    command.add_argument("--into", default=str(REPO_ROOT / "_build" / "public"), help="where (default _build/public)")
    command.set_defaults(run=publish.main)
    return main


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
