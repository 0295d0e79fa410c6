"""Run one graded notebook in a sandbox: its own process, file system view and limits.

With bubblewrap (``bwrap``, Debian package ``bubblewrap``) and user namespaces, the
student's process sees a private file system made for the assignment:

* Python's standard library (read-only), with every site-packages folder of the system
  hidden, and a ``site`` folder holding only what students may use: NumPy, Matplotlib,
  IPython, tqdm and what they need (:func:`site_entries`), plus the assignment's own extras;
* of the reference library ``scratchcnn`` only the modules the assignment allows
  (``Spec.library``): whatever an exercise asks students to write is simply not there, under
  any name, path or copy; of the grader only the runner and the checks;
* a home folder and ``/tmp`` on size- and inode-limited memory file systems, into which the
  runner copies the student's files (mounted read-only next to it);
* its own process table, no network, no capabilities, and an environment holding no secret.

The repository (solutions/ above all), the grading folder (other submissions, the gradebook,
the seed key), the instructor's home and the rest of the virtual environment (PyTorch, for
one) are not there. The hidden inputs enter through the channel only with the test cells
that use them (see :mod:`autograder.channel`).

Limits, for every process in the sandbox: address space (RLIMIT_AS, so a memory bomb gets
a MemoryError instead of the machine's memory), size of any file written (RLIMIT_FSIZE), no
core dumps, a wall-clock limit after which everything is killed and, where the system
allows it, a control group with a process limit and one CPU (:mod:`autograder.cgroup`).

Without bubblewrap (``--no-sandbox``), the runner is started directly: the limits and the
clean environment still apply, but the file system is the instructor's.
"""

import functools
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import autograder

from . import cgroup
from .channel import Conversation
from .config import GRADING_FILE, MAX_RECORD_BYTES, SOURCE_DIRECTORY, assignments, grading_file
from .syntax import parse

SANDBOX_HOME = "/home/student"
SANDBOX_FILES = "/run/submission"
SANDBOX_SITE = "/opt/site"
SANDBOX_COURSE = "/opt/course"
# What every assignment's sandbox offers besides the standard library (with their dependencies);
# threadpoolctl is a dependency of the reference library (scratchcnn.threads).
BASE_DISTRIBUTIONS = ("numpy", "matplotlib", "ipython", "matplotlib-inline", "tqdm", "threadpoolctl")
# The grader's modules the runner imports (the assignments' hidden-test definitions too).
RUNNER_MODULES = ("__init__", "runner", "channel", "notebook", "records", "compare", "messages", "syntax", "probes", "config")
HOME_INODES = 20_000
TMP_INODES = 20_000


@dataclass
class RunResult:
    """What came back from one run.

    ``records`` maps a check's name to what it recorded (only what the grader asked for);
    ``outputs`` maps a cell index to its raw outputs (to be sanitised); ``stray`` counts the
    messages the grader did not ask for.
    """

    records: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    finished: bool = False  # every cell ran and answered
    timed_out: bool = False
    returncode: int = 0
    elapsed: float = 0.0
    stray: int = 0
    overflow: bool = False
    exited: bool = False  # the process ended by itself (not killed by the grader at the end)


# --- what the sandbox contains --------------------------------------------------------


def _site_packages():
    return Path(metadata.distribution("numpy").locate_file("")).resolve()


def _requirements(distribution):
    """Names of the distributions ``distribution`` needs (extras and other platforms skipped)."""
    from packaging.requirements import Requirement

    names = []
    for text in distribution.requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


@functools.lru_cache(maxsize=None)
def site_entries(extra=()):
    """Top-level entries of site-packages (folders, modules, .dist-info) of the allowed
    distributions and everything they need."""
    todo, seen, entries = list(BASE_DISTRIBUTIONS + tuple(extra)), set(), set()
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        todo.extend(_requirements(distribution))
        for file in distribution.files or []:
            top = file.parts[0]
            if top not in ("..", "__pycache__") and not top.endswith(".pth"):
                entries.add(top)  # compiled wheels list their bundled libraries (numpy.libs/...) too
    return tuple(sorted(entry for entry in entries if (_site_packages() / entry).exists()))


