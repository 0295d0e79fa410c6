"""Tests of scratchcnn.layers: every layer against PyTorch and against central differences."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import FLOAT_DTYPES, assert_gradients_ok, assert_layer_matches_torch, assert_matches, layer_gradient_errors, tensor
from scratchcnn.layers import Affine, BatchNormalization, Convolution, Dropout, Pooling, Relu, Sigmoid, SoftmaxWithLoss, first_real_cell
from scratchcnn.util import col2im, im2col

pytestmark = pytest.mark.usefixtures("one_thread")


def sizes_for(out_h, out_w, FH, FW, stride, pad):
    """H and W for which a (FH, FW) window at this stride and pad gives (OH, OW) = (out_h, out_w),
    the smallest such output size from (out_h, out_w) upwards for which H, W >= 1."""
    while stride * (out_h - 1) + FH - 2 * pad < 1 or stride * (out_w - 1) + FW - 2 * pad < 1:
        out_h, out_w = out_h + 1, out_w + 1
    return stride * (out_h - 1) + FH - 2 * pad, stride * (out_w - 1) + FW - 2 * pad


def conv_cases():
    """(N, C, H, W, FN, FH, FW, stride, pad) for every filter shape, stride 1-3 and pad 0-2.

    Batch and channels take turns over (1, 1), (3, 3), (1, 3), (3, 1); OW = OH + 2 makes
    H != W (the difference is 2S + FW - FH, never 0 here).
    """
    filters = [(1, 1), (3, 3), (5, 5), (2, 5), (4, 3)]
    batch_channels = itertools.cycle([(1, 1), (3, 3), (1, 3), (3, 1)])
    cases = []
    for number, ((FH, FW), stride, pad) in enumerate(itertools.product(filters, (1, 2, 3), (0, 1, 2))):
        N, C = next(batch_channels)
        H, W = sizes_for(2 + number % 3, 4 + number % 3, FH, FW, stride, pad)
        cases.append((N, C, H, W, 2 + number % 3, FH, FW, stride, pad))
    return cases


def pool_cases():
    """(N, C, H, W, pool_h, pool_w, stride, pad) for square and non-square windows, stride
    1-3 and every padding PyTorch allows (at most half the window); OW = OH + 2 makes H != W."""
    windows = [(2, 2), (3, 3), (2, 3), (5, 4)]
    cases = []
    for number, ((ph, pw), stride) in enumerate(itertools.product(windows, (1, 2, 3))):
        for pad in range(min(ph, pw) // 2 + 1):
            N, C = (1, 3) if number % 2 else (3, 1)
            H, W = sizes_for(2 + number % 3, 4 + number % 3, ph, pw, stride, pad)
            cases.append((N, C, H, W, ph, pw, stride, pad))
    return cases


CONV_CASES = conv_cases()
POOL_CASES = pool_cases()


CONV_IDS = [f"x{N}x{C}x{H}x{W}-FN{FN}-f{FH}x{FW}-s{s}-p{p}" for N, C, H, W, FN, FH, FW, s, p in CONV_CASES]
POOL_IDS = [f"x{N}x{C}x{H}x{W}-w{ph}x{pw}-s{s}-p{p}" for N, C, H, W, ph, pw, s, p in POOL_CASES]


# --- Convolution and Pooling against PyTorch ------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("N, C, H, W, FN, FH, FW, stride, pad", CONV_CASES, ids=CONV_IDS)
def test_convolution_matches_torch(rng, N, C, H, W, FN, FH, FW, stride, pad, dtype):
    """out, dx, dW and db agree with torch's conv2d, in the input's dtype."""
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    weights = rng.standard_normal((FN, C, FH, FW)).astype(dtype)
    b = rng.standard_normal(FN).astype(dtype)
    layer = Convolution(weights, b, stride=stride, pad=pad)

    def conv2d(x, W, b):
        return F.conv2d(x, W, b, stride=stride, padding=pad)

    assert_layer_matches_torch(rng, layer, x, conv2d, params=[(weights, "dW"), (b, "db")])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("N, C, H, W, pool_h, pool_w, stride, pad", POOL_CASES, ids=POOL_IDS)
def test_pooling_matches_torch(rng, N, C, H, W, pool_h, pool_w, stride, pad, mode, dtype):
    """out and dx agree with torch's max_pool2d / avg_pool2d (padding never wins a maximum;
    the average counts padded zeros, count_include_pad=True)."""
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    layer = Pooling(pool_h, pool_w, stride=stride, pad=pad, mode=mode)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    assert_layer_matches_torch(rng, layer, x, lambda x: pool(x, (pool_h, pool_w), stride=stride, padding=pad))


def test_pooling_stride_defaults_to_the_window(rng):
    """Without a stride, windows do not overlap: 2x2 pooling halves H and W."""
    assert Pooling(2, 2).forward(rng.standard_normal((2, 3, 8, 6))).shape == (2, 3, 4, 3)


def test_max_pooling_first_maximum_wins_a_tie():
    """In a window of equal values the gradient goes to the first cell (row by row), once."""
    layer = Pooling(2, 2)
    layer.forward(np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(layer.backward(np.full((1, 1, 1, 1), 5.0)), [[[[5.0, 0.0], [0.0, 0.0]]]])


@pytest.mark.parametrize("mode, expected", [("max", [[5, 7], [13, 15]]), ("avg", [[2.5, 4.5], [10.5, 12.5]])])
def test_pooling_integer_images(mode, expected):
    """Integer images pool exactly: the maximum stays an integer, the average becomes a float."""
    x = np.arange(16).reshape(1, 1, 4, 4)
    out = Pooling(2, 2, mode=mode).forward(x)
    assert out.dtype == (x.dtype if mode == "max" else np.float64)
    np.testing.assert_array_equal(out[0, 0], expected)


def test_convolution_without_input_gradient(rng):
    """backward(dout, input_grad=False) returns None and computes the same dW and db."""
    x = rng.standard_normal((2, 3, 6, 6))
    layer = Convolution(rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4), pad=1)
    dout = rng.standard_normal(layer.forward(x).shape)
    layer.backward(dout)
    dW, db = layer.dW.copy(), layer.db.copy()
    assert layer.backward(dout, input_grad=False) is None
    np.testing.assert_array_equal(layer.dW, dW)
    np.testing.assert_array_equal(layer.db, db)


def test_parameter_layers_share_their_arrays(rng):
    """A layer keeps the very W and b it was given: an in-place update is seen by forward."""
    W, b = rng.standard_normal((2, 1, 3, 3)), np.zeros(2)
    layer = Convolution(W, b)
    x = rng.standard_normal((1, 1, 5, 5))
    out = layer.forward(x)
    b += 1.0
    assert layer.W is W and layer.b is b
    np.testing.assert_allclose(layer.forward(x), out + 1.0)


# --- the other layers against PyTorch -------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_affine_matches_torch_on_images(rng, dtype):
    """Affine flattens (N, C, H, W) to (N, C*H*W), agrees with torch's linear (x W + b), and
    returns dx in the input's shape."""
    x = rng.standard_normal((3, 2, 4, 5)).astype(dtype)
    W, b = rng.standard_normal((40, 7)).astype(dtype), rng.standard_normal(7).astype(dtype)
    layer = Affine(W, b)

    def linear(x, W, b):
        return F.linear(x.flatten(1), W.T, b)

    assert_layer_matches_torch(rng, layer, x, linear, params=[(W, "dW"), (b, "db")])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("layer_class, torch_function", [(Relu, torch.relu), (Sigmoid, torch.sigmoid)], ids=["Relu", "Sigmoid"])
