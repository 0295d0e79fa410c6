"""Where the random numbers come from: one rule for networks, Dropout and the Trainer.

Every class that draws random numbers (initial weights, dropout masks, the order of the
mini-batches) takes an ``rng`` argument and turns it into a ``numpy.random.Generator`` with
:func:`as_generator`:

* a ``Generator`` is used as it is (so several objects can share one stream);
* an integer (or any seed ``np.random.default_rng`` accepts) starts a new stream: the same
  seed, the same numbers;
* ``None`` draws a seed from NumPy's *global* random state. The book's readers write
  ``np.random.seed(0)`` before building and training a network, as in most NumPy code, and
  expect the same run again: with this rule they get it, bit for bit (the same initial
  weights, batch order and dropout masks), and without a call to ``np.random.seed`` every
  run still differs.
"""

import numpy as np

__all__ = ["as_generator"]


def as_generator(rng=None):
    """A ``numpy.random.Generator`` from ``rng``: a Generator, a seed, or None (global state).

    ``None`` takes four 32-bit numbers from ``np.random`` (the legacy global generator that
    ``np.random.seed`` resets) as the seed of a new Generator, so it advances the global state
    like any other draw from it.
    """
    if rng is None:
        return np.random.default_rng(np.random.randint(0, 2**32, size=4, dtype=np.uint64))
    return np.random.default_rng(rng)
