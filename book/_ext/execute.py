"""Execute the pages the execution cache lacks, one kernel per core, before Sphinx reads them.

With ``execute_notebooks: cache`` MyST-NB runs a page whose code is not in the cache
(``_build/.jupyter_cache``) when Sphinx reads that page: one page after the other, each
waiting for its own kernel. From an empty ``_build/`` that is most of a build, about 100 s
of kernel time for the eleven chapters, on a machine whose other cores sit idle.

This step does the same work first, with one kernel per core. Each page is read as MyST-NB
reads it, executed as MyST-NB executes it (the same function, working folder, timeout and
``allow_errors`` of ``_config.yml``) and stored in the same cache under the same key (the
hash of its code cells): Sphinx then finds every page there and executes nothing. A page
that fails here is not stored, so Sphinx runs it again and reports its error as it always
does. Pages that set their own ``execution_mode`` (the appendices that show the grader at
work, ``force``) are left to Sphinx.

Each kernel gets the environment the build gives its own kernels (bookext's
``KERNEL_ENVIRONMENT``: figures and explorers draw both editions), and one thread for its
matrix products: two kernels on two cores would otherwise each start a thread per core and
spin against each other.
"""

import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# Set in each kernel's environment (the worker's, which the kernel inherits).
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
# In the build folder: what the kernels of a build wrote about themselves (kernels_logging_to).
KERNEL_LOG = "kernels.log"
_terminal = None  # see kernels_logging_to


@contextmanager
def kernels_logging_to(log):
    """Within: the kernels this process starts write their own log lines into the file ``log``
    (appended), not among the build's messages; what this process writes through ``sys.stderr``
    (Sphinx's warnings, tracebacks) still goes where it went.

    A kernel inherits file 2 of the process that starts it and writes there what ipykernel logs
    about itself: a warning that it listens on TCP, at every start, and now and then a traceback
    from tornado when the kernel's shutdown races with its last status message (its control
    handler still flushing a stream that shutdown closed). None of it is news about a page: a
    cell that fails comes back to MyST-NB as an error output, a kernel that dies as an error of
    the execution, and MyST-NB reports both as warnings of the build (an error with ``-W``).
    Kept in a file all the same, for whoever wonders what a kernel said."""
    global _terminal
    sys.stderr.flush()
    # The build's own standard error, kept aside in one stream open for the life of the
    # process: a logging handler made within (nbclient's) keeps that stream and writes through
    # it again in the next build (the Korean edition's), which a closed stream would fail.
    if _terminal is None:
        _terminal = open(os.dup(2), "w", encoding="utf-8", errors="backslashreplace", buffering=1)
    else:
        os.dup2(2, _terminal.fileno())  # aimed at file 2 as it is now
    with open(log, "ab") as handle:
        os.dup2(handle.fileno(), 2)  # inherited by every process started from here on
    previous, sys.stderr = sys.stderr, _terminal
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr = previous
        os.dup2(_terminal.fileno(), 2)


def toc_pages(root=REPO):
    """The source file of every page of ``_toc.yml``, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return [root / f"{name}.md" for name in files]


def read_page(path):
    """The notebook MyST-NB makes of a MyST Markdown page, or None if the page is not one."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    if not is_myst_markdown_notebook(text):
        return None
    return read_myst_markdown_notebook(text, config=MdParserConfig(), add_source_map=True, path=str(path))


