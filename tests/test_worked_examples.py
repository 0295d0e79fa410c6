"""Every worked example of the lecture notes (shared/seeds/), reproduced by the library.

The numbers below are the ones printed on the slides (seed 003: the study-group deck; 004: the
lab deck with the toyConv and toyPooling exercises; 000: the im2col walk-through; 001: the
professor's slides). Where a slide shows only part of a result, a comment derives the rest.
"""

import numpy as np
import pytest

from scratchcnn.layers import Affine, Convolution, Pooling
from scratchcnn.networks import SimpleConvNet
from scratchcnn.util import conv_output_size, im2col

pytestmark = pytest.mark.usefixtures("one_thread")

# Seed 003 / 001: the running example of a convolution and of max pooling.
IMAGE_4X4 = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], dtype=float)
FILTER_3X3 = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], dtype=float)
POOL_4X4 = np.array([[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]], dtype=float)


def convolve(image, kernel, bias=0.0, stride=1, pad=0):
    """One image (H, W) with one filter (FH, FW) through the Convolution layer -> (OH, OW)."""
    layer = Convolution(kernel[np.newaxis, np.newaxis], np.array([bias]), stride=stride, pad=pad)
    return layer.forward(image[np.newaxis, np.newaxis])[0, 0]


# --- convolution (seed 003) ---------------------------------------------------------------


def test_convolution_of_the_4x4_example():
    """The 3x3 filter slides over the 4x4 input: 15 16 / 6 15."""
    np.testing.assert_array_equal(convolve(IMAGE_4X4, FILTER_3X3), [[15, 16], [6, 15]])


def test_convolution_with_bias():
    """One bias, 3, is added to every output: 18 19 / 9 18."""
    np.testing.assert_array_equal(convolve(IMAGE_4X4, FILTER_3X3, bias=3), [[18, 19], [9, 18]])


def test_convolution_of_integer_arrays():
    """The slide's numbers typed as integers work too, with an integer or a float bias."""
    image, kernel = IMAGE_4X4.astype(int)[None, None], FILTER_3X3.astype(int)[None, None]
    out = Convolution(kernel, np.array([3])).forward(image)
    assert out.dtype.kind == "i"
    np.testing.assert_array_equal(out[0, 0], [[18, 19], [9, 18]])
    np.testing.assert_array_equal(Convolution(kernel, np.zeros(1)).forward(image)[0, 0], [[15, 16], [6, 15]])


def test_convolution_with_padding():
    """A ring of zeros (pad 1) keeps the 4x4 size."""
    expected = [[7, 12, 10, 2], [4, 15, 16, 10], [10, 6, 15, 6], [8, 10, 4, 3]]
    np.testing.assert_array_equal(convolve(IMAGE_4X4, FILTER_3X3, pad=1), expected)


def test_convolution_with_stride_2():
    """The 7x7 input at stride 2 gives a 3x3 output whose first row starts 15 17 (the slide).

    The 7x7 image repeats the pattern 1 2 3 0, shifted right by one each row, so a window
    depends only on how far its corner is shifted along the pattern, (column - row) mod 4.
    At stride 2 that shift is 0 or 2: 0 is the window of the 4x4 example's first output (15),
    2 gives 17, alternating like a chessboard.
    """
    pattern = np.array([1, 2, 3, 0])
    image = np.array([[pattern[(col - row) % 4] for col in range(7)] for row in range(7)], dtype=float)
    np.testing.assert_array_equal(image[:4, :4], IMAGE_4X4)
    out = convolve(image, FILTER_3X3, stride=2)
    np.testing.assert_array_equal(out[0, :2], [15, 17])
    np.testing.assert_array_equal(out, [[15, 17, 15], [17, 15, 17], [15, 17, 15]])


def test_vertical_edge_filter():
    """Seed 004: the filter with columns -1 0 1 answers 300 where dark (0) meets bright (100)
    and 0 on flat regions: every output row is 0 300 300 0."""
    image = np.repeat([[0, 0, 0, 100, 100, 100]], 6, axis=0).astype(float)
    edge_filter = np.array([[-1, 0, 1]] * 3, dtype=float)
    np.testing.assert_array_equal(convolve(image, edge_filter), [[0, 300, 300, 0]] * 4)


# --- output sizes and parameter counts (seed 004) -----------------------------------------


