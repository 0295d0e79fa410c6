"""Layers: each a class with ``forward`` and ``backward``, caching what backward needs.

The contract, the same for every layer:

* ``out = layer.forward(x)`` computes the output and remembers what the gradient needs.
* ``dx = layer.backward(dout)`` takes dL/d(out), same shape as ``out``, and returns dL/dx,
  same shape as ``x``. Layers with parameters also store dL/dW and dL/db in ``dW``, ``db``.
* ``CACHE`` names the attributes in which forward keeps what backward needs. A network
  lets go of them once its backward pass is done (:meth:`scratchcnn.networks.ConvNet.gradient`),
  as PyTorch frees what it saved for backward: they are only needed until then.

Parameter layers keep a *reference* to the arrays they are given (``self.W = W``, no copy):
the network's ``params`` dictionary and the layers share the same arrays, so an optimizer
that updates ``params`` in place updates the layers too.

Image batches are (N, C, H, W). Arrays keep their dtype: float32 in, float32 out.
"""

import numpy as np

from . import fastconv
from .functions import check_targets, log_softmax, nll_loss, sigmoid
from .seeding import as_generator
from .threads import over_batch
from .util import (
    _check_int,
    cache_pieces,
    check_images,
    check_real,
    col2im_by_image,
    col_by_image,
    conv_output_size,
    fold_disjoint_windows,
    fold_windows,
    im2col,
    sliding_windows,
)

__all__ = [
    "Relu",
    "Sigmoid",
    "Affine",
    "SoftmaxWithLoss",
    "Dropout",
    "BatchNormalization",
    "Convolution",
    "Pooling",
]


def _check_dout(dout, expected_shape, layer):
    """Raise if the upstream gradient does not have the shape of the forward output."""
    if expected_shape is None:
        raise RuntimeError(f"{layer}.backward called before forward")
    if np.shape(dout) != expected_shape:
        raise ValueError(
            f"{layer}.backward: dout has shape {np.shape(dout)}, but forward produced an output "
            f"of shape {expected_shape}; dout must have the shape of the output"
        )


class Relu:
    """max(0, x), elementwise. x: any shape.

    Caches ``mask``: where x > 0, the only places the gradient flows through.
    """

    CACHE = ("mask",)

    def __init__(self):
        self.mask = None

    def forward(self, x):
        x = np.asarray(x)
        out = np.empty(x.shape, dtype=np.result_type(x, 0))
        self.mask = np.empty(x.shape, dtype=bool)

        def relu(part):  # a slice of the batch: the threads split it (see scratchcnn.threads)
            np.maximum(x[part], 0, out=out[part])
            # The mask is read from out, not x: the same cells (out > 0 exactly where x > 0),
            # and out is stored compactly even when x is a view, such as a convolution's output.
            np.greater(out[part], 0, out=self.mask[part])

        over_batch(relu, len(x) if x.ndim else 0, x.size)
        return out

    def backward(self, dout):
        _check_dout(dout, None if self.mask is None else self.mask.shape, "Relu")
        dout = np.asarray(dout)
        dx = np.empty(dout.shape, dtype=np.result_type(dout, self.mask))

        def relu_grad(part):
            # Multiplying by the boolean mask is several times faster than np.where(mask, dout, 0).
            np.multiply(dout[part], self.mask[part], out=dx[part])

        over_batch(relu_grad, len(dout) if dout.ndim else 0, dout.size)
        return dx


class Sigmoid:
    """1 / (1 + exp(-x)), elementwise. x: any shape.

    Caches its output ``out``: the derivative is out * (1 - out).
    """

    CACHE = ("out",)

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        _check_dout(dout, None if self.out is None else self.out.shape, "Sigmoid")
        return dout * self.out * (1 - self.out)


