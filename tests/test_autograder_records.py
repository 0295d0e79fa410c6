"""autograder.records: plain numbers in, plain numbers out, nothing trusted on the way."""

import json
import os

import numpy as np
import pytest

from autograder import records


def test_arrays_round_trip_exactly():
    value = np.random.default_rng(1).standard_normal((2, 3, 4))
    entry = json.loads(json.dumps(records.encode(value)))
    assert np.array_equal(records.decode(entry), value)


@pytest.mark.parametrize("value", [None, "text", {"a": 1}, [1, "x"], object(), np.array([1 + 2j])])
def test_values_that_are_not_real_arrays_are_refused_with_a_message(value):
    with pytest.raises(ValueError, match="expected a NumPy array"):
        records.encode(value)


def test_an_array_method_that_lies_is_asked_for_numbers_only():
    class Liar:
        def __eq__(self, other):
            return True

        def __array__(self, dtype=None, copy=None):
            return np.zeros(3)

    assert records.decode(records.encode(Liar())).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "entry",
    [
        "not a dict",
        {"shape": [2], "data": [1.0]},
        {"shape": [-1], "data": []},
        {"shape": [1], "data": ["1"]},
        {"shape": [1], "data": [[1.0]]},
        {"shape": "2", "data": [1, 2]},
        {"shape": [1] * 9, "data": [1.0]},
    ],
)
def test_malformed_records_are_rejected(entry):
    with pytest.raises(ValueError):
        records.decode(entry)


def test_the_reader_refuses_symlinks_and_fifos_and_caps_the_size(tmp_path):
    data = tmp_path / "records.jsonl"
    data.write_text("x" * 1000)
    assert records.read_untrusted(data, 10) == b"x" * 10
    (tmp_path / "link").symlink_to(data)
    assert records.read_untrusted(tmp_path / "link", 100) == b""
    os.mkfifo(tmp_path / "fifo")
    assert records.read_untrusted(tmp_path / "fifo", 100) == b""  # returns at once, no hang
    assert records.read_untrusted(tmp_path / "missing", 100) == b""


def test_the_first_record_of_a_check_counts_and_bad_lines_are_skipped(tmp_path):
    path = tmp_path / "records.jsonl"
    lines = ['{"check": "a", "n": 1}', "garbage", '{"check": 3}', "[1, 2]", '{"check": "a", "n": 2}']
    path.write_text("\n".join(lines))
    assert records.load(path, 10_000) == {"a": {"check": "a", "n": 1}}
