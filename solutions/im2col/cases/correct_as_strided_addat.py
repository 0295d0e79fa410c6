# expect-score: 20
# expect-status: graded
# Style: np.lib.stride_tricks.as_strided for im2col, np.add.at with index arrays for col2im,
# conv_output_size checking divmod.
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride < 1 or pad < 0:
        raise ValueError(f"invalid stride {stride} or pad {pad}")
    span = input_size + 2 * pad - filter_size
    if span < 0:
        raise ValueError("filter larger than padded input")
    q, r = divmod(span, stride)
    if r != 0:
        raise ValueError("(H + 2P - FH) is not divisible by the stride")
    return q + 1
# %% im2col
from numpy.lib.stride_tricks import as_strided


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    img = np.ascontiguousarray(np.pad(input_data, ((0, 0), (0, 0), (pad, pad), (pad, pad))))
    sn, sc, sh, sw = img.strides
    view = as_strided(img, shape=(N, OH, OW, C, filter_h, filter_w),
                      strides=(sn, sh * stride, sw * stride, sc, sh, sw), writeable=False)
    return view.reshape(N * OH * OW, C * filter_h * filter_w)  # reshape copies: col is its own array
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    blocks = col.reshape(N, OH, OW, C, filter_h, filter_w)
    n = np.arange(N).reshape(N, 1, 1, 1, 1, 1)
    c = np.arange(C).reshape(1, 1, 1, C, 1, 1)
    y = (np.arange(OH) * stride).reshape(1, OH, 1, 1, 1, 1) + np.arange(filter_h).reshape(1, 1, 1, 1, filter_h, 1)
    x = (np.arange(OW) * stride).reshape(1, 1, OW, 1, 1, 1) + np.arange(filter_w).reshape(1, 1, 1, 1, 1, filter_w)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=np.float64)
    np.add.at(img, (n, c, y, x), blocks)
    return img[:, :, pad : pad + H, pad : pad + W]
