"""Grading on a Dask cluster (`grade --cluster`): a real scheduler and two workers on 127.0.0.1.

The scheduler and the workers are `dask scheduler` / `dask worker` processes started here
(autograder.cluster.local_cluster), each worker with its nanny, which starts it again when
it dies; all of them are stopped at the end of the module. The same class is graded
locally and on the cluster: the exports must be the same. Then a worker is SIGKILLed while
it runs a notebook, a worker is killed every time it runs one student's notebook, and
workers whose sandbox does not work ($AUTOGRADER_BWRAP naming a missing or failing
executable) refuse to grade.
"""

import collections
import os
import signal
import threading
import time
import types

import pytest

from autograder import cli
from autograder import cluster as cluster_module
from autograder import grade as grade_module
from autograder.cluster import EVENT_TOPIC, TRIES, SandboxUnavailable, local_cluster, run_task, worker_check
from autograder.collect import collect
from autograder.config import Workdir
from autograder.export import export
from autograder.grade import grade, load_results
from autograder.gradebook import open_gradebook
from autograder.sandbox import bwrap_path
from grading_cases import cases, write_submission

pytestmark = [
    pytest.mark.skipif(not bwrap_path(), reason="cluster workers grade only in bubblewrap, which does not work here"),
    pytest.mark.timeout(300),
]

distributed = pytest.importorskip("distributed", reason="the `cluster` extra (Dask distributed) is not installed")

ASSIGNMENT = "toyConv"
CLASS = ("full", "partly_right", "raises", "helper_file", "deleted_metadata", "correct_loops_windows", "slow_right")


def _collected(folder, names):
    """A working folder with the collected submissions of the fixture cases ``names``."""
    by_name = {case.name: case for case in cases(ASSIGNMENT)}
    for name in names:
        write_submission(by_name[name], folder / "class")
    workdir = Workdir(folder / "workdir")
    collect(ASSIGNMENT, folder / "class", workdir)
    return workdir


def _scores(results):
    return {student: (result["score"], result["status"]) for student, result in results.items()}


