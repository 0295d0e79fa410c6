"""A control group per sandbox: at most so many processes and one CPU's worth of time.

RLIMIT_NPROC cannot stop a fork bomb here: it counts the processes of a user (the
instructor's, every program they run), and the kernel exempts root from it. A control group
counts exactly the processes of one sandbox and all of their children, whoever they run as,
and its CPU quota keeps a notebook that spins up many processes from slowing the students
graded beside it.

Where the grader may create control groups (root on a cgroup v1 or v2 system, or a
delegated cgroup v2 subtree such as systemd gives with ``Delegate=yes``), :func:`create`
returns a :class:`Group`; where it may not, it returns None and :func:`unavailable_reason`
says why, so that the grader can print one clear warning.
"""

import functools
import os
import signal
import time
import uuid

PIDS_MAX = 64  # processes (threads included) one notebook may have at once
CPU_PERIOD = 100_000  # microseconds


def _mountinfo():
    """[(mount point, file system type, super options)] of the cgroup file systems."""
    mounts = []
    try:
        with open("/proc/self/mountinfo") as file:
            for line in file:
                left, _, right = line.partition(" - ")
                fstype, _, options = right.split()[:3]
                if fstype in ("cgroup", "cgroup2"):
                    mounts.append((left.split()[4], fstype, options.split(",")))
    except OSError:
        pass
    return mounts


def _own_paths():
    """{controller or "" for cgroup v2: the path of this process's group}."""
    paths = {}
    try:
        with open("/proc/self/cgroup") as file:
            for line in file:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for controller in controllers.split(",") if controllers else [""]:
                    paths[controller] = path
    except OSError:
        pass
    return paths


def _parents():
    """{"pids": folder, "cpu": folder} where sandbox groups can be created, possibly partial."""
    own, parents = _own_paths(), {}
    for mount, fstype, options in _mountinfo():
        if fstype == "cgroup2" and "" in own:
            folder = os.path.join(mount, own[""].lstrip("/"))
            try:
                with open(os.path.join(folder, "cgroup.subtree_control")) as file:
                    enabled = file.read().split()
            except OSError:
                continue
            for controller in ("pids", "cpu"):
                if controller in enabled:
                    parents.setdefault(controller, ("v2", folder))
        elif fstype == "cgroup":
            for controller in ("pids", "cpu"):
                if controller in options and controller in own:
                    parents.setdefault(controller, ("v1", os.path.join(mount, own[controller].lstrip("/"))))
    return {c: p for c, p in parents.items() if os.access(p[1], os.W_OK)}


@functools.lru_cache(maxsize=1)
def unavailable_reason():
    """None if process-limited groups can be made here, else why not (one line)."""
    parents = _parents()
    if "pids" not in parents:
        return "this system lets the grader create no control group with a process limit (root or a delegated cgroup v2 subtree is needed)"
    try:
        group = create()
    except OSError as error:
        return f"creating a control group failed ({error.strerror})"
    group.remove()
    return None


class Group:
    """One sandbox's control group (one folder per controller hierarchy)."""

    def __init__(self, folders):
        self.folders = folders

    def enter(self):
        """Move the calling process into the group (called in the child before exec)."""
        for folder in self.folders:
            with open(os.path.join(folder, "cgroup.procs"), "w") as file:
                file.write(str(os.getpid()))

    def _pids(self):
        pids = set()
        for folder in self.folders:
            try:
                with open(os.path.join(folder, "cgroup.procs")) as file:
                    pids.update(int(line) for line in file if line.strip())
            except OSError:
                pass
        return pids

    def kill(self):
        """SIGKILL every process left in the group, until none is left (or 5 s passed)."""
        deadline = time.monotonic() + 5
        while (pids := self._pids()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self):
        self.kill()
        for folder in self.folders:
            for _ in range(100):  # the kernel frees a group a moment after its last process
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


def _write(folder, name, value):
    with open(os.path.join(folder, name), "w") as file:
        file.write(value)


def create(pids_max=PIDS_MAX, cpus=1.0):
    """A new group limited to ``pids_max`` processes and ``cpus`` CPUs, or None if impossible."""
    parents = _parents()
    if "pids" not in parents:
        return None
    name = f"autograder-{uuid.uuid4().hex[:12]}"
    folders = []
    try:
        for controller, (version, parent) in sorted(parents.items()):
            folder = os.path.join(parent, name)
            if folder not in folders:
                os.mkdir(folder)
                folders.append(folder)
            if controller == "pids":
                _write(folder, "pids.max", str(pids_max))
            elif version == "v2":
                _write(folder, "cpu.max", f"{int(cpus * CPU_PERIOD)} {CPU_PERIOD}")
            else:
                _write(folder, "cpu.cfs_period_us", str(CPU_PERIOD))
                _write(folder, "cpu.cfs_quota_us", str(int(cpus * CPU_PERIOD)))
    except OSError:
        Group(folders).remove()
        raise
    return Group(folders)
