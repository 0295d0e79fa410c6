"""Tests of scratchcnn.fastconv, the fast path of stride-1 convolutions, against the book's
method (im2col, col2im, the products of chapters 7 and 9).

Convolution takes this path for stride 1, so tests/test_layers.py also checks it against
PyTorch; here each piece is checked against the plain one it replaces.
"""

import numpy as np
import pytest

from scratchcnn import fastconv
from scratchcnn.util import col2im, col2im_by_image, col_by_image, im2col, sliding_windows

pytestmark = pytest.mark.usefixtures("one_thread")

# (N, C, H, W, FN, FH, FW, pad): square and non-square images and filters, padding 0 to
# larger than the filter, one-pixel filters, a filter as large as the padded image.
CASES = [
    (1, 1, 3, 3, 2, 2, 2, 0),
    (2, 3, 5, 7, 4, 3, 3, 1),
    (3, 2, 6, 4, 3, 3, 1, 0),
    (2, 1, 4, 5, 2, 2, 4, 2),
    (1, 3, 5, 5, 2, 1, 1, 0),
    (2, 2, 3, 4, 3, 5, 6, 1),
    (4, 1, 8, 8, 5, 5, 5, 0),
]
IDS = [f"x{n}x{c}x{h}x{w}-FN{fn}-f{fh}x{fw}-p{p}" for n, c, h, w, fn, fh, fw, p in CASES]


def book_forward(x, W, b, pad):
    """The book's convolution: out = im2col(x) @ W.reshape(FN, -1).T + b, then (N, FN, OH, OW)."""
    N, _, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = H + 2 * pad - FH + 1, Wd + 2 * pad - FW + 1
    out = im2col(x, FH, FW, 1, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)


def book_backward(x, W, dout, pad):
    """The book's gradients: db = sum(dout), dW = col.T @ dout, dx = col2im(dout @ col_W.T)."""
    FN, _, FH, FW = W.shape
    col = im2col(x, FH, FW, 1, pad)
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    dW = (col.T @ dout).T.reshape(W.shape)
    dx = col2im(dout @ W.reshape(FN, -1), x.shape, FH, FW, 1, pad)
    return dx, dW, dout.sum(axis=0)


def random_case(rng, N, C, H, Wd, FN, FH, FW, pad, dtype=np.float64):
    x = rng.standard_normal((N, C, H, Wd)).astype(dtype)
    W = rng.standard_normal((FN, C, FH, FW)).astype(dtype)
    b = rng.standard_normal(FN).astype(dtype)
    dout = rng.standard_normal((N, FN, H + 2 * pad - FH + 1, Wd + 2 * pad - FW + 1)).astype(dtype)
    return x, W, b, dout


@pytest.mark.parametrize("N, C, H, W, FN, FH, FW, pad", CASES, ids=IDS)
def test_augmented_col_is_im2col_by_image_plus_a_row_of_ones(rng, N, C, H, W, FN, FH, FW, pad):
    """Image n's block of the augmented col, without its last row, is image n's rows of
    im2col, transposed (col_by_image); the last row is all ones."""
    x = rng.standard_normal((N, C, H, W))
    col = fastconv.augmented_col(sliding_windows(x, FH, FW, 1, pad), np.float64)
    OH, OW = H + 2 * pad - FH + 1, W + 2 * pad - FW + 1
    assert col.shape == (N, C * FH * FW + 1, OH * OW)
    assert col.flags.c_contiguous
    np.testing.assert_array_equal(col[:, -1], 1)
    np.testing.assert_array_equal(col[:, :-1], col_by_image(im2col(x, FH, FW, 1, pad), N))