def test_activation_layers_match_torch(rng, layer_class, torch_function, dtype):
    """Relu and Sigmoid forward and backward agree with torch."""
    x = rng.standard_normal((2, 3, 4, 4)).astype(dtype) * 3
    assert_layer_matches_torch(rng, layer_class(), x, torch_function)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("target_kind", ["labels", "one-hot", "probabilities"])
def test_softmax_with_loss_matches_torch(rng, target_kind, dtype):
    """The loss and dx = dout * (softmax(x) - t) / N agree with torch's cross_entropy."""
    x = rng.standard_normal((5, 4)).astype(dtype) * 3
    labels = rng.integers(0, 4, size=5)
    targets = {
        "labels": labels,
        "one-hot": np.eye(4, dtype=dtype)[labels],
        "probabilities": np.exp(x[::-1]) / np.exp(x[::-1]).sum(axis=1, keepdims=True),
    }[target_kind]
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, targets)
    dx = layer.backward(2.5)
    x_t = tensor(x)
    t_t = torch.tensor(labels) if target_kind == "labels" else tensor(targets, requires_grad=False)
    loss_t = F.cross_entropy(x_t, t_t)
    (2.5 * loss_t).backward()
    assert isinstance(loss, float)
    assert_matches(loss, loss_t, dtype)
    assert_matches(dx, x_t.grad)
    np.testing.assert_allclose(layer.y, torch.softmax(x_t, dim=1).detach().numpy(), rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape", [(6, 5), (4, 3, 5, 2)], ids=["2-D", "4-D"])
def test_batch_normalization_training_matches_torch(rng, shape, dtype):
    """Training mode normalises with the batch statistics (per feature, or per channel over
    N, H, W for images) like torch's batch_norm(training=True); dx, dgamma, dbeta agree."""
    x = (rng.standard_normal(shape) * 3 + 2).astype(dtype)
    gamma, beta = rng.standard_normal(shape[1]).astype(dtype), rng.standard_normal(shape[1]).astype(dtype)
    layer = BatchNormalization(gamma, beta)

    def batch_norm(x, gamma, beta):
        return F.batch_norm(x, None, None, gamma, beta, training=True, eps=layer.eps)

    params = [(gamma, "dgamma"), (beta, "dbeta")]
    assert_layer_matches_torch(rng, layer, x, batch_norm, params, forward=lambda x: layer.forward(x, train_flg=True))


@pytest.mark.parametrize("shape", [(6, 5), (4, 3, 5, 2)], ids=["2-D", "4-D"])
def test_batch_normalization_running_statistics(rng, shape):
    """Each training step moves the running mean and (biased) variance towards the batch's:
    running = momentum * running + (1 - momentum) * batch."""
    x = rng.standard_normal(shape) * 3 + 2
    C = shape[1]
    layer = BatchNormalization(np.ones(C), np.zeros(C), momentum=0.8)
    layer.forward(x)
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    np.testing.assert_allclose(layer.running_mean, 0.2 * x.mean(axis=axes), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, 0.8 + 0.2 * x.var(axis=axes), rtol=1e-12)


@pytest.mark.parametrize("shape", [(6, 5), (4, 3, 5, 2)], ids=["2-D", "4-D"])
def test_batch_normalization_test_mode_matches_torch(rng, shape):
    """Test mode normalises with the running statistics, which do not move, like torch's
    batch_norm(training=False); its gradient treats them as constants."""
    x = rng.standard_normal(shape) * 3 + 2
    C = shape[1]
    gamma, beta = rng.standard_normal(C), rng.standard_normal(C)
    mean, var = rng.standard_normal(C), rng.random(C) + 0.5
    layer = BatchNormalization(gamma, beta, running_mean=mean.copy(), running_var=var.copy())
    running = tensor(mean, requires_grad=False), tensor(var, requires_grad=False)

    def batch_norm(x, gamma, beta):
        return F.batch_norm(x, *running, gamma, beta, training=False, eps=layer.eps)

    params = [(gamma, "dgamma"), (beta, "dbeta")]
    assert_layer_matches_torch(rng, layer, x, batch_norm, params, forward=lambda x: layer.forward(x, train_flg=False))
    np.testing.assert_array_equal(layer.running_mean, mean)
    np.testing.assert_array_equal(layer.running_var, var)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_dropout_training_mode(rng, dtype):
    """Inverted dropout, as torch does it: each unit is either 0 or x / (1 - ratio); about
    `ratio` of them are dropped; backward lets the gradient through the same mask, scaled."""
    x = rng.standard_normal((50, 40)).astype(dtype) + 5  # no zeros in x
    layer = Dropout(0.3, rng=0)
    out = layer.forward(x)
    assert out.dtype == dtype
    kept = out != 0
    np.testing.assert_array_equal(kept, layer.mask)
    np.testing.assert_allclose(out[kept], x[kept] / 0.7, rtol=1e-6)
    assert abs((~kept).mean() - 0.3) < 0.03  # 2000 draws: the standard deviation is 0.01
    torch_out = F.dropout(tensor(x), p=0.3, training=True).detach().numpy()  # another mask,
    torch_kept = torch_out != 0  # the same scaling of the units it keeps
    np.testing.assert_allclose(torch_out[torch_kept], x[torch_kept] / 0.7, rtol=1e-6)
    dout = rng.standard_normal(x.shape).astype(dtype)
    dx = layer.backward(dout)
    assert dx.dtype == dtype
    np.testing.assert_allclose(dx, dout * kept / 0.7, rtol=1e-6)


def test_dropout_test_mode_is_the_identity(rng):
    """With train_flg=False the layer passes x and the gradient through unchanged."""
    x = rng.standard_normal((4, 5))
    layer = Dropout(0.5, rng=0)
    assert layer.forward(x, train_flg=False) is x
    dout = rng.standard_normal(x.shape)
    assert layer.backward(dout) is dout


def test_dropout_is_reproducible_with_a_seed(rng):
    """The same seed draws the same masks; another seed draws others; ratio 0 keeps all."""
    x = rng.standard_normal((20, 30))
    first, second, other = Dropout(0.5, rng=42), Dropout(0.5, rng=42), Dropout(0.5, rng=43)
    for _ in range(2):
        np.testing.assert_array_equal(first.forward(x), second.forward(x))
    assert not np.array_equal(first.forward(x), other.forward(x))
    np.testing.assert_array_equal(Dropout(0.0).forward(x), x)


# --- dtypes -----------------------------------------------------------------------------------

LAYER_FACTORIES = {
    "Relu": lambda: (Relu(), (2, 3, 4, 4)),
    "Sigmoid": lambda: (Sigmoid(), (2, 3, 4, 4)),
    "Affine": lambda: (Affine(np.ones((48, 5), np.float32), np.zeros(5, np.float32)), (2, 3, 4, 4)),
    "Dropout": lambda: (Dropout(0.5, rng=0), (2, 3, 4, 4)),
    "BatchNormalization-2D": lambda: (BatchNormalization(np.ones(6, np.float32), np.zeros(6, np.float32)), (4, 6)),
    "BatchNormalization-4D": lambda: (BatchNormalization(np.ones(3, np.float32), np.zeros(3, np.float32)), (2, 3, 4, 4)),
    "Convolution": lambda: (Convolution(np.ones((5, 3, 3, 3), np.float32), np.zeros(5, np.float32), 1, 1), (2, 3, 4, 4)),
    "Pooling-max": lambda: (Pooling(2, 2, pad=1, mode="max"), (2, 3, 4, 4)),
    "Pooling-avg": lambda: (Pooling(2, 2, pad=1, mode="avg"), (2, 3, 4, 4)),
}


@pytest.mark.parametrize("name", LAYER_FACTORIES)
def test_layers_keep_float32(rng, name):
    """float32 in, float32 out, forward and backward: nothing is promoted to float64."""
    layer, shape = LAYER_FACTORIES[name]()
    x = rng.standard_normal(shape).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


@pytest.mark.parametrize(
    "targets",
    [np.array([0, 2, 1]), np.eye(3, dtype=np.int64)[[0, 2, 1]], np.eye(3)[[0, 2, 1]]],
    ids=["labels", "int-one-hot", "float64-one-hot"],
)
def test_softmax_with_loss_keeps_float32(rng, targets):
    """float32 scores give a float32 dx, whatever the dtype of the targets."""
    layer = SoftmaxWithLoss()
    layer.forward(rng.standard_normal((3, 3)).astype(np.float32), targets)
    assert layer.y.dtype == np.float32
    assert layer.backward().dtype == np.float32


# --- numerical gradient checks (float64) ----------------------------------------------------


def test_affine_gradient_with_image_input(rng):
    """Affine on (N, C, H, W) input: dx (in that shape), dW and db match central differences."""
    x = rng.standard_normal((2, 3, 2, 2))
    layer = Affine(rng.standard_normal((12, 4)), rng.standard_normal(4))
    dout = rng.standard_normal((2, 4))
    errors = layer_gradient_errors(layer, x, dout, params=[(layer.W, "dW"), (layer.b, "db")])
    assert_gradients_ok(errors)


@pytest.mark.parametrize("layer_class", [Relu, Sigmoid])
def test_activation_gradients(rng, layer_class):
    """Relu and Sigmoid backward match central differences (x kept away from ReLU's kink)."""
    x = rng.standard_normal((3, 4))
    x[np.abs(x) < 0.01] = 0.5
    assert_gradients_ok(layer_gradient_errors(layer_class(), x, rng.standard_normal((3, 4))))


@pytest.mark.parametrize("one_hot", [False, True], ids=["labels", "one-hot"])
def test_softmax_with_loss_gradient(rng, one_hot):
    """dx of the mean cross-entropy matches central differences (dout = 1, the loss itself)."""
    x = rng.standard_normal((4, 5))
    t = rng.integers(0, 5, size=4)
    t = np.eye(5)[t] if one_hot else t
    layer = SoftmaxWithLoss()
    assert_gradients_ok(layer_gradient_errors(layer, x, 1.0, forward=lambda v: layer.forward(v, t)))


def test_dropout_gradient_with_a_fixed_mask(rng):
    """With the mask held fixed (the rng re-seeded before each forward), dx matches central
    differences."""
    layer = Dropout(0.4)
    x = rng.standard_normal((5, 6))

    def forward(v):
        layer.rng = np.random.default_rng(7)
        return layer.forward(v)

    assert_gradients_ok(layer_gradient_errors(layer, x, rng.standard_normal((5, 6)), forward=forward))


@pytest.mark.parametrize("train_flg", [True, False], ids=["train", "test"])
@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 3, 2)], ids=["2-D", "4-D"])
def test_batch_normalization_gradient(rng, shape, train_flg):
    """dx, dgamma and dbeta match central differences, through the batch statistics in
    training mode and with the running statistics as constants in test mode."""
    C = shape[1]
    layer = BatchNormalization(rng.standard_normal(C), rng.standard_normal(C), running_var=rng.random(C) + 0.5)
    x = rng.standard_normal(shape) * 2 + 1
    errors = layer_gradient_errors(
        layer,
        x,
        rng.standard_normal(shape),
        forward=lambda v: layer.forward(v, train_flg),
        params=[(layer.gamma, "dgamma"), (layer.beta, "dbeta")],
    )
    assert_gradients_ok(errors)