@pytest.fixture(scope="module")
def dask_cluster():
    with local_cluster(workers=2) as cluster:
        client = distributed.Client(cluster.address, set_as_default=False, timeout=60)
        client.wait_for_workers(2, timeout=60)
        yield cluster, client
        client.close()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The class graded on this machine, as without --cluster: (workdir, results)."""
    workdir = _collected(tmp_path_factory.mktemp("local"), CLASS)
    return workdir, grade(ASSIGNMENT, workdir, jobs=2, progress=False)


class Killer:
    """Watches the cluster's event log and SIGKILLs the worker process running a task of
    ``student``: the first ``times`` starts of it (every start if ``times`` is None)."""

    def __init__(self, client, student, times=1):
        self.client, self.student, self.times = client, student, times
        self.seen, self.killed = set(), []
        self.since = time.time()  # earlier runs' events are in the same log
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not self.stop.is_set():
            for stamp, event in self.client.get_events(EVENT_TOPIC):
                key = (stamp, event.get("pid"))
                if key in self.seen or stamp < self.since or event.get("student") != self.student:
                    continue
                self.seen.add(key)
                if self.times is None or len(self.killed) < self.times:
                    time.sleep(0.3)  # the notebook is running in the sandbox by now
                    os.kill(event["pid"], signal.SIGKILL)
                    self.killed.append(event["pid"])
            self.stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()


def _count_saves(monkeypatch):
    saves = collections.Counter()
    original = grade_module._save_result

    def counting(workdir, assignment, result):
        saves[result["student"]] += 1
        return original(workdir, assignment, result)

    monkeypatch.setattr(grade_module, "_save_result", counting)
    return saves


def test_the_cluster_gives_the_same_export_as_a_local_run(dask_cluster, local_run, tmp_path, capsys):
    cluster, _ = dask_cluster
    local_workdir, local_results = local_run
    workdir = _collected(tmp_path, CLASS)
    stats = {}
    results = grade(ASSIGNMENT, workdir, cluster=cluster.address, stats=stats, progress=True)
    assert _scores(results) == _scores(local_results)
    for student, result in results.items():
        assert result["cells"] == local_results[student]["cells"], student
    export(tmp_path / "cluster.csv", workdir, [ASSIGNMENT])
    export(tmp_path / "local.csv", local_workdir, [ASSIGNMENT])
    assert (tmp_path / "cluster.csv").read_text() == (tmp_path / "local.csv").read_text()
    assert stats["retried"] == {} and len(stats["workers"]) == 2
    assert f"cluster {cluster.address}: 2 worker(s)" in capsys.readouterr().err
    # The graded copies formgrader shows are written by the instructor's process as locally.
    assert sorted(p.parts[-3] for p in workdir.autograded.glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")) == sorted(CLASS)
    # A second run reuses every result: nothing is sent to the cluster.
    again = grade(ASSIGNMENT, workdir, cluster=cluster.address, progress=False)
    assert _scores(again) == _scores(results)
    # The command line, grading everything again: the table, then what the cluster did.
    capsys.readouterr()
    assert cli.main(["--workdir", str(workdir.root), "grade", ASSIGNMENT, "--cluster", cluster.address, "--force"]) == 0
    printed = capsys.readouterr().out
    assert f"graded on the Dask cluster {cluster.address} (2 worker(s) at the end)\n  every task ran once" in printed
    assert _scores(load_results(workdir, ASSIGNMENT)) == _scores(local_results)


def test_a_worker_killed_mid_run_loses_nothing(dask_cluster, local_run, tmp_path, monkeypatch):
    cluster, client = dask_cluster
    _, local_results = local_run
    workdir = _collected(tmp_path, CLASS)
    saves = _count_saves(monkeypatch)
    stats = {}
    # slow_right sleeps two seconds before it answers: its worker dies mid-run, surely.
    with Killer(client, "slow_right", times=1) as killer:
        results = grade(ASSIGNMENT, workdir, cluster=cluster.address, stats=stats, progress=False)
    assert len(killer.killed) == 1
    assert _scores(results) == _scores(local_results)  # the local scores, every one
    assert saves == {student: 1 for student in CLASS}  # each student graded exactly once
    assert _scores(load_results(workdir, ASSIGNMENT)) == _scores(local_results)
    assert not (workdir.results / ASSIGNMENT / "history").exists()
    with open_gradebook(workdir) as gb:
        assert sorted(s.student.id for s in gb.find_assignment(ASSIGNMENT).submissions) == sorted(CLASS)
    # The summary names the task that ran twice. Another may join it: a finished task whose
    # result was still on the killed worker, not yet fetched, runs again (each is saved once,
    # as checked above; seen once in a run with four test processes on two cores).
    assert stats["retried"]["slow_right"] == 2
    assert set(stats["retried"].values()) == {2}, stats["retried"]
    assert "slow_right (2 starts)" in grade_module_describe(stats)
    client.wait_for_workers(2, timeout=60)  # the nanny started the killed worker again


def grade_module_describe(stats):
    from autograder.cluster import describe

    return describe(stats)


def test_a_notebook_whose_worker_always_dies_ends_as_an_error(dask_cluster, local_run, tmp_path):
    cluster, client = dask_cluster
    _, local_results = local_run
    # "sleep" runs until it is killed: each of its starts is surely still running when the
    # killer, which learns of a start through the cluster's event log, strikes.
    workdir = _collected(tmp_path, ("full", "sleep"))
    stats = {}
    with Killer(client, "sleep", times=None) as killer:
        results = grade(ASSIGNMENT, workdir, cluster=cluster.address, stats=stats, progress=False)
    assert len(killer.killed) == TRIES
    assert results["sleep"]["status"] == (
        f"error: the notebook's worker died each of the {TRIES} times it ran (out of memory?); it was not run again"
    )
    assert results["sleep"]["score"] == 0
    assert _scores({"full": results["full"]}) == _scores({"full": local_results["full"]})
    assert stats["retried"]["sleep"] == TRIES
    client.wait_for_workers(2, timeout=60)


def test_a_result_lost_with_its_worker_before_it_is_fetched_keeps_its_task_pending(dask_cluster, monkeypatch):
    """A run of the test above once hung: the worker holding a finished task's result died
    before the grader fetched it. The scheduler runs such a task again, on the workers it was
    submitted to (here the dead one), and a fetch without a time limit waited for ever. The
    fetch now gives up, and the task stays pending for the workers to be looked at again."""
    cluster, client = dask_cluster
    monkeypatch.setattr(cluster_module, "FETCH_SECONDS", 2)
    session = cluster_module.Session.__new__(cluster_module.Session)  # _finish needs no cluster of its own
    prepared = types.SimpleNamespace(student="lost", key=None)
    worker, pid = next(iter(client.run(os.getpid).items()))
    future = client.submit(dict, answer=42, workers=[worker], allow_other_workers=False, pure=False)
    assert future.result(timeout=60) == {"answer": 42}  # the result is held by that worker
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while future.status == "finished" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert future.status in ("lost", "pending")
    assert session._finish(future, prepared, finish_student=None, run_result=None) is cluster_module.LOST
    future.cancel()
    # A task whose own error is a TimeoutError has ended: its student gets a result.
    session.context = None
    future = client.submit(lambda: (_ for _ in ()).throw(TimeoutError("the task's own")), pure=False)
    with client.as_current():
        distributed.wait(future, timeout=60)
    result = session._finish(future, prepared, finish_student=None, run_result=None)
    assert result["grader_failed"] and "TimeoutError: the task's own" in result["status"]
    client.wait_for_workers(2, timeout=60)  # the nanny started the killed worker again


def test_workers_without_a_usable_sandbox_refuse(dask_cluster, local_run, tmp_path):
    cluster, client = dask_cluster
    _, local_results = local_run
    # A third worker whose bubblewrap is missing joins the cluster: the probe leaves it out.
    cluster.start_worker("nobwrap", env={"AUTOGRADER_BWRAP": "/nonexistent/bwrap"})
    client.wait_for_workers(3, timeout=60)
    checks = client.run(worker_check)
    refusing = [worker for worker, check in checks.items() if not check["ok"]]
    assert len(refusing) == 1
    assert checks[refusing[0]]["reason"] == "$AUTOGRADER_BWRAP names '/nonexistent/bwrap', which is not an executable"
    # Sent a task anyway, it refuses to run it (never unsandboxed).
    task = client.submit(run_task, {"run": "x", "student": "s", "assignment": ASSIGNMENT, "course": None,
                                    "limits": {}, "cells": [], "files": {}},
                         workers=refusing, allow_other_workers=False, pure=False)  # fmt: skip
    with pytest.raises(SandboxUnavailable, match=r"cannot grade: \$AUTOGRADER_BWRAP names"):
        task.result(timeout=60)
    workdir = _collected(tmp_path, ("full", "partly_right"))
    stats = {}
    results = grade(ASSIGNMENT, workdir, cluster=cluster.address, stats=stats, progress=False)
    assert _scores(results) == {s: _scores(local_results)[s] for s in ("full", "partly_right")}
    assert list(stats["refused"]) == refusing


def test_grade_fails_clearly_when_no_worker_can_grade(tmp_path):
    workdir = _collected(tmp_path, ("full",))
    with local_cluster(workers=1, env={"AUTOGRADER_BWRAP": "/bin/false"}) as cluster:
        with pytest.raises(ValueError) as failure:
            grade(ASSIGNMENT, workdir, cluster=cluster.address, progress=False)
    message = str(failure.value)
    assert message.startswith(f"no worker of the Dask cluster at {cluster.address} can grade: tcp://127.0.0.1:")
    assert "bubblewrap (/bin/false) fails to start a sandbox" in message
    assert not load_results(workdir, ASSIGNMENT)  # nothing graded, nothing written


def test_no_sandbox_and_cluster_do_not_mix(tmp_path):
    workdir = _collected(tmp_path, ("full",))
    with pytest.raises(ValueError, match="--no-sandbox cannot be used with --cluster"):
        grade(ASSIGNMENT, workdir, cluster="tcp://127.0.0.1:1", use_bwrap=False, progress=False)
