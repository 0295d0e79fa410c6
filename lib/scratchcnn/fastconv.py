"""The fast path of a stride-1 convolution: the batch in parts, the bias in the product.

:class:`~scratchcnn.layers.Convolution` takes this path when its stride is 1 (every
convolution of the book's networks); any other stride runs the book's method, written out in
the layer. The products are the layer's own: image by image, ``[W | b] @ col_n`` with col_n
image n's block of im2col, transposed, (C*FH*FW, OH*OW) (see
:func:`~scratchcnn.util.col_by_image`), which gives image n's (FN, OH*OW) output in the
output's own (N, FN, OH, OW) order. The tests check the two routes against each other and
against PyTorch. What this module changes is where the numbers sit while they are used.

**Parts of the batch.** A batch's col matrix is many megabytes (11 MiB of float32 for 100
images of 3x32x32 and 3x3 filters), more than a core's cache: made for the whole batch at once, it is
pushed out to main memory before the products read it, and it adds to the memory a step
needs. So the batch is cut into parts of a few megabytes of col each (:func:`batch_parts`),
and each part goes through all the steps (col, the products, in backward the fold of dcol)
before the next one starts, while its arrays are still near the core. Each part's col is
copied straight out of the windows view (:func:`~scratchcnn.util.sliding_windows`) into
the layout the products read (:func:`augmented_col`); the col of the whole batch never
exists. With several threads (:mod:`scratchcnn.threads`) each thread takes a slice of the
batch and runs its parts in turn.

**The bias rides along in the product.** col gets one more row, all ones, and the filter
matrix one more column, the biases (the "augmented matrix" of an affine map). Forward then
needs no separate pass to add b, and in backward the product that gives dW gives db in its
last column.
"""

import numpy as np

from .threads import over_batch
from .util import cache_parts, conv_output_size, sliding_windows

# The size of a part's col matrix. Smaller parts stay in a faster cache, but each part costs
# some Python, which holds the interpreter lock while the other thread waits. Measured on 2
# cores, 2 threads: the benchmark's convolution backward (bench/ops.py) took 5.4, 5.0, 4.5,
# 4.4 and 4.5 ms with parts of 1.5, 2, 3, 4 and 6 MiB; a SimpleConvNet training step took the
# same time with each, and the same peak memory (22.7 MiB; PyTorch's: 26).
PART_BYTES = 4 << 20


def batch_parts(N, image_bytes):
    """Cut ``range(N)`` into consecutive slices of nearly equal length, each of at most
    ``PART_BYTES`` when an image takes ``image_bytes`` (one slice if the batch is smaller)."""
    return cache_parts(N, image_bytes, PART_BYTES)


def augmented_col(windows, dtype):
    """Each image's block of im2col, transposed, augmented with a row of ones.

    windows: (n, C, OH, OW, FH, FW) from :func:`~scratchcnn.util.sliding_windows` ->
    (n, C*FH*FW + 1, OH*OW): per image, one row per filter cell (c, i, j), in the (C, FH, FW)
    order of ``W.reshape(FN, -1)``, one column per window, then the ones that multiply the
    bias. One copy, C*FH*FW*OH runs of OW numbers per image.
    """
    n, C, OH, OW, FH, FW = windows.shape
    col = np.empty((n, C * FH * FW + 1, OH * OW), dtype=dtype)
    col[:, :-1].reshape(n, C, FH, FW, OH, OW)[...] = windows.transpose(0, 1, 4, 5, 2, 3)
    col[:, -1] = 1
    return col


def _col_bytes(C, filter_h, filter_w, OH, OW, dtype):
    """Bytes of one image's augmented col, (C*FH*FW + 1, OH*OW): what sizes the parts."""
    return (C * filter_h * filter_w + 1) * OH * OW * np.dtype(dtype).itemsize


def _filter_matrix(W, b, dtype):
    """[W.reshape(FN, -1) | b]: (FN, C*FH*FW + 1), the filters augmented with their biases."""
    FN = W.shape[0]
    return np.concatenate([W.reshape(FN, -1), np.reshape(b, (FN, 1))], axis=1).astype(dtype, copy=False)


