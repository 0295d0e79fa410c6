"""Scores into nbgrader's gradebook, the way nbgrader's own autograder writes them.

Only ``auto_score``, ``needs_manual_grade``, the automatic comments and the notebook's flag
are written. ``manual_score`` and ``manual_comment``, what an instructor enters in formgrader,
are never touched: nbgrader counts a manual score instead of the automatic one, so a regrade
changes nothing an instructor decided. Each student's update is one transaction.
"""

import contextlib
import os
import sqlite3
import time
import warnings

from .config import COURSE_ID


def _alembic_head():
    """The schema version a new gradebook records, read in-process.

    nbgrader finds it by running the ``alembic`` command in a subprocess, which costs seconds
    (and needs the venv's scripts on PATH); the answer is the same.
    """
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", os.path.join(os.path.dirname(nbgrader.__file__), "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def prepare_nbgrader():
    """Call before nbgrader touches a gradebook: fast creation, no harmless-warning noise."""
    import nbgrader.api
    from sqlalchemy.exc import SAWarning

    nbgrader.api.get_alembic_version = _alembic_head
    # nbgrader's own add_submission triggers these (harmless) SQLAlchemy warnings.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")


# The PostgreSQL advisory lock every writer of this course's gradebook takes (any number
# that no other application of the same database uses; "scratchcnn" in ASCII, truncated).
ADVISORY_LOCK = 0x7363726174636E6E


class WriteLock:
    """Serialises the writers of one gradebook shared by several graders (PostgreSQL).

    nbgrader creates the tables, the course, the assignments, the students and their
    submissions with "select, then insert if missing": two graders doing that at the same
    time (two assignments graded on two machines; the same student in both) would both
    insert, and one would fail with an IntegrityError. Every write of this package and
    nbgrader's table creation and release run inside this lock: a session-level PostgreSQL
    advisory lock held on a connection of its own. Each hold is short (one student's
    transaction). On SQLite it does nothing: the database file has its own lock and one
    working folder is graded by one process. Reusable; not reentrant.
    """

    def __init__(self, workdir):
        self.url = workdir.db_url
        self.engine = None
        self.connection = None

    def __enter__(self):
        if self.url.startswith("postgresql"):
            from sqlalchemy import create_engine, text

            if self.engine is None:
                self.engine = create_engine(self.url, poolclass=_null_pool(), future=True)
            with _reachable(self.url):
                self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self.connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK})
        return self

    def __exit__(self, *_):
        if self.connection is not None:
            from sqlalchemy import text

            try:
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK})
            finally:
                self.connection.close()  # closing the session releases the lock in any case
                self.connection = None

    def close(self):
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None


@contextlib.contextmanager
def _reachable(url):
    """A database that cannot be opened (server down, wrong password) as a ValueError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(error.orig or error).strip().splitlines()[0]
        raise ValueError(f"cannot open the gradebook {shown}: {reason}") from None


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def open_gradebook(workdir):
    from nbgrader.api import Gradebook

    prepare_nbgrader()
    workdir.create()
    lock = WriteLock(workdir)
    try:
        with lock, _reachable(workdir.db_url):  # nbgrader creates the tables and the course row the first time
            return Gradebook(workdir.db_url, COURSE_ID)
    finally:
        lock.close()


def backup(workdir):
    """Copy an SQLite gradebook to backups/ (a consistent copy, even mid-write); returns the
    path, or None when there is nothing to copy. A gradebook on a database server is backed
    up by its own tools (PostgreSQL: pg_dump, see autograder/GUIDE_CLUSTER.md): None."""
    if not workdir.db_is_sqlite or not workdir.has_gradebook():
        return None
    from sqlalchemy.engine import make_url

    workdir.backups.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 10**9:09d}"
    target = workdir.backups / f"gradebook-{stamp}.db"
    with sqlite3.connect(make_url(workdir.db_url).database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def add_students(workdir, student_ids):
    lock = WriteLock(workdir)
    with open_gradebook(workdir) as gb, lock:
        for student in student_ids:
            gb.update_or_create_student(student)
    lock.close()


def save(gb, assignment, result, timestamp, review=True):
    """Write one student's result (see grade.grade_student) into the open gradebook ``gb``.

    ``review``: the result is new (a new submission, a changed test or grader), so cells an
    instructor graded by hand and flagged notebooks are put up for review again. A result
    reused unchanged leaves the review state alone: once an instructor has checked a flagged
    notebook, regrading does not flag it again.
    """
    student = result["student"]
    gb.update_or_create_student(student)
    gb.update_or_create_submission(assignment, student, timestamp=timestamp)
    grades = {grade_id: gb.find_grade(grade_id, assignment, assignment, student) for grade_id in result["cells"]}
    review = review or all(grade.auto_score is None for grade in grades.values())  # never recorded
    flagged = bool(result["manual_reasons"])
    for grade_id, cell in result["cells"].items():
        grade = grades[grade_id]
        grade.auto_score = cell["score"]
        if review:
            grade.needs_manual_grade = grade.manual_score is not None or cell["score"] is None or flagged
    for grade_id, text in result["comments"].items():
        gb.find_comment(grade_id, assignment, assignment, student).auto_comment = text
    if review:
        gb.find_submission_notebook(assignment, assignment, student).flagged = flagged
    gb.db.commit()


def status(result_status, reviewed):
    """The status to report: a ``manual: ...`` one becomes graded once an instructor checked it."""
    if result_status.startswith("manual:") and reviewed:
        return "graded (checked by hand)"
    return result_status


def submissions(workdir):
    """({(student, assignment): (score, reviewed)}, {assignment: max_score}, [student ids]).

    A submission's score counts the manual grades where an instructor entered one. It is
    ``reviewed`` when the instructor unflagged it in formgrader or gave every cell that
    needed it a manual grade.
    """
    if not workdir.has_gradebook():
        return {}, {}, []
    with open_gradebook(workdir) as gb:
        maxima = {a.name: float(a.max_score) for a in gb.assignments}
        result = {}
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                reviewed = not any(nb.flagged for nb in submission.notebooks) or not submission.needs_manual_grade
                result[(submission.student.id, assignment.name)] = (float(submission.score), reviewed)
        students = sorted(s.id for s in gb.students)
    return result, maxima, students
