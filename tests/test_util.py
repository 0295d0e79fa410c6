"""Tests of scratchcnn.util: output sizes, sliding windows, im2col and col2im."""

import numpy as np
import pytest

from scratchcnn import util
from scratchcnn.util import (
    cache_parts,
    cache_pieces,
    check_images,
    col2im,
    col2im_by_image,
    col_by_image,
    conv_output_size,
    fold_disjoint_windows,
    fold_windows,
    im2col,
    pad_images,
    sliding_windows,
)

pytestmark = pytest.mark.usefixtures("one_thread")

# (N, C, H, W, FH, FW, stride, pad): small cases with whole-number output sizes, covering
# overlapping windows (stride < filter), gaps between windows (stride > filter),
# non-square filters and images, padding larger than the filter.
WINDOW_CASES = [
    (1, 1, 3, 3, 2, 2, 1, 0),
    (2, 3, 5, 7, 3, 3, 1, 1),
    (3, 2, 7, 5, 3, 1, 2, 0),
    (2, 1, 8, 6, 2, 4, 2, 1),
    (1, 3, 9, 11, 5, 3, 2, 2),
    (2, 2, 7, 7, 1, 1, 3, 0),
    (1, 2, 7, 8, 2, 3, 3, 2),
    (2, 1, 4, 4, 1, 2, 1, 2),
]
WINDOW_IDS = [f"x{n}x{c}x{h}x{w}-f{fh}x{fw}-s{s}-p{p}" for n, c, h, w, fh, fw, s, p in WINDOW_CASES]


def im2col_by_loops(x, filter_h, filter_w, stride, pad):
    """The definition of im2col, one window at a time: row (n, oh, ow) is the window under
    the filter at output position (oh, ow) of image n, flattened in (C, FH, FW) order."""
    N, _, H, W = x.shape
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    OH = (H + 2 * pad - filter_h) // stride + 1
    OW = (W + 2 * pad - filter_w) // stride + 1
    rows = [
        padded[n, :, oh * stride : oh * stride + filter_h, ow * stride : ow * stride + filter_w].reshape(-1)
        for n in range(N)
        for oh in range(OH)
        for ow in range(OW)
    ]
    return np.array(rows)


# --- conv_output_size ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "input_size, filter_size, stride, pad, expected",
    [
        (28, 5, 1, 0, 24),  # SimpleConvNet's convolution
        (24, 2, 2, 0, 12),  # and its pooling
        (32, 5, 1, 2, 32),  # "same" padding (F - 1) / 2 keeps the size
        (5, 5, 1, 0, 1),  # the filter covers the whole input
        (1, 3, 1, 1, 1),
        (np.int64(7), np.int32(3), np.int16(2), np.int8(0), 3),  # NumPy integers are integers
    ],
)
def test_conv_output_size(input_size, filter_size, stride, pad, expected):
    """OH = (H + 2P - FH) / S + 1, returned as a Python int."""
    size = conv_output_size(input_size, filter_size, stride, pad)
    assert size == expected and type(size) is int


@pytest.mark.parametrize(
    "args, message",
    [
        ((7, 3, 3, 0), r"output size OH is not an integer: \(H \+ 2P - FH\) / S \+ 1 = \(7 \+ 2\*0 - 3\) / 3 \+ 1 = 2\.333"),
        ((8, 3, 2, 1, "W"), r"output size OW is not an integer: .* = \(8 \+ 2\*1 - 3\) / 2 \+ 1 = 4\.5"),
        ((7, 3, 1, -1), r"pad must be non-negative, got -1"),
        ((7, 3, 0, 0), r"stride must be at least 1, got 0"),
        ((7, 3, 1.5, 0), r"stride must be an integer, got 1\.5"),
        ((7, 3, 2.0, 0), r"stride must be an integer, got 2\.0"),
        ((7, 3, True, 0), r"stride must be an integer, got True"),
        ((7, 3, 1, 0.5), r"pad must be an integer"),
        ((4, 7, 1, 1), r"filter size FH=7 is larger than the padded input: H \+ 2P = 4 \+ 2\*1 = 6"),
        ((0, 1, 1, 0), r"input size H must be at least 1"),
        ((5, 0, 1, 0), r"filter size FH must be at least 1"),
    ],
)
def test_conv_output_size_errors(args, message):
    """A size that is not a whole number, or a bad stride/pad/filter, raises and says why."""
    with pytest.raises(ValueError, match=message):
        conv_output_size(*args)


# --- check_images, pad_images, sliding_windows --------------------------------------------


