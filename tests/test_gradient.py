"""Tests of scratchcnn.gradient: central differences, relative error, gradient checks."""

import numpy as np
import pytest

from scratchcnn.gradient import gradient_check, numerical_gradient, relative_error

pytestmark = pytest.mark.usefixtures("one_thread")


def test_numerical_gradient_of_known_functions(rng):
    """Central differences recover the gradients of f = sum(x^2) (2x) and f = sum(sin(x)) (cos x)."""
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), rtol=1e-8)


def test_numerical_gradient_reads_x_in_place_and_restores_it(rng):
    """f may ignore its argument and read x through another reference (as a layer does); x is
    left exactly as it was."""
    x = rng.standard_normal((2, 3))
    before = x.copy()
    holder = {"w": x}  # another reference to the same array, like a layer's self.W
    grad = numerical_gradient(lambda _: float(np.sum(holder["w"] ** 3)), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)
    assert grad.shape == x.shape and grad.dtype == x.dtype


def test_numerical_gradient_at_chosen_indices(rng):
    """With indices, only those entries are differentiated: a 1-D array, in the given order."""
    x = rng.standard_normal((4, 5))
    calls = []

    def f(v):
        calls.append(1)
        return float(np.sum(v**2))

    partials = numerical_gradient(f, x, indices=[7, 0, 19])
    np.testing.assert_allclose(partials, 2 * x.reshape(-1)[[7, 0, 19]], rtol=1e-8)
    assert len(calls) == 2 * 3  # two evaluations per entry, none for the others


@pytest.mark.parametrize(
    "x, message",
    [
        (np.arange(6).reshape(2, 3), r"needs a float array; got dtype int64"),
        (np.zeros((3, 4))[:, :3], r"needs a contiguous array"),
        (np.zeros((3, 4)).T, r"needs a contiguous array"),
    ],
)
def test_numerical_gradient_errors(x, message):
    """An integer array cannot be nudged by h; a strided copy would hide the changes from f."""
    with pytest.raises(ValueError, match=message):
        numerical_gradient(lambda v: 0.0, x)


def test_relative_error():
    """0 for equal arrays (also both zero), 1 for opposite ones, scale-free."""
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, a * (1 + 1e-6)) == pytest.approx(relative_error(1e9 * a, 1e9 * a * (1 + 1e-6)))


class Quadratic:
    """A tiny 'network' with the interface gradient_check needs: loss = sum((W x - t)^2) / 2.

    ``wrong=True`` makes its backward pass forget a transpose-free factor of 2 in one entry,
    the kind of bug a gradient check must find.
    """

    def __init__(self, rng, wrong=False):
        self.params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(3)}
        self.wrong = wrong

    def loss(self, x, t):
        return float(np.sum((self.params["W"] @ x + self.params["b"] - t) ** 2) / 2)

    def gradient(self, x, t):
        residual = self.params["W"] @ x + self.params["b"] - t
        grads = {"W": np.outer(residual, x), "b": residual.copy()}
        if self.wrong:
            grads["b"][0] *= 2
        return grads


def test_gradient_check_passes_a_correct_backward_and_fails_a_wrong_one(rng):
    """gradient_check reports a tiny error per parameter when backward is right, and a large
    one for exactly the parameter whose gradient is wrong."""
    x, t = rng.standard_normal(4), rng.standard_normal(3)
    errors = gradient_check(Quadratic(rng), x, t)
    assert set(errors) == {"W", "b"} and max(errors.values()) < 1e-8
    errors = gradient_check(Quadratic(rng, wrong=True), x, t)
    assert errors["W"] < 1e-8 and errors["b"] > 1e-2
    assert set(gradient_check(Quadratic(rng), x, t, keys=["b"])) == {"b"}


def test_gradient_check_with_a_sample_of_entries(rng):
    """sample=k checks k random entries per parameter (all of a smaller one); the same rng seed
    picks the same entries, and a wrong entry is found when it is sampled."""
    x, t = rng.standard_normal(4), rng.standard_normal(3)
    network = Quadratic(rng)
    calls = []
    loss = network.loss
    network.loss = lambda *args: calls.append(1) or loss(*args)
    errors = gradient_check(network, x, t, sample=5, rng=0)
    assert max(errors.values()) < 1e-8
    assert len(calls) == 2 * (5 + 3)  # 5 of the 12 entries of W, all 3 of b
    wrong = Quadratic(rng, wrong=True)
    assert gradient_check(wrong, x, t, sample=3, rng=1)["b"] > 1e-2  # b has 3 entries: all checked
    network = Quadratic(rng)
    assert gradient_check(network, x, t, sample=4, rng=7) == gradient_check(network, x, t, sample=4, rng=7)
