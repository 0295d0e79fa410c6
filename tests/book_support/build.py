"""Building the book for the tests, exactly as ``make book`` does.

``python book/_ext/editions.py book`` from the repository root: the English book into _build/
(as ``jupyter-book build . -W -n --keep-going`` builds it), so that the execution cache of an
earlier build is reused, and beside it the Korean edition into _build/html/ko/, from the same cache.
"""

import fcntl
import json
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


def build_book_once(run):
    """:func:`build_book` once per test run ``run`` (an id), whichever test process asks first.

    Under pytest-xdist every worker process asks for the book: the first one builds it while
    holding a lock on ``_build/.book-build.lock``; the others wait for the lock, find the
    build of this run recorded in ``_build/book-build-run.json`` and read its result (a
    second build would empty ``_build/html`` under the first one's tests).
    """
    BUILD.mkdir(exist_ok=True)
    record = BUILD / "book-build-run.json"
    with open(BUILD / ".book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        try:
            done = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            done = {}
        if done.get("run") == run:
            log = (BUILD / "book-build.log").read_text(encoding="utf-8")
            return None if done["returncode"] is None else (done["returncode"], log)
        built = build_book()
        record.write_text(json.dumps({"run": run, "returncode": None if built is None else built[0]}), encoding="utf-8")
        return built