@pytest.mark.parametrize(
    "x, message",
    [
        (
            np.zeros((1, 28, 28)),
            r"x must be 4-D with shape \(N, C, H, W\); got a 3-D array of shape \(1, 28, 28\) \(add a batch axis",
        ),
        (np.zeros((28, 28)), r"must be 4-D .* got a 2-D array"),
        (np.zeros((1, 1, 1, 2, 2)), r"must be 4-D .* got a 5-D array"),
        (np.zeros((1, 1, 2, 2), dtype=complex), r"x must hold real numbers; got dtype complex128"),
        (np.full((1, 1, 2, 2), "a"), r"x must hold real numbers; got dtype <U1"),
        (np.zeros((1, 1, 2, 2), dtype=object), r"x must hold real numbers; got dtype object"),
        (np.zeros((1, 1, 2, 2), dtype=bool), r"x must hold real numbers; got dtype bool"),
    ],
)
def test_check_images_errors(x, message):
    """Only 4-D arrays of integers or floats count as a batch of images."""
    with pytest.raises(ValueError, match=message):
        check_images(x)


def test_check_images_accepts_lists_and_keeps_arrays():
    """Nested lists become arrays; an array passes through without a copy."""
    x = np.zeros((1, 1, 2, 2), dtype=np.float32)
    assert check_images(x) is x
    assert check_images([[[[1, 2], [3, 4]]]]).shape == (1, 1, 2, 2)


def test_pad_images(rng):
    """pad_images surrounds H and W with a ring of the given value; pad 0 returns x itself."""
    x = rng.standard_normal((2, 3, 4, 5))
    assert pad_images(x, 0) is x
    padded = pad_images(x, 2, value=-7.0)
    assert padded.shape == (2, 3, 8, 9)
    np.testing.assert_array_equal(padded[:, :, 2:-2, 2:-2], x)
    ring = np.ones(padded.shape, dtype=bool)
    ring[:, :, 2:-2, 2:-2] = False
    assert np.all(padded[ring] == -7.0)


@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_sliding_windows_are_the_windows(rng, N, C, H, W, FH, FW, stride, pad):
    """windows[n, c, oh, ow] is the (FH, FW) patch at (oh*S - P, ow*S - P); a view when P = 0."""
    x = rng.standard_normal((N, C, H, W))
    windows = sliding_windows(x, FH, FW, stride, pad)
    OH, OW = conv_output_size(H, FH, stride, pad), conv_output_size(W, FW, stride, pad, axis="W")
    assert windows.shape == (N, C, OH, OW, FH, FW)
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    for oh, ow in [(0, 0), (OH - 1, OW - 1), (OH // 2, OW - 1)]:
        expected = padded[:, :, oh * stride : oh * stride + FH, ow * stride : ow * stride + FW]
        np.testing.assert_array_equal(windows[:, :, oh, ow], expected)
    assert np.shares_memory(windows, x) == (pad == 0)


# --- im2col ---------------------------------------------------------------------------------


@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_im2col_matches_definition(rng, N, C, H, W, FH, FW, stride, pad):
    """im2col has one row per output position (n, oh, ow), the window in (C, FH, FW) order."""
    x = rng.standard_normal((N, C, H, W))
    np.testing.assert_array_equal(im2col(x, FH, FW, stride, pad), im2col_by_loops(x, FH, FW, stride, pad))


def test_im2col_is_stored_column_by_column(rng):
    """The documented layout (the fast one): col is Fortran-ordered, its transpose C-ordered."""
    col = im2col(rng.standard_normal((2, 3, 6, 6)), 3, 3, stride=1, pad=1)
    assert col.flags.f_contiguous and col.T.flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8])
