"""`grade ASSIGNMENT --cluster tcp://HOST:PORT`: run the notebooks on a Dask cluster's workers.

Only the sandbox run moves. The instructor's process still reads every submission, rebuilds
the notebook, inspects the code and draws the hidden cases (:func:`autograder.grade.prepare_student`),
then judges the run, writes the graded copy, the result file and the gradebook
(:func:`autograder.grade.finish_student`), exactly as local grading does. What goes to a
worker is plain data (:func:`payload`): the assignment's name, the limits, the code cells
with the hidden tests' inputs (never their answers), the student's other files as bytes with
their sha256, and the sha256 of every file of the course a score depends on
(:func:`course_manifest`). The worker (:func:`run_task`)

* refuses with :class:`SandboxUnavailable` if its sandbox does not work (no bubblewrap, no
  user namespaces; ``$AUTOGRADER_BWRAP`` names another bubblewrap executable, see
  :func:`autograder.sandbox.bwrap_path`): it never grades unsandboxed;
* refuses with :class:`CourseMismatch` if its copy of the course (grader, grading
  specifications, reference library, nbgrader) differs from the instructor's, naming the
  files that differ: the scores would not be the ones a local run gives;
* checks the sha256 of every file, writes them into a private temporary folder
  (``$AUTOGRADER_WORKER_TMP`` or the system's), runs :func:`autograder.sandbox.run` with
  bubblewrap, deletes the folder and returns the :class:`~autograder.sandbox.RunResult` as
  a dict. It records the task's start in Dask's event log (topic :data:`EVENT_TOPIC`).

Faults (:class:`Session`):

* before submitting, every worker is probed (:func:`worker_check`, through ``client.run``);
  tasks go only to workers whose sandbox works (``workers=..., allow_other_workers=False``);
  workers that join later (a worker its nanny started again has a new address) are probed
  too, and the pending tasks may then run on them. With no usable worker, grading stops
  with an error naming each worker and its reason;
* a worker that dies (SIGKILL, out of memory, a lost machine) loses nothing: the scheduler
  runs its tasks again on another worker, and nothing is written before a task's result is
  back. That includes a task that had ended but whose result the dead worker still held:
  fetching it gives up after :data:`FETCH_SECONDS` and the task stays pending until it has
  run again. The run's summary names the students whose task started more than once;
* a task whose worker dies again and again (a notebook that takes the machine's memory)
  ends with ``KilledWorker`` after :data:`TRIES` tries (the client sets the scheduler's
  ``allowed_failures`` to ``TRIES - 1``; this applies to the scheduler's other clients
  too): the student gets an error result, the rest of the class goes on;
* the instructor's process killed halfway resumes as local grading does: results are
  written as each task ends, and a later run reuses them.

:func:`local_cluster` starts a scheduler and workers on this machine (tests, benchmark, a try).
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import deque
from dataclasses import asdict
from pathlib import Path, PurePosixPath

EVENT_TOPIC = "autograder-task"
TRIES = 3  # runs of a task whose worker keeps dying, before it ends with KilledWorker
PROBE_TIMEOUT = 60  # seconds to wait for a first worker
REFRESH_SECONDS = 3  # how often the workers are looked at while grading
FETCH_SECONDS = 30  # to fetch a finished task's result; longer: it was lost, and runs again
LOST = object()  # Session._finish: the result went with its worker; the task runs again
BWRAP_VARIABLE = "AUTOGRADER_BWRAP"
TMP_VARIABLE = "AUTOGRADER_WORKER_TMP"


class SandboxUnavailable(RuntimeError):
    """A worker whose sandbox does not work refuses to grade."""

    def __init__(self, worker, reason):
        super().__init__(worker, reason)

    def __str__(self):
        return f"worker {self.args[0]} cannot grade: {self.args[1]}"


class CourseMismatch(RuntimeError):
    """A worker whose copy of the course differs from the instructor's refuses to grade."""

    def __init__(self, worker, reason):
        super().__init__(worker, reason)

    def __str__(self):
        return f"worker {self.args[0]} cannot grade: {self.args[1]}"


# --- the worker's side ----------------------------------------------------------------------


