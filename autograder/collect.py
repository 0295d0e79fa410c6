"""`collect ASSIGNMENT PATH`: store submissions where nbgrader expects them, read-only.

PATH is a folder or a zip file holding ``<student_id>/<files>`` (one folder per student,
optionally inside one wrapping folder) or flat files named the way learning-management
systems export them, ``<student_id>_<anything>_<notebook>.ipynb``. Each student's files go
to ``submitted/<student_id>/<assignment>/`` with nbgrader's ``timestamp.txt``; files and
folders are made read-only and their sha256 is recorded in ``manifests/<assignment>.json``.

Nothing in PATH is trusted, and each entry is dealt with on its own: entries whose path
climbs out (``../``) or is absolute, symbolic links, special files, names that are not
UTF-8 or too long, a file and a folder of the same name, and folders named like the
grader's own files are skipped with a message naming the student and the reason; student
ids must be plain names; sizes are capped while copying (a zip bomb stops at the cap). One
bad entry or student never stops the others, and the manifest is always written.

**Attempts.** A student folder is one attempt, and so is each flat file. When a student has
several (two LMS files, or a folder and a flat file), the one submitted last wins and the
report says which were left out. An attempt's submission time is the best evidence there
is: nbgrader's ``timestamp.txt`` in the student's folder, else the archive's time stamp of
its files (a zip's entry times, a folder's modification times), recorded in the manifest as
``submitted`` (UTC) with ``submitted_from`` saying which.

A notebook under the wrong name is renamed when it is the student's only notebook.
Collecting the same files again changes nothing; collecting different files archives the
earlier ones under archive/; collecting again always works, after a crash too.
"""

import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .config import MAX_EXTRA_FILE_BYTES, MAX_EXTRA_FILES, Workdir, check_assignment
from .sandbox import remove_tree

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
MAX_NOTEBOOK_STORED = 1 << 30  # larger notebooks are not even stored (grading refuses >20 MB anyway)
MAX_NAME_BYTES = 200  # of one part of a path (file systems allow 255)
MAX_DEPTH = 20  # folders inside a student's submission
IGNORED = ("__MACOSX", ".ipynb_checkpoints", ".DS_Store", "__pycache__")
STAMP = "timestamp.txt"  # nbgrader's; in a student's folder it gives the submission time
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"


@dataclass
class Entry:
    """One file of the submitted archive or folder: its path inside it and how to read it."""

    parts: tuple
    kind: str  # "file", "symlink" or "other"
    size: int
    time: datetime  # when the archive says the file was last written (UTC)
    open: object


@dataclass
class Attempt:
    """One submission of one student: a folder, or a flat LMS file."""

    label: str  # how the report names it
    order: int  # position in the archive (the later wins a tie)
    files: dict = field(default_factory=dict)  # relative path -> Entry
    notes: list = field(default_factory=list)
    submitted: datetime = None
    submitted_from: str = "archive"

    def time(self):
        if self.submitted:
            return self.submitted
        return max((entry.time for entry in self.files.values()), default=datetime.min.replace(tzinfo=timezone.utc))


@dataclass
class Report:
    collected: dict = field(default_factory=dict)  # student -> "new" | "unchanged" | "replaced"
    skipped: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # student -> [notes]

    def lines(self):
        for student, state in sorted(self.collected.items()):
            notes = "; ".join(self.notes.get(student, []))
            yield f"{student:20} {state}{' (' + notes + ')' if notes else ''}"
        for student, notes in sorted(self.notes.items()):
            if student not in self.collected:
                yield f"{student:20} not collected ({'; '.join(notes)})"
        for reason in self.skipped:
            yield f"skipped: {reason}"


def _shown(name):
    """A name from the archive, quoted and with every control character escaped."""
    return ascii(name) if not name.isprintable() else repr(name)


def _name_problem(parts):
    """Why a path cannot be stored as it is, or None."""
    for part in parts:
        try:
            size = len(part.encode("utf-8"))
        except UnicodeEncodeError:
            return "the name is not valid UTF-8"
        if size > MAX_NAME_BYTES:
            return f"a name longer than {MAX_NAME_BYTES} bytes"
    if len(parts) > MAX_DEPTH + 2:
        return f"more than {MAX_DEPTH} folders deep"
    return None