def test_im2col_col2im_keep_dtype(dtype):
    """float32 in, float32 out (and so on): no silent promotion to float64."""
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5).astype(dtype)
    col = im2col(x, 3, 3, stride=2, pad=1)
    assert col.dtype == dtype
    assert col2im(col, x.shape, 3, 3, stride=2, pad=1).dtype == dtype


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: im2col(np.zeros((3, 7, 7)), 3, 3), r"input_data must be 4-D with shape \(N, C, H, W\); got a 3-D array"),
        (lambda: im2col(np.zeros((1, 1, 7, 7), dtype=complex), 3, 3), r"input_data must hold real numbers"),
        (
            lambda: im2col(np.zeros((1, 1, 7, 8)), 3, 3, stride=2),
            r"output size OW is not an integer: .* \(8 \+ 2\*0 - 3\) / 2 \+ 1 = 3\.5",
        ),
        (lambda: im2col(np.zeros((1, 1, 7, 7)), 3, 3, pad=-1), r"pad must be non-negative"),
        (lambda: im2col(np.zeros((1, 1, 7, 7)), 3, 3, stride=0), r"stride must be at least 1"),
        (lambda: im2col(np.zeros((1, 1, 7, 7)), 3, 3, stride=1.0), r"stride must be an integer"),
        (lambda: im2col(np.zeros((1, 1, 3, 3)), 5, 5, pad=0), r"filter size FH=5 is larger than the padded input"),
        (
            lambda: col2im(np.zeros((9, 8)), (1, 3, 5, 5), 3, 3),
            r"col has shape \(9, 8\); .* it must be \(N\*OH\*OW, C\*FH\*FW\) = \(9, 27\)",
        ),
        (lambda: col2im(np.zeros((9, 27)), (3, 5, 5), 3, 3), r"input_shape must be \(N, C, H, W\); got \(3, 5, 5\)"),
        (lambda: col2im(np.zeros((9, 27)), (1, 3, 5, 6), 3, 3, stride=2), r"output size OW is not an integer"),
    ],
)
def test_im2col_col2im_errors(call, message):
    """Bad shapes, strides, pads and dtypes raise a ValueError that names the problem."""
    with pytest.raises(ValueError, match=message):
        call()


# --- col2im and fold_windows, the adjoints ------------------------------------------------


def unfold_fold_pairs(x_shape, FH, FW, stride, pad):
    """{name: (unfold, fold)}: the two ways to cut out windows, each with its way back."""
    return {
        "im2col/col2im": (
            lambda x: im2col(x, FH, FW, stride, pad),
            lambda y: col2im(y, x_shape, FH, FW, stride, pad),
        ),
        "sliding_windows/fold_windows": (
            lambda x: sliding_windows(x, FH, FW, stride, pad),
            lambda G: fold_windows(lambda i, j: G[..., i, j], x_shape, FH, FW, stride, pad, like=G),
        ),
    }


@pytest.mark.parametrize("pair", ["im2col/col2im", "sliding_windows/fold_windows"])
@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_folding_is_adjoint_of_unfolding(rng, N, C, H, W, FH, FW, stride, pad, pair):
    """<im2col(x), y> == <x, col2im(y)> (and the same for the window views): the identity
    that makes col2im the backward pass of im2col. Overlapping copies add up."""
    unfold, fold = unfold_fold_pairs((N, C, H, W), FH, FW, stride, pad)[pair]
    x = rng.standard_normal((N, C, H, W))
    out = unfold(x)
    y = rng.standard_normal(out.shape)
    back = fold(y)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(out * y), np.sum(x * back), rtol=1e-12)


@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_col2im_accepts_both_memory_orders(rng, N, C, H, W, FH, FW, stride, pad):
    """A row-by-row (C order) col folds to exactly the same images as a Fortran-ordered one."""
    x_shape = (N, C, H, W)
    OH, OW = conv_output_size(H, FH, stride, pad), conv_output_size(W, FW, stride, pad, axis="W")
    col_c = rng.standard_normal((N * OH * OW, C * FH * FW))
    col_f = np.asfortranarray(col_c)
    assert col_c.flags.c_contiguous and col_f.flags.f_contiguous
    np.testing.assert_array_equal(col2im(col_c, x_shape, FH, FW, stride, pad), col2im(col_f, x_shape, FH, FW, stride, pad))


