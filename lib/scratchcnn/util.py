"""Shapes and the im2col trick: the helpers every convolution and pooling layer uses.

Notation used throughout the library (the same letters as the book)::

    N   batch size              C   channels             H, W   input height, width
    FN  number of filters       FH, FW  filter height, width
    S   stride                  P   padding              OH, OW  output height, width

    OH = (H + 2P - FH) / S + 1,     OW = (W + 2P - FW) / S + 1

Every function checks its input and raises ``ValueError`` with a message that names the
problem, because a convolution with a wrong shape usually fails much later, far from the
mistake, or worse, silently computes something else.
"""

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .threads import over_batch

__all__ = [
    "conv_output_size",
    "check_real",
    "check_images",
    "pad_images",
    "sliding_windows",
    "fold_windows",
    "im2col",
    "col2im",
    "col_by_image",
    "col2im_by_image",
    "fold_disjoint_windows",
    "cache_parts",
    "cache_pieces",
]

# The most of a batch (in bytes of the array a layer reads) that :func:`cache_pieces` gives
# to one piece. Max pooling reads its input once per window cell, four times for 2x2 windows;
# a piece the size of a core's cache is read from main memory only the first time. Measured
# for the benchmark's max pooling (bench/ops.py), one thread, forward / backward: 8.4 / 6.0 ms
# in one piece; 5.4 / 4.7, 5.3 / 4.0, 5.9 / 4.5 and 7.1 / 5.3 ms in pieces of 0.5, 1, 2 and
# 4 MiB (AMD EPYC, 512 KiB of cache per core). Not much smaller: each piece costs a few
# NumPy calls, and with two threads every call may wait for the interpreter lock (pieces of
# 128 KiB made the same forward three times slower on 2 threads).
PIECE_BYTES = 1 << 20


def _check_int(value, name, minimum):
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        qualifier = "at least 1" if minimum == 1 else "non-negative"
        raise ValueError(f"{name} must be {qualifier}, got {value}")
    return int(value)


