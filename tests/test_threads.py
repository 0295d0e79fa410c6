"""scratchcnn.threads: a batch cut into one slice per thread gives the results of the whole.

Every layer that splits its work is run split (three threads, every size split) and whole
(one thread), on the same numbers: elementwise results must be identical, sums over the
split axis (dW, db; Affine's forward, which splits its input features) equal up to the
order of their additions.
"""

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from scratchcnn import Adam, Affine, Convolution, Pooling, Relu, SimpleConvNet, threads, util

from conftest import REL_TOL
from scratchcnn.gradient import relative_error


@pytest.fixture
def split(monkeypatch):
    """A function running ``fn()`` split into three slices, every size split."""
    monkeypatch.setattr(threads, "MIN_SPLIT_SIZE", 0)

    def run(fn, count=3):
        threads.set_num_threads(count)
        try:
            return fn()
        finally:
            threads.set_num_threads(None)

    return run


def _same(split_result, whole_result, sums=False):
    split_result, whole_result = np.asarray(split_result), np.asarray(whole_result)
    assert split_result.shape == whole_result.shape and split_result.dtype == whole_result.dtype
    if sums:  # added in another order: equal up to rounding
        assert relative_error(split_result, whole_result) <= REL_TOL[split_result.dtype]
    else:
        np.testing.assert_array_equal(split_result, whole_result)


def test_over_batch_covers_the_batch_in_order(split):
    seen = []

    def work(part):
        seen.append((part.start, part.stop, threading.current_thread().name))
        return part.stop - part.start

    assert split(lambda: threads.over_batch(work, 10, 1)) == [3, 3, 4]
    assert sorted(start for start, _, _ in seen) == [0, 3, 6]
    assert any(name.startswith("scratchcnn") for _, _, name in seen)  # other threads took parts


def test_over_batch_does_not_split_small_work_or_one_thread(monkeypatch):
    threads.set_num_threads(2)
    try:
        assert threads.over_batch(lambda part: part, 100, 10) == [...]  # below MIN_SPLIT_SIZE
        assert threads.over_batch(lambda part: part, 1, 1 << 30) == [...]  # one image
    finally:
        threads.set_num_threads(None)
    monkeypatch.setattr(threads, "MIN_SPLIT_SIZE", 0)
    threads.set_num_threads(1)
    try:
        assert threads.over_batch(lambda part: part, 100, 1 << 30) == [...]
    finally:
        threads.set_num_threads(None)


def test_a_failing_part_raises_after_every_part_has_ended(split):
    finished = []

    def work(part):
        if part.start == 0:
            raise ValueError("part 0 failed")
        threading.Event().wait(0.05)
        finished.append(part.start)

    with pytest.raises(ValueError, match="part 0 failed"):
        split(lambda: threads.over_batch(work, 9, 1))
    assert sorted(finished) == [3, 6]  # the other parts had ended when the error came through


def test_calls_from_two_threads_at_once_each_get_their_own_results(split):
    """The helpers serve one call at a time; a second call meanwhile runs its parts itself."""
    entered, release = threading.Event(), threading.Event()

    def slow(part):  # holds the helpers until the other call has run
        entered.set()
        release.wait(5)
        return ("slow", part.start)

    results = {}
    caller = threading.Thread(target=lambda: results.update(slow=split(lambda: threads.over_batch(slow, 6, 1))))
    caller.start()
    try:
        assert entered.wait(5)
        assert split(lambda: threads.over_batch(lambda part: ("fast", part.start), 6, 1)) == [("fast", 0), ("fast", 2), ("fast", 4)]
    finally:
        release.set()
        caller.join(5)
    assert results["slow"] == [("slow", 0), ("slow", 2), ("slow", 4)]


def test_a_part_may_split_its_own_work(split):
    def inner(part):
        return part.stop - part.start

    def outer(part):
        return threads.over_batch(inner, 6, 1)  # the helpers are busy: run in turn, not a deadlock

    assert split(lambda: threads.over_batch(outer, 3, 1)) == [[2, 2, 2]] * 3


def test_an_interrupted_wait_leaves_the_helpers_usable(split, monkeypatch):
    """Ctrl-C while the parts run: the next call must not be answered by a part of this one."""
    real = threads._Helper.outcome
    calls = []

    def interrupted(helper):
        calls.append(helper)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(helper)

    monkeypatch.setattr(threads._Helper, "outcome", interrupted)
    with pytest.raises(KeyboardInterrupt):
        split(lambda: threads.over_batch(lambda part: ("first", part.start), 4, 1))
    assert split(lambda: threads.over_batch(lambda part: ("second", part.start), 4, 1)) == [("second", 0), ("second", 1), ("second", 2)]


def test_blas_runs_on_one_thread_while_the_parts_run(split):
    def blas_threads(part):
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    for counts in split(lambda: threads.over_batch(blas_threads, 4, 1), count=2):
        assert counts <= {1}


def test_a_forked_child_splits_with_threads_of_its_own(split):
    """A process forked after the threads started (multiprocessing's default on Linux) gets
    new ones: the parent's do not exist in the child, and waiting for them would never end."""
    import multiprocessing

    split(lambda: threads.over_batch(lambda part: None, 4, 1))  # the parent's threads exist
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        result = pool.apply_async(_split_in_child)  # MIN_SPLIT_SIZE = 0 came with the fork
        assert result.get(timeout=30) == [2, 2]