def _worker_name():
    try:
        from distributed import get_worker

        return get_worker().address
    except ValueError:  # not inside a worker (a direct call)
        return f"pid {os.getpid()}"


def sandbox_problem():
    """Why this machine's sandbox cannot run a notebook, or None if it can."""
    from . import sandbox

    if sandbox.bwrap_path():
        return None
    named = os.environ.get(BWRAP_VARIABLE)
    if named and not shutil.which(named):
        return f"${BWRAP_VARIABLE} names {named!r}, which is not an executable"
    if not named and not shutil.which("bwrap"):
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    if not all(shutil.which(tool) for tool in ("setpriv", "mount", "unshare")):
        return "util-linux's setpriv, unshare or mount is missing"
    return (
        f"bubblewrap ({named or shutil.which('bwrap')}) fails to start a sandbox "
        "(user namespaces disabled? see sysctl kernel.unprivileged_userns_clone)"
    )


def course_manifest(assignment):
    """{"nbgrader": version, "files": {path in the repository: sha256}} of what a score
    depends on besides the submission (:func:`autograder.grade.fingerprint_files`)."""
    import nbgrader

    from .config import REPO_ROOT
    from .grade import fingerprint_files

    files = {}
    for path in fingerprint_files(assignment):
        try:
            name = str(path.resolve().relative_to(REPO_ROOT))
        except ValueError:
            name = str(path)
        files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"nbgrader": nbgrader.__version__, "files": files}


def _course_problem(assignment, course):
    """Why this worker's copy of the course would not grade ``assignment`` as the
    instructor's does (``course``: the instructor's :func:`course_manifest`), or None."""
    if not assignment:
        return None
    from .config import assignments

    if assignment not in assignments():
        return f"its course has no assignment {assignment!r} (install the course's repository on the worker)"
    if not course:
        return None
    mine = course_manifest(assignment)
    if mine["nbgrader"] != course["nbgrader"]:
        return f"it has nbgrader {mine['nbgrader']}, the instructor {course['nbgrader']}; install the same environment"
    differ = sorted(set(mine["files"].items()) ^ set(course["files"].items()))
    if differ:
        names = sorted({name for name, _ in differ})
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return f"its copy of the course differs from the instructor's ({shown}); install the same commit"
    return None


def worker_check(assignment=None, course=None):
    """What a worker tells the instructor's probe: {"ok", "reason", "threads", "pid", "cgroup"}."""
    from . import cgroup

    reason = sandbox_problem() or _course_problem(assignment, course)
    try:
        from distributed import get_worker

        threads = get_worker().state.nthreads
    except ValueError:
        threads = 1
    return {"ok": reason is None, "reason": reason, "threads": threads, "pid": os.getpid(),
            "cgroup": cgroup.unavailable_reason()}  # fmt: skip


def _log_start(payload):
    try:
        from distributed import get_worker

        worker = get_worker()
    except ValueError:
        return
    worker.log_event(EVENT_TOPIC, {
        "run": payload["run"], "assignment": payload["assignment"], "student": payload["student"],
        "worker": worker.address, "pid": os.getpid(), "time": time.time(),
    })  # fmt: skip


def _safe_relative(relative):
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise ValueError(f"refusing the file name {relative!r}")
    return path


def run_task(payload):
    """Run one student's notebook in this worker's sandbox; returns the RunResult as a dict.

    ``payload``: {"run", "student", "assignment", "course" (:func:`course_manifest`), "limits" (dict of
    :class:`~autograder.config.Limits`), "cells", "files": {relative path: {"data": bytes,
    "sha256": hex}}}.
    """
    from . import sandbox
    from .config import Limits
    from .probes import load_spec

    _log_start(payload)
    worker = _worker_name()
    problem = sandbox_problem()
    if problem:
        raise SandboxUnavailable(worker, problem)
    problem = _course_problem(payload["assignment"], payload.get("course"))
    if problem:
        raise CourseMismatch(worker, problem)
    spec = load_spec(payload["assignment"])
    limits = Limits(**payload["limits"])
    scratch = Path(tempfile.mkdtemp(prefix="autograder-", dir=os.environ.get(TMP_VARIABLE) or None))
    try:
        files = {}
        for relative, file in payload["files"].items():
            if hashlib.sha256(file["data"]).hexdigest() != file["sha256"]:
                raise ValueError(f"the file {relative!r} arrived damaged (sha256 differs)")
            target = scratch / "in" / _safe_relative(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file["data"])
            files[relative] = target
        run = sandbox.run(spec, payload["cells"], scratch / "run", files, limits, use_bwrap=True)
    finally:
        sandbox.remove_tree(scratch)
    return asdict(run)