@pytest.mark.parametrize("FH, FW, stride, pad", [(3, 3, 1, 0), (3, 3, 2, 1), (2, 3, 1, 2), (1, 1, 2, 0)])
def test_convolution_gradient(rng, FH, FW, stride, pad):
    """Convolution's dx, dW and db match central differences, with stride and padding."""
    H, W = stride * 2 + FH - 2 * pad + stride, stride * 3 + FW - 2 * pad
    x = rng.standard_normal((2, 2, H, W))
    layer = Convolution(rng.standard_normal((3, 2, FH, FW)), rng.standard_normal(3), stride, pad)
    dout = rng.standard_normal(layer.forward(x).shape)
    errors = layer_gradient_errors(layer, x, dout, params=[(layer.W, "dW"), (layer.b, "db")])
    assert_gradients_ok(errors)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("pool_h, pool_w, stride, pad", [(2, 2, 2, 0), (3, 3, 1, 1), (2, 3, 2, 1)])
def test_pooling_gradient(rng, mode, pool_h, pool_w, stride, pad):
    """Pooling's dx matches central differences (random inputs: no ties), with padding."""
    H, W = sizes_for(3, 2, pool_h, pool_w, stride, pad)
    x = rng.standard_normal((2, 2, H, W))
    layer = Pooling(pool_h, pool_w, stride, pad, mode)
    dout = rng.standard_normal(layer.forward(x).shape)
    assert_gradients_ok(layer_gradient_errors(layer, x, dout))


