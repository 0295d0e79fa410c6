"""Compare an answer with the expected array and say, readably, where they first differ.

Used on both sides: in a student's notebook (local mode, to raise a helpful
AssertionError) and in the grader's own process (to decide scores). Pure NumPy, no I/O.

Tolerance: entry ``a`` matches ``e`` when ``|a - e| <= rtol * |e| + atol * scale``, where
``scale`` is the largest ``|e|`` (at least 1). Scaling ``atol`` keeps the test fair for
answers computed in float32 or in a different summation order, whatever the magnitude of
the numbers.

**Usual mistakes.** A check may name the mistakes students usually make on it, as a literal
list (the grader reads check arguments as literals): ``mistakes=["not_transposed",
["pad_not_passed", (1, 1, 2, 2)]]``. Each item is a name of :data:`MISTAKES`, alone or with
one literal parameter. When the answer is wrong and equals what a listed mistake gives
(computed from the expected value and the parameter), the message says so in one sentence,
before the numbers; otherwise it names the first wrong entry and adds the check's ``hint``.

Every message is said in the language of the notebook (see :mod:`autograder.messages`): the
sentences of :data:`MISTAKES` and the templates below are the English message ids.
"""

from dataclasses import dataclass

import numpy as np

from .messages import tr

RTOL = 1e-5
ATOL = 1e-6