def _safe_parts(name):
    """The parts of a relative path, or None if it is absolute or climbs out."""
    if "\0" in name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts):
        return None
    return tuple(part for part in path.parts if part != ".")


def _zip_time(info):
    try:
        return datetime(*info.date_time).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return datetime.now(timezone.utc)


def _zip_entries(path, report):
    archive = zipfile.ZipFile(path)
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts = _safe_parts(info.filename)
        if parts is None:
            report.skipped.append(f"{_shown(info.filename)}: the path leaves the archive")
            continue
        file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver did not say
        kind = "symlink" if file_type == stat.S_IFLNK else "file" if file_type in (0, stat.S_IFREG) else "other"
        yield Entry(parts, kind, info.file_size, _zip_time(info), lambda info=info: archive.open(info))


def _folder_entries(top, report):
    for folder, folders, files in os.walk(top, followlinks=False):
        for name in sorted(folders):
            if os.path.islink(os.path.join(folder, name)):
                files.append(name)  # reported below as a symbolic link
        for name in sorted(files):
            full = os.path.join(folder, name)
            parts = tuple(Path(os.path.relpath(full, top)).parts)
            try:
                info = os.lstat(full)
            except OSError as error:
                report.skipped.append(f"{_shown('/'.join(parts))}: cannot be read ({error.strerror})")
                continue
            kind = "symlink" if stat.S_ISLNK(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
            when = datetime.fromtimestamp(info.st_mtime, timezone.utc)
            yield Entry(parts, kind, info.st_size, when, lambda full=full: open(full, "rb"))


def _owner(parts, notebook):
    """(student id, path inside their submission, attempt label) of an entry, or (None, reason, None)."""
    if len(parts) == 1:  # a flat file: <student_id>_<anything>_<notebook>.ipynb
        name = parts[0]
        student, underscore, rest = name.partition("_")
        if not underscore or not rest:
            return None, f"{_shown(name)}: not in a student folder and not named <student_id>_..._<notebook>", None
        relative = notebook if rest == notebook or rest.endswith("_" + notebook) else rest.rsplit("_", 1)[-1]
        return student, relative, f"the file {_shown(name)}"
    return parts[0], "/".join(parts[1:]), f"the folder {_shown(parts[0])}"


def _read_stamp(entry):
    """The time an nbgrader timestamp.txt holds (UTC), or None if it holds no time the grader
    can read. The student writes this file: any text, any date (one that leaves the calendar
    once taken to UTC, such as 9999-12-31T23:59:59-14:00), a file that cannot be read."""
    try:
        with entry.open() as file:
            text = file.read(200).decode("utf-8", "replace").strip()
        when = datetime.fromisoformat(text.removesuffix("UTC").strip())
        return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError, zipfile.BadZipFile, EOFError, zlib.error):
        return None


