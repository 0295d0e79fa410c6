"""The instructor's command line: python -m autograder COMMAND.

    release [ASSIGNMENT ...]          regenerate exercises/ from solutions/ (and every
                                      translated edition, exercises/<language>/)
    translate update|check [A ...]    merge the current English texts into the translation
                                      catalogs (solutions/<A>/ko.po, autograder/locale/ko.po),
                                      or list what is untranslated, fuzzy or stale
    collect ASSIGNMENT PATH           store a folder or zip of submissions (read-only, sha256)
    grade ASSIGNMENT [--jobs N]       grade the collected submissions in the sandbox
                                      (--student ID: only these students;
                                      --cluster tcp://HOST:PORT: on a Dask cluster's workers)
    feedback ASSIGNMENT               HTML feedback per student
    export FILE.csv                   student_id, assignment, score, max_score, status,
                                      raw_score, late_penalty, final_score
                                      (--format canvas|moodle: an LMS grade import file)
    roster FILE                       add students (one id per line, or a Canvas or Moodle
                                      roster export) so that `export` lists those who
                                      submitted nothing as missing
    report ASSIGNMENT                 the class report: one HTML page with plots
    similarity ASSIGNMENT             HTML report of answers that look copied (from each
                                      other or from the reference library); never scores
    publish [--book DIR] [--into DIR] the public site: built book + exercises/, checked for leaks

Every command takes --workdir DIR, before or after the command's name (default: grading/
at the repository root, or $AUTOGRADER_WORKDIR), and --db URL, the gradebook as an
SQLAlchemy URL (default: $AUTOGRADER_DB, else gradebook.db in the working folder; a
PostgreSQL server lets several graders share one gradebook).

Due dates, late policies and extensions: course.toml at the repository root (or
$AUTOGRADER_COURSE, or --course FILE for export and report); see autograder/course.py.
"""

import argparse
import sys

from . import collect, editions, export, feedback, grade, lms, publish, release
from .config import REPO_ROOT, assignments


def _roster(args):
    return lms.roster_main(args)  # plain lists, Canvas and Moodle roster exports


def _report(args):
    from . import report

    return report.main(args)


def _similarity(args):
    from . import similarity

    return similarity.main(args)


def parser():
    names = assignments()  # the folders of solutions/ (see autograder.config)
    main = argparse.ArgumentParser(
        prog="python -m autograder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    workdir_help = "grading working folder (default: grading/ at the repository root)"
    db_help = ("the gradebook, an SQLAlchemy URL such as postgresql://USER@HOST/DATABASE "
               "(default: $AUTOGRADER_DB, else gradebook.db in the working folder)")  # fmt: skip
    main.add_argument("--workdir", help=workdir_help)
    main.add_argument("--db", metavar="URL", help=db_help)
    # The same options after the command's name; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workdir", default=argparse.SUPPRESS, help=workdir_help)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_command(name, **kwargs):
        return commands.add_parser(name, parents=[common], **kwargs)

    command = add_command("release", help="regenerate exercises/ from solutions/")
    command.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=f"any of {', '.join(names)} (default: all)")
    command.add_argument("--into", help="write the release here instead of exercises/")
    command.set_defaults(run=release.main)

    command = add_command("translate", help="update or check the translations of the exercises (solutions/<A>/ko.po)")
    command.add_argument("action", choices=("update", "check"),
                         help="update: merge the current English texts into the catalogs; check: list what to translate")  # fmt: skip
    command.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=f"any of {', '.join(names)} (default: all)")
    command.add_argument("--language", choices=editions.TRANSLATIONS, help="only this language (default: all)")
    command.add_argument("--add", action="store_true",
                         help="update: create the catalog of an assignment that has none (offer it in that language)")  # fmt: skip
    command.set_defaults(run=editions.main)

    command = add_command("collect", help="store a folder or zip of submissions")
    command.add_argument("assignment", choices=names)
    command.add_argument("path")
    command.set_defaults(run=collect.main)

    command = add_command("grade", help="grade the collected submissions")
    command.add_argument("assignment", choices=names)
    command.add_argument("--jobs", type=int, default=1, help="notebooks graded at the same time (default 1)")
    command.add_argument("--timeout", type=float, help="seconds per notebook (default: the assignment's limit)")
    command.add_argument("--force", action="store_true", help="grade again even if nothing changed")
    command.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    command.add_argument("--no-sandbox", action="store_true", help="run without bubblewrap (unsafe: trusted code only)")
    command.add_argument("--cluster", metavar="tcp://HOST:PORT",
                         help="run the notebooks on the workers of this Dask scheduler (see autograder/GUIDE_CLUSTER.md)")  # fmt: skip
    command.set_defaults(run=grade.main)

    command = add_command("feedback", help="write HTML feedback per student")
    command.add_argument("assignment", choices=names)
    command.set_defaults(run=feedback.main)

    course_help = "the course file with due dates and late policies (default: course.toml at the repository root)"
    command = add_command("export", help="write the grades as CSV, or as a Canvas or Moodle grade import file")
    command.add_argument("file")
    command.add_argument("--assignment", action="append", choices=names, help="only these (repeatable)")
    command.add_argument("--format", choices=export.FORMATS, default="csv", help="csv (default), canvas or moodle")
    command.add_argument("--missing", choices=("zero", "blank"), default="zero",
                         help="canvas/moodle: what a student who submitted nothing gets (default 0)")  # fmt: skip
    command.add_argument("--course", help=course_help)
    command.set_defaults(run=export.main)

    command = add_command("roster", help="add the students listed in a file (ids, or a Canvas or Moodle roster)")
    command.add_argument("file")
    command.add_argument("--id-column", help="Canvas/Moodle: the column holding the student ids "
                         "(default: SIS Login ID; Moodle: Username, ID number or Email address)")  # fmt: skip
    command.add_argument("--format", dest="roster_format", choices=("auto", "plain", "canvas", "moodle"), default="auto",
                         help="the roster's format (default: recognised from the header row)")  # fmt: skip
    command.set_defaults(run=_roster)

    command = add_command("report", help="the class report: one HTML page with plots")
    command.add_argument("assignment", choices=names)
    command.add_argument("--out", help="the HTML file (default: reports/<assignment>.html in the working folder)")
    command.add_argument("--course", help=course_help)
    command.set_defaults(run=_report)

    command = add_command("similarity", help="flag answers that look copied (HTML report; scores unchanged)")
    command.add_argument("assignment", choices=names)
    command.add_argument("--threshold", type=float, default=None,
                         help="share of shared code from which a pair or an answer is flagged (default 0.65)")  # fmt: skip
    command.add_argument("--out", help="the HTML file (default: reports/<assignment>-similarity.html in the working folder)")
    command.set_defaults(run=_similarity)

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