# --- bad input --------------------------------------------------------------------------------


def conv(W_shape=(2, 1, 3, 3), **settings):
    """A Convolution with filters of ones of the given shape and matching biases."""
    return Convolution(np.ones(W_shape), np.ones(W_shape[0]), **settings)


def after_forward(layer, x):
    """The layer after a forward pass on x, ready for a backward error test."""
    layer.forward(x)
    return layer


def ones(*shape, dtype=float):
    """np.ones(shape), shorter in the tables below."""
    return np.ones(shape, dtype=dtype)


CONVOLUTION_ERRORS = [
    (lambda: conv((2, 3, 3)), r"W must be 4-D with shape \(FN, C, FH, FW\); got shape \(2, 3, 3\)"),
    (lambda: Convolution(np.ones((2, 3, 3, 3)), np.ones(3)), r"b must have shape \(FN,\) = \(2,\); got \(3,\)"),
    (lambda: conv(stride=0), r"stride must be at least 1, got 0"),
    (lambda: conv(stride=1.5), r"stride must be an integer, got 1\.5"),
    (lambda: conv(pad=-1), r"pad must be non-negative, got -1"),
    (lambda: conv().forward(ones(1, 5, 5)), r"x must be 4-D .* got a 3-D array of shape \(1, 5, 5\)"),
    (lambda: conv().forward(ones(1, 3, 5, 5)), r"x has 3 channels but the filters expect 1 \(W has shape \(2, 1, 3, 3\)\)"),
    (
        lambda: conv(stride=2).forward(ones(1, 1, 6, 7)),
        r"output size OH is not an integer: \(H \+ 2P - FH\) / S \+ 1 = \(6 \+ 2\*0 - 3\) / 2 \+ 1 = 2\.5",
    ),
    (lambda: conv(stride=2).forward(ones(1, 1, 7, 6)), r"output size OW is not an integer: .* \(6 \+ 2\*0 - 3\) / 2 \+ 1 = 2\.5"),
    (lambda: conv((2, 1, 5, 5), pad=1).forward(ones(1, 1, 2, 2)), r"filter size FH=5 is larger than the padded input"),
    (lambda: conv().forward(np.full((1, 1, 3, 3), "x")), r"x must hold real numbers; got dtype <U1"),
    (
        lambda: after_forward(conv(), ones(1, 1, 4, 4)).backward(ones(1, 2, 3, 3)),
        r"Convolution\.backward: dout has shape \(1, 2, 3, 3\), but forward produced an output of shape \(1, 2, 2, 2\)",
    ),
]

