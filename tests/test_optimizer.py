"""Tests of scratchcnn.optimizer: every update rule takes the same steps as torch.optim."""

import inspect

import numpy as np
import pytest
import torch

from conftest import FLOAT_DTYPES, assert_matches
from scratchcnn.layers import Affine
from scratchcnn.optimizer import OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop, get_optimizer

pytestmark = pytest.mark.usefixtures("one_thread")

# Each optimizer, with non-default settings, and the torch.optim optimizer that must match it.
PAIRS = {
    "SGD": (lambda: SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "Momentum": (lambda: Momentum(lr=0.1, momentum=0.8), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8)),
    "Nesterov": (lambda: Nesterov(lr=0.1, momentum=0.8), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True)),
    "AdaGrad": (lambda: AdaGrad(lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-10)),
    "RMSprop": (lambda: RMSprop(lr=0.01, decay_rate=0.9), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
    "Adam": (lambda: Adam(lr=0.01, beta1=0.8, beta2=0.99), lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-8)),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", PAIRS)
def test_optimizer_matches_torch(rng, name, dtype):
    """Six steps on the same parameters with the same gradients end at the same place."""
    ours, theirs = PAIRS[name]
    params = {"W": rng.standard_normal((3, 4)).astype(dtype), "b": rng.standard_normal(4).astype(dtype)}
    tensors = {key: torch.tensor(value.copy(), requires_grad=True) for key, value in params.items()}
    optimizer, torch_optimizer = ours(), theirs(list(tensors.values()))
    for _ in range(6):
        grads = {key: rng.standard_normal(value.shape).astype(dtype) for key, value in params.items()}
        optimizer.update(params, grads)
        for key, tensor in tensors.items():
            tensor.grad = torch.tensor(grads[key])
        torch_optimizer.step()
    for key in params:
        assert params[key].dtype == dtype
        assert_matches(params[key], tensors[key])


@pytest.mark.parametrize("name", PAIRS)
def test_optimizer_updates_in_place(rng, name):
    """update changes the parameter arrays themselves, so the layers that share them see it."""
    params = {"W": rng.standard_normal((4, 2)), "b": np.zeros(2)}
    layer = Affine(params["W"], params["b"])
    x = rng.standard_normal((3, 4))
    before = layer.forward(x)
    W, b = params["W"], params["b"]
    PAIRS[name][0]().update(params, {"W": np.ones((4, 2)), "b": np.ones(2)})
    assert params["W"] is W and params["b"] is b and layer.W is W
    assert not np.allclose(layer.forward(x), before)


@pytest.mark.parametrize("shape", [(37, 5), (40,), (0, 3), ()])
def test_adam_on_one_thread_takes_a_large_parameter_in_parts_with_the_same_numbers(rng, monkeypatch, shape):
    """Adam.CACHE_BYTES: the update a few rows at a time gives the numbers of the whole update."""
    grads = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    calls = []
    adam_part = Adam._adam
    monkeypatch.setattr(Adam, "_adam", lambda self, param, *rest: calls.append(param.shape) or adam_part(self, param, *rest))
    results = []
    for cache_bytes in (1 << 40, 3 * 5 * 4):  # all at once; parts of 3 rows of 5 float32
        monkeypatch.setattr(Adam, "CACHE_BYTES", cache_bytes)
        params, adam = {"W": np.ones(shape, np.float32)}, Adam(lr=0.01)
        for grad in grads:
            adam.update(params, {"W": grad})
        results.append(params["W"])
    np.testing.assert_array_equal(results[0], results[1])
    if shape == (37, 5):  # 3 updates whole, then 3 updates in 13 parts of 2 or 3 rows
        assert calls[:3] == [shape] * 3 and len(calls) == 3 + 3 * 13
        assert {rows for rows, _ in calls[3:]} == {2, 3}


@pytest.mark.parametrize("name", ["Momentum", "Nesterov", "RMSprop", "Adam"])
def test_buffers_stay_out_of_the_subnormal_numbers(rng, name):
    """Optimizer.DECAYING: where the gradient stays zero, a buffer that shrinks every step
    would reach the subnormal numbers (slow arithmetic) after some hundred steps; it is set
    to zero first, and the parameters still take torch's steps."""
    ours, theirs = PAIRS[name]
    params = {"W": rng.standard_normal(6).astype(np.float32)}
    weights = torch.tensor(params["W"].copy(), requires_grad=True)
    optimizer, torch_optimizer = ours(), theirs([weights])
    smallest_normal = np.finfo(np.float32).tiny
    for step in range(1200):
        grad = rng.standard_normal(6).astype(np.float32) * 1e-3
        if step > 0:
            grad[3:] = 0  # three weights whose gradient stays zero after the first step
        optimizer.update(params, {"W": grad})
        weights.grad = torch.tensor(grad)
        torch_optimizer.step()
        for (buffer, _), values in optimizer.state.items():
            assert not np.any((values != 0) & (np.abs(values) < smallest_normal)), f"subnormal {buffer} at step {step + 1}"
    assert_matches(params["W"], weights)


def test_adam_first_step_has_the_size_of_the_learning_rate(rng):
    """Bias correction makes Adam's first step lr * sign(g) for every parameter, whatever |g|."""
    params = {"W": np.zeros(5)}
    grad = np.array([1e-3, -2.0, 50.0, -1e4, 0.3])
    Adam(lr=0.01).update(params, {"W": grad})
    np.testing.assert_allclose(params["W"], -0.01 * np.sign(grad), rtol=1e-4)


@pytest.mark.parametrize(
    "ours, theirs, names",
    [
        (AdaGrad, torch.optim.Adagrad, {"lr": "lr", "eps": "eps"}),
        (RMSprop, torch.optim.RMSprop, {"lr": "lr", "decay_rate": "alpha", "eps": "eps"}),
        (Adam, torch.optim.Adam, {"lr": "lr", "eps": "eps"}),
    ],
    ids=["AdaGrad", "RMSprop", "Adam"],
)
def test_default_hyperparameters_are_torchs(ours, theirs, names):
    """AdaGrad, RMSprop and Adam default to torch.optim's settings (SGD and Momentum keep the
    book's lr = 0.01; torch has no default momentum)."""
    defaults, torch_defaults = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    for name, torch_name in names.items():
        assert defaults[name].default == torch_defaults[torch_name].default
    if ours is Adam:
        assert (defaults["beta1"].default, defaults["beta2"].default) == torch_defaults["betas"].default


@pytest.mark.parametrize("name", ["sgd", "Momentum", "NESTEROV", "AdaGrad", "rmsprop", "Adam"])
def test_get_optimizer_by_name(name):
    """get_optimizer finds an optimizer by name, in any case, and passes the settings on."""
    optimizer = get_optimizer(name, lr=0.5)
    assert type(optimizer) is OPTIMIZERS[name.lower()] and optimizer.lr == 0.5


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: get_optimizer("adamw"),
            ValueError,
            r"unknown optimizer 'adamw'; choose one of sgd, momentum, nesterov, adagrad, rmsprop, adam",
        ),
        (lambda: SGD(lr=0), ValueError, r"learning rate lr must be positive; got 0"),
        (lambda: Adam(lr=-1e-3), ValueError, r"learning rate lr must be positive; got -0\.001"),
        (lambda: get_optimizer("sgd", momentum=0.9), TypeError, r"momentum"),
    ],
)
def test_optimizer_errors(call, error, message):
    """An unknown name, a non-positive learning rate or a setting the optimizer lacks raise."""
    with pytest.raises(error, match=message):
        call()
