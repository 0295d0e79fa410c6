"""Tests of scratchcnn.networks: SimpleConvNet and DeepConvNet."""

import pathlib

import numpy as np
import pytest

from conftest import assert_gradients_ok
from scratchcnn.functions import cross_entropy_error, softmax
from scratchcnn.gradient import gradient_check, relative_error
from scratchcnn.layers import BatchNormalization, Convolution, Dropout, SoftmaxWithLoss
from scratchcnn.networks import DeepConvNet, SimpleConvNet

pytestmark = pytest.mark.usefixtures("one_thread")

# A SimpleConvNet small enough for a full numerical gradient: 6x6 images, 2 filters 3x3
# (-> 4x4 -> pooled 2x2), 5 hidden units, 3 classes.
SMALL = {"input_dim": (1, 6, 6), "conv_param": {"filter_num": 2, "filter_size": 3}, "hidden_size": 5, "output_size": 3}


# A whole network has thousands of ReLUs and pooling windows: now and then the nudge h moves
# one of them across its kink (or switches a window's maximum), which spoils that partial
# derivative. A small h makes this rare (in float64 its rounding error is still ~1e-9) and a
# tolerance of 1e-6 absorbs the rest; a wrong backward pass gives 1e-2 or more.
NETWORK_H, NETWORK_TOL = 1e-6, 1e-6


def images(rng, N, input_dim=(1, 28, 28), dtype=np.float32):
    """N random images in [0, 1) and N random labels out of 10."""
    return rng.random((N, *input_dim)).astype(dtype), rng.integers(0, 10, size=N)


# --- SimpleConvNet: construction ----------------------------------------------------------


def test_simple_conv_net_defaults():
    """The lecture's network: 30 filters 5x5, 100 hidden units, 10 classes, weights with
    std 0.01, zero biases, float32; layers in the lecture's order."""
    network = SimpleConvNet(rng=0)
    shapes = {key: value.shape for key, value in network.params.items()}
    assert shapes == {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
    assert all(value.dtype == np.float32 for value in network.params.values())
    for key in ("b1", "b2", "b3"):
        assert not network.params[key].any()
    assert network.params["W2"].std() == pytest.approx(0.01, rel=0.01)  # 432,000 draws
    assert abs(network.params["W2"].mean()) < 1e-4
    assert list(network.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]
    assert isinstance(network.last_layer, SoftmaxWithLoss)
    conv = network.layers["Conv1"]
    assert (conv.stride, conv.pad) == (1, 0) and conv.W is network.params["W1"]


def test_simple_conv_net_options():
    """conv_param, sizes, weight_init_std and dtype are honoured; the same seed gives the
    same weights."""
    settings = {
        "input_dim": (3, 32, 32),
        "conv_param": {"filter_num": 8, "filter_size": 3, "pad": 1, "stride": 1},
        "hidden_size": 20,
        "output_size": 5,
        "weight_init_std": 0.5,
        "dtype": np.float64,
    }
    network = SimpleConvNet(**settings, rng=1)
    assert network.params["W1"].shape == (8, 3, 3, 3) and network.params["W2"].shape == (8 * 16 * 16, 20)
    assert network.params["W3"].shape == (20, 5) and network.params["W1"].dtype == np.float64
    assert network.params["W2"].std() == pytest.approx(0.5, rel=0.02)
    again = SimpleConvNet(**settings, rng=1)
    for key in network.params:
        np.testing.assert_array_equal(network.params[key], again.params[key])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"input_dim": (28, 28)}, r"input_dim must be \(C, H, W\); got \(28, 28\)"),
        ({"dtype": np.int32}, r"dtype must be a float type; got int32"),
        ({"conv_param": {"filter_size": 4}}, r"output size OH is not an integer: .* \(25 \+ 2\*0 - 2\) / 2 \+ 1 = 12\.5"),
        ({"conv_param": {"stride": 2}}, r"output size OH is not an integer"),
    ],
)
def test_simple_conv_net_bad_settings(kwargs, message):
    """Settings that give no whole-number layer sizes, or a non-float dtype, raise at once."""
    with pytest.raises(ValueError, match=message):
        SimpleConvNet(**kwargs)


# --- SimpleConvNet: predict, loss, accuracy -----------------------------------------------


