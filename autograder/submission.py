"""Read a student's notebook file without trusting it.

A submission may be anything: an empty file, text that is not JSON, JSON nested a million
levels deep, an nbformat 3 notebook from an old Jupyter, a 200 MB file. :func:`read` either
returns its cells in one simple form or raises :class:`BadSubmission` with the status the
export shows (``error: ...``). It never executes anything and never follows a symlink.

The cells come back as plain dicts ``{"cell_type", "source", "metadata", "id"}`` with
``source`` a string and ``metadata`` a dict, whatever the file held.
"""

import json
import os
import stat

from .config import MAX_NOTEBOOK_BYTES
from .sanitize import without_surrogates


class BadSubmission(Exception):
    """The file cannot be graded; ``str(error)`` says why, for the status column."""


def _text(value):
    """A cell's text, with any lone surrogate replaced (see sanitize.without_surrogates)."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        value = "".join(value)
    return without_surrogates(value) if isinstance(value, str) else ""


def _cell(raw, source_key="source"):
    if not isinstance(raw, dict):
        return None
    metadata = raw.get("metadata")
    cell_type = raw.get("cell_type")
    if cell_type == "heading":  # nbformat 3: headings became markdown
        level = raw.get("level") if isinstance(raw.get("level"), int) else 1
        return {"cell_type": "markdown", "source": "#" * level + " " + _text(raw.get("source")), "metadata": {}, "id": None}
    return {
        "cell_type": cell_type if cell_type in ("code", "markdown", "raw") else "raw",
        "source": _text(raw.get(source_key)),
        "metadata": metadata if isinstance(metadata, dict) else {},
        "id": raw.get("id") if isinstance(raw.get("id"), str) else None,
    }


def cells_of(notebook):
    """(cells, notes) of a parsed notebook (a dict), upgrading nbformat 3 on the way."""
    version = notebook.get("nbformat")
    if version == 4:
        raw_cells = notebook.get("cells")
        if not isinstance(raw_cells, list):
            raise BadSubmission("not a notebook: it has no list of cells")
        return [c for c in map(_cell, raw_cells) if c], []
    if version == 3:
        worksheets = notebook.get("worksheets")
        if not isinstance(worksheets, list):
            raise BadSubmission("not a notebook: an nbformat 3 file without worksheets")
        cells = []
        for sheet in worksheets:
            for raw in sheet.get("cells", []) if isinstance(sheet, dict) else []:
                key = "input" if isinstance(raw, dict) and raw.get("cell_type") == "code" else "source"
                cell = _cell(raw, key)
                if cell:
                    cells.append(cell)
        return cells, ["converted from nbformat 3"]
    shown = repr(version)  # the student's value: escaped, and short (it becomes the status)
    raise BadSubmission(f"not a notebook this grader reads (nbformat {shown if len(shown) <= 40 else shown[:37] + '...'}; expected 4)")


def read_untrusted(path, max_bytes):
    """The bytes of a file a student controls, or b"" if it is missing or not a regular file.

    Opens without following symlinks and without blocking (a FIFO would hang a plain open),
    and reads at most ``max_bytes``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        chunks, remaining = [], max_bytes
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read(path, max_bytes=MAX_NOTEBOOK_BYTES):
    """(cells, notes) of the notebook at ``path``; BadSubmission if it cannot be graded."""
    cells, notes, _ = read_notebook(path, max_bytes)
    return cells, notes


def read_notebook(path, max_bytes=MAX_NOTEBOOK_BYTES):
    """(cells, notes, metadata) of the notebook at ``path``; BadSubmission if it cannot be
    graded. ``metadata`` is the notebook's metadata if it is a dict (else {}), as untrusted
    as everything else in the file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise BadSubmission("no notebook was submitted") from None
    if not stat.S_ISREG(info.st_mode):
        raise BadSubmission("the notebook is not a regular file")
    if info.st_size == 0:
        raise BadSubmission("the notebook file is empty")
    if info.st_size > max_bytes:
        raise BadSubmission(
            f"the notebook is {info.st_size / 2**20:.0f} MB, more than the {max_bytes / 2**20:.0f} MB a notebook may have"
        )
    data = read_untrusted(path, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadSubmission("the notebook is not UTF-8 text") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadSubmission(f"the notebook is not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise BadSubmission("the notebook is not valid JSON (nested too deeply)") from None
    if not isinstance(notebook, dict):
        raise BadSubmission("not a notebook: the file holds JSON, but not a notebook object")
    cells, notes = cells_of(notebook)
    metadata = notebook.get("metadata")
    return cells, notes, metadata if isinstance(metadata, dict) else {}