def _split_in_child():
    threads.set_num_threads(2)
    return threads.over_batch(lambda part: part.stop - part.start, 4, 1)


def test_thread_count_follows_omp_num_threads_and_set_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as in the grader's sandbox
    assert threads.num_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert threads.num_threads() == 3
    threads.set_num_threads(2)
    try:
        assert threads.num_threads() == 2
    finally:
        threads.set_num_threads(None)
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert threads.num_threads() >= 1
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError):
            threads.set_num_threads(bad)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_split_equals_whole(rng, split, dtype):
    x = rng.standard_normal((7, 3, 5, 4)).astype(dtype)
    dout = rng.standard_normal(x.shape).astype(dtype)
    whole, parts = Relu(), Relu()
    _same(split(lambda: parts.forward(x)), whole.forward(x))
    _same(split(lambda: parts.backward(dout)), whole.backward(dout))


def test_affine_split_equals_whole(rng, split):
    W, b = rng.standard_normal((60, 8)), rng.standard_normal(8)
    x, dout = rng.standard_normal((7, 3, 4, 5)), rng.standard_normal((7, 8))
    whole, parts = Affine(W, b), Affine(W, b)
    # Affine splits its D input features, not the batch: its forward is the sum of the slices'
    # shares. Each slice of dx and of dW holds the same sums as the whole, but BLAS may pick
    # another kernel for a narrower product and add their terms in another order (seen with
    # OpenBLAS on an AMD EPYC: dx differed in the last bit).
    _same(split(lambda: parts.forward(x)), whole.forward(x), sums=True)
    _same(split(lambda: parts.backward(dout)), whole.backward(dout), sums=True)
    _same(parts.dW, whole.dW, sums=True)
    _same(parts.db, whole.db, sums=True)


@pytest.mark.parametrize("pieces", [False, True], ids=["whole-slices", "in-pieces"])
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("size, pool, stride, pad", [(10, 2, 2, 0), (10, 3, 3, 1), (9, 3, 2, 1)])
def test_pooling_split_equals_whole(rng, split, monkeypatch, mode, size, pool, stride, pad, pieces):
    x = rng.standard_normal((7, 2, size, size)).astype(np.float32)
    whole, parts = Pooling(pool, pool, stride, pad, mode=mode), Pooling(pool, pool, stride, pad, mode=mode)
    out = whole.forward(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dx = whole.backward(dout)
    if pieces:  # each thread's slice of 2 or 3 images in pieces of at most 2 (see util.cache_pieces)
        monkeypatch.setattr(util, "PIECE_BYTES", 2 * x[0].nbytes)
    _same(split(lambda: parts.forward(x)), out)
    if mode == "max":
        _same(parts.arg_max, whole.arg_max)
    _same(split(lambda: parts.backward(dout)), dx)


@pytest.mark.parametrize("input_grad", [True, False])
def test_convolution_split_equals_whole(rng, split, input_grad):
    x = rng.standard_normal((7, 3, 8, 9)).astype(np.float32)
    W, b = rng.standard_normal((4, 3, 3, 3)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    whole, parts = Convolution(W, b, 1, 1), Convolution(W, b, 1, 1)
    out = whole.forward(x)
    _same(split(lambda: parts.forward(x)), out)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dx = whole.backward(dout, input_grad=input_grad)
    split_dx = split(lambda: parts.backward(dout, input_grad=input_grad))
    if input_grad:
        _same(split_dx, dx)
    else:
        assert split_dx is None
    _same(parts.dW, whole.dW, sums=True)
    _same(parts.db, whole.db, sums=True)


def test_adam_split_equals_whole(rng, split):
    params = {"W": rng.standard_normal((9, 4)).astype(np.float32), "b": rng.standard_normal(4).astype(np.float32)}
    grads = [{key: rng.standard_normal(p.shape).astype(np.float32) for key, p in params.items()} for _ in range(3)]
    whole_params = {key: p.copy() for key, p in params.items()}
    whole, parts = Adam(lr=0.01), Adam(lr=0.01)
    for grad in grads:
        whole.update(whole_params, grad)
        split(lambda: parts.update(params, grad))
    for key in params:
        _same(params[key], whole_params[key])


def test_a_network_trains_the_same_split_and_whole(split):
    """A training step of SimpleConvNet, every layer split, equals the whole one up to rounding."""
    data = np.random.default_rng(3)
    x, t = data.random((6, 1, 12, 12), dtype=np.float32), data.integers(0, 4, 6)
    settings = dict(input_dim=(1, 12, 12), conv_param={"filter_num": 3, "filter_size": 3, "pad": 1}, hidden_size=5, output_size=4)
    whole, parts = SimpleConvNet(**settings, rng=0), SimpleConvNet(**settings, rng=0)
    grads = whole.gradient(x, t)
    split_grads = split(lambda: parts.gradient(x, t))
    for key in grads:
        _same(split_grads[key], grads[key], sums=True)