@pytest.mark.parametrize("N, C, H, W, FN, FH, FW, pad", CASES, ids=IDS)
def test_forward_and_backward_are_the_books(rng, N, C, H, W, FN, FH, FW, pad):
    """conv_forward and conv_backward give the book's out, dx, dW and db."""
    x, weights, b, dout = random_case(rng, N, C, H, W, FN, FH, FW, pad)
    np.testing.assert_allclose(fastconv.conv_forward(x, weights, b, pad), book_forward(x, weights, b, pad), rtol=1e-10, atol=1e-12)
    for got, expected in zip(fastconv.conv_backward(x, weights, dout, pad), book_backward(x, weights, dout, pad)):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    dx, dW, db = fastconv.conv_backward(x, weights, dout, pad, input_grad=False)
    assert dx is None
    np.testing.assert_allclose(dW, book_backward(x, weights, dout, pad)[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("images_per_part, lengths", [(1, {1}), (3, {2, 3})])
def test_a_batch_in_parts_of_unequal_length_gives_the_books_numbers(rng, monkeypatch, images_per_part, lengths):
    """11 images in parts of one image, or of 2 and 3 images: each part's products land in
    their own images' places, forward and backward."""
    x, weights, b, dout = random_case(rng, 11, 2, 6, 5, 3, 3, 2, 1)
    image_bytes = fastconv._col_bytes(2, 3, 2, 6, 6, np.float64)  # (C*FH*FW + 1) * OH * OW numbers
    monkeypatch.setattr(fastconv, "PART_BYTES", images_per_part * image_bytes)
    assert {p.stop - p.start for p in fastconv.batch_parts(11, image_bytes)} == lengths
    out = fastconv.conv_forward(x, weights, b, 1)
    assert out.shape == (11, 3, 6, 6)
    np.testing.assert_allclose(out, book_forward(x, weights, b, 1), rtol=1e-10, atol=1e-12)
    for got, expected in zip(fastconv.conv_backward(x, weights, dout, 1), book_backward(x, weights, dout, 1)):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_dtypes_are_kept(rng, dtype):
    """float32 stays float32 (no float64 creeping in), float64 stays float64, and integer
    images with integer filters give exact integer results."""
    x, weights, b, dout = random_case(rng, 2, 2, 5, 5, 3, 3, 3, 1)
    x, weights, b, dout = ((10 * a).astype(dtype) for a in (x, weights, b, dout))
    out = fastconv.conv_forward(x, weights, b, 1)
    dx, dW, db = fastconv.conv_backward(x, weights, dout, 1)
    assert {out.dtype, dx.dtype, dW.dtype, db.dtype} == {np.dtype(dtype)}
    if dtype == np.int64:
        np.testing.assert_array_equal(out, book_forward(x, weights, b, 1))
        for got, expected in zip((dx, dW, db), book_backward(x, weights, dout, 1)):
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "C, H, W, FH, FW, pad",
    [(3, 8, 8, 3, 3, 1), (2, 7, 9, 5, 5, 2), (1, 6, 5, 3, 5, 0), (2, 6, 7, 3, 5, 2), (1, 4, 4, 3, 3, 3), (2, 5, 6, 1, 1, 0)],
    ids=["same 3x3", "same 5x5", "valid", "pad > (F-1)/2", "pad = F", "1x1"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_fold_into_gives_the_numbers_of_col2im(rng, C, H, W, FH, FW, pad, dtype):
    """fold_into adds each window cell where it falls inside the image; col2im_by_image
    (the book's method) onto a padded image that it crops: the same numbers, written into
    a view of a larger array without touching the rest of it."""
    n, OH, OW = 3, H + 2 * pad - FH + 1, W + 2 * pad - FW + 1
    dcol = (10 * rng.standard_normal((n, C * FH * FW, OH * OW))).astype(dtype)
    expected = col2im_by_image(dcol, (n, C, H, W), FH, FW, 1, pad)
    whole = np.full((n + 2, C, H, W), 7, dtype=dtype)  # stale numbers: fold_into must overwrite them
    fastconv.fold_into(whole[1:-1], dcol, FH, FW, pad)
    if dtype == np.int64:
        np.testing.assert_array_equal(whole[1:-1], expected)
    else:  # the "same" case adds the cells in another order: equal up to rounding
        tolerance = {"rtol": 1e-5, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-12}
        np.testing.assert_allclose(whole[1:-1], expected, **tolerance)
    assert (whole[0] == 7).all() and (whole[-1] == 7).all()
