"""Shared helpers for the tests of the reference library, and the book's build.

PyTorch is the oracle: what ``scratchcnn`` computes is compared with ``torch.nn.functional``
and ``torch.optim`` on the same numbers. It is only ever imported by the tests.
"""

import os
import uuid

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from book_support.build import BUILD, build_book_once
from scratchcnn.gradient import numerical_gradient, relative_error

BUILD_LOG = BUILD / "book-build.log"

# Largest relative error (||a - b|| / (||a|| + ||b||)) accepted against PyTorch, per dtype.
REL_TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-10}

# Largest relative error accepted between a backward pass and central differences (float64).
GRAD_TOL = 1e-7

# For @pytest.mark.parametrize("dtype", FLOAT_DTYPES): the two float types, named in test ids.
FLOAT_DTYPES = [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]


@pytest.fixture(scope="session")
def book_build():
    """The book built once per test run (test_book, test_book_ko, test_grading_publish): (exit
    code, log). Once for all the processes of a run under pytest-xdist (`make test`), which
    share one run id."""
    built = build_book_once(os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex)
    if built is None:
        log = (BUILD_LOG.read_text(encoding="utf-8") if BUILD_LOG.is_file() else "")[-3000:]
        pytest.fail(f"the book did not build; the end of _build/book-build.log:\n{log}")
    return built


@pytest.fixture(scope="module")
def one_thread():
    """Run NumPy's BLAS and torch on one thread. The arrays of these tests are tiny: extra
    threads only add synchronisation, and on a busy 2-core machine waiting threads make each
    small matrix product up to 30 times slower. Use with
    ``pytestmark = pytest.mark.usefixtures("one_thread")``."""
    torch_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1, user_api="blas"):
        yield
    torch.set_num_threads(torch_threads)


@pytest.fixture
def rng():
    """A seeded generator, so that every test sees the same 'random' numbers on every run."""
    return np.random.default_rng(20211215)


def assert_matches(actual, expected, dtype=None):
    """``actual`` agrees with ``expected`` (a NumPy array or a torch tensor) to the tolerance of
    ``dtype`` (by default the dtype of ``actual``), with the same shape."""
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected)
    actual = np.asarray(actual)
    assert actual.shape == expected.shape
    error = relative_error(actual, expected)
    assert error <= REL_TOL[np.dtype(dtype or actual.dtype)], f"relative error {error:.3g}"


def tensor(x, requires_grad=True):
    """A torch tensor holding a copy of the NumPy array ``x`` (same dtype)."""
    return torch.tensor(np.ascontiguousarray(x), requires_grad=requires_grad)


def assert_layer_matches_torch(rng, layer, x, torch_function, params=(), forward=None):
    """Run ``layer`` forward on ``x`` and backward on a random ``dout``, and the same through
    ``torch_function(x, *parameters)`` with torch's autograd. The output, dx and every
    parameter's gradient must agree with torch (to the tolerance of x's dtype) and keep the
    dtype of ``x``.

    ``params``: (array, name of the layer attribute holding its gradient) pairs, e.g.
    ``[(W, "dW"), (b, "db")]``; ``forward`` defaults to ``layer.forward``.
    """
    out = (forward or layer.forward)(x)
    dout = rng.standard_normal(out.shape).astype(x.dtype)
    dx = layer.backward(dout)
    tensors = [tensor(x)] + [tensor(array) for array, _ in params]
    out_t = torch_function(*tensors)
    out_t.backward(tensor(dout, requires_grad=False))
    ours = [out, dx] + [getattr(layer, attribute) for _, attribute in params]
    theirs = [out_t] + [t.grad for t in tensors]
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine.dtype == x.dtype
        assert_matches(mine, reference)


def layer_gradient_errors(layer, x, dout, forward=None, params=()):
    """Relative errors between ``layer.backward`` and central differences (use float64).

    The scalar whose gradient is checked is ``L = sum(forward(x) * dout)``, so dL/dout is
    ``dout`` and every output element takes part. ``forward`` defaults to
    ``layer.forward``; ``params`` are (array, gradient attribute) pairs as for
    :func:`assert_layer_matches_torch`; the numerical gradient nudges those arrays in place.

    Returns ``{"dx": error, "dW": error, ...}``.
    """
    forward = forward or layer.forward

    def loss(_):
        return float(np.sum(forward(x) * dout))

    loss(x)
    errors = {"dx": relative_error(layer.backward(dout), numerical_gradient(loss, x))}
    for array, attribute in params:
        errors[attribute] = relative_error(getattr(layer, attribute), numerical_gradient(loss, array))
    return errors


def assert_gradients_ok(errors, tol=GRAD_TOL):
    """Every relative error of a gradient check is below ``tol``; the message lists them all."""
    bad = {key: error for key, error in errors.items() if not error <= tol}
    assert not bad, f"gradient check failed: {bad} (all: {errors})"


@pytest.fixture(scope="session")
def fresh_release(tmp_path_factory):
    """Every assignment released now, both editions, into a temporary folder (with a
    temporary gradebook): what `python -m autograder release` would write."""
    from autograder.config import Workdir, assignments
    from autograder.release import generate

    into = tmp_path_factory.mktemp("release")
    workdir = Workdir(tmp_path_factory.mktemp("workdir"))
    for assignment in assignments():
        generate(assignment, workdir, into=into)
    return into
