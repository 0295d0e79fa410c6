"""Numerical gradients: the slow, obviously correct check of a fast backward pass.

Backpropagation is easy to get subtly wrong (a missing transpose, a sum over the wrong
axis). Nudging each parameter by +-h and watching the loss change gives an independent
estimate of every partial derivative; if the two agree to many digits, backward is right.
Use float64: in float32 the rounding error of the loss swamps the differences.
"""

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "gradient_check"]


def numerical_gradient(f, x, h=1e-5, indices=None):
    """Central-difference gradient of the scalar function ``f`` at the array ``x``.

    dF/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h), one entry at a time. ``x`` is changed in
    place while ``f`` is evaluated (so ``f`` may read it through a layer that shares the
    array) and restored exactly afterwards.

    Parameters
    ----------
    f : callable
        Called with ``x`` (its argument may be ignored); returns a float.
    x : float array, any shape
    h : float
        The nudge.
    indices : sequence of int, optional
        Flat positions (into ``x.reshape(-1)``) of the entries to differentiate; by default
        all of them. Two evaluations of ``f`` per entry make a full gradient of a large
        array slow: a random sample of entries checks a backward pass almost as well.

    Returns
    -------
    grad : array of the shape and dtype of ``x``; with ``indices``, a 1-D array of the
        partial derivatives at those positions, in the same order.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"numerical_gradient needs a float array; got dtype {x.dtype}")
    flat = x.reshape(-1)  # a view: writing to it writes to x
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs a contiguous array it can modify in place")

    def partial(i):
        original = flat[i]
        flat[i] = original + h
        f_plus = f(x)
        flat[i] = original - h
        f_minus = f(x)
        flat[i] = original
        return (f_plus - f_minus) / (2 * h)

    if indices is None:
        return np.array([partial(i) for i in range(flat.size)], dtype=x.dtype).reshape(x.shape)
    return np.array([partial(i) for i in indices], dtype=x.dtype)


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||): 0 for equal arrays, 1 for unrelated ones.

    Scale-free, so the same threshold works for large and tiny gradients; 0 when both are 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


def gradient_check(network, x, t, keys=None, h=1e-5, sample=None, rng=None):
    """Compare ``network.gradient`` with numerical gradients, parameter by parameter.

    ``network`` needs ``params`` (dict of arrays), ``loss(x, t)`` and ``gradient(x, t)``.
    Returns ``{key: relative_error}``; in float64 a correct backward pass gives about 1e-8
    or less, a wrong one 1e-2 or more. Now and then a nudge of ``h`` carries a ReLU across
    its kink (or changes a pooling window's maximum) and spoils one entry; a smaller ``h``,
    such as 1e-6, makes that rarer.

    ``sample``: compare only this many randomly chosen entries of each parameter (every
    entry of a smaller one), for networks too large to differentiate numerically in full
    (DeepConvNet has about 120,000 parameters). ``rng``: a seed or
    ``numpy.random.Generator`` choosing those entries.
    """
    analytic = network.gradient(x, t)
    rng = np.random.default_rng(rng)
    errors = {}
    for key in list(network.params) if keys is None else keys:
        param = network.params[key]
        if sample is None or sample >= param.size:
            indices = np.arange(param.size)
        else:
            indices = rng.choice(param.size, size=sample, replace=False)
        numeric = numerical_gradient(lambda _: network.loss(x, t), param, h, indices)
        errors[key] = relative_error(np.reshape(analytic[key], -1)[indices], numeric)
    return errors
