# expect-score: 20
# expect-status: graded
# Style: the no-loop challenge with sliding_window_view (axes moved with np.moveaxis), a
# padding helper in an extra cell, col2im by a loop over the filter's cells, prints.
# %% new after setup
def zero_pad(x, pad):
    if pad == 0:
        return x
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    out[:, :, pad : pad + H, pad : pad + W] = x
    return out
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if pad < 0:
        raise ValueError("pad must be >= 0")
    total = input_size + 2 * pad
    if filter_size > total:
        raise ValueError("filter_size > input_size + 2*pad")
    if (total - filter_size) % stride != 0:
        raise ValueError("(input_size + 2*pad - filter_size) / stride is not an integer")
    return (total - filter_size) // stride + 1
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH, OW = conv_output_size(H, filter_h, stride, pad), conv_output_size(W, filter_w, stride, pad)
    win = np.lib.stride_tricks.sliding_window_view(zero_pad(input_data, pad), (filter_h, filter_w), axis=(2, 3))
    win = win[:, :, : (OH - 1) * stride + 1 : stride, : (OW - 1) * stride + 1 : stride]  # N C OH OW FH FW
    win = np.moveaxis(win, 1, 3)  # N OH OW C FH FW
    return win.reshape(N * OH * OW, -1)
# %% new after im2col
print(im2col(np.arange(16.0).reshape(1, 1, 4, 4), 2, 2, stride=2))
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    OH, OW = conv_output_size(H, filter_h, stride, pad), conv_output_size(W, filter_w, stride, pad)
    t = col.reshape(N, OH, OW, C, filter_h, filter_w)
    img = zero_pad(np.zeros(input_shape), pad)
    for i in range(filter_h):
        for j in range(filter_w):
            img[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride] += np.moveaxis(t[..., i, j], 3, 1)
    return img[:, :, pad : pad + H, pad : pad + W]