def test_predict_and_loss(rng):
    """predict gives (N, 10) scores; loss is the cross-entropy of their softmax, for labels
    and one-hot targets alike."""
    network = SimpleConvNet(rng=0, weight_init_std=0.1)
    x, t = images(rng, 4)
    scores = network.predict(x)
    assert scores.shape == (4, 10)
    expected = cross_entropy_error(softmax(scores.astype(np.float64)), t)
    assert network.loss(x, t) == pytest.approx(expected, rel=1e-5)
    assert network.loss(x, np.eye(10)[t]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("image_dtype", [np.float64, np.float32, np.uint8])
def test_computes_in_the_network_dtype(rng, image_dtype):
    """Images of any real dtype are computed in the network's dtype (float32 by default)."""
    x = (rng.random((2, 1, 28, 28)) * 255).astype(image_dtype)
    t = np.array([1, 2])
    for dtype in (np.float32, np.float64):
        network = SimpleConvNet(rng=0, dtype=dtype)
        assert network.predict(x).dtype == dtype
        assert all(grad.dtype == dtype for grad in network.gradient(x, t).values())


def test_accuracy_counts_the_last_partial_batch(rng):
    """250 images in batches of 100: the last 50 count as much as the others. With labels
    equal to the predictions except for 30 of the last 50, accuracy is exactly 220 / 250."""
    network = SimpleConvNet(rng=0, weight_init_std=0.1)
    x, _ = images(rng, 250)
    t = np.argmax(network.predict(x), axis=1)
    t[-30:] = (t[-30:] + 1) % 10
    assert network.accuracy(x, t, batch_size=100) == 220 / 250
    assert network.accuracy(x, np.eye(10)[t], batch_size=100) == 220 / 250
    assert network.accuracy(x, t, batch_size=7) == network.accuracy(x, t, batch_size=1000) == 220 / 250


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda net, x: net.predict(x[:, :, :27]),
            r"this network takes images of shape \(N, 1, 28, 28\); got \(2, 1, 27, 28\)",
        ),
        (lambda net, x: net.predict(x[0]), r"x must be 4-D"),
        (lambda net, x: net.loss(x, np.array([0, 10])), r"labels t must lie in \[0, 10\)"),
        (lambda net, x: net.accuracy(x, np.array([0, 1, 2])), r"x has 2 images but t has 3 labels"),
        (lambda net, x: net.accuracy(x[:0], np.array([], dtype=int)), r"accuracy of an empty set is undefined"),
    ],
)
def test_network_input_errors(rng, call, message):
    """Images of the wrong shape and labels that do not fit raise a ValueError saying so."""
    network = SimpleConvNet(rng=0)
    x, _ = images(rng, 2)
    with pytest.raises(ValueError, match=message):
        call(network, x)


# --- SimpleConvNet: gradients ---------------------------------------------------------------


def test_simple_conv_net_gradient_equals_numerical_gradient(rng):
    """Backpropagation and central differences agree on every entry of every parameter."""
    network = SimpleConvNet(**SMALL, weight_init_std=0.5, dtype=np.float64, rng=0)
    x, t = rng.random((3, 1, 6, 6)), np.array([0, 2, 1])
    analytic, numeric = network.gradient(x, t), network.numerical_gradient(x, t)
    assert set(analytic) == set(numeric) == set(network.params)
    assert_gradients_ok({key: relative_error(analytic[key], numeric[key]) for key in analytic})


def test_simple_conv_net_gradient_check_at_lecture_size(rng):
    """The lecture's network on 28x28 images passes a gradient check on a sample of entries."""
    network = SimpleConvNet(weight_init_std=0.1, dtype=np.float64, rng=0)
    x, t = images(rng, 2, dtype=np.float64)
    assert_gradients_ok(gradient_check(network, x, t, h=NETWORK_H, sample=12, rng=0), NETWORK_TOL)


# --- SimpleConvNet: saving and loading ------------------------------------------------------


@pytest.mark.parametrize("file_name", ["params.npz", "params", "params.pkl"])
def test_save_and_load_round_trip(tmp_path, rng, file_name):
    """Parameters saved by one network and loaded by another (whatever the file name's ending)
    are copied into the arrays the layers use: both networks then predict the same."""
    x, _ = images(rng, 3)
    trained, fresh = SimpleConvNet(rng=0, weight_init_std=0.1), SimpleConvNet(rng=1)
    arrays = dict(fresh.params)
    trained.save_params(tmp_path / file_name)
    fresh.load_params(tmp_path / file_name)
    for key, value in fresh.params.items():
        assert value is arrays[key]
        np.testing.assert_array_equal(value, trained.params[key])
    np.testing.assert_array_equal(fresh.predict(x), trained.predict(x))