def _join(message, hint):
    return tr("{message}: {hint}", message=message, hint=hint) if hint else message


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: the sentence that names it, and what answers it gives.

    ``values(expected, param, shape)`` yields the arrays the mistake gives (``shape`` is the
    wrong answer's shape, for mistakes that change it); ``shapes(expected_shape, param)``
    yields the shapes it gives, for shape checks. Either may be None.
    """

    sentence: str
    values: object = None
    shapes: object = None


def _relayout(axes):
    """The expected array with its axes in the order ``axes``, reshaped to the answer's shape."""
    return lambda e, p, shape: [e.transpose(axes).reshape(shape)] if e.ndim == len(axes) else []


def _given_answer(e, p, shape):
    return [np.asarray(p, dtype=np.float64)]


def _given_shape(shape, p):
    return [tuple(p)]


def _col_layout(order):
    """im2col's matrix with each row's values (c, fh, fw) read in ``order``; p = (C, FH, FW)."""

    def values(e, p, shape):
        C, FH, FW = p
        return [e.reshape(-1, C, FH, FW).transpose(0, *(1 + np.array(order))).reshape(e.shape)]

    return values


def _rows_ow_oh(e, p, shape):
    N, OH, OW = p
    return [e.reshape(N, OH, OW, -1).transpose(0, 2, 1, 3).reshape(e.shape)]


def _bias_per_row(e, p, shape):
    """The bias of filter f replaced by the bias indexed by the last axis (OW) of (N, FN, OH, OW)."""
    b = np.asarray(p, dtype=np.float64)
    return [e - b[None, :, None, None] + b[None, None, None, :]]


def _padding_kept(e, p, shape):
    """The expected images inside ``p`` cells of padding: only the middle is compared."""
    return [("padded", p)]

MISTAKES = {
    # Layout: the right numbers in the wrong order.
    "not_transposed": Mistake(
        "the numbers are right but in the wrong layout: the product has one row per output "
        "position (n, oh, ow) and one column per filter, so reshape it to (N, OH, OW, FN), "
        "then transpose(0, 3, 1, 2) to (N, FN, OH, OW)",
        values=_relayout((0, 2, 3, 1)),
    ),
    "pool_not_transposed": Mistake(
        "the numbers are right but in the wrong layout: the maxima come in the order "
        "(n, oh, ow, c), so reshape them to (N, OH, OW, C), then transpose(0, 3, 1, 2) to "
        "(N, C, OH, OW)",
        values=_relayout((0, 2, 3, 1)),
    ),
    "reshape_order": Mistake(
        "images and filters are mixed up: reshape the (N·OH·OW, FN) product to "
        "(N, OH, OW, FN) first and move the filter axis afterwards, never the other way round",
        values=_relayout((1, 0, 2, 3)),
    ),
    "oh_ow_swapped": Mistake(
        "OH and OW are swapped: the rows are ordered (n, oh, ow), so reshape to "
        "(N, OH, OW, FN) in that order and transpose with (0, 3, 1, 2)",
        values=_relayout((0, 1, 3, 2)),
    ),
    "w_reshape_order": Mistake(
        "the filters are laid out in the wrong order: W.reshape(FN, -1).T has one filter per "
        "column, W.reshape(-1, FN) mixes the filters up",
        values=_given_answer,
    ),
    "dW_not_transposed": Mistake(
        "col.T @ dout has one filter per column, (C·FH·FW, FN): transpose it to one filter per "
        "row before reshaping to (FN, C, FH, FW)",
        values=lambda e, p, shape: [e.reshape(e.shape[0], -1).T.reshape(e.shape)] if e.ndim == 4 else [],
    ),
    "bias_per_row": Mistake(
        "the bias is added along the wrong axis: filter f adds b[f] to all of its outputs, so "
        "add b to the (N·OH·OW, FN) product, one value per column, before reshaping",
        values=_bias_per_row,
    ),
    "db_per_row": Mistake(
        "db is summed per output position instead of per filter: sum dout over N, OH and OW "
        "(axis 0 of the (N·OH·OW, FN) matrix), one entry per filter",
        values=_given_answer,
        shapes=_given_shape,
    ),
    "stride_not_passed": Mistake(
        "this is what stride 1 gives: pass the stride on to im2col (or col2im) and to "
        "conv_output_size",
        values=_given_answer,
        shapes=_given_shape,
    ),
    "pad_not_passed": Mistake(
        "this is what no padding gives: pass pad on to im2col (or col2im) and to conv_output_size",
        values=_given_answer,
        shapes=_given_shape,
    ),
    # im2col and col2im
    "col_transposed": Mistake(
        "col is transposed: it has one row per window position (N·OH·OW rows) and one column "
        "per value under the filter (C·FH·FW columns)",
        values=lambda e, p, shape: [e.T] if e.ndim == 2 else [],
        shapes=lambda shape, p: [tuple(shape)[::-1]],
    ),
    "channel_last": Mistake(
        "the values of a window are in the order (fh, fw, c); a row of col holds all FH·FW "
        "values of channel 0 first, then those of channel 1, and so on",
        values=_col_layout((1, 2, 0)),
    ),
    "window_by_column": Mistake(
        "each window is read column by column; read it row by row: (fh, fw), fw fastest",
        values=_col_layout((0, 2, 1)),
    ),
    "rows_ow_oh": Mistake(
        "the rows of col are in the order (n, ow, oh); the output column ow must change "
        "fastest: (n, oh, ow)",
        values=_rows_ow_oh,
    ),
    "overlaps_overwritten": Mistake(
        "overlapping windows overwrite each other: col2im must add (+=) every value onto its "
        "pixel, so a pixel covered by k windows receives the sum of k values",
        values=_given_answer,
    ),
    "padding_kept": Mistake(
        "the padding is still there: cut it off at the end, img[:, :, P:P + H, P:P + W]",
        values=_padding_kept,
    ),
    "pad_once": Mistake(
        "padding adds P cells on both sides of the input: (H + 2P - FH) / S + 1",
        values=_given_answer,
    ),
    "no_plus_one": Mistake(
        "one position short: count the first position too, (H + 2P - FH) / S + 1",
        values=lambda e, p, shape: [e - 1],
    ),
    # Pooling
    "every_cell": Mistake(
        "the gradient went to every cell of the window: in max pooling only the maximum (the "
        "cell arg_max remembers) receives dout, the other cells get 0",
        values=_given_answer,
    ),
    "ties": Mistake(
        "in a window that holds its maximum twice, both copies received the gradient: only one "
        "cell may receive it, the one np.argmax gives (the first)",
        values=_given_answer,
    ),
    "avg_sum": Mistake(
        "this is the sum of each window: average pooling divides it by pool_h·pool_w",
        values=lambda e, p, shape: [e * p],
    ),
    "avg_not_divided": Mistake(
        "average pooling shares dout out: each cell of a window gets dout / (pool_h·pool_w), "
        "not dout",
        values=lambda e, p, shape: [e * p],
    ),
    "avg_real_cells": Mistake(
        "padded cells count as zeros: divide every window by pool_h·pool_w, not by the number "
        "of real cells in it",
        values=_given_answer,
    ),
    "max_pad_zero": Mistake(
        "a zero of padding won the maximum: pad x with -np.inf yourself, then call im2col "
        "without padding",
        values=_given_answer,
    ),
    # Networks
    "params_not_shared": Mistake(
        "the numerical gradient is 0, so changing params does not change the loss: the layers "
        "must be built on the arrays of self.params themselves, never on copies",
        values=lambda e, p, shape: [np.ones(e.shape)],
    ),
    "loss_not_averaged": Mistake(
        "the loss is N times too large: the loss is the mean over the batch, not the sum",
        values=lambda e, p, shape: [e * p],
    ),
}


def _items(mistakes):
    """(name, parameter) of each item of a check's ``mistakes``; ValueError for an unknown one."""
    for item in mistakes or ():
        name, param = (item, None) if isinstance(item, str) else tuple(item)
        if name not in MISTAKES:
            raise ValueError(f"unknown mistake {name!r}; known: {', '.join(sorted(MISTAKES))}")
        yield name, param


def check_mistakes(mistakes):
    """Raise ValueError if ``mistakes`` names a mistake this module does not know."""
    list(_items(mistakes))


def _close(actual, expected, rtol, atol):
    if actual.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    return bool(np.all(np.abs(actual - expected) <= rtol * np.abs(expected) + atol * scale))


def recognise(actual, expected, mistakes, rtol=RTOL, atol=ATOL):
    """The sentence of the first of ``mistakes`` that gives ``actual`` (translated), else None."""
    for name, param in _items(mistakes):
        mistake = MISTAKES[name]
        if mistake.values is None:
            continue
        try:
            with np.errstate(all="ignore"):
                for candidate in mistake.values(expected, param, actual.shape):
                    if isinstance(candidate, tuple):  # ("padded", P): the middle is the answer
                        p = int(candidate[1])
                        inner = actual[..., p : actual.shape[-2] - p, p : actual.shape[-1] - p]
                        if actual.ndim >= 2 and p > 0 and _close(inner, expected, rtol, atol):
                            return tr(mistake.sentence)
                    elif _close(actual, np.asarray(candidate, dtype=np.float64), rtol, atol):
                        return tr(mistake.sentence)
        except (ValueError, TypeError, IndexError):  # the mistake cannot give this shape
            continue
    return None


def recognise_shape(actual_shape, expected_shape, mistakes):
    """The sentence of the first of ``mistakes`` that gives the shape ``actual_shape``, else None."""
    for name, param in _items(mistakes):
        mistake = MISTAKES[name]
        if mistake.shapes is None:
            continue
        try:
            if any(tuple(actual_shape) == tuple(s) for s in mistake.shapes(expected_shape, param)):
                return tr(mistake.sentence)
        except (ValueError, TypeError):
            continue
    return None


def _diagnosed(name, sentence, detail):
    return f"{name}: {sentence} ({detail})"


def shape_mismatch(name, actual_shape, expected_shape, hint="", mistakes=()):
    """A message when the shapes differ, else None."""
    actual_shape, expected_shape = tuple(actual_shape), tuple(expected_shape)
    if actual_shape == expected_shape:
        return None
    sentence = recognise_shape(actual_shape, expected_shape, mistakes)
    if sentence:
        return _diagnosed(name, sentence, tr("has shape {shape}; expected {expected}", shape=actual_shape, expected=expected_shape))
    return _join(tr("{name} has shape {shape}; expected {expected}", name=name, shape=actual_shape, expected=expected_shape), hint)


def mismatch(name, actual, expected, rtol=RTOL, atol=ATOL, hint="", mistakes=()):
    """None when ``actual`` matches ``expected``; otherwise one sentence naming the problem.

    Parameters
    ----------
    name : str
        What the array is called in the notebook, e.g. ``"out"`` or ``"dW"``.
    actual, expected : array-like of real numbers, any shape
    rtol, atol : float
        See the module docstring.
    hint : str
        What usually causes a wrong answer here; added when no listed mistake explains it.
    mistakes : list
        The usual mistakes to look for (see the module docstring and :data:`MISTAKES`).
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        sentence = recognise(actual, expected, mistakes, rtol, atol)
        sentence = sentence or recognise_shape(actual.shape, expected.shape, mistakes)
        if sentence:
            return _diagnosed(name, sentence, tr("shape {shape}; expected {expected}", shape=actual.shape, expected=expected.shape))
        return shape_mismatch(name, actual.shape, expected.shape, hint)
    if actual.size == 0:
        return None
    bad_value = ~np.isfinite(actual) & np.isfinite(expected)
    if bad_value.any():
        index = tuple(int(i) for i in np.argwhere(bad_value)[0])
        return tr("{name} is {actual}; expected {expected}", name=f"{name}{list(index)}", actual=actual[index],
                  expected=f"{expected[index]:.6g}")
    scale = max(1.0, float(np.max(np.abs(expected))))
    wrong = ~(np.abs(actual - expected) <= rtol * np.abs(expected) + atol * scale)
    if not wrong.any():
        return None
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    where = list(index) if index else ""
    count = int(wrong.sum())
    value = tr("{name} is {actual}; expected {expected}", name=f"{name}{where}", actual=f"{actual[index]:.6g}",
               expected=f"{expected[index]:.6g}")
    sentence = recognise(actual, expected, mistakes, rtol, atol)
    if sentence:
        return _diagnosed(name, sentence, tr("{value}, {count} of {size} entries differ", value=value, count=count, size=actual.size))
    return _join(tr("{value} ({count} of {size} entries differ)", value=value, count=count, size=actual.size), hint)
