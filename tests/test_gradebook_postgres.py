"""The gradebook on a PostgreSQL server (`--db postgresql://...`), shared by several graders.

A real server (Debian's postgresql; `make setup` installs it) is started here with initdb and
pg_ctl in a temporary folder, listening on 127.0.0.1 on a free port, and stopped at the end
of the module. PostgreSQL refuses to run as root: as root, initdb and the server run as the
`postgres` user (runuser) in a folder it owns.

Two graders (two processes, two working folders, as on two machines) grade two assignments
at the same time into one empty database, the same students in both: no row may be lost.
Then export, feedback, roster, and nbgrader's own API as formgrader uses it (through
nbgrader_config.py and $AUTOGRADER_DB) read that database.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from autograder import cli
from autograder.collect import collect
from autograder.config import REPO_ROOT, Workdir
from autograder.grade import load_results
from autograder.gradebook import submissions
from autograder.sandbox import bwrap_path
from grading_cases import cases, write_submission

STUDENTS = ("full", "partly_right", "raises", "untouched")  # fixture cases of both assignments
ASSIGNMENTS = ("toyConv", "toyPooling")
SANDBOX_FLAG = [] if bwrap_path() else ["--no-sandbox"]

pytestmark = pytest.mark.timeout(300)


def _postgres_program(name):
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]
    return found if isinstance(found, str) else (found[0] if found else None)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self):
        self.initdb, self.pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
        self.folder = tempfile.mkdtemp(prefix="autograder-pg-")
        self.data, self.log = os.path.join(self.folder, "data"), os.path.join(self.folder, "server.log")
        self.port = _free_port()
        self.as_user = []
        if os.geteuid() == 0:  # "initdb: cannot be run as root"
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, *command):
        subprocess.run(self.as_user + list(command), check=True, capture_output=True, cwd=self.folder)

    def start(self):
        self.run(self.initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c full_page_writes=off"
        self.run(self.pg_ctl, "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def create_database(self, name):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(self.as_user + [self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop"],
                           capture_output=True, cwd=self.folder)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    pytest.importorskip("psycopg", reason="the `cluster` extra (psycopg) is not installed")
    server = Server()
    if not server.initdb or not server.pg_ctl:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (make setup installs Debian's postgresql)")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _class(folder, assignment):
    by_name = {case.name: case for case in cases(assignment)}
    for student in STUDENTS:
        write_submission(by_name[student], folder / "class")
    return folder / "class"


def _expected(assignment):
    by_name = {case.name: case for case in cases(assignment)}
    return {student: by_name[student].score for student in STUDENTS}


@pytest.fixture(scope="module")
def shared_gradebook(postgres, tmp_path_factory):
    """Two graders, one per assignment, each with its own working folder, started at the same
    time against one empty PostgreSQL database: ({assignment: workdir}, url, their outputs)."""
    url = postgres.create_database("course")
    tmp = tmp_path_factory.mktemp("graders")
    workdirs = {}
    for assignment in ASSIGNMENTS:
        workdirs[assignment] = Workdir(tmp / f"workdir-{assignment}", url)
        collect(assignment, _class(tmp / assignment, assignment), workdirs[assignment])
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    graders = {
        assignment: subprocess.Popen(
            [sys.executable, "-m", "autograder", "--db", url, "grade", assignment, "--jobs", "2",
             "--workdir", str(workdirs[assignment].root)] + SANDBOX_FLAG,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=REPO_ROOT,
        )  # fmt: skip
        for assignment in ASSIGNMENTS
    }
    outputs = {assignment: grader.communicate(timeout=240) for assignment, grader in graders.items()}
    for assignment, grader in graders.items():
        assert grader.returncode == 0, outputs[assignment][1][-3000:]
    return workdirs, url, outputs


def test_two_concurrent_graders_lose_no_rows(shared_gradebook):
    workdirs, url, outputs = shared_gradebook
    recorded, maxima, students = submissions(workdirs["toyConv"])  # the same database either way
    assert maxima == {"toyConv": 10.0, "toyPooling": 10.0}
    assert students == sorted(STUDENTS)
    for assignment in ASSIGNMENTS:
        results = load_results(workdirs[assignment], assignment)
        assert {s: r["score"] for s, r in results.items()} == _expected(assignment), (results, outputs[assignment])
        got = {student: recorded.get((student, assignment), (None,))[0] for student in STUDENTS}
        assert got == _expected(assignment), (assignment, outputs[assignment])
    assert len(recorded) == len(STUDENTS) * len(ASSIGNMENTS)
    # No SQLite file, no SQLite backup; the grader says how to back the server up instead.
    for assignment, workdir in workdirs.items():
        assert not workdir.gradebook.exists() and not list(workdir.root.glob("backups/*.db"))
        assert "pg_dump" in outputs[assignment][1]


def test_export_feedback_and_roster_read_the_same_database(shared_gradebook, tmp_path):
    workdirs, url, _ = shared_gradebook
    workdir = workdirs["toyPooling"]
    run = ["--workdir", str(workdir.root), "--db", url]
    roster = tmp_path / "roster.txt"
    roster.write_text("full\npartly_right\nraises\nuntouched\nzoe\n")
    assert cli.main(run + ["roster", str(roster)]) == 0
    assert cli.main(["export", str(tmp_path / "grades.csv")] + run) == 0  # --db after the command works too
    lines = (tmp_path / "grades.csv").read_text().splitlines()
    expected = _expected("toyPooling")
    assert lines[1:] == [
        f"{student},toyPooling,{expected[student]:g},10,graded,{expected[student]:g},0,{expected[student]:g}"
        for student in STUDENTS
    ] + ["zoe,toyPooling,0,10,missing,0,0,0"]
    # $AUTOGRADER_DB does the same as --db.
    os.environ["AUTOGRADER_DB"] = url
    try:
        assert cli.main(["--workdir", str(workdir.root), "export", str(tmp_path / "again.csv")]) == 0
    finally:
        del os.environ["AUTOGRADER_DB"]
    assert (tmp_path / "again.csv").read_text() == (tmp_path / "grades.csv").read_text()
    assert cli.main(run + ["feedback", "toyPooling"]) == 0
    page = (workdir.feedback / "full" / "toyPooling" / "toyPooling.html").read_text()
    assert "Score: 10.0 / 10.0" in page or "10.0 / 10.0" in page


FORMGRADER = """
import json, sys
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
config = PyFileConfigLoader("nbgrader_config.py", path=sys.argv[1]).load_config()
api = NbGraderAPI(CourseDirectory(config=config), config=config)
print(json.dumps({"db_url": config.CourseDirectory.db_url,
                  "scores": {s["student"]: s["score"] for s in api.get_submissions("toyConv")}}))
