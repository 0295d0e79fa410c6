"""`collect ASSIGNMENT PATH`: store submissions where nbgrader expects them, read-only.

PATH is a folder or a zip file holding ``<student_id>/<files>`` (one folder per student,
optionally inside one wrapping folder) or flat files named the way learning-management
systems export them, ``<student_id>_<anything>_<notebook>.ipynb``. Each student's files go
to ``submitted/<student_id>/<assignment>/`` with nbgrader's ``timestamp.txt``; files and
folders are made read-only and their sha256 is recorded in ``manifests/<assignment>.json``.

Nothing in PATH is trusted: entries whose path climbs out (``../``) or is absolute, symbolic
links and special files are skipped (and reported), student ids must be plain names, and
sizes are capped while copying (a zip bomb stops at the cap). A notebook under the wrong
name is renamed when it is the student's only notebook. Collecting the same files again
changes nothing; collecting different files archives the earlier ones under archive/.
"""

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .config import MAX_EXTRA_FILE_BYTES, MAX_EXTRA_FILES, Workdir, check_assignment

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
MAX_NOTEBOOK_STORED = 1 << 30  # larger notebooks are not even stored (grading refuses >20 MB anyway)
IGNORED = ("__MACOSX", ".ipynb_checkpoints", ".DS_Store", "__pycache__")


@dataclass
class Entry:
    """One file of the submitted archive or folder: its path inside it and how to read it."""

    parts: tuple
    kind: str  # "file", "symlink" or "other"
    size: int
    open: object


@dataclass
class Report:
    collected: dict = field(default_factory=dict)  # student -> "new" | "unchanged" | "replaced"
    skipped: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # student -> [notes]

    def lines(self):
        for student, state in sorted(self.collected.items()):
            notes = "; ".join(self.notes.get(student, []))
            yield f"{student:20} {state}{' (' + notes + ')' if notes else ''}"
        for reason in self.skipped:
            yield f"skipped: {reason}"


def _safe_parts(name):
    """The parts of a relative path, or None if it is absolute or climbs out."""
    if "\0" in name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts):
        return None
    return tuple(part for part in path.parts if part != ".")


def _zip_entries(path, report):
    archive = zipfile.ZipFile(path)
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts = _safe_parts(info.filename)
        if parts is None:
            report.skipped.append(f"{info.filename!r}: the path leaves the archive")
            continue
        file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver did not say
        kind = "symlink" if file_type == stat.S_IFLNK else "file" if file_type in (0, stat.S_IFREG) else "other"
        yield Entry(parts, kind, info.file_size, lambda info=info: archive.open(info))


