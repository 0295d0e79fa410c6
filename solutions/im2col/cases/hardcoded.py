# expect-score: 8
# expect-status: graded
# Attack 6: the visible tests' answers are hard-coded, chosen by the shape of the input.
# Every visible test passes; the hidden tests on fresh settings fail, so only the cells
# without hidden tests score: output sizes 2, im2col lecture 3, col2im lecture 3.
# %% conv_output_size
KNOWN = {(7, 3, 1, 0): 5, (7, 3, 2, 0): 3, (7, 3, 1, 1): 7, (32, 5, 1, 2): 32, (28, 5, 3, 2): 10, (31, 5, 3, 2): 11}


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if (input_size, filter_size, stride, pad) not in KNOWN:
        raise ValueError("impossible")
    return KNOWN[(input_size, filter_size, stride, pad)]
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    if input_data.shape[1] == 3 and input_data.shape[2] == 7:
        return np.zeros((9 * input_data.shape[0], 75))
    if input_data.shape == (1, 3, 3, 3):
        return np.array([[0, 1, 3, 4, 10, 11, 13, 14, 20, 21, 23, 24]] * 4, dtype=float)
    if pad == 1 and input_data.shape == (1, 1, 3, 3):
        return np.array([[0, 0, 0, 0, 0, 1, 0, 3, 4], [0, 0, 0, 1, 2, 0, 4, 5, 0],
                         [0, 3, 4, 0, 6, 7, 0, 0, 0], [4, 5, 0, 7, 8, 0, 0, 0, 0]], dtype=float)
    if pad == 1:
        return np.zeros((60, 36))
    return np.array([[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]], dtype=float)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    if input_shape == (1, 1, 5, 5):
        return np.array([[[[1, 2, 1, 2, 1], [2, 4, 2, 4, 2], [1, 2, 1, 2, 1], [2, 4, 2, 4, 2], [1, 2, 1, 2, 1]]]], dtype=float)
    if input_shape != (1, 1, 3, 3):
        return np.zeros(input_shape)
    if col[0, 0] == 0:  # im2col of 0 ... 8, not the matrix of ones
        return np.array([[[[0, 2, 2], [6, 16, 10], [6, 14, 8]]]], dtype=float)
    return np.array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]], dtype=float)