def _widen(keys, workers, dask_scheduler=None):
    """On the scheduler: let the tasks ``keys`` run on ``workers``, and start those of them
    that wait for a worker (no worker they were allowed on is alive)."""
    scheduler = dask_scheduler
    for key in keys:
        task = scheduler.tasks.get(key)
        if task is not None:
            task.worker_restrictions = set(workers)
    for address in workers:
        state = scheduler.workers.get(address)
        if state is not None:
            scheduler.transitions(scheduler.bulk_schedule_unrunnable_after_adding_worker(state), f"autograder-{time.time()}")


def _set_allowed_failures(allowed, dask_scheduler=None):
    dask_scheduler.allowed_failures = allowed
    return allowed


# --- the instructor's side ------------------------------------------------------------------


def payload(context, prepared, run, course):
    """What a worker needs for one student (plain data; the files' bytes, checked again here)."""
    files = {}
    for relative, path in prepared.files.items():
        data = Path(path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != prepared.entry["files"][relative]:
            raise ValueError(f"the collected file {relative!r} changed after collect (sha256 differs)")
        files[relative] = {"data": data, "sha256": digest}
    return {
        "run": run, "student": prepared.student, "assignment": context.assignment,
        "course": course, "limits": asdict(context.limits), "cells": prepared.cells, "files": files,
    }  # fmt: skip


def _reason(answer):
    if isinstance(answer, BaseException):
        return f"the probe failed ({type(answer).__name__}: {answer})"
    return answer.get("reason") or "unknown"


class Session:
    """One grading run's connection to the cluster: probes the workers, submits, collects."""

    def __init__(self, cluster, context, progress=True, tries=TRIES):
        from distributed import Client

        self.context, self.progress, self.tries = context, progress, tries
        self.own_client = not isinstance(cluster, Client)
        try:
            self.client = Client(cluster, timeout=30, set_as_default=False) if self.own_client else cluster
        except OSError as error:
            raise ValueError(f"cannot reach the Dask scheduler at {cluster}: {error}") from None
        self.address = self.client.scheduler.address
        self.run_id = secrets.token_hex(4)  # tells this run's events from earlier runs' on the same scheduler
        self.client.run_on_scheduler(_set_allowed_failures, tries - 1)
        self.good, self.bad = {}, {}  # {worker address: threads}, {worker address: reason}
        self.course = course_manifest(context.assignment)
        try:
            self.client.wait_for_workers(1, timeout=PROBE_TIMEOUT)
        except (TimeoutError, OSError):
            self.close()
            raise ValueError(f"the Dask scheduler at {self.address} has no workers; start some with "
                             f"`dask worker {self.address}` (see autograder/GUIDE_CLUSTER.md)") from None  # fmt: skip
        self._probe(self._workers())
        if not self.good:
            reasons = "; ".join(f"{worker}: {reason}" for worker, reason in sorted(self.bad.items()))
            self.close()
            raise ValueError(f"no worker of the Dask cluster at {self.address} can grade: {reasons}")
        self.dashboard = self._dashboard()
        if progress:
            threads = sum(self.good.values())
            print(f"cluster {self.address}: {len(self.good)} worker(s), {threads} notebook(s) at a time"
                  + (f"; dashboard: {self.dashboard}" if self.dashboard else ""), file=sys.stderr)  # fmt: skip

    def _workers(self):
        return set(self.client.scheduler_info(n_workers=-1)["workers"])

    def _dashboard(self):
        try:
            info = self.client.scheduler_info(n_workers=0)
            port = info.get("services", {}).get("dashboard")
            return self.client.dashboard_link if port else None
        except Exception:  # no dashboard (bokeh not installed on the scheduler), or an old scheduler
            return None

    def _probe(self, workers):
        """Ask ``workers`` whether they can grade; sort them into good and bad."""
        workers = sorted(set(workers) - set(self.good) - set(self.bad))
        if not workers:
            return
        answers = self.client.run(
            worker_check, self.context.assignment, self.course, workers=workers, on_error="return"
        )
        for worker in workers:
            answer = answers.get(worker, RuntimeError("no answer"))
            if isinstance(answer, dict) and answer.get("ok"):
                self.good[worker] = max(1, int(answer.get("threads") or 1))
            else:
                self.bad[worker] = _reason(answer)
                if self.progress:
                    print(f"warning: {worker} gets no task: {self.bad[worker]}", file=sys.stderr)

    def _submit(self, prepared, data):
        key = f"autograder-{self.context.assignment}-{self.run_id}-{prepared.student}"
        return self.client.submit(run_task, data, key=key, workers=sorted(self.good), allow_other_workers=False, pure=False)

    def starts(self):
        """{student: how many times their task started} in this run (from Dask's event log)."""
        counts = {}
        for _, event in self.client.get_events(EVENT_TOPIC):
            if isinstance(event, dict) and event.get("run") == self.run_id:
                counts[event["student"]] = counts.get(event["student"], 0) + 1
        return counts

    def results(self, manifest, todo):
        """(student, result) for each student of ``todo`` as soon as their task ends.

        Students are prepared and submitted a few at a time (twice the workers' threads in
        flight), so that 5,000 students' files are not all in memory at once.
        """
        from distributed import wait

        from .grade import _error_result, _grader_failed, finish_student, prepare_student
        from .sandbox import RunResult

        queue, pending = deque(todo), {}
        checked = time.monotonic()
        while queue or pending:
            while queue and len(pending) < max(4, 2 * sum(self.good.values())):
                student = queue.popleft()
                try:
                    prepared = prepare_student(self.context, student, manifest[student])
                    if isinstance(prepared, dict):  # nothing to run: the result is known
                        yield student, prepared
                        continue
                    data = payload(self.context, prepared, self.run_id, self.course)
                except ValueError as problem:
                    yield student, _error_result(student, str(problem), self.context.result_key(manifest[student]))
                    continue
                except Exception as error:
                    traceback.print_exc()
                    yield student, _grader_failed(student, error)
                    continue
                pending[self._submit(prepared, data)] = prepared
            if not pending:
                continue
            try:
                with self.client.as_current():
                    done = wait(list(pending), timeout=1, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = ()
            for future in done:
                result = self._finish(future, pending[future], finish_student, RunResult)
                if result is not LOST:  # a lost result stays pending, its task running again
                    yield pending.pop(future).student, result
            if time.monotonic() - checked > REFRESH_SECONDS:
                checked = time.monotonic()
                self._refresh(pending)

    def _finish(self, future, prepared, finish_student, run_result):
        """The student's result, from their ended task; or :data:`LOST` when the worker that
        held the task's result died before it was fetched. The scheduler then runs the task
        again (restricted to the workers of its submission: :meth:`_refresh` widens that, so
        the caller keeps it pending and goes on looking at the workers; an unbounded wait
        here would hang the whole run on a task that can only run on dead workers)."""
        from distributed import KilledWorker

        from .grade import _error_result, _grader_failed

        student = prepared.student
        try:
            answer = future.result(timeout=FETCH_SECONDS)
        except Exception as error:
            # A wait that timed out on a task that did not end in an error of its own: the
            # result went with its worker, or is slow to come. Not released: the future
            # brings the result of the task's next run.
            if isinstance(error, TimeoutError) and future.status != "error":
                return LOST
            answer = error  # the task's own end, raised again below
        future.release()
        try:
            if isinstance(answer, KilledWorker):
                return _error_result(
                    student,
                    f"the notebook's worker died each of the {self.tries} times it ran (out of memory?); "
                    "it was not run again",
                    prepared.key,
                )
            if isinstance(answer, (SandboxUnavailable, CourseMismatch)):
                return _grader_failed(student, answer)
            if isinstance(answer, Exception):
                raise answer
            return finish_student(self.context, prepared, run_result(**answer))
        except Exception as error:
            traceback.print_exc()
            return _grader_failed(student, error)

    def _refresh(self, pending):
        """Probe the workers that joined and forget those that left. When the usable workers
        change, every pending task may run on the new set: a worker that died and was
        started again by its nanny has a new address, and a task whose allowed workers had
        all died would otherwise wait forever. The task stays the same one, so the scheduler
        keeps counting its tries (``KilledWorker`` after :data:`TRIES`)."""
        alive = self._workers()
        before = set(self.good)
        self._probe(alive)
        for worker in set(self.good) - alive:
            del self.good[worker]
        for worker in set(self.bad) - alive:
            del self.bad[worker]
        if set(self.good) != before and self.good and pending:
            keys = [future.key for future in pending]
            self.client.run_on_scheduler(_widen, keys, sorted(self.good))

    def stats(self):
        try:
            retried = {student: n for student, n in self.starts().items() if n > 1}
        except Exception:  # the scheduler is gone: nothing more to learn
            retried = {}
        return {"retried": retried, "dashboard": self.dashboard, "workers": sorted(self.good),
                "refused": dict(self.bad), "scheduler": self.address}  # fmt: skip

    def close(self):
        if self.own_client:
            self.client.close()


def describe(stats):
    """The lines `grade --cluster` prints after the table."""
    lines = [f"graded on the Dask cluster {stats['scheduler']} ({len(stats['workers'])} worker(s) at the end)"]
    for worker, reason in sorted(stats.get("refused", {}).items()):
        lines.append(f"  refused: {worker}: {reason}")
    retried = stats.get("retried") or {}
    if retried:
        names = ", ".join(f"{student} ({n} starts)" for student, n in sorted(retried.items()))
        lines.append(f"  ran more than once (a worker died under them; each is graded once): {names}")
    else:
        lines.append("  every task ran once")
    return "\n".join(lines)


# --- a cluster on this machine ----------------------------------------------------------------


def _dask_command():
    script = Path(sys.executable).parent / "dask"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dask"]


class LocalCluster:
    """A scheduler and workers started as processes on 127.0.0.1 (see :func:`local_cluster`)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.scheduler_file = self.folder / "scheduler.json"
        self.processes = []  # [(name, Popen)]
        self.address = None

    def _start(self, name, arguments, env=None):
        log = open(self.folder / f"{name}.log", "wb")
        environment = dict(os.environ, **(env or {}))
        process = subprocess.Popen(_dask_command() + arguments, stdout=log, stderr=subprocess.STDOUT,
                                   env=environment, start_new_session=True)  # fmt: skip
        log.close()
        self.processes.append((name, process))
        return process

    def start_scheduler(self, timeout=60):
        import json

        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(self.scheduler_file)])  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.address = json.loads(self.scheduler_file.read_text())["address"]
                return self.address
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        raise RuntimeError(f"the Dask scheduler did not start; see {self.folder / 'scheduler.log'}")

    def start_worker(self, name, env=None, nanny=True, threads=1):
        """Start a worker (with its nanny, which starts it again when it dies); returns the Popen."""
        folder = self.folder / name
        folder.mkdir(exist_ok=True)
        arguments = ["worker", "--scheduler-file", str(self.scheduler_file), "--nthreads", str(threads),
                     "--host", "127.0.0.1", "--no-dashboard", "--name", name, "--local-directory", str(folder),
                     "--nanny" if nanny else "--no-nanny", "--death-timeout", "60"]  # fmt: skip
        return self._start(name, arguments, env)

    def log(self, name):
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def close(self):
        for _, process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def local_cluster(workers=2, env=None, nanny=True, threads=1):
    """A Dask scheduler and ``workers`` workers on 127.0.0.1, stopped on exit; yields a
    :class:`LocalCluster` (``.address`` is the scheduler's). ``env``: extra environment of
    the workers (a dict, or a list of dicts, one per worker)."""
    folder = tempfile.mkdtemp(prefix="autograder-dask-")
    cluster = LocalCluster(folder)
    try:
        cluster.start_scheduler()
        for number in range(workers):
            extra = env[number] if isinstance(env, (list, tuple)) else env
            cluster.start_worker(f"worker{number}", extra, nanny=nanny, threads=threads)
        yield cluster
    finally:
        cluster.close()
        shutil.rmtree(folder, ignore_errors=True)