def _folder_entries(top, report):
    for folder, folders, files in os.walk(top, followlinks=False):
        for name in sorted(folders):
            if os.path.islink(os.path.join(folder, name)):
                files.append(name)  # reported below as a symbolic link
        for name in sorted(files):
            full = os.path.join(folder, name)
            parts = tuple(Path(os.path.relpath(full, top)).parts)
            info = os.lstat(full)
            kind = "symlink" if stat.S_ISLNK(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
            yield Entry(parts, kind, info.st_size, lambda full=full: open(full, "rb"))


def _owner(parts, notebook):
    """(student id, path inside their submission) of an entry, or (None, reason)."""
    if len(parts) == 1:  # a flat file: <student_id>_<anything>_<notebook>.ipynb
        name = parts[0]
        student, underscore, rest = name.partition("_")
        if not underscore or not rest:
            return None, f"{name!r}: not in a student folder and not named <student_id>_..._<notebook>"
        return student, notebook if rest == notebook or rest.endswith("_" + notebook) else rest.rsplit("_", 1)[-1]
    return parts[0], "/".join(parts[1:])


def _copy_capped(entry, target, cap):
    """Copy an entry to ``target`` while hashing; None (and no file) if it exceeds ``cap``."""
    digest, size = hashlib.sha256(), 0
    with entry.open() as source, open(target, "wb") as sink:
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


def _gather(path, notebook, report):
    """({student: {relative path: Entry}}, {student: [notes]}) from a folder or zip."""
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
        entries = [Entry(e.parts[1:], e.kind, e.size, e.open) for e in entries]
    students, notes = {}, {}
    for entry in entries:
        shown = "/".join(entry.parts)
        student, relative = _owner(entry.parts, notebook)
        if student is None:
            report.skipped.append(relative)
        elif not STUDENT_ID.fullmatch(student):
            report.skipped.append(f"{shown!r}: {student!r} is not a valid student id")
        elif entry.kind != "file":
            what = "a symbolic link" if entry.kind == "symlink" else "a special file"
            report.skipped.append(f"{shown!r}: {what}")
            students.setdefault(student, {})
            notes.setdefault(student, []).append(f"{relative!r} not collected: {what}")
        else:
            students.setdefault(student, {})[relative] = entry
    return students, notes


def _choose_notebook(files, notebook, notes):
    """Rename the student's only notebook to the expected name if it has another name."""
    if notebook in files:
        return files
    notebooks = [name for name in files if name.endswith(".ipynb")]
    if len(notebooks) == 1:
        notes.append(f"notebook {notebooks[0]!r} renamed to {notebook!r}")
        files = dict(files)
        files[notebook] = files.pop(notebooks[0])
    elif notebooks:
        notes.append(f"no {notebook} among the notebooks {sorted(notebooks)}")
    else:
        notes.append(f"no notebook (expected {notebook})")
    return files


def _store(entries, notebook, folder, notes):
    """Copy one student's entries into ``folder``; returns {relative path: sha256}."""
    hashes = {}
    extras = 0
    for relative, entry in sorted(entries.items()):
        is_notebook = relative == notebook
        if not is_notebook:
            extras += 1
            if extras > MAX_EXTRA_FILES:
                notes.append(f"{relative!r} not collected: more than {MAX_EXTRA_FILES} extra files")
                continue
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = _copy_capped(entry, target, MAX_NOTEBOOK_STORED if is_notebook else MAX_EXTRA_FILE_BYTES)
        if digest is None:
            notes.append(f"{relative!r} not collected: too large")
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


def collect(assignment, path, workdir):
    check_assignment(assignment)
    workdir.create()
    notebook = f"{assignment}.ipynb"
    report = Report()
    manifest = load_manifest(workdir, assignment)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    workdir.tmp.mkdir(parents=True, exist_ok=True)
    students, gathered_notes = _gather(path, notebook, report)
    for student, entries in sorted(students.items()):
        notes = report.notes.setdefault(student, gathered_notes.get(student, []))
        entries = _choose_notebook(entries, notebook, notes)
        staging = Path(tempfile.mkdtemp(dir=workdir.tmp, prefix="collect-"))
        hashes = _store(entries, notebook, staging, notes)
        destination = workdir.submitted / student / assignment
        previous = manifest["students"].get(student)
        if previous and previous["files"] == hashes and destination.exists():
            report.collected[student] = "unchanged"
            shutil.rmtree(staging)
            continue
        if destination.exists():
            old_stamp = (previous or {}).get("collected", stamp).replace(" ", "_").replace(":", "")
            archived = workdir.archive / assignment / student / old_stamp
            archived.parent.mkdir(parents=True, exist_ok=True)
            destination.rename(archived)
            report.collected[student] = "replaced"
        else:
            report.collected[student] = "new"
        (staging / "timestamp.txt").write_text(stamp + "\n")
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(destination)
        _make_read_only(destination)
        manifest["students"][student] = {
            "files": hashes,
            "notebook": notebook if notebook in hashes else None,
            "collected": stamp,
            "source": str(Path(path).resolve()),
            "notes": notes,
        }
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
    report = collect(args.assignment, args.path, Workdir(args.workdir))
    for line in report.lines():
        print(line)
    return 0
