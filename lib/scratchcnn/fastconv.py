"""The fast path of a stride-1 convolution: "wide rows", the batch in cache-sized parts.

:class:`~scratchcnn.layers.Convolution` takes this path when its stride is 1 (every
convolution of the book's networks); any other stride uses the book's im2col method. Both
give the same numbers up to rounding, which the tests check against each other and against
PyTorch. The book's method stays what a student compares against; this module makes the
layer about twice as fast (see bench/ops.py). Two ideas, each independent of the other.

**Wide rows.** im2col copies every window into a row of ``col``: N*C*FH*FW*OH runs of only
OW numbers each, and a short copy costs nearly as much as a long one. With stride 1 there is
a cheaper listing. Flatten each padded image, Hp x Wp, into one row of Hp*Wp numbers: cell
(i, j) of the window at output position (oh, ow) is number ``(oh + i)*Wp + (ow + j)``. Now
compute the output ``Wp`` positions wide instead of OW: the FW - 1 extra positions at the end
of each output row are windows that wrap around the image's right edge into the next row; they
are computed and thrown away. In exchange, cell (i, j) of *all* the windows of an image is
one contiguous run of the flattened image, numbers ``i*Wp + j`` to ``i*Wp + j + OH*Wp - 1``:
the wide col matrix, (C*FH*FW, OH*Wp) per image, is C*FH*FW long copies (see
:func:`wide_windows`). The price is (FW - 1)/OW more columns: 2 more for every 32 with 3x3
filters on 32x32 images, 4 more for every 24 with SimpleConvNet's 5x5 filters on 28x28 digits.

The bias rides along in the same product: col gets one more row, all ones, and the filter
matrix one more column, the biases (the "augmented matrix" of an affine map). Forward then
needs no separate pass to add b, and in backward the same product that gives dW gives db in
its last column.

**Cache-sized parts.** A batch's col matrix is several megabytes, more than a core's
cache: by the time the next step reads it (the product, the fold), it has been pushed out
to main memory and must be fetched again. So the batch is cut into parts of about 1.5 MiB
of col each (:func:`batch_parts`) and each part goes through all the steps before the next
one starts, while its arrays are still in the cache. With several threads
(:mod:`scratchcnn.threads`) each thread takes a slice of the batch and runs its parts in turn.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .threads import over_batch
from .util import conv_output_size

# A part's col matrix is kept near 1.5 MiB, so that it and the arrays computed from it stay
# in a core's cache while they are used. On one thread 0.5 to 2 MiB do equally well; with
# two, fewer and larger parts do better, as each part also costs some Python that holds the
# interpreter lock (the benchmark's convolution, forward and backward, on 2 threads: 6.7 ms
# with 1.5 MiB, 6.1 with 2), but each thread's part adds to the peak memory of a training
# step (22.7 MiB with 1 MiB, 23.3 with 1.5, 26.1 with 2: PyTorch's is 26).
PART_BYTES = 3 << 19


def batch_parts(N, image_bytes):
    """Cut ``range(N)`` into consecutive slices of nearly equal length, each of at most
    ``PART_BYTES`` when an image takes ``image_bytes`` (one slice if the batch is smaller)."""
    per_part = max(1, PART_BYTES // image_bytes)  # images
    count = max(1, -(-N // per_part))
    bounds = [N * k // count for k in range(count + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def flat_padded(x, pad, slack):
    """x: (n, C, H, W) -> (n, C, Hp*Wp + slack): each channel padded with ``pad`` zeros on
    every side (Hp = H + 2P, Wp = W + 2P) and flattened, plus ``slack`` zeros at the end.
    """
    n, C, H, W = x.shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    flat = np.zeros((n, C, Hp * Wp + slack), dtype=x.dtype)
    flat[:, :, : Hp * Wp].reshape(n, C, Hp, Wp)[:, :, pad : pad + H, pad : pad + W] = x
    return flat


def wide_windows(x, filter_h, filter_w, pad):
    """Every window of a stride-1 convolution, output rows taken Wp wide: a read-only view.

    x: (n, C, H, W) -> (n, C, FH, FW, OH*Wp); entry [k, c, i, j, oh*Wp + ow] is cell (i, j)
    of the window at (oh, ow), for ow < OW; columns ow >= OW are the wrapped windows. Each
    [k, c, i, j] is one contiguous run of the flattened padded image.
    """
    n, C, H, W = x.shape
    OH = conv_output_size(H, filter_h, 1, pad, axis="H")
    Wp = W + 2 * pad
    # The last run, cell (FH-1, FW-1), ends FW - 1 numbers past the image: that much slack.
    flat = flat_padded(x, pad, filter_w - 1)
    s_n, s_c, s = flat.strides
    return as_strided(
        flat, (n, C, filter_h, filter_w, OH * Wp), (s_n, s_c, Wp * s, s, s), writeable=False
    )


def augmented_col(windows, dtype):
    """The wide col matrix of a stride-1 convolution, augmented with a row of ones.

    windows: (n, C, FH, FW, L) from :func:`wide_windows` -> (n, C*FH*FW + 1, L): per image, one
    row per filter cell (c, i, j), in the (C, FH, FW) order of ``W.reshape(FN, -1)``, then the
    ones that multiply the bias.
    """
    n, C, FH, FW, L = windows.shape
    col = np.empty((n, C * FH * FW + 1, L), dtype=dtype)
    col[:, :-1].reshape(windows.shape)[...] = windows  # the one copy, C*FH*FW runs per image
    col[:, -1] = 1
    return col


def fold_wide(dcol, flat, Wp, filter_h, filter_w):
    """Adjoint of :func:`wide_windows`: add every window cell back onto its input cell.

    dcol: (n, C, FH, FW, OH*Wp); the wrapped columns (ow >= OW) must hold zeros, as they
    land on cells of other rows. The result is written into ``flat``: (n, C, Hp*Wp + FW - 1),
    the flattened padded images (see :func:`flat_padded`). FH*FW additions of long runs per
    channel; the first one is a copy, so ``flat`` needs no zero-filling where it lands.
    """
    L = dcol.shape[-1]
    flat[:, :, L:] = 0
    flat[:, :, :L] = dcol[:, :, 0, 0]
    for i in range(filter_h):
        for j in range(filter_w):
            if i or j:
                start = i * Wp + j
                flat[:, :, start : start + L] += dcol[:, :, i, j]


def _col_bytes(C, filter_h, filter_w, OH, Wp, dtype):
    """Bytes of one image's augmented wide col, (C*FH*FW + 1, OH*Wp): what sizes the parts."""
    return (C * filter_h * filter_w + 1) * OH * Wp * np.dtype(dtype).itemsize