def execution_options(root=REPO):
    """(timeout, allow_errors, run_in_temp) from the ``execute`` section of ``_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")).get("execute", {})
    return config.get("timeout", 30), config.get("allow_errors", False), config.get("run_in_temp", False)


def execute_page(path, timeout, allow_errors, run_in_temp, kernel_log):
    """In a worker process: run the page as MyST-NB would, its kernel logging into the file
    ``kernel_log``. Returns (notebook, seconds, error text or None)."""
    import tempfile

    from jupyter_cache.executors.utils import single_nb_execution

    from bookext import KERNEL_ENVIRONMENT

    os.environ.update({**KERNEL_ENVIRONMENT, **ONE_THREAD})
    notebook = read_page(path)
    # What goes wrong in a page comes back in result.err.
    with tempfile.TemporaryDirectory() as temporary, kernels_logging_to(kernel_log):
        cwd = temporary if run_in_temp else str(path.parent)
        result = single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=allow_errors, meta_override=True)
    return notebook, result.time, None if result.err is None else f"{type(result.err).__name__}: {result.err}"


def pages_to_execute(cache, root=REPO):
    """The pages executed through the cache whose current code the cache does not hold."""
    missing = []
    for path in toc_pages(root):
        notebook = read_page(path)
        if notebook is None or notebook.metadata.get("mystnb", {}).get("execution_mode", "cache") != "cache":
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            missing.append(path)
    return missing


def last_seconds(cache):
    """{page path: how long its last cached execution took}, to start the longest first."""
    return {record.uri: record.data.get("execution_seconds", 0) for record in cache.list_cache_records()}


def execution_order(pages, seconds):
    """``pages`` (paths in reading order) in the order to start them: the longest first, as
    ``seconds`` ({path: seconds of its last execution}) knows them, so that a long page does
    not start last and run alone while the other cores idle. Pages it does not know (a first
    build, a page whose record went with an emptied cache) go first, from the end of the book:
    the later chapters run the longer computations (chapter 10 trains a network)."""
    unknown = [path for path in reversed(pages) if str(path) not in seconds]
    known = sorted((path for path in pages if str(path) in seconds), key=lambda path: -seconds[str(path)])
    return unknown + known


def prerequisites(path, root=REPO):
    """The pages that must have run before the page ``path`` starts: the list ``execute_after``
    of its front matter (pages as in _toc.yml, ``book/ch10_training``). For a page that reads
    what another page writes, such as chapter 11, which loads the network chapter 10 trained:
    run side by side, it would not find it and do the same work again."""
    notebook = read_page(path)
    names = (notebook.metadata.get("execute_after") if notebook is not None else None) or []
    return {Path(root) / f"{name}.md" for name in ([names] if isinstance(names, str) else names)}


def execute_missing(build, workers=None, root=REPO):
    """Execute and cache every page the cache in ``build/.jupyter_cache`` lacks, ``workers``
    at a time (default: one per core), in :func:`execution_order`, a page starting only once
    its :func:`prerequisites` that are to run have run. Returns the pages that failed (Sphinx
    reruns them)."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from bookext import empty_outdated_cache

    # First what the build does first: a cache filled before the library changed is emptied.
    if empty_outdated_cache(Path(build) / ".jupyter_cache", root):
        print("The library or the book's modules changed: the execution cache was emptied", flush=True)
    cache = get_cache(str(Path(build) / ".jupyter_cache"))
    missing = pages_to_execute(cache, root)
    if not missing:
        return []
    workers = min(workers or len(os.sched_getaffinity(0)), len(missing))
    waiting = execution_order(missing, last_seconds(cache))
    after = {path: prerequisites(path, root) for path in missing}
    options = (*execution_options(root), Path(build) / KERNEL_LOG)
    print(f"Executing {len(missing)} page(s), {workers} at a time", flush=True)
    start, failed, running = time.perf_counter(), [], {}
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        while waiting or running:
            for path in list(waiting):
                if len(running) < workers and not after[path] & {*waiting, *running.values()}:
                    waiting.remove(path)
                    running[pool.submit(execute_page, path, *options)] = path
            if not running:  # pages that wait for each other: the first starts anyway
                running[pool.submit(execute_page, waiting[0], *options)] = waiting.pop(0)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                path = running.pop(future)
                notebook, seconds, error = future.result()
                if error:
                    failed.append(path)
                    print(f"  {path.name}: failed ({error.splitlines()[0][:200]}); Sphinx runs it again", flush=True)
                    continue
                bundle = CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds})
                cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
                print(f"  {path.name}: {seconds:.1f} s", flush=True)
    print(f"Executed in {time.perf_counter() - start:.1f} s", flush=True)
    return failed


if __name__ == "__main__":
    execute_missing(sys.argv[1] if len(sys.argv) > 1 else REPO / "_build")
