"""Tests of scratchcnn.functions: activations, softmax and cross-entropy, against PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import FLOAT_DTYPES, assert_matches, tensor
from scratchcnn.functions import check_targets, cross_entropy_error, log_softmax, nll_loss, relu, sigmoid, softmax

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_relu_and_sigmoid_match_torch(rng, dtype):
    """relu and sigmoid agree with torch and keep the dtype."""
    x = rng.standard_normal((4, 7)).astype(dtype) * 5
    for ours, theirs in [(relu, torch.relu), (sigmoid, torch.sigmoid)]:
        y = ours(x)
        assert y.dtype == dtype
        assert_matches(y, theirs(tensor(x)))


def test_sigmoid_never_overflows():
    """sigmoid is finite and accurate to the last digit at the extremes, where exp(-x) alone
    would overflow and where 1 - tanh would cancel to 0."""
    x = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        y = sigmoid(x)
    np.testing.assert_allclose(y, [0.0, 1 / (1 + np.exp(40.0)), 0.5, 1 / (1 + np.exp(-40.0)), 1.0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_and_log_softmax_match_torch(rng, dtype):
    """softmax and log_softmax along the last axis agree with torch, also for scores near
    the float limits, where a naive exp() would overflow."""
    x = (rng.standard_normal((5, 10)) * 10).astype(dtype)
    x[0] += np.finfo(dtype).max / 4  # huge scores: exp would be inf
    x[1] -= np.finfo(dtype).max / 4
    with np.errstate(over="raise", invalid="raise"):
        y, log_y = softmax(x), log_softmax(x)
    assert y.dtype == log_y.dtype == dtype
    assert_matches(y, torch.softmax(tensor(x), dim=-1))
    assert_matches(log_y, torch.log_softmax(tensor(x), dim=-1))
    np.testing.assert_allclose(y.sum(axis=-1), 1, rtol=1e-6)


def test_softmax_is_shift_invariant(rng):
    """Adding a constant to every score leaves the probabilities unchanged."""
    x = rng.standard_normal((3, 6))
    np.testing.assert_allclose(softmax(x + 123.0), softmax(x), rtol=1e-12)


def test_softmax_of_one_sample():
    """A 1-D score vector is a single sample: its probabilities sum to 1."""
    y = softmax(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(y, np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_cross_entropy_matches_torch(rng, dtype):
    """cross_entropy_error(softmax(x), t) is torch's cross_entropy(x, t), for integer labels,
    for one-hot targets and for arbitrary target probabilities."""
    x = rng.standard_normal((6, 4)).astype(dtype)
    labels = rng.integers(0, 4, size=6)
    one_hot = np.eye(4, dtype=dtype)[labels]
    probabilities = softmax(rng.standard_normal((6, 4))).astype(dtype)
    y = softmax(x)
    expected_labels = F.cross_entropy(tensor(x), torch.tensor(labels)).item()
    expected_soft = F.cross_entropy(tensor(x), tensor(probabilities)).item()
    assert isinstance(cross_entropy_error(y, labels), float)
    assert_matches(cross_entropy_error(y, labels), expected_labels, dtype)
    assert_matches(cross_entropy_error(y, one_hot), expected_labels, dtype)
    assert_matches(cross_entropy_error(y, probabilities), expected_soft, dtype)


def test_cross_entropy_of_one_sample():
    """A single sample can be given as (K,) probabilities with a scalar label or (K,) one-hot."""
    y = np.array([0.1, 0.7, 0.2])
    assert cross_entropy_error(y, 1) == pytest.approx(-np.log(0.7))
    assert cross_entropy_error(y, np.array([0, 1, 0])) == pytest.approx(-np.log(0.7))


def test_cross_entropy_of_a_zero_probability_is_finite():
    """A probability that underflowed to 0 gives a large but finite loss, not inf or nan."""
    loss = cross_entropy_error(np.array([[1.0, 0.0]]), np.array([1]))
    assert np.isfinite(loss) and loss > 700


def test_nll_loss_is_mean_negative_log_likelihood():
    """nll_loss picks -log y[n, t[n]] and averages over the batch."""
    log_y = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    assert nll_loss(log_y, np.array([0, 2])) == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2)


@pytest.mark.parametrize(
    "t, message",
    [
        (np.array([0, 1, 3]), r"labels t must lie in \[0, 3\); got values from 0 to 3"),
        (np.array([0, -1, 2]), r"labels t must lie in \[0, 3\); got values from -1 to 2"),
        (np.array([0, 1]), r"t has 2 labels but the scores have 3 rows"),
        (np.array([0.0, 1.0, 2.0]), r"labels t must be integers, got dtype float64"),
        (np.zeros((3, 4)), r"t must be \(N,\) labels or \(N, K\) one-hot targets with \(N, K\) = \(3, 3\); got shape \(3, 4\)"),
        (np.zeros((3, 3, 1)), r"got shape \(3, 3, 1\)"),
    ],
)
def test_check_targets_errors(t, message):
    """Labels out of range, of the wrong count, dtype or shape raise a ValueError saying which."""
    with pytest.raises(ValueError, match=message):
        check_targets(t, (3, 3))
