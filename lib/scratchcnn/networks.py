"""Networks built from the layers: the course's SimpleConvNet and a deeper DeepConvNet.

A network is an ordered list of layers plus a loss layer. ``predict`` runs the layers
forward, ``loss`` adds the softmax cross-entropy, ``gradient`` runs everything backward
and collects dW, db from the layers that own parameters. The parameters live in
``network.params`` (``"W1"``, ``"b1"``, ...), the same arrays the layers use.
"""

import os
from collections import OrderedDict

import numpy as np

from .gradient import numerical_gradient
from .layers import Affine, BatchNormalization, Convolution, Dropout, Pooling, Relu, SoftmaxWithLoss
from .seeding import as_generator
from .util import check_images, conv_output_size

__all__ = ["ConvNet", "SimpleConvNet", "DeepConvNet"]


def _npz_path(file_name):
    """``file_name`` (a str or path) with ``.npz`` appended unless it already ends so."""
    name = os.fspath(file_name)
    return name if name.endswith(".npz") else name + ".npz"


class ConvNet:
    """What every network here shares: predict, loss, accuracy, gradient, save and load.

    A subclass builds ``self.params`` (dict of arrays), ``self.layers`` (OrderedDict of
    layers, in order) and ``self.param_layers`` ({"1": layer_name, ...}: which layer owns
    W1/b1, W2/b2, ...), then sets ``self.last_layer = SoftmaxWithLoss()``.

    ``rng``: a seed or ``numpy.random.Generator`` for the initial weights (and the dropout
    masks); None seeds it from NumPy's global state, so that ``np.random.seed(k)`` before
    building the network repeats it exactly (:mod:`scratchcnn.seeding`).
    """

    # Layers that behave differently in training and in testing: their forward takes train_flg.
    TRAIN_FLG_LAYERS = (Dropout, BatchNormalization)

    def __init__(self, input_dim, dtype, rng):
        if len(input_dim) != 3:
            raise ValueError(f"input_dim must be (C, H, W); got {input_dim}")
        self.input_dim = tuple(int(n) for n in input_dim)
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ValueError(f"dtype must be a float type; got {self.dtype}")
        self.rng = as_generator(rng)
        self.params = {}
        self.layers = OrderedDict()
        self.param_layers = {}
        self.last_layer = SoftmaxWithLoss()

    def _add_params(self, number, W, b):
        """Store W<number>, b<number> in the network's dtype; return the stored arrays."""
        self.params[f"W{number}"] = np.asarray(W, dtype=self.dtype)
        self.params[f"b{number}"] = np.asarray(b, dtype=self.dtype)
        return self.params[f"W{number}"], self.params[f"b{number}"]

    def _check_input(self, x):
        x = check_images(x)
        if x.shape[1:] != self.input_dim:
            raise ValueError(f"this network takes images of shape (N, {', '.join(map(str, self.input_dim))}); got {x.shape}")
        # Compute in the network's dtype: float64 images would otherwise make every layer
        # run in float64, about twice as slow.
        return x.astype(self.dtype, copy=False)

    def predict(self, x, train_flg=False):
        """Class scores (before softmax). x: (N, C, H, W) -> (N, output_size).

        ``train_flg`` is passed to every layer that takes it (Dropout, BatchNormalization).
        """
        x = self._check_input(x)
        for layer in self.layers.values():
            x = layer.forward(x, train_flg) if isinstance(layer, self.TRAIN_FLG_LAYERS) else layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """Mean cross-entropy loss. t: (N,) labels or (N, output_size) one-hot."""
        return self.last_layer.forward(self.predict(x, train_flg), t)

    def accuracy(self, x, t, batch_size=100):
        """Fraction of the images in x whose highest score is the right class.

        Runs in batches of ``batch_size`` (to bound memory); a last, smaller batch counts too.
        """
        t = np.asarray(t)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        if len(t) != len(x):
            raise ValueError(f"x has {len(x)} images but t has {len(t)} labels")
        if len(x) == 0:
            raise ValueError("accuracy of an empty set is undefined")
        return int(np.sum(self.predict_labels(x, batch_size) == t)) / len(x)

    def predict_labels(self, x, batch_size=100):
        """The predicted class of every image: x: (N, C, H, W) -> (N,) labels.

        The class with the highest score, computed in batches of ``batch_size`` (to bound
        memory), in test mode.
        """
        return np.concatenate(
            [np.argmax(self.predict(x[i : i + batch_size]), axis=1) for i in range(0, len(x), batch_size)]
        )

    def gradient(self, x, t):
        """Gradients of the loss by backpropagation: {"W1": dW1, "b1": db1, ...}.

        Runs forward in training mode (dropout active), then every layer backward. The
        first layer is not asked for a gradient of the input images: nothing uses it.
        """
        self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1)
        first, *others = self.layers.values()
        for layer in reversed(others):
            dout = layer.backward(dout)
        if isinstance(first, Convolution):
            first.backward(dout, input_grad=False)
        else:
            first.backward(dout)
        grads = {}
        for number, name in self.param_layers.items():
            layer = self.layers[name]
            grads[f"W{number}"], grads[f"b{number}"] = layer.dW, layer.db
        # What forward cached for backward (masks, inputs, arg_max) is not needed any more:
        # dropping it now, not at the next forward, takes it out of the memory a training
        # step keeps between steps.
        for layer in (*self.layers.values(), self.last_layer):
            for name in getattr(layer, "CACHE", ()):  # a layer of your own may have none
                setattr(layer, name, None)
        return grads

    def numerical_gradient(self, x, t):
        """The same gradients by central differences (slow: two losses per parameter).

        For checking ``gradient``; build the network with ``dtype=np.float64`` for this.
        The loss is taken in test mode, so for a network with dropout (where ``gradient``
        uses a random training mask) the two differ: check such a network with
        ``gradient_check`` on a loss and gradient that re-seed the Dropout layers' ``rng``
        before each evaluation, so that every evaluation drops the same units.
        """
        return {key: numerical_gradient(lambda _: self.loss(x, t), param) for key, param in self.params.items()}

    def save_params(self, file_name="params.npz"):
        """Save the parameters to a NumPy ``.npz`` file (plain arrays, no pickle).

        ``.npz`` is appended to a name that does not end with it (as ``np.savez`` does);
        ``load_params`` does the same, so both find the file under the name given.
        """
        np.savez(_npz_path(file_name), **self.params)

    def load_params(self, file_name="params.npz"):
        """Load parameters saved by ``save_params``, checking every name and shape.

        The arrays are copied into the existing ones, which the layers share. Files are read
        with ``allow_pickle=False``: a parameter file can never run code.
        """
        file_name = _npz_path(file_name)
        with np.load(file_name, allow_pickle=False) as data:
            missing = sorted(set(self.params) - set(data.files))
            extra = sorted(set(data.files) - set(self.params))
            if missing or extra:
                raise ValueError(f"{file_name} does not match this network: missing {missing}, unexpected {extra}")
            for key, param in self.params.items():
                if data[key].shape != param.shape:
                    raise ValueError(
                        f"{file_name}: {key} has shape {data[key].shape}, this network expects {param.shape}"
                    )
            for key, param in self.params.items():
                param[...] = data[key]


