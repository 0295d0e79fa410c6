"""Run one graded notebook in a sandbox: its own process, file system view and limits.

With bubblewrap (``bwrap``, Debian package ``bubblewrap``) and user namespaces, the
student's process sees a private file system: read-only Python, the virtual environment,
the reference library and the ``autograder`` package (for the checks), a working directory
holding only that student's files, a private /tmp, its own process table and no network.
The repository (solutions/ above all), the grading folder (other submissions, the
gradebook, the seed key) and the instructor's home are simply not there. Inside it runs as
an unprivileged user with no capabilities and an environment holding only a few settings.

Without bubblewrap the runner is started directly: the limits and the clean environment
still apply, but the file system is the instructor's (the grader warns about this).

Limits, for every process in the sandbox: address space (RLIMIT_AS, so a memory bomb gets
a MemoryError instead of the machine's memory), size of any file written (RLIMIT_FSIZE), no
core dumps, and a wall-clock limit after which the whole process group is killed.
"""

import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scratchcnn

import autograder

from . import records
from .config import MAX_RECORD_BYTES

SANDBOX_HOME = "/home/student"
SANDBOX_IO = "/run/autograder"
STDERR_KEPT = 20_000


@dataclass
class RunResult:
    """What came back from one run. ``outputs`` maps a cell index to its outputs."""

    records: dict
    outputs: dict
    finished: bool  # the runner reached the end of the notebook
    timed_out: bool
    returncode: int
    elapsed: float
    stderr: str


@functools.lru_cache(maxsize=1)
def bwrap_path():
    """The bubblewrap executable if it works here (user namespaces allowed), else None."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run(
        [path, "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "true"],
        capture_output=True,
        timeout=30,
    )
    return path if probe.returncode == 0 else None


def _mounts():
    """Read-only folders the runner needs: Python, the venv, scratchcnn's and autograder's."""
    folders = {
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix).resolve(),
        Path(scratchcnn.__file__).resolve().parent.parent,
        Path(autograder.__file__).resolve().parent,
    }
    return sorted(str(folder) for folder in folders)


def bwrap_command(bwrap, home, io_folder, limits):
    command = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--uid", "65534",
        "--gid", "65534",
        "--die-with-parent",
        "--new-session",
        "--cap-drop", "ALL",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(limits.file_size), "--tmpfs", "/tmp",
    ]  # fmt: skip
    if os.path.isdir("/etc/fonts"):  # matplotlib asks fontconfig for its configuration
        command += ["--ro-bind", "/etc/fonts", "/etc/fonts"]
    for folder in _mounts():
        command += ["--ro-bind", folder, folder]
    command += ["--bind", str(home), SANDBOX_HOME, "--bind", str(io_folder), SANDBOX_IO, "--chdir", SANDBOX_HOME]
    return command


def _environment(assignment, seed, io_folder, limits, tmp="/tmp"):
    package_parent = str(Path(autograder.__file__).resolve().parent.parent)
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "LANG": "C.UTF-8",
        "PYTHONPATH": package_parent,
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "TMPDIR": tmp,
        "MPLCONFIGDIR": f"{tmp}/matplotlib",
        "IPYTHONDIR": f"{tmp}/ipython",
        # One thread per submission: --jobs decides how many cores grading uses. More threads
        # than free cores make BLAS far slower, not faster: on 2 cores that other work kept
        # busy, convnet's solution trained in 40 s with one thread (two notebooks at a time)
        # and in 222 s with two threads (one notebook at a time).
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "AUTOGRADER_IO": str(io_folder),
        "AUTOGRADER_ASSIGNMENT": assignment,
        "AUTOGRADER_SEED": str(seed),
        "AUTOGRADER_OUTPUT_LIMIT": str(limits.output),
    }


def _set_limits(limits):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # A write past RLIMIT_FSIZE then fails with an error instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def _drain(stream, kept):
    """Read a pipe to its end, keeping only the first STDERR_KEPT bytes (a flood is dropped)."""
    size = 0
    for chunk in iter(lambda: stream.read(65536), b""):
        if size < STDERR_KEPT:
            kept.append(chunk[: STDERR_KEPT - size])
        size += len(chunk)


def _read_outputs(path):
    """({cell index: outputs}, whether the runner reached the end) from outputs.jsonl."""
    outputs, finished = {}, False
    for line in records.read_untrusted(path, MAX_RECORD_BYTES).splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry == {"done": True}:
            finished = True
        elif isinstance(entry, dict) and type(entry.get("index")) is int and isinstance(entry.get("outputs"), list):
            outputs.setdefault(entry["index"], entry["outputs"])
    return outputs, finished


def run(assignment, cells, seed, scratch, files, limits, use_bwrap=True, data=None):
    """Run ``cells`` ([{"index", "kind", "source"}]) for one student.

    ``scratch`` is an empty folder of the grading working folder; ``files`` maps relative
    paths to the student's own files to place in their working directory; ``data`` maps
    names to arrays the hidden tests read (the inputs of the Spec's hidden data). Returns a
    RunResult; the scratch folder is left for the caller to delete.
    """
    home, io_folder = Path(scratch) / "home", Path(scratch) / "io"
    home.mkdir(parents=True)
    io_folder.mkdir()
    for relative, source in files.items():
        target = home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target, follow_symlinks=False)
    (io_folder / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
    for name, array in (data or {}).items():
        np.save(io_folder / f"{name}.npy", np.asarray(array), allow_pickle=False)

    bwrap = bwrap_path() if use_bwrap else None
    if bwrap:
        command = bwrap_command(bwrap, home, io_folder, limits) + [sys.executable, "-m", "autograder.runner"]
        environment = _environment(assignment, seed, SANDBOX_IO, limits)
        cwd = None
    else:
        command = [sys.executable, "-m", "autograder.runner"]
        tmp = Path(scratch) / "tmp"
        tmp.mkdir()
        environment = _environment(assignment, seed, io_folder, limits, tmp=str(tmp))
        environment["HOME"] = str(home)
        cwd = home

    start = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_set_limits(limits),
        start_new_session=True,
    )
    kept = []
    drainer = threading.Thread(target=_drain, args=(process.stdout, kept), daemon=True)
    drainer.start()
    timed_out = False
    try:
        process.wait(timeout=limits.time)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever the notebook left running
        except ProcessLookupError:
            pass
        process.wait()
    elapsed = time.monotonic() - start
    drainer.join(timeout=5)
    process.stdout.close()

    outputs, finished = _read_outputs(io_folder / "outputs.jsonl")
    return RunResult(
        records=records.load(io_folder / "records.jsonl", MAX_RECORD_BYTES),
        outputs=outputs,
        finished=finished and not timed_out,
        timed_out=timed_out,
        returncode=process.returncode,
        elapsed=elapsed,
        stderr=b"".join(kept).decode("utf-8", "replace"),
    )
