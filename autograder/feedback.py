"""`feedback ASSIGNMENT`: one HTML page per student, made by nbgrader from the graded copies.

Each page shows the student's notebook as graded (their answers, the instructor's test
cells with the hidden tests, and under every test cell the grader's verdict with the reason
for each lost point) and the scores from the gradebook, manual grades included. The pages
go to feedback/<student>/<assignment>/<assignment>.html in the working folder.

The graded copies hold only sanitised text and PNG outputs (see :mod:`autograder.sanitize`),
and each page is then locked down as well: its scripts are removed and a strict
Content-Security-Policy (no script, no request to any server; inline styles and data: images
only) is put first in its head, so that a page opened from disk or from a web server can
run nothing. A student whose page cannot be made is named, and the others still get theirs.
"""

import logging
import re
import sys

from .config import Workdir, check_assignment
from .gradebook import prepare_nbgrader

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.DOTALL | re.IGNORECASE)


def lock_down(html):
    """The page without scripts, with the Content-Security-Policy as the head's first element."""
    html = SCRIPT.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    head = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    return html[: head.end()] + meta + html[head.end() :] if head else meta + html


def _students(workdir, assignment):
    folder = workdir.autograded
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment}")) if folder.exists() else []


def generate(assignment, workdir):
    """Write the feedback pages; returns (their paths, {student: why their page failed})."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    check_assignment(assignment)
    prepare_nbgrader()
    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    pages, failed = [], {}
    for student in _students(workdir, assignment):
        config = workdir.nbgrader_config()
        config.GenerateFeedback.force = True
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        coursedir.student_id = student
        converter = GenerateFeedback(coursedir=coursedir, config=config)
        converter.log.setLevel(logging.CRITICAL)
        try:
            converter.start()
        except BaseException as error:  # nbgrader ends with SystemExit on any failure
            if isinstance(error, KeyboardInterrupt):
                raise
            failed[student] = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            continue
        for page in sorted((workdir.feedback / student / assignment).glob("*.html")):
            page.write_text(lock_down(page.read_text(encoding="utf-8")), encoding="utf-8")
            pages.append(page)
    return pages, failed


def main(args):
    pages, failed = generate(args.assignment, Workdir(args.workdir, getattr(args, "db", None)))
    for page in pages:
        print(page)
    for student, reason in failed.items():
        print(f"error: no feedback page for {student}: {reason}", file=sys.stderr)
    print(f"{len(pages)} feedback pages")
    return 1 if failed else 0