class SimpleConvNet(ConvNet):
    """The course's network: conv - relu - pool - affine - relu - affine - softmax.

    With the defaults, for MNIST (the shape of the data after each layer, N images)::

        input                  (N, 1, 28, 28)
        Conv1   30 5x5 filters  (N, 30, 24, 24)    W1: (30, 1, 5, 5)   b1: (30,)
        Relu1                   (N, 30, 24, 24)
        Pool1   2x2, stride 2   (N, 30, 12, 12)
        Affine1                 (N, 100)           W2: (4320, 100)     b2: (100,)
        Relu2                   (N, 100)
        Affine2                 (N, 10)            W3: (100, 10)       b3: (10,)
        SoftmaxWithLoss

    Weights start as ``weight_init_std`` times standard normal numbers, biases at zero.
    ``dtype``: float32 (fast) by default; use float64 for gradient checks. ``rng``: a seed
    or ``numpy.random.Generator`` for reproducible initial weights (None: from NumPy's
    global state, see ``ConvNet``).
    """

    def __init__(
        self,
        input_dim=(1, 28, 28),
        conv_param=None,
        hidden_size=100,
        output_size=10,
        weight_init_std=0.01,
        dtype=np.float32,
        rng=None,
    ):
        super().__init__(input_dim, dtype, rng)
        conv_param = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1, **(conv_param or {})}
        filter_num, filter_size = conv_param["filter_num"], conv_param["filter_size"]
        pad, stride = conv_param["pad"], conv_param["stride"]
        C, H, W = self.input_dim
        conv_h = conv_output_size(H, filter_size, stride, pad, axis="H")
        conv_w = conv_output_size(W, filter_size, stride, pad, axis="W")
        pool_h = conv_output_size(conv_h, 2, 2, axis="H")
        pool_w = conv_output_size(conv_w, 2, 2, axis="W")
        pool_output_size = filter_num * pool_h * pool_w

        normal = self.rng.standard_normal
        W1, b1 = self._add_params(1, weight_init_std * normal((filter_num, C, filter_size, filter_size)), np.zeros(filter_num))
        W2, b2 = self._add_params(2, weight_init_std * normal((pool_output_size, hidden_size)), np.zeros(hidden_size))
        W3, b3 = self._add_params(3, weight_init_std * normal((hidden_size, output_size)), np.zeros(output_size))

        self.layers["Conv1"] = Convolution(W1, b1, stride, pad)
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Affine1"] = Affine(W2, b2)
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(W3, b3)
        self.param_layers = {"1": "Conv1", "2": "Affine1", "3": "Affine2"}


