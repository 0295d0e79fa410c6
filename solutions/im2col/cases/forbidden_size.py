# expect-score: 16
# expect-status: graded
# Attack 5, in one part only: conv_output_size delegates to scratchcnn's. The library is
# not in im2col's sandbox at all, so the call fails; the static check zeroes the two
# output-size tests with the comment on that answer cell. im2col and col2im are the
# student's own (with their own size formula) and keep their 16 points.
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    from scratchcnn.util import conv_output_size as reference_size

    return reference_size(input_size, filter_size, stride, pad)


def own_size(input_size, filter_size, stride, pad):
    return (input_size + 2 * pad - filter_size) // stride + 1
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH, OW = own_size(H, filter_h, stride, pad), own_size(W, filter_w, stride, pad)
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((N, OH, OW, C, filter_h, filter_w), dtype=img.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            col[..., i, j] = img[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride].transpose(0, 2, 3, 1)
    return col.reshape(N * OH * OW, -1)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    OH, OW = own_size(H, filter_h, stride, pad), own_size(W, filter_w, stride, pad)
    blocks = col.reshape(N, OH, OW, C, filter_h, filter_w)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(filter_h):
        for j in range(filter_w):
            img[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride] += blocks[..., i, j].transpose(0, 3, 1, 2)
    return img[:, :, pad : pad + H, pad : pad + W]
