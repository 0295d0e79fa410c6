# expect-score: 20
# expect-status: graded
# Style: the notebook's suggested loop over filter cells, with prints of the intermediate
# shapes, a %%capture cell that hides only its own output and a %timeit line; the size
# check written with math.floor.
# %% conv_output_size
import math


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if stride < 1 or pad < 0:
        raise ValueError(f"bad stride/pad: stride={stride}, pad={pad}")
    if filter_size > input_size + 2 * pad:
        raise ValueError("filter is larger than the padded input")
    exact = (input_size + 2 * pad - filter_size) / stride + 1
    if math.floor(exact) != exact:
        raise ValueError(f"{exact} is not a whole number")
    return math.floor(exact)


print(conv_output_size(7, 3), conv_output_size(7, 3, stride=2))
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]
    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
    print("im2col:", input_data.shape, "->", col.shape)
    return col
# %% new after test_im2col_stride_pad
%%capture
scratch = im2col(np.random.rand(4, 3, 9, 9), 3, 3, stride=3)
print(scratch.shape)
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    print("col2im:", col.shape, "->", input_shape)
    return img[:, :, pad : H + pad, pad : W + pad]
# %% new
%timeit -n 3 -r 1 col2im(np.ones((90, 75)), (10, 3, 7, 7), 5, 5)