POOLING_ERRORS = [
    (lambda: Pooling(2, 2).forward(ones(4, 4)), r"x must be 4-D .* got a 2-D array"),
    (lambda: Pooling(3, 3, stride=1, pad=2), r"pad=2 is more than half the 3x3 window"),
    (lambda: Pooling(2, 4, stride=1, pad=2), r"pad=2 is more than half the 2x4 window"),
    (lambda: Pooling(2, 3), r"stride defaults to the window size, which is ambiguous for a 2x3 window"),
    (lambda: Pooling(2, 2, mode="min"), r"mode must be one of \('max', 'avg'\); got 'min'"),
    (lambda: Pooling(2, 2, stride=0), r"stride must be at least 1"),
    (lambda: Pooling(0, 2, stride=1), r"pool_h must be at least 1"),
    (lambda: Pooling(2, 2).forward(ones(1, 1, 5, 4)), r"output size OH is not an integer: .* \(5 \+ 2\*0 - 2\) / 2 \+ 1 = 2\.5"),
    (lambda: Pooling(2, 2).forward(ones(1, 1, 4, 4, dtype=complex)), r"x must hold real numbers"),
    (
        lambda: after_forward(Pooling(2, 2), ones(1, 1, 4, 4)).backward(ones(1, 1, 4, 4)),
        r"Pooling\.backward: dout has shape \(1, 1, 4, 4\), but forward produced an output of shape \(1, 1, 2, 2\)",
    ),
]