def cache_parts(N, item_bytes, part_bytes):
    """Cut ``range(N)`` into consecutive slices of nearly equal length, each of at most
    ``part_bytes`` when an item takes ``item_bytes`` (one slice if they all fit, one item per
    slice if an item alone is larger).

    For work done in several passes over arrays larger than a core's cache: done part by
    part, every pass after the first finds the part's numbers still in the cache instead
    of reading them from main memory again.
    """
    per_part = max(1, part_bytes // max(1, item_bytes))  # items
    count = max(1, -(-N // per_part))
    bounds = [N * k // count for k in range(count + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def cache_pieces(part, N, item_bytes):
    """The items ``part`` of ``range(N)`` (a slice, or ``...`` for all of them, as
    :func:`~scratchcnn.threads.over_batch` hands them out), cut by :func:`cache_parts` into
    pieces of at most ``PIECE_BYTES``: a list of slices of ``range(N)`` itself."""
    start, stop, _ = (slice(None) if part is ... else part).indices(N)
    return [slice(start + piece.start, start + piece.stop) for piece in cache_parts(stop - start, item_bytes, PIECE_BYTES)]


def conv_output_size(input_size, filter_size, stride=1, pad=0, axis="H"):
    """Output length of a convolution or pooling window along one axis.

    ``(input_size + 2*pad - filter_size) / stride + 1``, which must be a whole number: a
    filter that does not fit a whole number of strides leaves input rows that no window
    covers. Frameworks such as PyTorch silently drop those rows (they round down); this
    library raises instead, so that a wrong setting is noticed.

    Parameters
    ----------
    input_size, filter_size : int
        H and FH (or W and FW).
    stride : int, at least 1
    pad : int, at least 0
    axis : str
        ``"H"`` or ``"W"``, only used to name the axis in error messages.

    Returns
    -------
    int
        OH (or OW).
    """
    input_size = _check_int(input_size, f"input size {axis}", 1)
    filter_size = _check_int(filter_size, f"filter size F{axis}", 1)
    stride = _check_int(stride, "stride", 1)
    pad = _check_int(pad, "pad", 0)
    padded = input_size + 2 * pad
    if filter_size > padded:
        raise ValueError(
            f"filter size F{axis}={filter_size} is larger than the padded input: "
            f"{axis} + 2P = {input_size} + 2*{pad} = {padded}"
        )
    span = padded - filter_size
    steps, remainder = divmod(span, stride)
    if remainder:
        raise ValueError(
            f"output size O{axis} is not an integer: ({axis} + 2P - F{axis}) / S + 1 = "
            f"({input_size} + 2*{pad} - {filter_size}) / {stride} + 1 = {span / stride + 1:.4g}; "
            f"choose a stride that divides {span} or change the padding"
        )
    return steps + 1


def check_real(x, name="x"):
    """Check that ``x`` holds real numbers (integers or floats); return it as an ndarray.

    Booleans, complex numbers, strings and objects are refused: arithmetic on them either
    fails deep inside a layer or, worse, silently computes something else.
    """
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"{name} must hold real numbers; got dtype {x.dtype}")
    return x


def check_images(x, name="x"):
    """Check that ``x`` is a batch of images, shape (N, C, H, W), with a real numeric dtype.

    Returns ``x`` as an ndarray (no copy when it already is one).
    """
    x = np.asarray(x)
    if x.ndim != 4:
        hint = " (add a batch axis with x[np.newaxis])" if x.ndim == 3 else ""
        raise ValueError(
            f"{name} must be 4-D with shape (N, C, H, W); got a {x.ndim}-D array of shape "
            f"{x.shape}{hint}"
        )
    return check_real(x, name)


def pad_images(x, pad, value=0):
    """Pad H and W of ``x: (N, C, H, W)`` with ``pad`` cells of ``value`` on every side.

    Returns ``x`` itself when ``pad == 0`` (no copy).
    """
    if pad == 0:
        return x
    N, C, H, W = x.shape
    # A frame of ``value``, then the image copied into its middle: the same array as
    # np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=value), built
    # several times faster (np.pad is general and slow on small batches).
    padded = np.full((N, C, H + 2 * pad, W + 2 * pad), value, dtype=x.dtype)
    padded[:, :, pad : pad + H, pad : pad + W] = x
    return padded


def sliding_windows(input_data, filter_h, filter_w, stride=1, pad=0, pad_value=0):
    """Every filter-sized window of a batch of images, as a read-only view.

    This is the im2col idea without copying: window ``(oh, ow)`` of image ``n``, channel
    ``c`` is ``windows[n, c, oh, ow]``, an (FH, FW) patch whose top-left corner is input
    cell ``(oh*S - P, ow*S - P)``. Only the padding (if any) is copied.

    Parameters
    ----------
    input_data : (N, C, H, W) array
    filter_h, filter_w : int
    stride : int, at least 1
    pad : int, at least 0
    pad_value : scalar
        What the padding cells hold (0 for convolution; max pooling uses the lowest value
        of the dtype so that padding never wins a maximum).

    Returns
    -------
    windows : (N, C, OH, OW, FH, FW) view
    """
    x = check_images(input_data, "input_data")
    _, _, H, W = x.shape
    conv_output_size(H, filter_h, stride, pad, axis="H")
    conv_output_size(W, filter_w, stride, pad, axis="W")
    img = pad_images(x, pad, pad_value)
    # All windows at stride 1 (a view), then keep every S-th one along H and W (still a view).
    return sliding_window_view(img, (filter_h, filter_w), axis=(2, 3))[:, :, ::stride, ::stride]


def fold_windows(window_grad, input_shape, filter_h, filter_w, stride, pad, like, dtype=None):
    """Adjoint of :func:`sliding_windows`: add every window back onto the image it came from.

    ``window_grad(i, j)`` returns, for the cell at row ``i``, column ``j`` of the filter, the
    values of that cell in every window: an (N, C, OH, OW) array. They are added onto the
    input cells they were read from; where windows overlap (stride smaller than the filter)
    the contributions add up, and the padding ring is dropped at the end. One Python
    iteration per filter cell, FH*FW in all, each a vectorised addition over all windows.

    Parameters
    ----------
    window_grad : callable (i, j) -> (N, C, OH, OW) array
    input_shape : tuple (N, C, H, W)
    filter_h, filter_w, stride, pad : int
    like : array
        The result takes its memory layout (if it is 4-D) and its dtype (unless ``dtype``
        is given).

    Returns
    -------
    dx : (N, C, H, W) array
    """
    N, C, H, W = input_shape
    OH = conv_output_size(H, filter_h, stride, pad, axis="H")
    OW = conv_output_size(W, filter_w, stride, pad, axis="W")
    img = np.zeros_like(like, dtype=dtype, shape=(N, C, H + 2 * pad, W + 2 * pad))
    for i in range(filter_h):
        for j in range(filter_w):
            img[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride] += window_grad(i, j)
    return img[:, :, pad : pad + H, pad : pad + W]


def fold_disjoint_windows(window_grad, input_shape, filter_h, filter_w, stride, pad, dtype):
    """:func:`fold_windows` for windows that do not overlap (stride >= FH and stride >= FW).

    Every input cell then lies in at most one window, so each cell's value is *written*
    instead of added: no pass that reads the image back, and no zero-filling when the
    windows tile the image exactly (stride = FH = FW, no padding, as in the usual 2x2/2 max
    pooling). Same result as :func:`fold_windows`, about twice as fast; the tests check the
    two against each other.

    ``window_grad(i, j, out, part)`` writes the values of cell (i, j) of the windows of the
    images ``part`` (a slice of the batch) into ``out``, an (n, C, OH, OW) view of the
    result's cells (so that no array is made only to be copied there), e.g.
    ``np.multiply(dout[part], mask_ij[part], out=out)``. The threads split the batch (see
    :mod:`scratchcnn.threads`), and each writes its slice a piece at a time
    (:func:`cache_pieces`). The result, dx: (N, C, H, W) in ``dtype``, is stored row by
    row (C order).
    """
    if stride < filter_h or stride < filter_w:
        raise ValueError(f"windows of {filter_h}x{filter_w} at stride {stride} overlap; use fold_windows")
    N, C, H, W = input_shape
    OH = conv_output_size(H, filter_h, stride, pad, axis="H")
    OW = conv_output_size(W, filter_w, stride, pad, axis="W")
    shape = (N, C, H + 2 * pad, W + 2 * pad)
    tiled = pad == 0 and stride == filter_h == filter_w
    # Cells no window covers (gaps, padding) must be 0; when the windows tile the image,
    # every cell is written below and the zero-fill can be skipped.
    img = np.empty(shape, dtype=dtype) if tiled else np.zeros(shape, dtype=dtype)

    def fold(part):  # one thread's slice of the batch, a piece at a time (see cache_pieces)
        for images in cache_pieces(part, N, img.nbytes // max(1, N)):
            piece = img[images]
            for i in range(filter_h):
                for j in range(filter_w):
                    cells = piece[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride]
                    window_grad(i, j, out=cells, part=images)

    over_batch(fold, N, N * C * OH * OW * filter_h * filter_w)
    return img[:, :, pad : pad + H, pad : pad + W]


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Unfold a batch of images into a matrix: one row per filter position.

    Row ``(n, oh, ow)`` (in that order, ``ow`` fastest) holds the C*FH*FW input values
    under the filter when it sits at output position ``(oh, ow)`` of image ``n``, ordered
    (C, FH, FW) like ``W.reshape(FN, -1)``. A convolution then becomes one matrix product,
    ``im2col(x, FH, FW, S, P) @ W.reshape(FN, -1).T``.

    The rows overlap in the input (a cell belongs to up to FH*FW windows), so the matrix
    is up to FH*FW times larger than the input: the price paid for a single fast product.

    Memory layout: the matrix is stored column by column (Fortran order), i.e. as its
    transpose (C*FH*FW, N*OH*OW) in C order. Filling it that way copies long runs of
    neighbouring pixels (a whole output row at a time) instead of C*FH*FW-long scraps, which
    makes im2col several times faster; matrix products read either layout equally well.
    Its values and shape are exactly those of the row-by-row version.

    Parameters
    ----------
    input_data : (N, C, H, W) array
    filter_h, filter_w : int
    stride : int, at least 1
    pad : int, at least 0

    Returns
    -------
    col : (N*OH*OW, C*FH*FW) array, same dtype as ``input_data``
    """
    windows = sliding_windows(input_data, filter_h, filter_w, stride, pad)
    N, C, OH, OW, FH, FW = windows.shape
    # (N, C, OH, OW, FH, FW) -> (C, FH, FW, N, OH, OW): the copy happens here, once.
    col_t = np.ascontiguousarray(windows.transpose(1, 4, 5, 0, 2, 3)).reshape(C * FH * FW, N * OH * OW)
    return col_t.T


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """Fold an im2col-shaped matrix back into images: the adjoint of :func:`im2col`.

    Each row is added back onto the input cells it was read from. Cells that belong to
    several windows receive the sum of their copies, so ``col2im(im2col(x))`` is **not**
    ``x`` when windows overlap (it is ``x`` times the number of windows covering each cell).
    What holds instead is the adjoint identity the backward pass relies on::

        np.sum(im2col(x, ...) * y) == np.sum(x * col2im(y, x.shape, ...))

    which is why ``dx = col2im(dcol, ...)`` is the gradient of a convolution's input.

    Fastest when ``col`` is stored column by column, as :func:`im2col` returns it; a
    row-by-row (C order) ``col`` gives the same result after one transposing copy.

    Parameters
    ----------
    col : (N*OH*OW, C*FH*FW) array
    input_shape : tuple (N, C, H, W)
    filter_h, filter_w : int
    stride : int, at least 1
    pad : int, at least 0

    Returns
    -------
    img : (N, C, H, W) array, same dtype as ``col``
    """
    if len(input_shape) != 4:
        raise ValueError(f"input_shape must be (N, C, H, W); got {tuple(input_shape)}")
    N, C, H, W = (_check_int(n, "input_shape entry", 1) for n in input_shape)
    OH = conv_output_size(H, filter_h, stride, pad, axis="H")
    OW = conv_output_size(W, filter_w, stride, pad, axis="W")
    col = np.asarray(col)
    expected = (N * OH * OW, C * filter_h * filter_w)
    if col.shape != expected:
        raise ValueError(
            f"col has shape {col.shape}; for input_shape {tuple(input_shape)} with a "
            f"{filter_h}x{filter_w} filter, stride {stride}, pad {pad} it must be "
            f"(N*OH*OW, C*FH*FW) = {expected}"
        )
    # Column (c, i, j), row (n, oh, ow) of col is cell (i, j) of window (n, c, oh, ow).
    windows = col.T.reshape(C, filter_h, filter_w, N, OH, OW)
    return fold_windows(
        lambda i, j: windows[:, i, j].transpose(1, 0, 2, 3), input_shape, filter_h, filter_w, stride, pad, like=col
    )


def col_by_image(col, N):
    """im2col's matrix cut into one block per image, each block transposed.

    ``col: (N*OH*OW, C*FH*FW)`` -> ``(N, C*FH*FW, OH*OW)``, block ``n`` being
    ``col[n*OH*OW : (n+1)*OH*OW].T``. A view, no copy, for a ``col`` stored column by
    column as :func:`im2col` returns it (a row-by-row ``col`` is copied).

    Why: the convolution's product ``col @ col_W`` can be done image by image as
    ``col_W.T @ block_n`` -> (FN, OH*OW). That gives the output directly in (N, FN, OH, OW)
    order, with no transposing copy afterwards, and BLAS computes these short, wide products
    faster than one tall product with only FN columns (see ``Convolution``).
    """
    CK = col.shape[1]
    return col.T.reshape(CK, N, -1).transpose(1, 0, 2)


def col2im_by_image(dcol, input_shape, filter_h, filter_w, stride=1, pad=0):
    """:func:`col2im` for a matrix given as per-image transposed blocks, as :func:`col_by_image` cuts it.

    ``dcol: (N, C*FH*FW, OH*OW)`` -> dx: (N, C, H, W). The same numbers as
    ``col2im(dcol.transpose(0, 2, 1).reshape(N*OH*OW, C*FH*FW), ...)``, without that copy:
    the backward pass computes dcol = dout @ col_W.T image by image (``col_W @ dout_n``),
    which yields exactly these blocks. The tests check the two against each other.
    """
    N, C, H, W = input_shape
    OH = conv_output_size(H, filter_h, stride, pad, axis="H")
    OW = conv_output_size(W, filter_w, stride, pad, axis="W")
    if dcol.shape != (N, C * filter_h * filter_w, OH * OW):
        raise ValueError(f"dcol has shape {dcol.shape}; expected (N, C*FH*FW, OH*OW) = {(N, C * filter_h * filter_w, OH * OW)}")
    # Row (c, i, j), column (oh, ow) of block n is cell (i, j) of window (n, c, oh, ow).
    windows = dcol.reshape(N, C, filter_h, filter_w, OH, OW)
    return fold_windows(lambda i, j: windows[:, :, i, j], input_shape, filter_h, filter_w, stride, pad, like=dcol)
