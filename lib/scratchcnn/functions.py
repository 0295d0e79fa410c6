"""Activation and loss functions, written to be numerically safe for any input.

Shapes: ``x`` is any array for the activations; for softmax and the losses the classes are
along the last axis, ``x: (N, K)`` for a batch of N samples and K classes.
"""

import numpy as np

__all__ = ["relu", "sigmoid", "softmax", "log_softmax", "cross_entropy_error"]


def relu(x):
    """max(0, x), elementwise."""
    return np.maximum(x, 0)


def sigmoid(x):
    """1 / (1 + exp(-x)), elementwise, accurate and overflow-free for any x.

    With ``e = exp(-|x|)``, which lies in (0, 1]: sigmoid(x) = 1 / (1 + e) for x >= 0, and
    e / (1 + e) for x < 0 (the same fraction with top and bottom multiplied by exp(x)).
    exp(-x) itself would overflow for large negative x, and the shortcut
    0.5 * (1 + tanh(x / 2)) cancels to exactly 0 where the sigmoid is tiny (x = -40).
    """
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


def log_softmax(x):
    """log(softmax(x)) along the last axis, computed without overflow.

    Subtracting the row maximum first leaves the result unchanged (softmax is invariant to
    adding a constant to every score) and keeps every exp() at most 1.
    """
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(x):
    """Probabilities along the last axis: exp(x_k) / sum_j exp(x_j), overflow-free."""
    return np.exp(log_softmax(x))


def cross_entropy_error(y, t):
    """Mean cross-entropy of predicted probabilities ``y`` against targets ``t``.

    Parameters
    ----------
    y : (N, K) or (K,) array
        Predicted probabilities (rows sum to 1).
    t : (N,) integer labels in [0, K), or (N, K) one-hot (or any probability) targets,
        or the matching single-sample shapes () / (K,).

    Returns
    -------
    float
        -sum_k t_k log y_k averaged over the N samples.
    """
    y = np.asarray(y)
    if y.ndim == 1:
        y, t = y[np.newaxis], np.asarray(t)[np.newaxis]
    # Probabilities can underflow to exactly 0; clip at the smallest positive number so that
    # log() stays finite. For any probability above that the result is exact.
    log_y = np.log(np.maximum(y, np.finfo(np.result_type(y, np.float32)).tiny))
    return nll_loss(log_y, t)


def nll_loss(log_y, t):
    """Mean negative log-likelihood given log-probabilities ``log_y: (N, K)``.

    ``t`` is (N,) integer labels or (N, K) target probabilities (e.g. one-hot).
    """
    t = check_targets(t, log_y.shape)
    N = log_y.shape[0]
    if t.ndim == 1:
        return float(-np.sum(log_y[np.arange(N), t]) / N)
    return float(-np.sum(t * log_y) / N)


def check_targets(t, score_shape):
    """Check targets ``t`` against scores of shape (N, K); return ``t`` as an array.

    Accepted: (N,) integer labels in [0, K), or (N, K) target probabilities.
    """
    t = np.asarray(t)
    N, K = score_shape
    if t.ndim == 1:
        if t.shape[0] != N:
            raise ValueError(f"t has {t.shape[0]} labels but the scores have {N} rows")
        if not np.issubdtype(t.dtype, np.integer):
            raise ValueError(f"labels t must be integers, got dtype {t.dtype}")
        if t.size and (t.min() < 0 or t.max() >= K):
            raise ValueError(f"labels t must lie in [0, {K}); got values from {t.min()} to {t.max()}")
    elif t.shape != (N, K):
        raise ValueError(
            f"t must be (N,) labels or (N, K) one-hot targets with (N, K) = {(N, K)}; got shape {t.shape}"
        )
    return t