class DeepConvNet(ConvNet):
    """A VGG-style network: six 3x3 convolutions, three poolings, two affine layers.

    For MNIST (N images)::

        conv 16 - relu - conv 16 - relu - pool      (N, 16, 14, 14)
        conv 32 - relu - conv 32 (pad 2) - relu - pool   (N, 32, 8, 8)
        conv 64 - relu - conv 64 - relu - pool      (N, 64, 4, 4)
        affine 50 - relu - dropout - affine 10 - softmax

    The fourth convolution pads by 2 (not 1) so that 14 grows to 16 and every pooling
    halves an even size. Weights use He initialisation, std = sqrt(2 / fan_in), the right
    scale for ReLU layers: each layer then keeps the variance of its input.
    """

    CONV_CHANNELS = (16, 16, 32, 32, 64, 64)
    CONV_PADS = (1, 1, 1, 2, 1, 1)
    POOL_AFTER = (2, 4, 6)  # a 2x2 pooling follows these convolutions

    def __init__(self, input_dim=(1, 28, 28), hidden_size=50, output_size=10, dropout_ratio=0.5, dtype=np.float32, rng=None):
        super().__init__(input_dim, dtype, rng)
        channels, height, width = self.input_dim
        normal = self.rng.standard_normal
        for number, (filter_num, pad) in enumerate(zip(self.CONV_CHANNELS, self.CONV_PADS), start=1):
            he_std = np.sqrt(2.0 / (channels * 3 * 3))
            W, b = self._add_params(number, he_std * normal((filter_num, channels, 3, 3)), np.zeros(filter_num))
            self.layers[f"Conv{number}"] = Convolution(W, b, stride=1, pad=pad)
            self.layers[f"Relu{number}"] = Relu()
            self.param_layers[str(number)] = f"Conv{number}"
            channels = filter_num
            height = conv_output_size(height, 3, 1, pad, axis="H")
            width = conv_output_size(width, 3, 1, pad, axis="W")
            if number in self.POOL_AFTER:
                self.layers[f"Pool{number // 2}"] = Pooling(2, 2, stride=2)
                height = conv_output_size(height, 2, 2, axis="H")
                width = conv_output_size(width, 2, 2, axis="W")

        fan_in = channels * height * width
        W, b = self._add_params(7, np.sqrt(2.0 / fan_in) * normal((fan_in, hidden_size)), np.zeros(hidden_size))
        self.layers["Affine1"] = Affine(W, b)
        self.layers["Relu7"] = Relu()
        self.layers["Dropout1"] = Dropout(dropout_ratio, rng=self.rng)
        W, b = self._add_params(8, np.sqrt(2.0 / hidden_size) * normal((hidden_size, output_size)), np.zeros(output_size))
        self.layers["Affine2"] = Affine(W, b)
        self.param_layers.update({"7": "Affine1", "8": "Affine2"})