def test_load_params_checks_names_and_shapes(tmp_path):
    """A file for another network (a missing array, a different shape) is refused, naming it;
    the network is left unchanged."""
    network = SimpleConvNet(rng=0)
    W1 = network.params["W1"].copy()
    np.savez(tmp_path / "partial.npz", W1=np.zeros((30, 1, 5, 5)))
    missing = r"does not match this network: missing \['W2', 'W3', 'b1', 'b2', 'b3'\], unexpected \[\]"
    with pytest.raises(ValueError, match=missing):
        network.load_params(tmp_path / "partial.npz")
    SimpleConvNet(hidden_size=50, rng=0).save_params(tmp_path / "other.npz")
    with pytest.raises(ValueError, match=r"W2 has shape \(4320, 50\), this network expects \(4320, 100\)"):
        network.load_params(tmp_path / "other.npz")
    np.testing.assert_array_equal(network.params["W1"], W1)


class _TouchOnUnpickle:
    """Pickles as 'call Path.touch(marker)': unpickling it would create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_load_params_never_unpickles(tmp_path):
    """An .npz holding an object array (a pickle, which can run code) raises a ValueError and
    runs nothing."""
    marker = tmp_path / "code-ran"
    network = SimpleConvNet(rng=0)
    arrays = {key: np.zeros(value.shape) for key, value in network.params.items()}
    arrays["b3"] = np.array([_TouchOnUnpickle(marker)] * 10, dtype=object)
    np.savez(tmp_path / "evil.npz", **arrays)
    with pytest.raises(ValueError, match=r"allow_pickle=False"):
        network.load_params(tmp_path / "evil.npz")
    assert not marker.exists()


# --- DeepConvNet ------------------------------------------------------------------------------


def test_deep_conv_net_architecture(rng):
    """Six 3x3 convolutions 16-16-32-32-64-64 (the fourth padded by 2), three poolings taking
    28 -> 14 -> 8 -> 4, Affine 1024 -> 50, dropout, Affine 50 -> 10; He initialisation."""
    network = DeepConvNet(rng=0)
    x, _ = images(rng, 2)
    shapes = {}
    for name, layer in network.layers.items():
        x = layer.forward(x, train_flg=False) if isinstance(layer, Dropout) else layer.forward(x)
        shapes[name] = x.shape
    assert [shapes[f"Conv{i}"][1] for i in range(1, 7)] == [16, 16, 32, 32, 64, 64]
    assert [network.layers[f"Conv{i}"].pad for i in range(1, 7)] == [1, 1, 1, 2, 1, 1]
    assert shapes["Pool1"] == (2, 16, 14, 14) and shapes["Conv4"] == (2, 32, 16, 16)
    assert shapes["Pool2"] == (2, 32, 8, 8) and shapes["Pool3"] == (2, 64, 4, 4)
    assert shapes["Affine1"] == (2, 50) and shapes["Affine2"] == (2, 10)
    assert network.params["W7"].shape == (1024, 50)
    # 16*9+16 + 16*16*9+16 + 32*16*9+32 + 32*32*9+32 + 64*32*9+64 + 64*64*9+64 + 1024*50+50 + 50*10+10
    assert sum(value.size for value in network.params.values()) == 123_552
    assert network.params["W3"].std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert network.params["W7"].std() == pytest.approx(np.sqrt(2 / 1024), rel=0.05)
    assert all(value.dtype == np.float32 for value in network.params.values())


def test_deep_conv_net_dropout_only_in_training(rng):
    """predict and loss (test mode) are deterministic; the training forward drops units, so
    two training passes differ, and gradient() runs in training mode."""
    network = DeepConvNet(rng=0)
    x, t = images(rng, 3)
    np.testing.assert_array_equal(network.predict(x), network.predict(x))
    assert network.loss(x, t) == network.loss(x, t)
    assert not np.array_equal(network.predict(x, train_flg=True), network.predict(x, train_flg=True))
    network.gradient(x, t)
    mask = network.layers["Dropout1"].mask
    assert mask is not None and 0 < mask.mean() < 1


class FixedDropoutMasks:
    """A network whose dropout layers draw the same masks at every evaluation, in training
    mode: its loss is then a fixed function of the parameters that gradient_check can nudge."""

    def __init__(self, network, seed):
        self.network, self.seed, self.params = network, seed, network.params

    def _reseed(self):
        for layer in self.network.layers.values():
            if isinstance(layer, Dropout):
                layer.rng = np.random.default_rng(self.seed)

    def loss(self, x, t):
        self._reseed()
        return self.network.loss(x, t, train_flg=True)

    def gradient(self, x, t):
        self._reseed()
        return self.network.gradient(x, t)


def test_deep_conv_net_gradient_check(rng):
    """With the dropout mask held fixed, backpropagation through all 16 parameter arrays
    agrees with central differences on a random sample of entries of each (12x12 images keep
    every size whole: 12 -> 6 -> 8 -> 4 -> 2)."""
    network = DeepConvNet(input_dim=(1, 12, 12), dtype=np.float64, rng=0)
    x, t = images(rng, 2, input_dim=(1, 12, 12), dtype=np.float64)
    errors = gradient_check(FixedDropoutMasks(network, seed=5), x, t, h=NETWORK_H, sample=10, rng=0)
    assert len(errors) == 16
    assert_gradients_ok(errors, NETWORK_TOL)


def test_first_layer_skips_the_input_gradient(rng, monkeypatch):
    """gradient() asks the first Convolution for dW and db only (input_grad=False)."""
    network = SimpleConvNet(rng=0)
    calls = []
    backward = Convolution.backward

    def spy(layer, dout, input_grad=True):
        calls.append(input_grad)
        return backward(layer, dout, input_grad)

    monkeypatch.setattr(Convolution, "backward", spy)
    network.gradient(*images(rng, 2))
    assert calls == [False]


def test_np_random_seed_repeats_dropout_masks(rng):
    """DeepConvNet built after np.random.seed: the same weights and the same dropout masks,
    so the same gradients, bit for bit."""
    x, t = images(rng, 3)

    def gradients():
        np.random.seed(11)
        network = DeepConvNet(dtype=np.float64)
        return network.gradient(x, t)

    first, second = gradients(), gradients()
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


def test_predict_passes_train_flg_to_batch_normalization(rng):
    """Every layer whose forward takes train_flg gets it: BatchNormalization uses the batch
    statistics when training and its running statistics when predicting."""
    network = SimpleConvNet(**SMALL, rng=0)
    norm = BatchNormalization(np.ones(2), np.zeros(2))
    layers = list(network.layers.items())
    network.layers.clear()
    network.layers.update(layers[:1] + [("Norm1", norm)] + layers[1:])
    x, _ = images(rng, 4, input_dim=(1, 6, 6))
    network.loss(x, np.array([0, 1, 2, 0]), train_flg=True)
    assert norm.train_flg is True
    network.predict(x)
    assert norm.train_flg is False


def test_predict_labels_and_accuracy_agree(rng):
    """predict_labels is the argmax of predict, batch by batch; accuracy counts its hits."""
    network = SimpleConvNet(**SMALL, rng=0)
    x, _ = images(rng, 7, input_dim=(1, 6, 6))
    labels = network.predict_labels(x, batch_size=3)
    np.testing.assert_array_equal(labels, np.argmax(network.predict(x), axis=1))
    assert network.accuracy(x, labels, batch_size=3) == 1.0


@pytest.mark.parametrize("network_class", [SimpleConvNet, DeepConvNet])
def test_gradient_lets_go_of_the_layers_caches(rng, network_class):
    """After gradient(), no layer keeps what its forward cached for backward (the memory a
    training step holds between steps), and the next step computes the same gradients."""
    network = network_class(rng=0)
    x, t = images(rng, 4)
    first = network.gradient(x, t)
    for name, layer in (*network.layers.items(), ("last", network.last_layer)):
        for attribute in layer.CACHE:
            assert getattr(layer, attribute) is None, f"{name}.{attribute} is still held"
    assert network.layers["Conv1"].CACHE and network.layers["Relu1"].CACHE  # not vacuous
    if network_class is SimpleConvNet:  # no dropout: the same gradients again
        again = network.gradient(x, t)
        for key in first:
            np.testing.assert_array_equal(first[key], again[key])
