"""Optimizers: rules that turn gradients into parameter updates.

Every optimizer has ``update(params, grads)``: both are dictionaries of arrays with the same
keys (``"W1"``, ``"b1"``, ...). Parameters are changed **in place** (``p -= ...``), because
the layers of a network hold references to these very arrays; rebinding the dictionary entry
(``params[key] = p - ...``) would leave the layers training stale copies.

The formulas match ``torch.optim`` (the tests check this), so the two libraries take the same
steps from the same starting point. AdaGrad, RMSprop and Adam also share torch's defaults; SGD
and Momentum keep the book's lr = 0.01 (torch's SGD defaults to 0.001).
"""

import numpy as np

from .threads import over_batch
from .util import cache_parts

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "OPTIMIZERS", "get_optimizer"]


class Optimizer:
    """Common state: the learning rate, one buffer per parameter (created on first use) and
    ``iter``, the number of updates so far, the one under way included (Adam's t)."""

    # The buffers that shrink by a constant factor in every step where the gradient is zero
    # (Momentum's velocity, RMSprop's average, Adam's m and v): {buffer name: the attribute
    # holding the factor}. Where a gradient stays exactly zero (the weights of a unit that
    # never fires: 70,000 of SimpleConvNet's 432,000 in W2 after 13 epochs of the lecture's
    # run), such a buffer reaches the subnormal numbers, below float32's smallest normal one,
    # after some hundred steps, and a CPU computes with those through slow microcode assists:
    # Adam's update took 0.9 ms a step until epoch 13 and 2.95 ms from epoch 16 on, a quarter
    # of the whole step. So every few steps the entries below TINY times the smallest normal
    # number (8e-31 in float32: far too small to move any parameter) are set to zero, often
    # enough that none can shrink into the subnormals in between (see _flush_every).
    DECAYING = {}
    TINY = 2**26

    def __init__(self, lr):
        if lr <= 0:
            raise ValueError(f"learning rate lr must be positive; got {lr}")
        self.lr = lr
        self.state = {}
        self.iter = 0

    def _buffer(self, name, key, like):
        """A zero array shaped like ``like``, kept across steps under (name, key)."""
        if (name, key) not in self.state:
            self.state[name, key] = np.zeros_like(like)
        return self.state[name, key]

    def update(self, params, grads):
        self.iter += 1  # one time step for all parameters
        for key, grad in grads.items():
            self._step(key, params[key], grad)
        for name, factor in self.DECAYING.items():
            if self.iter % _flush_every(getattr(self, factor), self.TINY) == 0:
                for (buffer_name, _), buffer in self.state.items():
                    if buffer_name == name and np.issubdtype(buffer.dtype, np.floating):
                        np.putmask(buffer, np.abs(buffer) < self.TINY * np.finfo(buffer.dtype).tiny, 0)

    def _step(self, key, param, grad):
        raise NotImplementedError


