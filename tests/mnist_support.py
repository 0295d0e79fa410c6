"""Where the tests find the official MNIST test digits: as the library does, never a folder
they assume.

``$MNIST_DIR`` (CI points it at a copy when the machine has one) or the library's per-user
cache (``scratchcnn.datasets.default_cache_dir()``); the tests that need the digits are
skipped, with this reason, when neither holds them.
"""

import os
from pathlib import Path

from scratchcnn.datasets import default_cache_dir

TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _has_test_files(folder):
    return all((folder / name).is_file() for name in TEST_FILES)


def official_dir():
    """The folder holding the official test files, or None."""
    for folder in ([Path(os.environ["MNIST_DIR"])] if os.environ.get("MNIST_DIR") else []) + [default_cache_dir()]:
        if _has_test_files(folder):
            return folder
    return None


OFFICIAL_DIR = official_dir()
HAVE_OFFICIAL = OFFICIAL_DIR is not None
MISSING_REASON = "the official MNIST test digits are neither in $MNIST_DIR nor in the library's cache"
