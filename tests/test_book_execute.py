"""book/_ext/execute.py: the pages missing from the execution cache, executed before Sphinx
reads them, one kernel per core, and stored where MyST-NB looks for them.

The real book is checked by test_book.py (no chapter left for Sphinx to execute); here a
small book of its own: two pages that run, one that fails, one that forces its execution
and one of prose.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_cache import get_cache

from book_support.build import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
import execute  # noqa: E402

FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
{extra}---

# {title}

```{{code-cell}} ipython3
{code}
```
"""

PAGES = {
    "threads": "import os\nprint(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('SCRATCHCNN_BOOK_EDITIONS'), os.getcwd())",
    "sum": "print(sum(range(10)))",
    "broken": "raise ValueError('this page is broken')",
    "forced": "print('forced')",
}


@pytest.fixture
def small_book(tmp_path):
    (tmp_path / "pages").mkdir()
    for name, code in PAGES.items():
        extra = "mystnb:\n  execution_mode: force\n" if name == "forced" else ""
        (tmp_path / "pages" / f"{name}.md").write_text(FRONT.format(extra=extra, title=name, code=code), encoding="utf-8")
    (tmp_path / "pages" / "prose.md").write_text("# Prose\n\nNo code here.\n", encoding="utf-8")
    chapters = "".join(f"      - file: pages/{name}\n" for name in [*PAGES, "prose"])
    (tmp_path / "_toc.yml").write_text(f"format: jb-book\nroot: pages/prose\nparts:\n  - caption: A\n    chapters:\n{chapters}", encoding="utf-8")
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n  run_in_temp: false\n", encoding="utf-8")
    return tmp_path


def test_toc_pages_are_the_books_pages_in_reading_order():
    pages = execute.toc_pages()
    assert pages[0] == REPO / "book" / "intro.md"
    assert pages.index(REPO / "book" / "ch01_why_convolution.md") < pages.index(REPO / "book" / "ch10_training.md")
    assert all(page.is_file() for page in pages)


def test_the_longest_page_starts_first_and_pages_never_timed_before_them_from_the_end():
    pages = [Path(f"ch{number:02d}.md") for number in range(1, 7)]
    seconds = {"ch01.md": 3.0, "ch02.md": 40.0, "ch05.md": 9.5}
    order = execute.execution_order(pages, seconds)
    assert [path.name for path in order] == ["ch06.md", "ch04.md", "ch03.md", "ch02.md", "ch05.md", "ch01.md"]
    assert execute.execution_order(pages, {}) == pages[::-1]


def test_a_page_that_reads_what_another_writes_starts_after_it(tmp_path):
    """Without the order, "reads" (last in the book, so first to start) would run beside
    "writes" and find nothing (as chapter 11 would, loading chapter 10's network)."""
    (tmp_path / "pages").mkdir()
    writes = "import time, pathlib\ntime.sleep(2)\npathlib.Path('made.txt').write_text('made')"
    reads = "import pathlib\nprint(pathlib.Path('made.txt').is_file())"
    for name, code, extra in (("writes", writes, ""), ("reads", reads, "execute_after: [pages/writes]\n")):
        (tmp_path / "pages" / f"{name}.md").write_text(FRONT.format(extra=extra, title=name, code=code), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: pages/writes\nparts:\n  - caption: A\n    chapters:\n      - file: pages/reads\n", encoding="utf-8"
    )
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n", encoding="utf-8")
    pages = tmp_path / "pages"
    assert execute.prerequisites(pages / "reads.md", tmp_path) == {pages / "writes.md"}
    assert execute.execution_order([pages / "writes.md", pages / "reads.md"], {})[0] == pages / "reads.md"

    assert execute.execute_missing(tmp_path / "_build", workers=2, root=tmp_path) == []

    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    record = cache.match_cache_notebook(execute.read_page(pages / "reads.md"))
    notebook = cache.get_cache_bundle(record.pk).nb
    assert notebook.cells[0].outputs[0]["text"].strip() == "True"