def _gather(path, notebook, report):
    """{student: [Attempt]} from a folder or zip."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        entries = list(_zip_entries(path, report))
    elif path.is_dir():
        entries = list(_folder_entries(path, report))
    else:
        raise ValueError(f"{path} is neither a folder nor a zip file")
    entries = [e for e in entries if not any(p in IGNORED or p.startswith("._") for p in e.parts)]
    tops = {e.parts[0] for e in entries}
    if len(tops) == 1 and all(len(e.parts) >= 3 for e in entries):  # one wrapping folder
        entries = [Entry(e.parts[1:], e.kind, e.size, e.time, e.open) for e in entries]
    attempts = {}  # (student, label) -> Attempt
    for order, entry in enumerate(entries):
        shown = _shown("/".join(entry.parts))
        problem = _name_problem(entry.parts)
        if problem:
            report.skipped.append(f"{shown}: {problem}")
            continue
        student, relative, label = _owner(entry.parts, notebook)
        if student is None:
            report.skipped.append(relative)
            continue
        if not STUDENT_ID.fullmatch(student):
            report.skipped.append(f"{shown}: {_shown(student)} is not a valid student id")
            continue
        attempt = attempts.setdefault((student, label), Attempt(label, order))
        attempt.order = order
        if entry.kind != "file":
            what = "a symbolic link" if entry.kind == "symlink" else "a special file"
            report.skipped.append(f"{shown}: {what}")
            attempt.notes.append(f"{_shown(relative)} not collected: {what}")
        elif relative == STAMP:
            attempt.submitted = _read_stamp(entry)
            attempt.submitted_from = STAMP if attempt.submitted else "archive"
            if not attempt.submitted:
                attempt.notes.append(f"{STAMP} holds no time the grader can read; the archive's time was used")
        elif relative.split("/")[0] == STAMP:
            attempt.notes.append(f"{_shown(relative)} not collected: {STAMP} is the name of the grader's time stamp")
        else:
            attempt.files[relative] = entry
    students = {}
    for (student, _), attempt in attempts.items():
        students.setdefault(student, []).append(attempt)
    return students


def _latest(student, attempts, notes):
    """The attempt submitted last (the later in the archive on a tie); the others are reported."""
    attempts = sorted(attempts, key=lambda a: (a.time(), a.order))
    chosen = attempts[-1]
    notes.extend(chosen.notes)
    if len(attempts) > 1:
        others = ", ".join(f"{a.label} ({a.time():%Y-%m-%d %H:%M:%S} UTC)" for a in attempts[:-1])
        notes.append(
            f"{len(attempts)} attempts: kept the last submitted, {chosen.label} ({chosen.time():%Y-%m-%d %H:%M:%S} UTC); "
            f"not collected: {others}"
        )
    return chosen


def _choose_notebook(files, notebook, notes):
    """Rename the student's only notebook to the expected name if it has another name."""
    if notebook in files:
        return files
    notebooks = [name for name in files if name.endswith(".ipynb")]
    if len(notebooks) == 1:
        notes.append(f"notebook {_shown(notebooks[0])} renamed to {notebook!r}")
        files = dict(files)
        files[notebook] = files.pop(notebooks[0])
    elif notebooks:
        notes.append(f"no {notebook} among the notebooks {sorted(notebooks)}")
    else:
        notes.append(f"no notebook (expected {notebook})")
    return files


def _copy_capped(entry, target, cap):
    """Copy an entry to ``target`` while hashing; None (and no file) if it exceeds ``cap``."""
    digest, size = hashlib.sha256(), 0
    with entry.open() as source, open(target, "xb") as sink:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            size += len(chunk)
            if size > cap:
                break
            digest.update(chunk)
            sink.write(chunk)
    if size > cap:
        os.unlink(target)
        return None
    return digest.hexdigest()


def _store(entries, notebook, folder, notes):
    """Copy one student's entries into ``folder``; returns {relative path: sha256}."""
    hashes = {}
    extras = 0
    for relative, entry in sorted(entries.items()):
        is_notebook = relative == notebook
        if not is_notebook:
            extras += 1
            if extras > MAX_EXTRA_FILES:
                notes.append(f"{_shown(relative)} not collected: more than {MAX_EXTRA_FILES} extra files")
                continue
        target = folder / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = _copy_capped(entry, target, MAX_NOTEBOOK_STORED if is_notebook else MAX_EXTRA_FILE_BYTES)
        except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, zlib.error) as error:
            reason = "a file and a folder have the same name" if isinstance(error, (FileExistsError, NotADirectoryError, IsADirectoryError)) else str(error)
            notes.append(f"{_shown(relative)} not collected: {reason}")
            continue
        if digest is None:
            notes.append(f"{_shown(relative)} not collected: too large")
        else:
            hashes[relative] = digest
    return hashes


def _make_read_only(folder):
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    folder.chmod(0o555)


def load_manifest(workdir, assignment):
    path = workdir.manifests / f"{assignment}.json"
    return json.loads(path.read_text()) if path.exists() else {"students": {}}


