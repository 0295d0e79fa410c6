# expect-score: 20
# expect-status: graded
# Style: linear algebra instead of slicing: 0/1 selection matrices per axis and np.einsum in
# both directions (col2im is literally the transpose); conv_output_size via a while loop.
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if pad < 0:
        raise ValueError("pad must not be negative")
    end = input_size + 2 * pad
    if filter_size > end:
        raise ValueError("filter too large")
    count, start = 0, 0
    while start + filter_size <= end:
        count += 1
        start += stride
    if start - stride + filter_size != end:
        raise ValueError("the last window does not end on the last cell")
    return count
# %% im2col
def selector(size, filt, stride, pad):
    """S[o, f, p] = 1 if output o's filter cell f sits on (unpadded) pixel p."""
    out = conv_output_size(size, filt, stride, pad)
    S = np.zeros((out, filt, size))
    for o in range(out):
        for f in range(filt):
            p = o * stride + f - pad
            if 0 <= p < size:
                S[o, f, p] = 1.0
    return S


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    SH, SW = selector(H, filter_h, stride, pad), selector(W, filter_w, stride, pad)
    col = np.einsum("nchw,aih,bjw->nabcij", input_data, SH, SW)
    return col.reshape(N * SH.shape[0] * SW.shape[0], C * filter_h * filter_w)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    SH, SW = selector(H, filter_h, stride, pad), selector(W, filter_w, stride, pad)
    blocks = col.reshape(N, SH.shape[0], SW.shape[0], C, filter_h, filter_w)
    return np.einsum("nabcij,aih,bjw->nchw", blocks, SH, SW)