def test_the_missing_pages_are_executed_and_cached(small_book):
    build = small_book / "_build"
    pages = small_book / "pages"
    # Prose is no notebook; the forced page is Sphinx's to run, every time.
    assert execute.pages_to_execute(get_cache(str(small_book / "elsewhere")), small_book) == [pages / f"{name}.md" for name in ("threads", "sum", "broken")]

    failed = execute.execute_missing(build, workers=2, root=small_book)

    # The failing page is not cached: Sphinx runs it again and reports its error.
    assert failed == [pages / "broken.md"]
    cache = get_cache(str(build / ".jupyter_cache"))
    assert execute.pages_to_execute(cache, small_book) == [pages / "broken.md"]
    outputs = {}
    for name in ("threads", "sum"):
        record = cache.match_cache_notebook(execute.read_page(pages / f"{name}.md"))
        notebook = cache.get_cache_bundle(record.pk).nb
        outputs[name] = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
        assert record.data["execution_seconds"] > 0
    # One thread per kernel, the build's kernel environment (figures and explorers draw both
    # editions), run in the page's own folder (run_in_temp: false).
    assert outputs["threads"].split() == ["1", "1", str(pages)]
    assert outputs["sum"].strip() == "45"


def test_a_cache_filled_before_the_library_changed_is_emptied_first(small_book):
    """As the build itself does (bookext.refresh_execution_cache): otherwise the build would
    empty the cache this step just filled, and execute every page again."""
    import bookext

    cache = small_book / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    (cache / bookext.FINGERPRINT_FILE).write_text("the fingerprint of an older library\n")
    (cache / "left over").write_text("")
    (small_book / "_toc.yml").write_text(
        "format: jb-book\nroot: pages/prose\nparts:\n  - caption: A\n    chapters:\n      - file: pages/sum\n", encoding="utf-8"
    )
    assert execute.execute_missing(small_book / "_build", workers=1, root=small_book) == []
    assert not (cache / "left over").exists()
    assert (cache / bookext.FINGERPRINT_FILE).read_text().strip() == bookext.dependency_fingerprint(small_book)
    assert execute.pages_to_execute(get_cache(str(cache)), small_book) == []


def test_an_up_to_date_cache_leaves_nothing_to_execute(small_book, monkeypatch):
    build = small_book / "_build"
    for name in ("broken", "forced"):
        (small_book / "pages" / f"{name}.md").unlink()
    (small_book / "_toc.yml").write_text(
        "format: jb-book\nroot: pages/prose\nparts:\n  - caption: A\n    chapters:\n      - file: pages/sum\n", encoding="utf-8"
    )
    assert execute.execute_missing(build, workers=1, root=small_book) == []
    monkeypatch.setattr(execute, "ProcessPoolExecutor", None)  # would fail if anything ran
    assert execute.execute_missing(build, root=small_book) == []


def test_kernels_log_into_their_file_and_the_build_keeps_its_own_stderr(tmp_path, capfd):
    """A kernel inherits file 2 of the process that starts it: within kernels_logging_to,
    what a started process writes there goes to the kernel log; what the build writes through
    sys.stderr (Sphinx's warnings) still reaches the build's own stderr, as everything does
    after."""
    log = tmp_path / "kernels.log"
    speak = "import sys; print(sys.argv[1], file=sys.stderr)"
    with execute.kernels_logging_to(log):
        subprocess.run([sys.executable, "-c", speak, "from a kernel"], check=True)
        print("a warning of the build", file=sys.stderr)
    subprocess.run([sys.executable, "-c", speak, "from a process started after"], check=True)
    err = capfd.readouterr().err
    assert log.read_text() == "from a kernel\n"
    assert "a warning of the build" in err and "from a process started after" in err
    assert "from a kernel" not in err


def test_a_log_handler_made_in_one_build_still_writes_in_the_next(tmp_path, capfd):
    """nbclient's logger gets its handler on the stream sys.stderr is during the first build
    (the English edition) and writes through it again in the second (the Korean one): that
    stream must still be open then ("--- Logging error --- I/O operation on closed file"
    twice in every `make book` before)."""
    import logging

    logger = logging.getLogger("test_book_execute.builds")
    logger.propagate = False
    try:
        for build in ("English", "Korean"):
            with execute.kernels_logging_to(tmp_path / "kernels.log"):
                if not logger.handlers:
                    logger.addHandler(logging.StreamHandler(sys.stderr))
                logger.warning("executing a page of the %s build", build)
        err = capfd.readouterr().err
    finally:
        logger.handlers.clear()
    assert "Logging error" not in err
    assert "executing a page of the English build" in err and "executing a page of the Korean build" in err
