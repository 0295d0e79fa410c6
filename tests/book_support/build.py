"""Building the book for the tests, exactly as ``make book`` does.

``python book/_ext/editions.py book`` from the repository root: the English book into _build/
(as ``jupyter-book build . -W -n --keep-going`` builds it), so that the execution cache of an
earlier build is reused, then the Korean edition into _build/html/ko/, from the same cache.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "_build"
HTML = BUILD / "html"


def build_book():
    """Build the book; returns (exit code, build log), or None if no HTML came out.

    The HTML folder is emptied first, so that no page left over from an earlier build is
    checked; the execution cache (_build/.jupyter_cache) is kept, so unchanged chapters are
    not run again. The log is also written to _build/book-build.log.
    """
    shutil.rmtree(HTML, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, str(REPO / "book" / "_ext" / "editions.py"), "book"],
        cwd=REPO, capture_output=True, text=True, timeout=1500,
    )  # fmt: skip
    log = result.stdout + result.stderr
    BUILD.mkdir(exist_ok=True)
    (BUILD / "book-build.log").write_text(log, encoding="utf-8")
    return (result.returncode, log) if (HTML / "index.html").is_file() else None