def _filter_matrix(W, b, dtype):
    """[W.reshape(FN, -1) | b]: (FN, C*FH*FW + 1), the filters augmented with their biases."""
    FN = W.shape[0]
    return np.concatenate([W.reshape(FN, -1), np.reshape(b, (FN, 1))], axis=1).astype(dtype, copy=False)


def conv_forward(x, W, b, pad):
    """Stride-1 convolution, wide rows, the batch part by part.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,) -> out: (N, FN, OH, OW), the same numbers
    as ``Convolution(W, b, 1, pad).forward(x)`` computed the book's way. ``out`` is a view
    of the wide result (N, FN, OH, Wp) without its wrapped columns: cropping it would cost
    one more pass over the output, and the next layer reads a view as well as a copy.
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, 1, pad, axis="H")
    OW = conv_output_size(Wd, FW, 1, pad, axis="W")
    Wp = Wd + 2 * pad
    dtype = np.result_type(x, W, b)
    filters = _filter_matrix(W, b, dtype)
    wide = np.empty((N, FN, OH * Wp), dtype=dtype)
    image_bytes = _col_bytes(C, FH, FW, OH, Wp, dtype)

    def convolve(part):  # one thread's slice of the batch, in cache-sized parts
        # The slice's windows (a view: only the padding is copied) are listed once; the
        # parts copy theirs. Little Python per part: a thread holds the interpreter lock then.
        windows, wide_part = wide_windows(x[part], FH, FW, pad), wide[part]
        for images in batch_parts(len(windows), image_bytes):
            np.matmul(filters, augmented_col(windows[images], dtype), out=wide_part[images])

    over_batch(convolve, N, x.size * FH * FW)
    return wide.reshape(N, FN, OH, Wp)[..., :OW]  # drop the wrapped windows


def conv_backward(x, W, dout, pad, input_grad=True):
    """Gradients of :func:`conv_forward`: dout: (N, FN, OH, OW) -> (dx, dW, db).

    dx: (N, C, H, W) (None when ``input_grad`` is False), dW: (FN, C, FH, FW), db: (FN,).
    The book's formulas with the augmented, wide col of each part of the batch, in turn:
    [dW | db] = dout @ col.T summed over the images, dcol = W.T @ dout, dx = fold(dcol).
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = dout.shape[2:]
    Wp = Wd + 2 * pad
    dtype = np.result_type(x, W, dout)
    W_matrix = W.reshape(FN, -1).astype(dtype, copy=False)
    Hp = H + 2 * pad
    # The gradient of the flattened padded images; dx is a view of its inner cells.
    flat = np.empty((N, C, Hp * Wp + FW - 1), dtype=dtype) if input_grad else None

    image_bytes = _col_bytes(C, FH, FW, OH, Wp, dtype)

    def gradients(part):  # one thread's slice of the batch, in cache-sized parts: its [dW | db]
        windows, dout_part = wide_windows(x[part], FH, FW, pad), dout[part]
        dW_db = 0
        for images in batch_parts(len(windows), image_bytes):
            col = augmented_col(windows[images], dtype)  # recomputed from x, as Convolution does
            n = col.shape[0]
            # dout, Wp wide: zeros for the wrapped windows, which must not count.
            wide = np.empty((n, FN, OH, Wp), dtype=dtype)
            wide[..., :OW] = dout_part[images]
            wide[..., OW:] = 0
            wide = wide.reshape(n, FN, OH * Wp)
            dW_db = dW_db + (wide @ col.transpose(0, 2, 1)).sum(axis=0)  # (FN, C*FH*FW + 1)
            if input_grad:
                dcol = (W_matrix.T @ wide).reshape(n, C, FH, FW, OH * Wp)
                fold_wide(dcol, flat[part][images], Wp, FH, FW)
        return dW_db

    dW_db = sum(over_batch(gradients, N, x.size * FH * FW))
    dx = flat[:, :, : Hp * Wp].reshape(N, C, Hp, Wp)[:, :, pad : pad + H, pad : pad + Wd] if input_grad else None
    return dx, dW_db[:, :-1].reshape(W.shape), dW_db[:, -1]
