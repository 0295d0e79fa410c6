# expect-score: 20
# expect-status: graded
# Style: the cs231n way: index arrays (k, i, j) built once by a helper in its own cell, fancy
# indexing for im2col and np.add.at for col2im; a ValueError subclass for bad settings.
# %% conv_output_size
class ConvSizeError(ValueError):
    pass


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if not stride >= 1:
        raise ConvSizeError("stride < 1")
    if not pad >= 0:
        raise ConvSizeError("pad < 0")
    if filter_size > input_size + 2 * pad:
        raise ConvSizeError("the filter is larger than the padded input")
    if (input_size + 2 * pad - filter_size) % stride:
        raise ConvSizeError("not a whole number of steps")
    return (input_size + 2 * pad - filter_size) // stride + 1
# %% new after conv_output_size
def get_indices(x_shape, field_height, field_width, stride, pad):
    """(k, i, j), each (C*FH*FW, OH*OW): channel, row and column of every window cell."""
    N, C, H, W = x_shape
    out_height = conv_output_size(H, field_height, stride, pad)
    out_width = conv_output_size(W, field_width, stride, pad)
    i0 = np.tile(np.repeat(np.arange(field_height), field_width), C)
    i1 = stride * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = stride * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
    return k, i, j
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C = input_data.shape[:2]
    x_padded = np.pad(input_data, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    k, i, j = get_indices(input_data.shape, filter_h, filter_w, stride, pad)
    cols = x_padded[:, k, i, j]  # (N, C*FH*FW, OH*OW)
    return cols.transpose(0, 2, 1).reshape(-1, C * filter_h * filter_w)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    k, i, j = get_indices(input_shape, filter_h, filter_w, stride, pad)
    x_padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=col.dtype)
    cols = col.reshape(N, -1, C * filter_h * filter_w).transpose(0, 2, 1)
    np.add.at(x_padded, (slice(None), k, i, j), cols)
    if pad == 0:
        return x_padded
    return x_padded[:, :, pad:-pad, pad:-pad]