def test_col2im_adds_overlapping_copies(rng):
    """col2im(im2col(x)) is x times the number of windows covering each cell, and x itself
    when the windows tile the image without overlap."""
    x = rng.standard_normal((2, 3, 4, 4))
    # 3x3 windows at stride 1 on a 4x4 image: corner cells lie in 1 window, the centre in 4.
    coverage = np.array([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    np.testing.assert_allclose(col2im(im2col(x, 3, 3), x.shape, 3, 3), x * coverage)
    np.testing.assert_array_equal(col2im(im2col(x, 2, 2, stride=2), x.shape, 2, 2, stride=2), x)


# --- The faster paths, each against the plain one ----------------------------------------------


@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_col_by_image_cuts_col_into_transposed_image_blocks(rng, N, C, H, W, FH, FW, stride, pad):
    """Block n of col_by_image(col, N) is image n's rows of col, transposed; a view of
    im2col's (column by column) matrix, and a correct copy of a row-by-row one."""
    x = rng.standard_normal((N, C, H, W))
    col = im2col(x, FH, FW, stride, pad)
    blocks = col_by_image(col, N)
    P = col.shape[0] // N
    assert blocks.shape == (N, col.shape[1], P)
    assert np.shares_memory(blocks, col)
    for n in range(N):
        np.testing.assert_array_equal(blocks[n], col[n * P : (n + 1) * P].T)
    np.testing.assert_array_equal(col_by_image(np.ascontiguousarray(col), N), blocks)


@pytest.mark.parametrize("N, C, H, W, FH, FW, stride, pad", WINDOW_CASES, ids=WINDOW_IDS)
def test_col2im_by_image_equals_col2im(rng, N, C, H, W, FH, FW, stride, pad):
    """Folding per-image blocks gives exactly what col2im gives for the same matrix."""
    x_shape = (N, C, H, W)
    OH, OW = conv_output_size(H, FH, stride, pad), conv_output_size(W, FW, stride, pad, axis="W")
    col = rng.standard_normal((N * OH * OW, C * FH * FW))
    blocks = col.reshape(N, OH * OW, -1).transpose(0, 2, 1)
    np.testing.assert_allclose(
        col2im_by_image(blocks, x_shape, FH, FW, stride, pad), col2im(col, x_shape, FH, FW, stride, pad), rtol=1e-14, atol=1e-14
    )
    with pytest.raises(ValueError, match="dcol has shape"):
        col2im_by_image(blocks[:, 1:], x_shape, FH, FW, stride, pad)


@pytest.mark.parametrize(
    "N, C, H, W, FH, FW, stride, pad",
    [case for case in WINDOW_CASES if case[6] >= max(case[4], case[5])] + [(2, 3, 8, 8, 2, 2, 2, 0), (1, 2, 9, 9, 3, 3, 3, 0)],
)
def test_fold_disjoint_windows_equals_fold_windows(rng, N, C, H, W, FH, FW, stride, pad):
    """For windows that do not overlap, writing each cell equals adding it (gaps and padding stay 0)."""
    OH, OW = conv_output_size(H, FH, stride, pad), conv_output_size(W, FW, stride, pad, axis="W")
    G = rng.standard_normal((N, C, OH, OW, FH, FW)).astype(np.float32)
    expected = fold_windows(lambda i, j: G[..., i, j], (N, C, H, W), FH, FW, stride, pad, like=G)
    actual = fold_disjoint_windows(lambda i, j, out, part: np.copyto(out, G[part][..., i, j]), (N, C, H, W), FH, FW, stride, pad, np.float32)
    assert actual.dtype == np.float32
    np.testing.assert_array_equal(actual, expected)


def test_fold_disjoint_windows_refuses_overlapping_windows():
    with pytest.raises(ValueError, match="overlap"):
        fold_disjoint_windows(lambda i, j, out, part: None, (1, 1, 4, 4), 2, 2, 1, 0, np.float64)


def test_pad_images_keeps_the_dtype_and_equals_np_pad(rng):
    """The frame-then-copy padding is np.pad's, value and dtype included."""
    x = rng.integers(0, 255, (2, 3, 4, 5)).astype(np.uint8)
    expected = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)], constant_values=7)
    padded = pad_images(x, 1, value=7)
    assert padded.dtype == np.uint8
    np.testing.assert_array_equal(padded, expected)


@pytest.mark.parametrize("N, item_bytes, part_bytes", [(1, 10, 100), (100, 122_000, 4 << 20), (7, 64, 64), (5, 300, 100), (64, 1, 1000), (11, 8, 24)])
def test_cache_parts_cover_the_range_in_parts_of_at_most_part_bytes(N, item_bytes, part_bytes):
    parts = cache_parts(N, item_bytes, part_bytes)
    assert [i for part in parts for i in range(N)[part]] == list(range(N))
    sizes = [part.stop - part.start for part in parts]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    assert all(size * item_bytes <= part_bytes for size in sizes if size > 1)  # one item may be larger


def test_cache_parts_of_nothing_is_one_empty_part():
    assert cache_parts(0, 8, 64) == [slice(0, 0)]


@pytest.mark.parametrize("part", [..., slice(0, 100), slice(37, 81), slice(5, 5)])
def test_cache_pieces_cut_a_part_into_pieces_of_the_whole_range(part, monkeypatch):
    monkeypatch.setattr(util, "PIECE_BYTES", 1000)
    pieces = cache_pieces(part, 100, 64)  # 15 items of 64 bytes fit in a piece
    assert [i for piece in pieces for i in range(100)[piece]] == list(range(100)[slice(None) if part is ... else part])
    assert all(0 < piece.stop - piece.start <= 15 for piece in pieces if part != slice(5, 5))
