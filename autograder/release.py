"""`release`: generate the student notebooks in exercises/ from solutions/ with nbgrader.

nbgrader's generate_assignment replaces every ``### BEGIN SOLUTION`` ... ``### END SOLUTION``
region with a stub, deletes the ``### BEGIN HIDDEN TESTS`` regions, locks the test cells with
checksums, and records the assignment's cells in the gradebook. The output depends only on
the source notebooks, so running it twice gives identical files (the test suite checks that
the committed exercises/ is exactly what a fresh release produces).

Before that, every test cell's checks are read as the grader will read them: a check the
grader could not judge (inside a loop, a condition, a function; an argument that is not a
literal) stops the release with the cell and the line, instead of being dropped silently.

After the English notebook, each translated edition is written from it and the assignment's
catalog (``exercises/<language>/<A>/<A>.ipynb``, see :mod:`autograder.editions`); a text
without a current translation stays English there, and the release says how many.
"""

import logging
import tempfile
from pathlib import Path

from .config import RELEASE_DIRECTORY, Workdir, assignments, check_assignment
from .editions import release
from .gradebook import prepare_nbgrader


def _quiet_nbgrader():
    # nbgrader logs a warning every time --force replaces an existing release.
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def generate(assignment, workdir, into=None, translated=True):
    """Release one assignment into ``into`` (default: exercises/) and register it in the
    gradebook of ``workdir``. Returns the released folder. With ``translated``, every
    translated edition is written too (see :func:`autograder.editions.release`)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    from .reconstruct import Template
    from .verdict import template_checks

    template_checks(Template.load(assignment))  # a check the grader cannot read stops the release
    _quiet_nbgrader()
    prepare_nbgrader()
    release_root = Path(into).resolve() if into else None
    config = workdir.create().nbgrader_config(release_directory=release_root or RELEASE_DIRECTORY)
    config.GenerateAssignment.force = True
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    converter = GenerateAssignment(coursedir=coursedir, config=config)
    converter.log.setLevel(logging.ERROR)
    converter.start()
    folder = Path(coursedir.format_path(coursedir.release_directory, ".", assignment)).resolve()
    if translated:
        release(assignment, folder.parent)
    return folder


def register(assignment, workdir):
    """Make sure the gradebook of ``workdir`` knows the assignment's current cells.

    The release is generated into a throwaway folder: exercises/ is not touched. nbgrader
    creates the tables and the assignment's rows; the gradebook's write lock keeps another
    grader sharing the database (PostgreSQL) from doing the same at the same moment.
    """
    from .gradebook import WriteLock

    lock = WriteLock(workdir)
    with tempfile.TemporaryDirectory(dir=workdir.create().root) as scratch, lock:
        generate(assignment, workdir, into=scratch, translated=False)
    lock.close()


def main(args):
    workdir = Workdir(args.workdir, getattr(args, "db", None))
    for name in args.assignments or assignments():
        check_assignment(name)
        folder = generate(name, workdir, into=args.into, translated=False)
        print(f"released {name} -> {folder}")
        for language, (path, left) in release(name, folder.parent).items():
            print(f"released {name} ({language}) -> {path}")
            if left:
                print(f"  warning: {len(left)} text(s) have no current {language} translation and stay English "
                      f"(python -m autograder translate check {name})")
    return 0

