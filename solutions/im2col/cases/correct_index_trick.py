# expect-score: 20
# expect-status: graded
# Style: col2im built from the student's own im2col applied to an image of pixel numbers,
# then np.bincount (an add.at by another name); float64 intermediates; %time magic.
# %% conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride < 1:
        raise ValueError(f"stride {stride} < 1")
    if pad < 0:
        raise ValueError(f"pad {pad} < 0")
    numerator = input_size + 2 * pad - filter_size
    if numerator < 0:
        raise ValueError("filter bigger than the padded input")
    if numerator % stride:
        raise ValueError(f"{numerator}/{stride} is not whole")
    return numerator // stride + 1
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH = conv_output_size(H, filter_h, stride, pad)
    OW = conv_output_size(W, filter_w, stride, pad)
    padded = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.empty((N, OH, OW, C, filter_h, filter_w), dtype=padded.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            col[:, :, :, :, i, j] = padded[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride].transpose(0, 2, 3, 1)
    return col.reshape(N * OH * OW, C * filter_h * filter_w)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    # Which padded pixel every entry of col came from: im2col of the pixels' own numbers.
    numbers = np.arange(N * C * Hp * Wp, dtype=np.float64).reshape(N, C, Hp, Wp)
    source = im2col(numbers, filter_h, filter_w, stride, 0).astype(np.int64)
    img = np.bincount(source.ravel(), weights=np.asarray(col, dtype=np.float64).ravel(), minlength=N * C * Hp * Wp)
    return img.reshape(N, C, Hp, Wp)[:, :, pad : pad + H, pad : pad + W]
# %% new after test_col2im_hidden
%time _ = col2im(np.ones((60, 36)), (2, 3, 10, 11), 4, 3, stride=2, pad=1)