"""


def test_formgrader_reads_the_same_database(shared_gradebook):
    """What formgrader runs: nbgrader_config.py (reads $AUTOGRADER_DB) and nbgrader's API."""
    import json

    workdirs, url, _ = shared_gradebook
    environment = dict(os.environ, AUTOGRADER_DB=url, AUTOGRADER_WORKDIR=str(workdirs["toyConv"].root))
    answer = subprocess.run([sys.executable, "-c", FORMGRADER, str(REPO_ROOT)], capture_output=True, text=True,
                            env=environment, cwd=REPO_ROOT, timeout=120)  # fmt: skip
    assert answer.returncode == 0, answer.stderr[-3000:]
    seen = json.loads(answer.stdout.strip().splitlines()[-1])
    assert seen["db_url"] == url
    assert seen["scores"] == _expected("toyConv")


def test_an_unreachable_database_is_a_clear_error(tmp_path, capsys):
    """An unreachable server fails with its error (password hidden), not a traceback."""
    start = time.monotonic()
    url = f"postgresql://postgres:secret@127.0.0.1:{_free_port()}/nothing"
    (tmp_path / "roster.txt").write_text("ada\n")
    assert cli.main(["--workdir", str(tmp_path / "w"), "--db", url, "roster", str(tmp_path / "roster.txt")]) == 2
    assert time.monotonic() - start < 30
    error = capsys.readouterr().err
    assert error.startswith("error: cannot open the gradebook postgresql://postgres:***@127.0.0.1:")
    assert "secret" not in error