AFFINE_ERRORS = [
    (lambda: Affine(np.ones((4, 3)), np.ones(4)), r"Affine needs W: \(D, M\) and b: \(M,\); got W \(4, 3\), b \(4,\)"),
    (lambda: Affine(np.ones((4, 3)), np.ones(3)).forward(ones(4)), r"Affine expects x of shape \(N, 4\) .* got x of shape \(4,\)"),
    (lambda: Affine(np.ones((4, 3)), np.ones(3)).forward(ones(2, 5)), r"Affine expects x of shape \(N, 4\) .* got x of shape \(2, 5\)"),
    (lambda: Affine(np.ones((4, 3)), np.ones(3)).forward(np.full((2, 4), "a")), r"x must hold real numbers"),
    (lambda: after_forward(Affine(np.ones((4, 3)), np.ones(3)), ones(2, 4)).backward(ones(2, 4)), r"Affine\.backward: dout has shape \(2, 4\)"),
]

OTHER_LAYER_ERRORS = [
    (lambda: after_forward(Relu(), ones(2, 4)).backward(ones(4, 2)), r"Relu\.backward: dout has shape \(4, 2\)"),
    (lambda: after_forward(Sigmoid(), ones(2, 4)).backward(ones(8)), r"Sigmoid\.backward: dout has shape \(8,\)"),
    (lambda: after_forward(Dropout(0.5), ones(2, 4)).backward(ones(2, 3)), r"Dropout\.backward: dout has shape \(2, 3\)"),
    (lambda: Dropout(1.0), r"dropout_ratio must be in \[0, 1\); got 1\.0"),
    (lambda: Dropout(-0.1), r"dropout_ratio must be in \[0, 1\)"),
    (lambda: BatchNormalization(np.ones(3), np.ones(4)), r"gamma and beta must be 1-D of equal length; got \(3,\), \(4,\)"),
    (
        lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(ones(2, 4)),
        r"BatchNormalization with 3 features expects x of shape \(N, 3\) or \(N, 3, H, W\); got \(2, 4\)",
    ),
    (
        lambda: after_forward(BatchNormalization(np.ones(3), np.zeros(3)), ones(2, 3)).backward(ones(3, 3)),
        r"BatchNormalization\.backward: dout has shape \(3, 3\)",
    ),
    (lambda: SoftmaxWithLoss().forward(ones(3), np.array([0])), r"SoftmaxWithLoss expects scores of shape \(N, K\); got \(3,\)"),
    (lambda: SoftmaxWithLoss().forward(ones(2, 3), np.array([0, 3])), r"labels t must lie in \[0, 3\); got values from 0 to 3"),
    (lambda: SoftmaxWithLoss().forward(ones(2, 3), np.array([0, 1, 2])), r"t has 3 labels but the scores have 2 rows"),
    (lambda: SoftmaxWithLoss().forward(ones(2, 3), ones(2, 4)), r"got shape \(2, 4\)"),
]