class Affine:
    """Fully connected layer: out = x @ W + b.

    W: (D, M), b: (M,). ``forward`` accepts x: (N, D) or any (N, ...) whose trailing axes
    hold D numbers, e.g. (N, C, H, W) feature maps with D = C*H*W; it flattens each sample
    and ``backward`` returns dx in the original shape.
    """

    CACHE = ("x", "original_x_shape")

    def __init__(self, W, b):
        if np.ndim(W) != 2 or np.shape(b) != (np.shape(W)[1],):
            raise ValueError(f"Affine needs W: (D, M) and b: (M,); got W {np.shape(W)}, b {np.shape(b)}")
        self.W = W
        self.b = b
        self.x = None  # flattened input, (N, D)
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        x = check_real(x)
        D = self.W.shape[0]
        if x.ndim < 2 or np.prod(x.shape[1:]) != D:
            raise ValueError(
                f"Affine expects x of shape (N, {D}) or (N, ...) with {D} numbers per sample "
                f"(W has shape {self.W.shape}); got x of shape {x.shape}"
            )
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], D)

        def affine(features):  # a slice of the D input features: the threads split them
            return self.x[:, features] @ self.W[features]

        # x @ W is a sum over the D features, so each thread takes a slice of them (see
        # scratchcnn.threads) and their shares add up: each thread reads only its rows of
        # W, where a split of the batch would have every thread read all of W.
        first, *others = over_batch(affine, D, self.x.size + self.W.size)
        return sum(others, first + self.b)

    def backward(self, dout):
        _check_dout(dout, None if self.x is None else (self.x.shape[0], self.W.shape[1]), "Affine")
        dout = np.asarray(dout)
        dx = np.empty(self.x.shape, dtype=np.result_type(dout, self.W))
        dW = np.empty(self.W.shape, dtype=np.result_type(self.x, dout))

        def affine_grad(features):  # a slice of the D input features: its columns of dx, its rows of dW
            np.matmul(dout, self.W[features].T, out=dx[:, features])  # dx = dout @ W.T
            np.matmul(self.x[:, features].T, dout, out=dW[features])  # dW = x.T @ dout

        over_batch(affine_grad, self.W.shape[0], self.x.size + self.W.size)
        self.dW = dW
        self.db = np.sum(dout, axis=0)
        return dx.reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy loss, as one layer.

    forward(x: (N, K) scores, t: (N,) labels or (N, K) one-hot) -> mean loss (float).
    backward(dout=1) -> dx: (N, K) = dout * (softmax(x) - t) / N, the famously simple
    gradient that is the reason the two are fused.

    Caches the probabilities ``y`` and the targets ``t``.
    """

    CACHE = ("y", "t")

    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        x = np.asarray(x)
        if x.ndim != 2:
            raise ValueError(f"SoftmaxWithLoss expects scores of shape (N, K); got {x.shape}")
        self.t = check_targets(t, x.shape)
        log_y = log_softmax(x)
        self.y = np.exp(log_y)
        self.loss = nll_loss(log_y, self.t)
        return self.loss

    def backward(self, dout=1):
        if self.y is None:
            raise RuntimeError("SoftmaxWithLoss.backward called before forward")
        N = self.y.shape[0]
        if self.t.ndim == 2:
            # In the dtype of the scores: integer or float64 one-hot targets must not turn
            # a float32 gradient into float64.
            dx = np.subtract(self.y, self.t, dtype=self.y.dtype)
        else:
            dx = self.y.copy()
            dx[np.arange(N), self.t] -= 1
        return dx * (dout / N)


class Dropout:
    """Randomly silence a fraction ``dropout_ratio`` of the units during training.

    "Inverted" dropout, as PyTorch does it: the kept units are scaled by 1 / (1 - ratio)
    during training, so that at test time the layer is simply the identity.

    forward(x, train_flg=True), x: any shape. Caches the ``mask`` of kept units.
    ``rng``: a ``numpy.random.Generator`` or a seed to make the masks reproducible; None
    seeds it from NumPy's global state, so ``np.random.seed`` repeats them too (see
    :mod:`scratchcnn.seeding`).
    """

    CACHE = ()  # not the mask: None means "forward ran in test mode", and backward is then the identity

    def __init__(self, dropout_ratio=0.5, rng=None):
        if not 0 <= dropout_ratio < 1:
            raise ValueError(f"dropout_ratio must be in [0, 1); got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = as_generator(rng)
        self.mask = None
        self.scale = 1 / (1 - dropout_ratio)

    def forward(self, x, train_flg=True):
        if not train_flg:
            self.mask = None
            return x
        self.mask = self.rng.random(np.shape(x)) >= self.dropout_ratio
        return x * (self.mask * np.asarray(self.scale, dtype=np.result_type(x, np.float32)))

    def backward(self, dout):
        if self.mask is None:  # forward ran in test mode: the identity
            return dout
        _check_dout(dout, self.mask.shape, "Dropout")
        return dout * (self.mask * np.asarray(self.scale, dtype=np.result_type(dout, np.float32)))


class BatchNormalization:
    """Normalise each feature over the batch, then scale by ``gamma`` and shift by ``beta``.

    x: (N, D) with gamma, beta: (D,); or x: (N, C, H, W) with gamma, beta: (C,), where each
    channel is normalised over (N, H, W) as PyTorch's BatchNorm2d does.

    forward(x, train_flg=True): training uses the batch mean and (biased) variance and
    updates ``running_mean``/``running_var`` as momentum * running + (1 - momentum) * batch;
    testing uses the running statistics, which backward then treats as constants.
    backward stores ``dgamma`` and ``dbeta``.
    """

    CACHE = ("input_shape", "xn", "std")

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-5):
        if np.ndim(gamma) != 1 or np.shape(beta) != np.shape(gamma):
            raise ValueError(f"gamma and beta must be 1-D of equal length; got {np.shape(gamma)}, {np.shape(beta)}")
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.eps = eps
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.input_shape = None
        self.xn = None  # normalised input, (M, D) with M samples of D features
        self.std = None
        self.train_flg = None  # whether the last forward used the batch statistics
        self.dgamma = None
        self.dbeta = None

    def _as_2d(self, x):
        """(N, D) stays; (N, C, H, W) -> (N*H*W, C): one row per sample-and-pixel."""
        D = self.gamma.shape[0]
        if x.ndim == 2 and x.shape[1] == D:
            return x
        if x.ndim == 4 and x.shape[1] == D:
            return x.transpose(0, 2, 3, 1).reshape(-1, D)
        raise ValueError(f"BatchNormalization with {D} features expects x of shape (N, {D}) or (N, {D}, H, W); got {x.shape}")

    def _from_2d(self, y):
        if len(self.input_shape) == 2:
            return y
        N, C, H, W = self.input_shape
        return y.reshape(N, H, W, C).transpose(0, 3, 1, 2)

    def forward(self, x, train_flg=True):
        x = np.asarray(x)
        self.input_shape = x.shape
        x2 = self._as_2d(x)
        if train_flg:
            mu = x2.mean(axis=0)
            var = x2.var(axis=0)
            self.running_mean[...] = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var[...] = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            mu, var = self.running_mean, self.running_var
        self.train_flg = train_flg
        self.std = np.sqrt(var + self.eps)
        self.xn = (x2 - mu) / self.std
        return self._from_2d(self.gamma * self.xn + self.beta)

    def backward(self, dout):
        _check_dout(dout, self.input_shape, "BatchNormalization")
        dy = self._as_2d(np.asarray(dout))
        self.dbeta = dy.sum(axis=0)
        self.dgamma = np.sum(dy * self.xn, axis=0)
        g = dy * self.gamma
        if self.train_flg:
            # The batch mean and variance depend on x too. The gradient through them,
            # simplified: dx = (g - mean(g) - xn * mean(g * xn)) / std.
            dx = (g - g.mean(axis=0) - self.xn * np.mean(g * self.xn, axis=0)) / self.std
        else:
            # Test mode: the running statistics are constants, the layer is elementwise affine.
            dx = g / self.std
        return self._from_2d(dx)


class Convolution:
    """Convolution layer (cross-correlation, as every deep-learning library computes it).

    W: (FN, C, FH, FW) filters, b: (FN,) one bias per filter, ``stride`` S, ``pad`` P.
    forward(x: (N, C, H, W)) -> out: (N, FN, OH, OW).

    With im2col the whole layer is one matrix product:
    ``col: (N*OH*OW, C*FH*FW) @ col_W: (C*FH*FW, FN) -> (N*OH*OW, FN)``.

    Three ways in which this layer differs from the book's code (chapters 7 to 9), for
    speed and memory, none changing a single result beyond rounding:

    * With stride 1 (every convolution of the book's networks) it takes a faster route to
      the same products, :mod:`scratchcnn.fastconv`: the batch taken in parts, each part's
      col copied once and used at once (the col of the whole batch never exists), the bias
      folded into the product, the cores sharing the batch. Other strides run the code
      below, the book's method.
    * The product is taken image by image, ``col_W.T @ (image n's rows of col).T``, which
      gives each image's (FN, OH*OW) output already in the output's (N, FN, OH, OW) order:
      no transpose afterwards, and BLAS computes N short, wide products faster than one tall
      product with FN columns. See :func:`~scratchcnn.util.col_by_image`.
    * It caches only the input ``x`` for the backward pass, not ``col``: col is about
      FH*FW/S^2 times larger than x (25 times for SimpleConvNet's 5x5 filters) and im2col is
      cheap next to the products, so backward recomputes it, as PyTorch does. ``layer.col``
      and ``layer.col_W`` still give the book's matrices: they are computed when read. (So do
      not change the input array in place between forward and backward.)

    Stores ``dW`` and ``db`` in backward.
    """

    CACHE = ("x", "out_shape")

    def __init__(self, W, b, stride=1, pad=0):
        if np.ndim(W) != 4:
            raise ValueError(f"W must be 4-D with shape (FN, C, FH, FW); got shape {np.shape(W)}")
        if np.shape(b) != (np.shape(W)[0],):
            raise ValueError(f"b must have shape (FN,) = ({np.shape(W)[0]},); got {np.shape(b)}")
        self.W = W
        self.b = b
        self.stride = _check_int(stride, "stride", 1)
        self.pad = _check_int(pad, "pad", 0)
        self.x = None
        self.out_shape = None
        self.dW = None
        self.db = None

    @property
    def col(self):
        """The im2col matrix of the last forward's input, shape (N*OH*OW, C*FH*FW), or None before forward."""
        if self.x is None:
            return None
        _, _, FH, FW = self.W.shape
        return im2col(self.x, FH, FW, self.stride, self.pad)

    @property
    def col_W(self):
        """The filters as columns, shape (C*FH*FW, FN), one filter per column."""
        return self.W.reshape(self.W.shape[0], -1).T

    def forward(self, x):
        x = check_images(x)
        FN, C, FH, FW = self.W.shape
        N, x_C, H, W = x.shape
        if x_C != C:
            raise ValueError(
                f"x has {x_C} channels but the filters expect {C} (W has shape {self.W.shape}); "
                "the channel axis of x (axis 1) must match axis 1 of W"
            )
        out_h = conv_output_size(H, FH, self.stride, self.pad, axis="H")
        out_w = conv_output_size(W, FW, self.stride, self.pad, axis="W")

        self.x = x  # not col: backward recomputes it (see the class docstring)
        self.out_shape = (N, FN, out_h, out_w)
        if self.stride == 1:
            return fastconv.conv_forward(x, self.W, self.b, self.pad)

        col = im2col(x, FH, FW, self.stride, self.pad)  # (N*OH*OW, C*FH*FW)
        col_W = self.W.reshape(FN, -1).T  # (C*FH*FW, FN): one filter per column
        # col @ col_W, image by image: (FN, C*FH*FW) @ (C*FH*FW, OH*OW) for each of the N
        # images -> (N, FN, OH*OW), the output's own order. The dtype also holds b: integer
        # images and filters with a float bias must not fail at the in-place addition below.
        out = np.matmul(col_W.T, col_by_image(col, N), dtype=np.result_type(col, col_W, self.b))
        out += self.b[:, np.newaxis]  # in place, one bias per filter (row of each image's block)
        return out.reshape(self.out_shape)

    def backward(self, dout, input_grad=True):
        """dout: (N, FN, OH, OW) -> dx: (N, C, H, W); stores dW: (FN, C, FH, FW), db: (FN,).

        The book's formulas, ``db = sum(dout)``, ``dW = col.T @ dout``, ``dcol = dout @ col_W.T``
        and ``dx = col2im(dcol)``, with ``dout`` and ``col`` taken image by image as in
        forward (one (FN, OH*OW) block of dout and one (C*FH*FW, OH*OW) block of col per image).

        With ``input_grad=False`` only dW and db are computed and None is returned: the
        first layer of a network needs no dx (nothing learns from the input images), and
        skipping col2im saves a good part of its backward pass.
        """
        _check_dout(dout, self.out_shape, "Convolution")
        if self.stride == 1:
            dx, self.dW, self.db = fastconv.conv_backward(self.x, self.W, np.asarray(dout), self.pad, input_grad)
            return dx

        FN, C, FH, FW = self.W.shape
        N = self.out_shape[0]
        dout = np.asarray(dout).reshape(N, FN, -1)  # (N, FN, OH*OW): block n is image n's dout.T
        col = col_by_image(self.col, N)  # (N, C*FH*FW, OH*OW): im2col again, from the cached x

        self.db = dout.sum(axis=(0, 2))  # each filter's bias is added at every position of every image
        # dW = col.T @ dout, summed image by image: (N, FN, C*FH*FW) -> (FN, C*FH*FW).
        self.dW = (dout @ col.transpose(0, 2, 1)).sum(axis=0).reshape(FN, C, FH, FW)
        if not input_grad:
            return None
        # dcol = dout @ col_W.T, image by image: (C*FH*FW, FN) @ (FN, OH*OW) -> (N, C*FH*FW, OH*OW).
        dcol = self.col_W @ dout
        # Each input cell was copied into several rows of col; its gradient is the sum.
        return col2im_by_image(dcol, self.x.shape, FH, FW, self.stride, self.pad)


def first_real_cell(H, W, pool_h, pool_w, stride, pad):
    """For every pooling window, the number k = i * pool_w + j of its first cell (row by row)
    that lies inside the image rather than in the padding: an (OH, OW) int array.

    Window (oh, ow) starts at input row oh*S - P and column ow*S - P, so its first real row is
    i = max(0, P - oh*S) and its first real column j = max(0, P - ow*S). Without padding it
    is 0 for every window.
    """
    OH = conv_output_size(H, pool_h, stride, pad, axis="H")
    OW = conv_output_size(W, pool_w, stride, pad, axis="W")
    i = np.maximum(pad - stride * np.arange(OH), 0)
    j = np.maximum(pad - stride * np.arange(OW), 0)
    return i[:, np.newaxis] * pool_w + j[np.newaxis, :]


class Pooling:
    """Max or average pooling over (pool_h, pool_w) windows, channel by channel.

    forward(x: (N, C, H, W)) -> out: (N, C, OH, OW), with OH = (H + 2P - pool_h) / S + 1.
    ``stride`` defaults to the window size (non-overlapping windows).

    The windows are the ones im2col would cut out. Instead of copying them into rows (one
    window per row, then a max along each row: the book's method, chapters 6 and 7), the
    layer walks over the pool_h*pool_w cells of the window and compares whole arrays at once,
    cell (0, 0) of every window against cell (0, 1) of every window, and so on: a few passes
    over small arrays instead of one copy of the input per window cell. Chapter 8 ("How the
    library pools without the copy") shows the two agree.

    Padding: max pooling never lets a padded cell win, whatever the input (even a black
    uint8 image or -inf values, which equal the padding's value): the first real cell of
    each window always starts as its maximum. Average pooling counts the padded zeros, i.e.
    always divides by pool_h * pool_w. Padding may be at most half the window, so that every
    window contains at least one real cell.

    For max pooling caches ``arg_max``: (N, C, OH, OW), the position of the maximum inside
    each window, numbered row by row (0 .. pool_h*pool_w - 1); the first one wins a tie.
    Backward sends each window's gradient to that position. The input itself is not kept,
    only its shape and dtype: arg_max (one byte per window) is all backward needs.
    """

    CACHE = ("arg_max", "out_shape")

    MODES = ("max", "avg")

    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        self.pool_h = _check_int(pool_h, "pool_h", 1)
        self.pool_w = _check_int(pool_w, "pool_w", 1)
        if stride is None:
            if pool_h != pool_w:
                raise ValueError(
                    f"stride defaults to the window size, which is ambiguous for a {pool_h}x{pool_w} "
                    "window: pass stride explicitly (one stride is used for both axes)"
                )
            stride = pool_h
        self.stride = _check_int(stride, "stride", 1)
        self.pad = _check_int(pad, "pad", 0)
        if 2 * self.pad > min(self.pool_h, self.pool_w):
            raise ValueError(
                f"pad={pad} is more than half the {pool_h}x{pool_w} window: some windows would "
                "hold nothing but padding"
            )
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}; got {mode!r}")
        self.mode = mode
        self.input_shape = None
        self.input_dtype = None
        self.arg_max = None
        self.out_shape = None

    def _cells(self):
        """(k, i, j) for every cell (i, j) of the window, k = i * pool_w + j."""
        return [(i * self.pool_w + j, i, j) for i in range(self.pool_h) for j in range(self.pool_w)]

    def forward(self, x):
        x = check_images(x)
        if self.mode == "max":
            # Padding holds the lowest value of the dtype, so it never beats a real cell...
            low = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
            windows = sliding_windows(x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=low)
            # ...and cannot win a tie either: the first real cell of each window is made its
            # maximum, whatever it holds (the cells before it are all padding).
            first_real = first_real_cell(*x.shape[2:], self.pool_h, self.pool_w, self.stride, self.pad)
            out = np.empty(windows.shape[:4], dtype=x.dtype)
            # Window positions fit in int8 for any window up to 11x11; int16 beyond.
            self.arg_max = np.empty(out.shape, dtype=np.min_scalar_type(-self.pool_h * self.pool_w))

            def max_pool(part):  # a slice of the batch (see scratchcnn.threads), piece by piece
                for images in cache_pieces(part, len(x), x.nbytes // max(1, len(x))):
                    self._max_of_windows(windows[images], first_real, out[images], self.arg_max[images])

            over_batch(max_pool, len(x), x.size)
        else:
            windows = sliding_windows(x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=0)
            # Integer images average to floats; float32 stays float32.
            out = np.zeros_like(windows[..., 0, 0], dtype=np.result_type(x.dtype, np.float32))
            for _, i, j in self._cells():
                out += windows[..., i, j]
            out /= self.pool_h * self.pool_w
        self.input_shape, self.input_dtype = x.shape, x.dtype
        self.out_shape = out.shape
        return out

    def _max_of_windows(self, windows, first_real, out, arg_max):
        """The maximum of each window into ``out`` and its position into ``arg_max``.

        windows: (n, C, OH, OW, pool_h, pool_w) view; out, arg_max: (n, C, OH, OW);
        first_real: (OH, OW), see :func:`first_real_cell`. A walk over the window's cells.
        """
        np.copyto(out, windows[..., 0, 0])
        arg_max[...] = 0
        cell = np.empty_like(out)
        for k, i, j in self._cells()[1:]:
            # Cell (i, j) of every window, copied once into a compact array: the two
            # passes below then read it faster than the scattered window cells.
            np.copyto(cell, windows[..., i, j])
            better = cell > out  # strictly: the first maximum wins a tie
            if self.pad:
                better |= first_real == k  # (OH, OW), the same for every image and channel
            np.maximum(out, cell, out=out)
            # k grows along the walk, so the last k that beat the maximum so far is the
            # largest such k: a max() records it without a slow np.where.
            np.maximum(arg_max, better * arg_max.dtype.type(k), out=arg_max)

    def backward(self, dout):
        """dout: (N, C, OH, OW) -> dx: (N, C, H, W)."""
        _check_dout(dout, self.out_shape, "Pooling")
        dout = np.asarray(dout)
        # window_grad(i, j) gives the gradient of cell (i, j) of every window; with ``out``
        # (windows that do not overlap) it writes it there, straight into dx; ``part``: only
        # for a slice of the batch.
        if self.mode == "max":
            # Only the maximum of each window reached the output: all its gradient goes there.
            def window_grad(i, j, out=None, part=...):
                return np.multiply(dout[part], self.arg_max[part] == i * self.pool_w + j, out=out)
        else:
            # Every cell of a window contributed 1/(pool_h*pool_w) of the average.
            share = dout / (self.pool_h * self.pool_w)

            def window_grad(i, j, out=None, part=...):
                return share if out is None else np.copyto(out, share[part])
        dtype = np.result_type(self.input_dtype, dout.dtype)
        window = (self.input_shape, self.pool_h, self.pool_w, self.stride, self.pad)
        if self.stride >= max(self.pool_h, self.pool_w):
            # Windows that do not overlap (the usual case): each cell is written once.
            return fold_disjoint_windows(window_grad, *window, dtype)
        return fold_windows(window_grad, *window, like=dout, dtype=dtype)
