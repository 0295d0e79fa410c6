# expect-score: 20
# expect-status: graded
# The approach the notebook suggests, a loop over the filter's cells (no sliding_window_view):
# as good as the vectorised solution, full marks.
# %% conv_output_size
<<solution>>
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((N, C, filter_h, filter_w, OH, OW), dtype=img.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            col[:, :, i, j] = img[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1)
# %% col2im
<<solution>>