@pytest.mark.parametrize(
    "call, message",
    [
        pytest.param(call, message, id=f"{group}-{number}")
        for group, cases in [("Convolution", CONVOLUTION_ERRORS), ("Pooling", POOLING_ERRORS), ("Affine", AFFINE_ERRORS), ("other", OTHER_LAYER_ERRORS)]
        for number, (call, message) in enumerate(cases)
    ],
)
def test_layer_errors(call, message):
    """Bad shapes, settings, dtypes and gradients raise a ValueError that names the problem."""
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "layer",
    [
        Relu(),
        Sigmoid(),
        Affine(ones(2, 2), ones(2)),
        BatchNormalization(ones(2), ones(2)),
        Convolution(ones(1, 1, 1, 1), ones(1)),
        Pooling(2, 2),
        SoftmaxWithLoss(),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_backward_before_forward(layer):
    """backward without a forward pass is a usage error, reported as such."""
    with pytest.raises(RuntimeError, match=r"backward called before forward"):
        layer.backward(np.ones((1, 1)))


# --- Padded max pooling: the padding never wins (issue 14) -----------------------------------


@pytest.mark.parametrize(
    "x",
    [
        pytest.param(np.zeros((1, 1, 4, 4), np.uint8), id="black-uint8"),
        pytest.param(np.full((2, 2, 6, 4), -np.inf), id="minus-inf"),
        pytest.param(np.full((1, 2, 4, 6), np.iinfo(np.int16).min, np.int16), id="int16-min"),
    ],
)
@pytest.mark.parametrize("pool_h, pool_w, stride, pad", [(3, 3, 1, 1), (2, 2, 2, 1), (4, 3, 1, 1), (2, 2, 1, 1)])
def test_padded_max_pooling_never_lets_the_padding_win(x, pool_h, pool_w, stride, pad):
    """When a window's real maximum equals the padding's value (the dtype's lowest), the
    gradient still goes to a real cell, the first one, like PyTorch: no unit of it is lost."""
    H, W = x.shape[2:]
    if (H + 2 * pad - pool_h) % stride or (W + 2 * pad - pool_w) % stride:
        pytest.skip("not a whole number of windows")
    layer = Pooling(pool_h, pool_w, stride=stride, pad=pad)
    out = layer.forward(x)
    dout = np.ones(out.shape)
    dx = layer.backward(dout)
    assert dx.sum() == dout.sum()  # every unit of gradient reaches a real cell
    # PyTorch, on the same values as float64 (it pools no uint8 with gradients).
    xt = tensor(x.astype(np.float64))
    F.max_pool2d(xt, (pool_h, pool_w), stride=stride, padding=pad).backward(torch.ones(out.shape, dtype=torch.float64))
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    np.testing.assert_array_equal(out, x.max() * np.ones(out.shape))


def test_black_image_keeps_all_sixteen_units_of_gradient():
    """The issue's example: 3x3 windows, stride 1, pad 1 on a black 4x4 uint8 image."""
    layer = Pooling(3, 3, stride=1, pad=1)
    layer.forward(np.zeros((1, 1, 4, 4), np.uint8))
    dx = layer.backward(np.ones((1, 1, 4, 4)))
    assert dx.sum() == 16
    # The first real cell of each window: (0, 0) for the four top-left windows, and so on.
    np.testing.assert_array_equal(dx[0, 0], [[4, 2, 2, 0], [2, 1, 1, 0], [2, 1, 1, 0], [0, 0, 0, 0]])


def test_first_real_cell():
    """Window numbers, row by row, of the first cell inside the image."""
    # 4x4 image, 3x3 windows, stride 1, pad 1: the top row and left column of windows start in the padding.
    np.testing.assert_array_equal(first_real_cell(4, 4, 3, 3, 1, 1), [[4, 3, 3, 3], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]])
    assert not first_real_cell(6, 6, 2, 2, 2, 0).any()


