# expect-score: 20
# expect-status: graded
# Style: explicit loops over every output position in im2col and col2im (slow but allowed),
# conv_output_size with float division and is_integer().
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride <= 0:
        raise ValueError("stride must be positive")
    if pad < 0:
        raise ValueError("padding cannot be negative")
    if input_size + 2 * pad < filter_size:
        raise ValueError("filter does not fit into the padded input")
    size = (input_size + 2 * pad - filter_size) / stride + 1
    if not float(size).is_integer():
        raise ValueError(f"output size {size} is not an integer")
    return int(size)
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N * OH * OW, C * filter_h * filter_w), dtype=img.dtype)
    row = 0
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                y, x = i * stride, j * stride
                col[row] = img[n, :, y : y + filter_h, x : x + filter_w].reshape(-1)
                row += 1
    return col
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    row = 0
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                y, x = i * stride, j * stride
                img[n, :, y : y + filter_h, x : x + filter_w] += col[row].reshape(C, filter_h, filter_w)
                row += 1
    return img[:, :, pad : H + pad, pad : W + pad]