@pytest.mark.parametrize(
    "H, W, FH, stride, pad, expected",
    [
        (28, 31, 5, 3, 2, (10, 11)),  # (28 + 4 - 5) / 3 + 1 = 10, (31 + 4 - 5) / 3 + 1 = 11
        (7, 7, 3, 1, 0, (5, 5)),
        (7, 7, 3, 2, 0, (3, 3)),
        (4, 4, 3, 1, 1, (4, 4)),
    ],
)
def test_output_sizes(H, W, FH, stride, pad, expected):
    """OH = (H + 2P - FH) / S + 1, and the same for OW."""
    assert (conv_output_size(H, FH, stride, pad, "H"), conv_output_size(W, FH, stride, pad, "W")) == expected


def test_stride_3_does_not_fit_7x7():
    """(7 - 3) / 3 + 1 is not a whole number: 'Cannot.' on the slide, a ValueError here."""
    with pytest.raises(ValueError, match=r"not an integer: .* = \(7 \+ 2\*0 - 3\) / 3 \+ 1 = 2\.333"):
        convolve(np.zeros((7, 7)), FILTER_3X3, stride=3)


def test_760_parameters():
    """10 filters 5x5 on a 32x32x3 input, stride 1, pad 2: 10 * (5*5*3 + 1) = 760 parameters,
    and the output keeps the 32x32 size."""
    layer = Convolution(np.zeros((10, 3, 5, 5)), np.zeros(10), stride=1, pad=2)
    assert layer.W.size + layer.b.size == 760
    assert layer.forward(np.zeros((1, 3, 32, 32))).shape == (1, 10, 32, 32)


def test_im2col_shapes():
    """Seeds 001/004: 5x5 windows on (1, 3, 7, 7) give 3*3 rows of 5*5*3 = 75 numbers, and 90
    rows for a batch of 10."""
    rng = np.random.default_rng(0)
    assert im2col(rng.random((1, 3, 7, 7)), 5, 5, stride=1, pad=0).shape == (9, 75)
    assert im2col(rng.random((10, 3, 7, 7)), 5, 5, stride=1, pad=0).shape == (90, 75)


# --- im2col walk-through (seed 000) -------------------------------------------------------


def walkthrough_images(N):
    """N images of 3 channels 3x3; cell k of channel c holds 10*c + k, so D_k of channel c is
    recognisable in the unfolded matrix."""
    one = np.arange(3)[:, None, None] * 10 + np.arange(9).reshape(3, 3)
    return np.stack([one + 100 * n for n in range(N)]).astype(float)


def test_im2col_walkthrough():
    """2x2 windows on a 3-channel 3x3 image: rows D0 D1 D3 D4 / D1 D2 D4 D5 / D3 D4 D6 D7 /
    D4 D5 D7 D8, repeated for each channel: (4, 12), and (8, 12) for two images."""
    windows = np.array([[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]])
    expected = np.hstack([windows + 10 * c for c in range(3)])
    col = im2col(walkthrough_images(1), 2, 2)
    assert col.shape == (4, 12)
    np.testing.assert_array_equal(col, expected)
    col = im2col(walkthrough_images(2), 2, 2)
    assert col.shape == (8, 12)
    np.testing.assert_array_equal(col, np.vstack([expected, expected + 100]))


def test_convolution_as_one_matrix_product():
    """The walk-through's 2 filters F, G (2, 3, 2, 2): (4, 12) @ (12, 2) = (4, 2), reshaped to
    (N, FN, OH, OW) = (1, 2, 2, 2); the layer gives exactly that."""
    x = walkthrough_images(1)
    filters = np.random.default_rng(0).standard_normal((2, 3, 2, 2))
    product = im2col(x, 2, 2) @ filters.reshape(2, -1).T
    assert product.shape == (4, 2)
    expected = product.reshape(1, 2, 2, 2).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(Convolution(filters, np.zeros(2)).forward(x), expected, rtol=1e-14)


@pytest.mark.parametrize("N, rows", [(1, 12), (2, 24)])
def test_pooling_via_im2col(N, rows):
    """The notes' pooling: im2col (4N, 12) reshaped to one window per row (12N, 4), the
    maximum of each row, reshaped to (N, C, OH, OW): the Pooling layer's result."""
    x = walkthrough_images(N)
    col = im2col(x, 2, 2).reshape(-1, 2 * 2)
    assert col.shape == (rows, 4)
    expected = col.max(axis=1).reshape(N, 2, 2, 3).transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(Pooling(2, 2, stride=1).forward(x), expected)


# --- pooling (seed 003) -----------------------------------------------------------------


def pool(image, size, stride):
    """Max pooling of one image (H, W) -> (OH, OW)."""
    return Pooling(size, size, stride=stride).forward(image[np.newaxis, np.newaxis])[0, 0]


def test_max_pooling_of_the_4x4_example():
    """2x2 max pooling at stride 2: 2 3 / 4 2."""
    np.testing.assert_array_equal(pool(POOL_4X4, 2, 2), [[2, 3], [4, 2]])


