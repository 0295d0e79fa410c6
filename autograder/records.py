"""The values a graded notebook hands to the grader: plain numbers in JSON, never pickles.

While a submission runs in the sandbox, every check in a test cell appends one line to the
records file: ``{"check": name, "value": {"shape": [...], "data": [...]}}`` or
``{"check": name, "error": "TypeError: ..."}``; a hidden probe records one such value per
random case. The grader reads the file in its own process and decides the scores there.

Everything in the file was written by the student's process, so the reader trusts nothing:
it refuses symlinks and special files, reads a bounded number of bytes, skips malformed
lines, and turns each value back into a float64 array only after checking its structure.
The first record of a check counts; later ones are ignored.
"""

import json
import math
import os
import stat

import numpy as np

MAX_ENTRIES = 2_000_000  # numbers in one recorded array
MAX_MESSAGE = 500  # characters of a recorded error message


def encode(value):
    """A JSON-able record of ``value``, which must convert to an array of real numbers.

    Raises ValueError (with a message for the student) when it does not.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise ValueError(f"expected a NumPy array, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except Exception as error:  # the value is whatever the student's code returned
        raise ValueError(f"expected a NumPy array of numbers, got {type(value).__name__} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"expected a NumPy array of real numbers, got {type(value).__name__} holding {array.dtype}")
    if array.size > MAX_ENTRIES:
        raise ValueError(f"the array has {array.size} entries, more than the {MAX_ENTRIES} a test records")
    return {"shape": list(array.shape), "data": array.astype(np.float64).ravel().tolist()}


def encode_error(error):
    """The record of an exception raised by the student's code."""
    text = f"{type(error).__name__}: {error}"
    return {"error": text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."}


def decode(record):
    """The float64 array a value record holds; ValueError if the record is malformed."""
    if not isinstance(record, dict):
        raise ValueError("malformed record")
    shape, data = record.get("shape"), record.get("data")
    if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape) and len(shape) <= 8):
        raise ValueError("malformed record shape")
    if not isinstance(data, list) or len(data) != math.prod(shape) or len(data) > MAX_ENTRIES:
        raise ValueError("record data does not match its shape")
    if not all(type(v) in (int, float) for v in data):
        raise ValueError("record data holds something other than numbers")
    return np.array(data, dtype=np.float64).reshape(shape)


def error_text(record):
    """The recorded error message (shortened), or None if the record holds no error."""
    text = record.get("error") if isinstance(record, dict) else None
    return text[:MAX_MESSAGE] if isinstance(text, str) else None


def read_untrusted(path, max_bytes):
    """The bytes of a file the sandbox wrote, or b"" if it is missing or not a regular file.

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


def parse_lines(data, key):
    """JSON objects, one a line, that have a string ``key``; malformed lines are skipped."""
    for line in data.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get(key), str):
            yield entry


def load(path, max_bytes):
    """{check name: record} from a records file; the first record of each check wins."""
    records = {}
    for entry in parse_lines(read_untrusted(path, max_bytes), "check"):
        records.setdefault(entry["check"], entry)
    return records
