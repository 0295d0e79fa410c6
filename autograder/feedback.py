"""`feedback ASSIGNMENT`: one HTML page per student, made by nbgrader from the graded copies.

Each page shows the student's notebook as graded (their answers, the instructor's test
cells with the hidden tests, and under every test cell the grader's verdict with the reason
for each lost point) and the scores from the gradebook, manual grades included. The pages
go to feedback/<student>/<assignment>/<assignment>.html in the working folder.
"""

import logging

from .config import Workdir, check_assignment
from .gradebook import prepare_nbgrader


def generate(assignment, workdir):
    """Write the feedback pages; returns their paths."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    check_assignment(assignment)
    prepare_nbgrader()
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    config = workdir.nbgrader_config()
    config.GenerateFeedback.force = True
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    converter = GenerateFeedback(coursedir=coursedir, config=config)
    converter.log.setLevel(logging.ERROR)
    if workdir.autograded.exists():
        converter.start()
    return sorted(workdir.feedback.glob(f"*/{assignment}/*.html"))


def main(args):
    pages = generate(args.assignment, Workdir(args.workdir))
    for page in pages:
        print(page)
    print(f"{len(pages)} feedback pages")
    return 0
