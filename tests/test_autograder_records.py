"""autograder.records: plain numbers in, plain numbers out, nothing trusted on the way."""

import json

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


def _valid(shape=(2,)):
    return records.encode(np.zeros(shape))


@pytest.mark.parametrize(
    "entry",
    [
        "not a dict",
        {**_valid(), "dtype": "<i8"},  # not float64
        {**_valid(), "shape": [3]},  # more numbers than the bytes hold
        {**_valid(), "shape": [-2]},
        {**_valid(), "shape": "2"},
        {**_valid(), "shape": [1] * 9},
        {**_valid(), "base64": "!!!!" * 4},
        {**_valid(), "base64": ["AAAA"]},
        {**_valid(), "shape": [3_000_000], "base64": "A" * 32_000_000},  # past the size cap
    ],
)
def test_malformed_records_are_rejected(entry):
    with pytest.raises(ValueError):
        records.decode(entry)


def test_the_grader_s_inputs_are_packed_exactly():
    rng = np.random.default_rng(2)
    inputs = {
        "x": rng.standard_normal((2, 3)).astype(np.float32),
        "images": rng.integers(0, 256, (4, 1, 2, 2)).astype(np.uint8),
        "settings": {"input_dim": (1, 12, 12), "conv_param": {"pad": 1}, "stride": np.int64(2)},
        "label": "text",
        "none": None,
    }
    back = records.unpack(json.loads(json.dumps(records.pack(inputs))))
    assert back["x"].dtype == np.float32 and np.array_equal(back["x"], inputs["x"])
    assert back["images"].dtype == np.uint8 and np.array_equal(back["images"], inputs["images"])
    assert back["settings"] == {"input_dim": (1, 12, 12), "conv_param": {"pad": 1}, "stride": 2}
    assert back["label"] == "text" and back["none"] is None
    back["x"][0, 0] = 5  # a writable copy, as a student's function may change its input


def test_large_inputs_travel_compressed_and_come_back_exactly():
    rng = np.random.default_rng(3)
    digits = np.zeros((1000, 1, 28, 28), dtype=np.uint8)  # mostly black, as digits are
    digits[:, :, 8:20, 10:18] = rng.integers(0, 256, (1000, 1, 12, 8))
    small = rng.standard_normal(10)
    packed = records.pack({"digits": digits, "small": small})
    assert packed["digits"]["__array__"]["zlib"] is True
    assert len(packed["digits"]["__array__"]["base64"]) < digits.nbytes / 2  # raw base64: 4/3 of it
    assert "zlib" not in packed["small"]["__array__"]  # too small to gain
    back = records.unpack(json.loads(json.dumps(packed)))
    assert back["digits"].dtype == np.uint8 and np.array_equal(back["digits"], digits)
    assert np.array_equal(back["small"], small)
    # What the sandbox sends is never compressed: decode refuses anything but plain float64.
    record = records.encode(np.zeros(records.COMPRESS_BYTES))
    assert "zlib" not in record and np.array_equal(records.decode(record), np.zeros(records.COMPRESS_BYTES))


def test_a_line_is_parsed_only_when_it_is_one_json_object():
    assert records.parse(records.line({"op": "done", "index": 1})) == {"op": "done", "index": 1}
    for junk in (b"garbage", b"[1, 2]", b"\xff\xfe", b"[" * 100_000):
        assert records.parse(junk) is None