def _hidden_system_sites():
    """System site-packages folders of the interpreter the sandbox runs, to hide."""
    base = Path(sys.base_prefix)
    candidates = {
        sysconfig.get_paths(vars={"base": str(base), "platbase": str(base)})[key] for key in ("purelib", "platlib")
    }
    candidates.update(str(p) for p in Path("/usr/lib").glob("python3*/dist-packages"))
    candidates.update(str(p) for p in Path("/usr/local/lib").glob("python3*/*-packages"))
    candidates.add("/usr/lib/python3/dist-packages")
    return sorted(c for c in candidates if os.path.isdir(c))


def _python():
    """The base interpreter (the virtual environment itself is not in the sandbox)."""
    return os.path.realpath(sys.executable)


def library_folder():
    import scratchcnn

    return Path(scratchcnn.__file__).resolve().parent


def _relative_imports(path):
    """Names of the sibling modules a module of the library imports (``from .x import``)."""
    import ast

    names = set()
    for node in ast.walk(parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update([node.module] if node.module else [alias.name for alias in node.names])
    return names


def library_modules(spec):
    """The modules of scratchcnn the sandbox holds: ``spec.library`` and what they import."""
    folder = library_folder()
    # Read once per version of the library's files, not once per student.
    versions = tuple((path.name, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.py")))
    return list(_imported_closure(folder, tuple(spec.library), versions))


@functools.lru_cache(maxsize=16)
def _imported_closure(folder, names, versions):
    """``names`` and the modules of ``folder`` they import, directly or not, sorted.
    ``versions`` (file names and modification times) only keys the cache."""
    todo, modules = list(names), set()
    while todo:
        name = todo.pop()
        if name not in modules and (folder / f"{name}.py").is_file():
            modules.add(name)
            todo.extend(_relative_imports(folder / f"{name}.py"))
    return tuple(sorted(modules))


def write_library_init(folder, spec):
    """A scratchcnn/__init__.py for the sandbox: only a docstring naming what is there."""
    allowed = ", ".join(f"scratchcnn.{name}" for name in spec.library) or "nothing"
    path = Path(folder) / "scratchcnn_init.py"
    path.write_text(f'"""The reference library, as far as the {spec.name} exercise allows: {allowed}."""\n')
    return path


def course_binds(spec, library_init):
    """(source, destination) read-only binds: the site, the allowed library, the runner."""
    site = _site_packages()
    binds = [(site / entry, f"{SANDBOX_SITE}/{entry}") for entry in site_entries(tuple(spec.packages))]
    binds += [(site / path, f"{SANDBOX_SITE}/{path}") for path in spec.package_files]
    package = Path(autograder.__file__).resolve().parent
    binds += [(package / f"{name}.py", f"{SANDBOX_COURSE}/autograder/{name}.py") for name in RUNNER_MODULES]
    # The checks' messages in other languages (nothing secret; the graded run prints none).
    binds += [(path, f"{SANDBOX_COURSE}/autograder/locale/{path.name}") for path in sorted((package / "locale").glob("*.po"))]
    # Every assignment's grading specification (one may build on another's), and nothing
    # else of solutions/: the runner calls the students' functions the way they say.
    binds += [
        (grading_file(name), f"{SANDBOX_COURSE}/{SOURCE_DIRECTORY}/{name}/{GRADING_FILE}") for name in assignments()
    ]
    if spec.library:
        library = library_folder()
        binds.append((library_init, f"{SANDBOX_COURSE}/scratchcnn/__init__.py"))
        binds += [(library / f"{name}.py", f"{SANDBOX_COURSE}/scratchcnn/{name}.py") for name in library_modules(spec)]
    return binds


# --- the command --------------------------------------------------------------------------


# How the notebook's process gives up its privileges, best first. As "nobody" in a nested
# user namespace it owns nothing it did not create. Where the kernel refuses that nesting
# (grading as an ordinary user, inside bubblewrap's own namespace), it stays that namespace's
# root: with no capability at all, an empty bounding set and securebits that stop root from
# regaining any, which leaves it the same rights over the files it can see.
DROP_PRIVILEGES = (
    [
        "unshare", "--user", "--map-user=65534", "--map-group=65534", "--keep-caps",
        "setpriv", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs",
    ],
    [
        "setpriv", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs",
        "--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked,+keep_caps_locked",
    ],
)  # fmt: skip


@functools.lru_cache(maxsize=1)
def _sandbox_setup():
    """(bubblewrap executable, privilege-dropping command) that work here, or (None, None).

    Checked with the same steps as a real run: a user namespace, a tmpfs mounted inside it
    with size and inode limits, then every capability dropped. ``$AUTOGRADER_BWRAP`` names
    another bubblewrap executable than the ``bwrap`` on PATH (a grading worker reads it when
    it starts; the tests use it to make a worker whose sandbox does not work).
    """
    path = shutil.which(os.environ.get("AUTOGRADER_BWRAP") or "bwrap")
    if not path or not all(shutil.which(tool) for tool in ("setpriv", "mount", "unshare")):
        return None, None
    command = [path, "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    command += ["--tmpfs", "/run", "--dir", "/run/h"]
    command += _privileged_setup() + ["sh", "-c", "mount -t tmpfs -o size=1m,nr_inodes=10 tmpfs /run/h && exec \"$@\"", "sh"]
    for drop in DROP_PRIVILEGES:
        try:
            if subprocess.run(command + drop + ["true"], capture_output=True, timeout=30).returncode == 0:
                return path, drop
        except (OSError, subprocess.TimeoutExpired):
            return None, None
    return None, None


def bwrap_path():
    """The bubblewrap executable if the whole sandbox works here, else None."""
    return _sandbox_setup()[0]


def _privileged_setup():
    # Inside its own user namespace the first process may mount file systems (and nothing
    # outside); it mounts the limited home and /tmp, then gives every capability up for good.
    return ["--uid", "0", "--gid", "0", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP"]


def bwrap_command(bwrap, files, binds, limits):
    """The bubblewrap command line up to (not including) the runner's own command."""
    command = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc",
        "--dev", "/dev",
        "--dir", "/tmp",
        "--dir", SANDBOX_HOME,
    ]  # fmt: skip
    base = str(Path(sys.base_prefix).resolve())
    if not base.startswith("/usr/"):
        command += ["--ro-bind", base, base]
    for hidden in _hidden_system_sites():
        command += ["--tmpfs", hidden]
    if os.path.isdir("/etc/fonts"):  # matplotlib asks fontconfig for its configuration
        command += ["--ro-bind", "/etc/fonts", "/etc/fonts"]
    for source, destination in binds:
        command += ["--ro-bind", str(source), destination]
    command += ["--ro-bind", str(files), SANDBOX_FILES, "--chdir", "/"]
    command += _privileged_setup()
    size = limits.file_size
    mounts = (
        f"mount -t tmpfs -o size={size},nr_inodes={HOME_INODES},mode=0755 tmpfs {SANDBOX_HOME} && "
        f"mount -t tmpfs -o size={size},nr_inodes={TMP_INODES},mode=1777 tmpfs /tmp && "
        f"cd {SANDBOX_HOME} && unset OLDPWD && exec \"$@\""
    )
    return command + ["sh", "-c", mounts, "sh"] + _sandbox_setup()[1]


def _environment(sandboxed, home, tmp):
    python_path = f"{SANDBOX_SITE}:{SANDBOX_COURSE}" if sandboxed else str(Path(autograder.__file__).resolve().parent.parent)
    return {
        "PATH": "/usr/bin:/bin" if sandboxed else f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONPATH": python_path,
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
    }


def _set_limits(limits, group):
    def apply():
        if group:
            group.enter()
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # A write past RLIMIT_FSIZE then fails with an error instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def _discard(stream):
    """Read a pipe to its end and drop it: what the notebook writes to its file descriptors
    1 and 2 directly (its Python-level prints are captured per cell by the runner)."""
    for _ in iter(lambda: stream.read(65536), b""):
        pass


def remove_tree(path):
    """Delete a folder even if the student's code made parts of it read-only."""

    def make_writable(function, failed, _):
        parent = os.path.dirname(failed)
        for target in (parent, failed):
            try:
                os.chmod(target, stat.S_IRWXU, follow_symlinks=False)
            except (OSError, NotImplementedError):
                pass
        function(failed)

    if os.path.lexists(path):
        shutil.rmtree(path, onerror=make_writable)


# --- a run ----------------------------------------------------------------------------


def _start(command, environment, cwd, limits, group, fds):
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=fds,
        preexec_fn=_set_limits(limits, group),
        start_new_session=True,
    )


def run(spec, cells, scratch, files, limits, use_bwrap=True):
    """Run ``cells`` for one student; returns a RunResult.

    ``cells``: [{"index", "kind", "source", "cases" (packed inputs of the cell's hidden
    tests), "checks" (the names this cell's records may have)}]; ``scratch`` is an empty
    folder the caller deletes; ``files`` maps relative paths to the student's own files.
    """
    scratch = Path(scratch)
    submitted = scratch / "files"
    submitted.mkdir(parents=True)
    for relative, source in files.items():
        target = submitted / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target, follow_symlinks=False)

    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    runner_args = ["--assignment", spec.name, "--commands", str(commands_read), "--replies", str(replies_write)]
    runner_args += ["--output-limit", str(limits.output)]
    bwrap = bwrap_path() if use_bwrap else None
    if bwrap:
        binds = course_binds(spec, write_library_init(scratch, spec))
        command = bwrap_command(bwrap, submitted, binds, limits) + [_python(), "-S", "-m", "autograder.runner"]
        command += runner_args + ["--files", SANDBOX_FILES]
        environment, cwd = _environment(True, SANDBOX_HOME, "/tmp"), None
    else:
        home, tmp = scratch / "home", scratch / "tmp"
        shutil.copytree(submitted, home)
        tmp.mkdir()
        command = [sys.executable, "-m", "autograder.runner"] + runner_args
        environment, cwd = _environment(False, str(home), str(tmp)), home

    group = cgroup.create() if cgroup.unavailable_reason() is None else None
    start = time.monotonic()
    try:
        process = _start(command, environment, cwd, limits, group, (commands_read, replies_write))
    finally:
        os.close(commands_read)
        os.close(replies_write)
    drainer = threading.Thread(target=_discard, args=(process.stdout,), daemon=True)
    drainer.start()
    conversation = Conversation(commands_write, replies_read, start + limits.time, MAX_RECORD_BYTES)
    result = RunResult()
    try:
        if conversation.wait_ready():
            for cell in cells:
                reply = conversation.run_cell(cell["index"], cell["kind"], cell["source"], cell.get("cases"), cell.get("checks", ()))
                result.records.update(reply.records)
                if reply.outputs is None:
                    break
                result.outputs[cell["index"]] = reply.outputs
            else:
                result.finished = True
    finally:
        conversation.close()  # the runner reads end-of-file and returns
        # A runner that closed its end of the channel is most likely ending (os._exit, a
        # crash): it gets a second, so that the report can give its exit code or signal (10 ms
        # was not always enough on a busy machine, and the report then said only that it had
        # stopped answering). One that still answered, or ran out of time, gets no wait.
        try:
            process.wait(timeout=2 if result.finished else 1 if conversation.closed else 0.01)
            result.exited = True
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever the notebook left running
        except ProcessLookupError:
            pass
        if group:
            group.remove()
        process.wait()
        drainer.join(timeout=5)
        process.stdout.close()
    result.timed_out = conversation.timed_out
    result.overflow = conversation.overflow
    result.stray = conversation.stray
    result.returncode = process.returncode
    result.elapsed = time.monotonic() - start
    return result