def fold_into(dx, dcol, filter_h, filter_w, pad):
    """col2im at stride 1, straight into ``dx``: ``dx: (n, C, H, W)``, an array (or view) to
    fill; ``dcol: (n, C*FH*FW, OH*OW)``, per image the transposed blocks of
    :func:`~scratchcnn.util.col2im_by_image`, which gives the same numbers.

    The book's col2im adds each filter cell's values onto a zero-filled *padded* image and
    crops the padding away at the end. Here each cell's values are added only where they
    fall inside the image, so the padded image is never made, filled or copied (a tenth of
    the backward pass of bench/ops.py's convolution). When the output is as large as the
    input (the "same" convolution, e.g. 3x3 filters with pad 1), the middle cell (pad, pad)
    of the windows covers every input cell exactly once, and it is copied instead of added
    onto zeros.
    """
    n, C, H, W = dx.shape
    OH, OW = H + 2 * pad - filter_h + 1, W + 2 * pad - filter_w + 1
    cells = dcol.reshape(n, C, filter_h, filter_w, OH, OW)
    same = (OH, OW) == (H, W)
    if same:
        np.copyto(dx, cells[:, :, pad, pad])
    else:
        dx[...] = 0
    for i in range(filter_h):
        # Window row oh, cell row i reads input row oh + i - pad: the rows inside the image.
        top, bottom = max(0, i - pad), min(H, OH + i - pad)
        for j in range(filter_w):
            if same and (i, j) == (pad, pad):
                continue
            left, right = max(0, j - pad), min(W, OW + j - pad)
            dx[:, :, top:bottom, left:right] += cells[:, :, i, j, top - i + pad : bottom - i + pad, left - j + pad : right - j + pad]


def conv_forward(x, W, b, pad):
    """Stride-1 convolution, the batch part by part.

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,) -> out: (N, FN, OH, OW), the same numbers
    as ``Convolution(W, b, 1, pad).forward(x)`` computed the book's way.
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, 1, pad, axis="H")
    OW = conv_output_size(Wd, FW, 1, pad, axis="W")
    dtype = np.result_type(x, W, b)
    filters = _filter_matrix(W, b, dtype)
    out = np.empty((N, FN, OH * OW), dtype=dtype)
    image_bytes = _col_bytes(C, FH, FW, OH, OW, dtype)
    # The batch's windows (a view: only the padding is copied), listed once before the
    # threads start, so that each thread starts with the copy of its first part. Python
    # between NumPy calls holds the interpreter lock, and a thread that wakes to find it
    # taken sleeps again; listed in each thread instead, the windows made the second
    # thread start 132 us after the call instead of 89 (SimpleConvNet's Conv1, 2 threads).
    all_windows = sliding_windows(x, FH, FW, 1, pad)

    def convolve(part):  # one thread's slice of the batch, part by part (little Python in each)
        windows, out_part = all_windows[part], out[part]
        for images in batch_parts(len(windows), image_bytes):
            np.matmul(filters, augmented_col(windows[images], dtype), out=out_part[images])

    over_batch(convolve, N, x.size * FH * FW)
    return out.reshape(N, FN, OH, OW)


def conv_backward(x, W, dout, pad, input_grad=True):
    """Gradients of :func:`conv_forward`: dout: (N, FN, OH, OW) -> (dx, dW, db).

    dx: (N, C, H, W) (None when ``input_grad`` is False), dW: (FN, C, FH, FW), db: (FN,).
    The book's formulas with the augmented col of each part of the batch, in turn:
    [dW | db] = dout @ col.T summed over the images, dcol = W.T @ dout, dx = col2im(dcol)
    (:func:`fold_into`).
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = dout.shape[2:]
    dtype = np.result_type(x, W, dout)
    W_matrix = W.reshape(FN, -1).astype(dtype, copy=False)
    dx = np.empty((N, C, H, Wd), dtype=dtype) if input_grad else None
    image_bytes = _col_bytes(C, FH, FW, OH, OW, dtype)
    all_windows = sliding_windows(x, FH, FW, 1, pad)  # before the threads start, as in conv_forward

    def gradients(part):  # one thread's slice of the batch, part by part: its [dW | db]
        windows, dout_part = all_windows[part], dout[part]
        dx_part = dx[part] if input_grad else None
        dW_db = 0
        for images in batch_parts(len(windows), image_bytes):
            col = augmented_col(windows[images], dtype)  # recomputed from x, as Convolution does
            n = col.shape[0]
            dout_n = dout_part[images].reshape(n, FN, OH * OW)
            dW_db = dW_db + (dout_n @ col.transpose(0, 2, 1)).sum(axis=0)  # (FN, C*FH*FW + 1)
            if input_grad:
                fold_into(dx_part[images], W_matrix.T @ dout_n, FH, FW, pad)
        return dW_db

    dW_db = sum(over_batch(gradients, N, x.size * FH * FW))
    return dx, dW_db[:, :-1].reshape(W.shape), dW_db[:, -1]
