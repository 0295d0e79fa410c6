"""What crosses the sandbox's wall: plain numbers and text in JSON lines, never pickles.

The grader and the notebook's process talk over two pipes (see :mod:`autograder.channel`),
one JSON object a line. Arrays travel as their raw little-endian bytes in base64, which is
exact and ten times more compact than lists of decimal numbers. The grader's large inputs
are zlib-compressed first: convnet's 10,000 test digits are 10.5 MB of base64 raw and 2.4 MB
compressed, which matters most when each student's task crosses the network to a Dask
worker (Dask warns about any task above 10 MiB; 5,000 students' tasks were 50 GB).

* Grader -> sandbox: the cells to run and, with each test cell, the inputs of its hidden
  cases (:func:`pack` / :func:`unpack`: arrays, numbers, strings, lists, tuples, dicts).
* Sandbox -> grader: what the checks of a test cell recorded (:func:`encode` of a value,
  :func:`encode_error` of an exception) and each cell's outputs.

Everything the sandbox sends was written by the student's process, so :func:`decode` trusts
nothing: it checks the structure, the size and the byte count before it builds a float64
array, and raises ValueError on anything else.
"""

import base64
import binascii
import json
import math
import zlib

import numpy as np

MAX_ENTRIES = 2_000_000  # numbers in one recorded array
MAX_MESSAGE = 500  # characters of a recorded error message
MAX_DIMENSIONS = 8
# The grader's input arrays larger than this travel compressed (zlib level 1: 0.1 s for the
# 7.8 MB of digits, 0.04 s to expand in the sandbox); smaller ones gain too little.
COMPRESS_BYTES = 1 << 16


def _array_record(array, compress=False):
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    record = {"dtype": little.dtype.str, "shape": list(array.shape)}
    raw = little.tobytes()
    if compress and len(raw) > COMPRESS_BYTES:
        raw, record["zlib"] = zlib.compress(raw, 1), True
    record["base64"] = base64.b64encode(raw).decode()
    return record


def encode(value):
    """A JSON-able record of ``value``, which must convert to an array of real numbers.

    The record holds the values as float64. Raises ValueError (with a message for the
    student) when ``value`` is not an array of real numbers.
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
    if array.ndim > MAX_DIMENSIONS:
        raise ValueError(f"the array has {array.ndim} dimensions, more than the {MAX_DIMENSIONS} a test records")
    return _array_record(array.astype(np.float64))


def decode(record):
    """The float64 array a value record holds; ValueError if the record is malformed."""
    if not isinstance(record, dict):
        raise ValueError("malformed record")
    shape, data = record.get("shape"), record.get("base64")
    if record.get("dtype") != "<f8":
        raise ValueError("the record does not hold float64 numbers")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMENSIONS and all(type(n) is int and n >= 0 for n in shape)):
        raise ValueError("malformed record shape")
    count = math.prod(shape)
    if count > MAX_ENTRIES or not isinstance(data, str) or len(data) != 4 * math.ceil(8 * count / 3):
        raise ValueError("record data does not match its shape")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("record data is not base64") from None
    return np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)


def encode_error(error):
    """The record of an exception raised by the student's code."""
    text = f"{type(error).__name__}: {error}"
    return {"error": text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."}


def error_text(record):
    """The recorded error message (shortened), or None if the record holds no error."""
    text = record.get("error") if isinstance(record, dict) else None
    return text[:MAX_MESSAGE] if isinstance(text, str) else None


def pack(value):
    """``value`` (nested dicts, lists, tuples, arrays, numbers, strings) as JSON-able data.

    Used for the grader's own inputs, so it is exact: :func:`unpack` gives back arrays of
    the same dtype and shape, tuples as tuples, NumPy scalars as Python numbers.
    """
    if isinstance(value, np.ndarray):
        return {"__array__": _array_record(value, compress=True)}
    if isinstance(value, tuple):
        return {"__tuple__": [pack(item) for item in value]}
    if isinstance(value, list):
        return [pack(item) for item in value]
    if isinstance(value, dict):
        return {str(key): pack(item) for key, item in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def unpack(data):
    """The inverse of :func:`pack` (runs in the sandbox, on what the grader sent)."""
    if isinstance(data, list):
        return [unpack(item) for item in data]
    if isinstance(data, dict):
        if "__array__" in data:
            record = data["__array__"]
            raw = base64.b64decode(record["base64"])
            if record.get("zlib"):
                raw = zlib.decompress(raw)
            return np.frombuffer(raw, dtype=record["dtype"]).reshape(record["shape"]).copy()
        if "__tuple__" in data:
            return tuple(unpack(item) for item in data["__tuple__"])
        return {key: unpack(item) for key, item in data.items()}
    return data


def line(entry):
    """One message: ``entry`` as a line of JSON (bytes)."""
    return json.dumps(entry, separators=(",", ":")).encode() + b"\n"


def parse(data):
    """The JSON object on one line of bytes, or None if it is not one."""
    try:
        entry = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return entry if isinstance(entry, dict) else None