def _flush_every(factor, tiny):
    """Steps between two flushes of a buffer that shrinks by ``factor`` each step: half the
    steps it takes to shrink an entry from ``tiny`` times the smallest normal number into
    the subnormals (85 for a factor of 0.9)."""
    if not 0 < factor < 1:
        return 1 << 62  # the buffer does not shrink by itself
    return max(1, int(np.log(tiny) / -np.log(factor)) // 2)


class SGD(Optimizer):
    """Plain gradient descent: p <- p - lr * g."""

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _step(self, key, param, grad):
        param -= self.lr * grad


class Momentum(Optimizer):
    """Gradient descent with a velocity: v <- momentum * v + g;  p <- p - lr * v."""

    DECAYING = {"v": "momentum"}  # see Optimizer

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = momentum

    def _step(self, key, param, grad):
        v = self._buffer("v", key, param)
        v *= self.momentum
        v += grad
        param -= self.lr * v


class Nesterov(Momentum):
    """Momentum that looks ahead: v <- momentum * v + g;  p <- p - lr * (g + momentum * v)."""

    def _step(self, key, param, grad):
        v = self._buffer("v", key, param)
        v *= self.momentum
        v += grad
        param -= self.lr * (grad + self.momentum * v)


class AdaGrad(Optimizer):
    """Per-parameter learning rates that shrink with the gradients seen so far.

    h <- h + g*g;  p <- p - lr * g / (sqrt(h) + eps).
    """

    def __init__(self, lr=0.01, eps=1e-10):
        super().__init__(lr)
        self.eps = eps

    def _step(self, key, param, grad):
        h = self._buffer("h", key, param)
        h += grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


class RMSprop(Optimizer):
    """AdaGrad with a forgetting average: h <- decay * h + (1 - decay) * g*g."""

    DECAYING = {"h": "decay_rate"}  # see Optimizer

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-8):
        super().__init__(lr)
        self.decay_rate = decay_rate
        self.eps = eps

    def _step(self, key, param, grad):
        h = self._buffer("h", key, param)
        h *= self.decay_rate
        h += (1 - self.decay_rate) * grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    """Momentum on the gradient (m) and RMSprop on its square (v), with bias correction.

    m <- beta1*m + (1-beta1)*g;  v <- beta2*v + (1-beta2)*g*g;
    p <- p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t),
    v_hat = v / (1 - beta2^t): early steps would otherwise be biased towards the zero start.
    """

    # The update makes ten passes over five arrays the size of the parameter (param, grad, m,
    # v and a scratch array). For a large matrix they do not fit in a core's cache together
    # (SimpleConvNet's W2: 5 x 1.7 MB), and each pass would read them from main memory again;
    # taken a few hundred kilobytes of rows at a time, the passes after the first find them
    # in the cache. The numbers are the same: each one's update involves only itself.
    # Measured for W2 on one core: 1.08 ms whole; 1.27, 0.96, 0.80, 0.73 and 0.73 ms in parts
    # of 16, 32, 64, 128 and 256 KiB (a part costs ten NumPy calls, so not smaller). Only
    # when the update runs on one thread: with several, each NumPy call may leave a thread
    # waiting for the interpreter lock, and the extra calls cost more than the cache saves
    # (SimpleConvNet's update on 2 threads: 0.85 ms with W2 whole, 1.05 ms in parts of 256 KiB).
    CACHE_BYTES = 256 << 10

    DECAYING = {"m": "beta1", "v": "beta2"}  # see Optimizer

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps

    def _step(self, key, param, grad):
        m = self._buffer("m", key, param)
        v = self._buffer("v", key, param)
        grad = np.asarray(grad)
        step = self.lr / (1 - self.beta1**self.iter)
        v_scale = np.sqrt(1 - self.beta2**self.iter)

        def adam(part):  # a slice of the rows: the threads split a large matrix (see scratchcnn.threads)
            p, g, m_part, v_part = param[part], grad[part], m[part], v[part]
            # On one thread (part is ...: no split), the rows a few at a time (see CACHE_BYTES).
            one_thread = part is ... and p.ndim > 0
            for rows in cache_parts(len(p), p.nbytes // max(1, len(p)), self.CACHE_BYTES) if one_thread else [...]:
                self._adam(p[rows], g[rows], m_part[rows], v_part[rows], step, v_scale)

        over_batch(adam, len(param) if param.ndim else 0, param.size)

    def _adam(self, param, grad, m, v, step, v_scale):
        """The update of the class docstring, in place; step = lr / (1 - beta1^t),
        v_scale = sqrt(1 - beta2^t)."""
        # One scratch array for every intermediate, filled with out=: the same operations in
        # the same order as the formulas above (so the same numbers), without allocating a
        # new parameter-sized array for each of them.
        tmp = np.multiply(grad, 1 - self.beta1, out=np.empty_like(param), dtype=param.dtype)  # out=: an array even for a 0-d parameter
        m *= self.beta1
        m += tmp  # m = beta1*m + (1-beta1)*g
        np.multiply(grad, grad, out=tmp)
        tmp *= 1 - self.beta2
        v *= self.beta2
        v += tmp  # v = beta2*v + (1-beta2)*g*g
        denom = np.sqrt(v, out=tmp)
        denom /= v_scale
        denom += self.eps
        np.divide(m, denom, out=tmp)  # m_hat / (sqrt(v_hat) + eps), up to the factor in step
        tmp *= step
        param -= tmp


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get_optimizer(name, **params):
    """Build an optimizer from its name (case-insensitive), e.g. ``get_optimizer("Adam", lr=1e-3)``."""
    try:
        cls = OPTIMIZERS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
    return cls(**params)