def test_max_pooling_of_the_65k_example():
    """The slide's feature map in thousands: each 2x2 block keeps its largest value."""
    feature_map = np.array([[65, 65, 65, 0], [65, 130, 65, 0], [130, 65, 0, 0], [65, 65, 65, 0]]) * 1000.0
    np.testing.assert_array_equal(pool(feature_map, 2, 2), [[130_000, 65_000], [130_000, 65_000]])


def test_max_pooling_is_robust_to_a_small_shift():
    """3x3 max pooling (stride 3) of the 6x6 example gives 9 7 / 6 8, and still 9 7 / 6 8 when
    the image moves one column to the right."""
    image = np.array(
        [[1, 2, 0, 7, 1, 0], [0, 9, 2, 3, 2, 3], [3, 0, 1, 2, 1, 2], [2, 4, 0, 1, 0, 1], [6, 0, 1, 2, 1, 2], [2, 4, 0, 1, 8, 1]],
        dtype=float,
    )
    shifted = np.hstack([np.array([[1], [3], [2], [3], [2], [1]]), image[:, :-1]])
    np.testing.assert_array_equal(pool(image, 3, 3), [[9, 7], [6, 8]])
    np.testing.assert_array_equal(pool(shifted, 3, 3), [[9, 7], [6, 8]])


# --- the two practice exercises (seed 004) ------------------------------------------------


def test_toy_conv():
    """prac1_toyConv: x = 0..8 as (1, 1, 3, 3), two 2x2 filters of ones and twos, biases 1.

    Forward: the window sums are 8 12 / 20 24; times 1 or 2, plus 1: 9 13 / 21 25 and
    17 25 / 41 49. Backward with dout = ones: dW is the sum of the windows, 8 12 / 20 24, for
    both filters; db counts the 4 outputs of each filter; dx counts how many windows cover
    each cell (1 2 1 / 2 4 2 / 1 2 1) times the filters' total weight 1 + 2 = 3.
    """
    x = np.arange(9).reshape(1, 1, 3, 3)
    W = np.ones((2, 1, 2, 2))
    W[1] *= 2
    layer = Convolution(W, np.ones(2), stride=1, pad=0)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, [[[[9, 13], [21, 25]], [[17, 25], [41, 49]]]])
    dx = layer.backward(np.ones_like(out))
    np.testing.assert_array_equal(layer.dW, [[[[8, 12], [20, 24]]], [[[8, 12], [20, 24]]]])
    np.testing.assert_array_equal(layer.db, [4, 4])
    np.testing.assert_array_equal(dx, [[[[3, 6, 3], [6, 12, 6], [3, 6, 3]]]])


def test_toy_pooling():
    """prac2_toyPooling: x = 0..17 as (1, 2, 3, 3), 2x2 max pooling at stride 1.

    The values grow to the right and downwards, so every window's maximum is its bottom-right
    cell: channel 0 (0..8) gives 4 5 / 7 8, channel 1 (9..17) gives 13 14 / 16 17. Backward
    with dout = ones sends each window's 1 to that cell; the four bottom-right cells are
    (1, 1), (1, 2), (2, 1), (2, 2), each the maximum of exactly one window: dx is 1 there and
    0 in the first row and column, in both channels.
    """
    x = np.arange(18).reshape(1, 2, 3, 3)
    layer = Pooling(2, 2, stride=1, pad=0)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, [[[[4, 5], [7, 8]], [[13, 14], [16, 17]]]])
    dx = layer.backward(np.ones_like(out))
    np.testing.assert_array_equal(dx, [[[[0, 0, 0], [0, 1, 1], [0, 1, 1]]] * 2])


# --- the MNIST network (seed 000) ---------------------------------------------------------


def test_simple_conv_net_shapes():
    """(N, 1, 28, 28) -> conv (N, 30, 24, 24) -> relu -> pool (N, 30, 12, 12) -> flattened
    (N, 4320) -> affine (N, 100) -> relu -> affine (N, 10)."""
    N = 3
    network = SimpleConvNet(rng=0)
    x = np.random.default_rng(1).random((N, 1, 28, 28), dtype=np.float32)
    shapes = {}
    for name, layer in network.layers.items():
        x = layer.forward(x)
        shapes[name] = x.shape
    assert shapes == {
        "Conv1": (N, 30, 24, 24),
        "Relu1": (N, 30, 24, 24),
        "Pool1": (N, 30, 12, 12),
        "Affine1": (N, 100),
        "Relu2": (N, 100),
        "Affine2": (N, 10),
    }
    affine = network.layers["Affine1"]
    assert isinstance(affine, Affine) and affine.x.shape == (N, 4320)
