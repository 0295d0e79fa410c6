"""The fast path of a stride-1 convolution: "wide rows", and the batch split between cores.

:class:`~scratchcnn.layers.Convolution` takes this path when its stride is 1 (every
convolution of the book's networks); any other stride uses the book's im2col method. Both
give the same numbers up to rounding, which the tests check against each other and against
PyTorch. The book's method stays what a student compares against; this module is what makes
the layer as fast as a deep-learning library on a CPU. Two ideas, each independent of the other.

**Wide rows.** im2col copies every window into a row of ``col``: N*C*FH*FW*OH runs of only
OW numbers each, and a short copy costs nearly as much as a long one. With stride 1 there is
a cheaper listing. Flatten each padded image, Hp x Wp, into one row of Hp*Wp numbers: cell
(i, j) of the window at output position (oh, ow) is number ``(oh + i)*Wp + (ow + j)``. Now
compute the output ``Wp`` positions wide instead of OW: the FW - 1 extra positions at the end
of each output row are windows that wrap around the image's right edge into the next row; they
are computed and thrown away. In exchange, cell (i, j) of *all* the windows of an image is
one contiguous run of the flattened image, numbers ``i*Wp + j`` to ``i*Wp + j + OH*Wp - 1``:
the wide col matrix, (C*FH*FW, OH*Wp) per image, is C*FH*FW long copies (see
:func:`wide_windows`). The price is (FW - 1)/OW more columns: 6% for 3x3 filters on 32x32
images, 17% for SimpleConvNet's 5x5 filters on 28x28 digits.

The bias rides along in the same product: col gets one more row, all ones, and the filter
matrix one more column, the biases (the "augmented matrix" of an affine map). Forward then
needs no separate pass to add b, and in backward the same product that gives dW gives db in
its last column.

**Split the batch.** NumPy runs each array operation on one core; only the matrix products
use several. The images of a batch are independent, so the batch is cut into parts that fit a
core's cache (about 1 MiB of col each, :func:`batch_parts`) and the parts run on a pool of
one thread per core (:func:`map_parts`): NumPy releases Python's lock inside its loops, so
the threads really run at the same time. Small parts are faster even on one core: the
arrays computed from a part's col are still in the cache when the next step reads them.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.lib.stride_tricks import as_strided
from threadpoolctl import ThreadpoolController

from .util import conv_output_size

_pool = None  # the thread pool, made on first use
_blas = None  # threadpoolctl's handle on NumPy's BLAS


def cores():
    """How many cores this process may use (the CPU affinity mask, where the OS has one).

    ``OMP_NUM_THREADS``, the usual way to cap a numerical library's threads, caps it too.
    """
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        cap = int(os.environ.get("OMP_NUM_THREADS", available))
    except ValueError:
        cap = available
    return max(1, min(available, cap))


# A part's col matrix is kept near 1 MiB, so that it and the arrays computed from it stay in
# a core's cache while they are used (measured best between 0.5 and 1.5 MiB on a 4 MiB cache).
PART_BYTES = 1 << 20


def batch_parts(N, image_bytes):
    """Cut ``range(N)`` into consecutive slices of nearly equal length, each of at most
    ``PART_BYTES`` when an image takes ``image_bytes`` (one slice if the batch is smaller)."""
    per_part = max(1, PART_BYTES // image_bytes)  # images
    count = max(1, -(-N // per_part))
    bounds = [N * k // count for k in range(count + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def map_parts(function, N, image_bytes):
    """``[function(part) for part in batch_parts(N, image_bytes)]``, on :func:`cores` threads.

    The result's order is the parts' order, whatever order the threads finish in, and the
    parts depend only on the batch, not on the number of cores: sums over the parts give
    the same numbers from one run to the next, on one core or many. A batch of one part (any
    small batch) runs in the calling thread.
    """
    global _pool, _blas
    parts = batch_parts(N, image_bytes)
    workers = cores()
    if workers == 1 or len(parts) == 1:
        return [function(part) for part in parts]
    if _pool is None or _pool._max_workers != workers:
        _pool = ThreadPoolExecutor(workers, thread_name_prefix="scratchcnn")
        _blas = ThreadpoolController()  # finds the BLAS library NumPy loaded (once: it is slow)
    # Each core already runs a part: the matrix products inside a part must not start BLAS
    # threads of their own, which would only wait for each other (and burn CPU time spinning).
    with _blas.limit(limits=1, user_api="blas"):
        return list(_pool.map(function, parts))


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


def wide_col(x, filter_h, filter_w, pad, dtype):
    """The wide col matrix of a stride-1 convolution, augmented with a row of ones.

    x: (n, C, H, W) -> (n, C*FH*FW + 1, OH*Wp): per image, one row per filter cell (c, i, j),
    in the (C, FH, FW) order of ``W.reshape(FN, -1)``, then the ones that multiply the bias.
    """
    windows = wide_windows(x, filter_h, filter_w, pad)
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


def _filter_matrix(W, b, dtype):
    """[W.reshape(FN, -1) | b]: (FN, C*FH*FW + 1), the filters augmented with their biases."""
    FN = W.shape[0]
    return np.concatenate([W.reshape(FN, -1), np.reshape(b, (FN, 1))], axis=1).astype(dtype, copy=False)


def conv_forward(x, W, b, pad):
    """Stride-1 convolution, wide rows, parts of the batch in parallel.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,) -> out: (N, FN, OH, OW), the same numbers
    as ``Convolution(W, b, 1, pad).forward(x)`` computed the book's way. ``out`` is a view
    of the wide result (N, FN, OH, Wp) without its wrapped columns: cropping it would cost
    one more pass over the output, and the next layer reads a view as well as a copy.
    """
    N, _, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, 1, pad, axis="H")
    OW = conv_output_size(Wd, FW, 1, pad, axis="W")
    Wp = Wd + 2 * pad
    dtype = np.result_type(x, W, b)
    filters = _filter_matrix(W, b, dtype)
    wide = np.empty((N, FN, OH * Wp), dtype=dtype)

    def part(images):
        np.matmul(filters, wide_col(x[images], FH, FW, pad, dtype), out=wide[images])

    map_parts(part, N, filters.nbytes // FN * OH * Wp)
    return wide.reshape(N, FN, OH, Wp)[..., :OW]  # drop the wrapped windows


def conv_backward(x, W, dout, pad, input_grad=True):
    """Gradients of :func:`conv_forward`: dout: (N, FN, OH, OW) -> (dx, dW, db).

    dx: (N, C, H, W) (None when ``input_grad`` is False), dW: (FN, C, FH, FW), db: (FN,).
    The book's formulas with the augmented, wide col of each part of the batch:
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

    def part(images):
        col = wide_col(x[images], FH, FW, pad, dtype)  # recomputed from x, as Convolution does
        n = col.shape[0]
        # dout, Wp wide: zeros for the wrapped windows, which must not count.
        wide = np.empty((n, FN, OH, Wp), dtype=dtype)
        wide[..., :OW] = dout[images]
        wide[..., OW:] = 0
        wide = wide.reshape(n, FN, OH * Wp)
        dW_db = (wide @ col.transpose(0, 2, 1)).sum(axis=0)  # (FN, C*FH*FW + 1)
        if input_grad:
            dcol = (W_matrix.T @ wide).reshape(n, C, FH, FW, OH * Wp)
            fold_wide(dcol, flat[images], Wp, FH, FW)
        return dW_db

    dW_db = sum(map_parts(part, N, (W_matrix.shape[1] + 1) * OH * Wp * np.dtype(dtype).itemsize))
    dx = flat[:, :, : Hp * Wp].reshape(N, C, Hp, Wp)[:, :, pad : pad + H, pad : pad + Wd] if input_grad else None
    return dx, dW_db[:, :-1].reshape(W.shape), dW_db[:, -1]