def test_max_pooling_keeps_only_a_small_record(rng):
    """Max pooling keeps arg_max (one byte per window) for backward, not its input."""
    x = rng.standard_normal((4, 3, 8, 8)).astype(np.float32)
    layer = Pooling(2, 2)
    layer.forward(x)
    kept = [value for value in vars(layer).values() if isinstance(value, np.ndarray)]
    assert [a.dtype for a in kept] == [np.int8] and sum(a.nbytes for a in kept) == x.size // 4


# --- Convolution: the library's image-by-image products are the book's method ------------------


@pytest.mark.parametrize("N, C, H, W, FN, FH, FW, stride, pad", CONV_CASES[::4], ids=CONV_IDS[::4])
def test_convolution_equals_the_book_method(rng, N, C, H, W, FN, FH, FW, stride, pad):
    """out, dx, dW and db equal the book's code (one product with col, col2im) in float64."""
    x = rng.standard_normal((N, C, H, W))
    weights, b = rng.standard_normal((FN, C, FH, FW)), rng.standard_normal(FN)
    layer = Convolution(weights, b, stride=stride, pad=pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)

    col = im2col(x, FH, FW, stride, pad)
    col_W = weights.reshape(FN, -1).T
    OH, OW = out.shape[2:]
    book_out = (col @ col_W + b).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)
    dout2 = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    np.testing.assert_allclose(out, book_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.db, np.sum(dout2, axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.dW, (col.T @ dout2).T.reshape(FN, C, FH, FW), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, col2im(dout2 @ col_W.T, x.shape, FH, FW, stride, pad), rtol=1e-12, atol=1e-12)
    # The matrices the book reads off the layer are still there, computed when read.
    np.testing.assert_array_equal(layer.col, col)
    np.testing.assert_array_equal(layer.col_W, col_W)


def test_convolution_caches_its_input_not_col(rng):
    """Between forward and backward the layer holds x (a reference), not im2col's matrix."""
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    layer = Convolution(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), np.zeros(4, np.float32), pad=1)
    assert layer.col is None
    layer.forward(x)
    assert layer.x is x
    assert not any(isinstance(v, np.ndarray) and v.size >= 2 * x.size for v in vars(layer).values())