def _save_manifest(workdir, assignment, manifest):
    workdir.manifests.mkdir(parents=True, exist_ok=True)
    path = workdir.manifests / f"{assignment}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(temporary, path)


def _archive_path(workdir, assignment, student, previous, stamp):
    """A new folder name under archive/ for the files a newer collect replaces."""
    name = (previous or {}).get("collected", stamp).replace(" ", "_").replace(":", "")
    folder = workdir.archive / assignment / student
    candidate, count = folder / name, 1
    while candidate.exists():
        count += 1
        candidate = folder / f"{name}-{count}"
    return candidate


def _collect_student(workdir, assignment, student, attempts, stamp, manifest, report, source):
    notebook = f"{assignment}.ipynb"
    notes = report.notes.setdefault(student, [])
    attempt = _latest(student, attempts, notes)
    entries = _choose_notebook(attempt.files, notebook, notes)
    staging = Path(tempfile.mkdtemp(dir=workdir.tmp, prefix="collect-"))
    try:
        hashes = _store(entries, notebook, staging, notes)
        destination = workdir.submitted / student / assignment
        previous = manifest["students"].get(student)
        submitted = attempt.time() if attempt.files or attempt.submitted else datetime.now(timezone.utc)
        if previous and previous["files"] == hashes and destination.exists():
            report.collected[student] = "unchanged"
            return
        if destination.exists():
            archived = _archive_path(workdir, assignment, student, previous, stamp)
            archived.parent.mkdir(parents=True, exist_ok=True)
            destination.rename(archived)
            report.collected[student] = "replaced"
        else:
            report.collected[student] = "new"
        (staging / STAMP).write_text(submitted.strftime(TIME_FORMAT) + "\n")
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(destination)
        _make_read_only(destination)
        manifest["students"][student] = {
            "files": hashes,
            "notebook": notebook if notebook in hashes else None,
            "collected": stamp,
            "submitted": submitted.isoformat(timespec="microseconds"),  # ISO 8601, UTC
            "submitted_from": attempt.submitted_from if attempt.files or attempt.submitted else "collect time",
            "source": str(Path(source).resolve()),
            "notes": notes,
        }
    finally:
        remove_tree(staging)


def collect(assignment, path, workdir):
    check_assignment(assignment)
    workdir.create()
    report = Report()
    manifest = load_manifest(workdir, assignment)
    stamp = datetime.now(timezone.utc).strftime(TIME_FORMAT)
    workdir.tmp.mkdir(parents=True, exist_ok=True)
    for leftover in workdir.tmp.glob("collect-*"):  # from a collect that crashed
        remove_tree(leftover)
    students = _gather(path, f"{assignment}.ipynb", report)
    try:
        for student, attempts in sorted(students.items()):
            try:
                _collect_student(workdir, assignment, student, attempts, stamp, manifest, report, path)
            except Exception as error:  # one student's files must never stop the others
                report.collected.pop(student, None)
                report.notes.setdefault(student, []).append(f"not collected: {type(error).__name__}: {error}")
    finally:
        _save_manifest(workdir, assignment, manifest)
    return report
def verify(workdir, assignment, student, entry):
    """The stored files' paths, after checking their sha256 against the manifest.

    Returns {relative path: absolute path}; raises ValueError if a file changed or vanished.
    """
    folder = workdir.submitted / student / assignment
    files = {}
    for relative, expected in entry["files"].items():
        path = folder / relative
        digest = hashlib.sha256()
        try:
            with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NOFOLLOW)) as file:
                for chunk in iter(lambda: file.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            raise ValueError(f"the collected file {relative!r} is missing") from None
        if digest.hexdigest() != expected:
            raise ValueError(f"the collected file {relative!r} changed after collect (sha256 differs)")
        files[relative] = path
    return files


def main(args):
    from .course import late_lines

    workdir = Workdir(args.workdir)
    report = collect(args.assignment, args.path, workdir)
    for line in report.lines():
        print(line)
    for line in late_lines(workdir, args.assignment):  # against course.toml's due date, if any
        print(line)
    return 0
