# expect-score: 10
# expect-status: graded
# Style: helper functions in an extra cell, debugging prints inside the functions, %time and
# cell magic %%capture in extra cells (the captured cell only hides its own prints).
# %% new after setup
def pad_images(x, pad):
    """Zero padding on H and W only."""
    return np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])


def filters_as_columns(W):
    return W.reshape(W.shape[0], -1).T


VERBOSE = True
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    N, _, H, Wd = x.shape
    OH, OW = conv_output_size(H, FH, stride, pad), conv_output_size(Wd, FW, stride, pad)
    col = im2col(pad_images(x, pad), FH, FW, stride, 0)
    col_W = filters_as_columns(W)
    if VERBOSE:
        print("col", col.shape, "col_W", col_W.shape)
    out = (col @ col_W + b).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)
    return out, (x.shape, col, col_W, stride, pad, (FH, FW))
# %% new after test_conv_forward_hidden
%time out_t, _ = conv_forward(np.random.rand(8, 3, 16, 16), np.random.rand(6, 3, 3, 3), np.zeros(6), 1, 1)
print(out_t.shape)
# %% conv_backward
def conv_backward(dout, cache):
    x_shape, col, col_W, stride, pad, (FH, FW) = cache
    FN = col_W.shape[1]
    C = x_shape[1]
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    if VERBOSE:
        print("dout as rows", rows.shape)
    db = rows.sum(0)
    dW = (rows.T @ col).reshape(FN, C, FH, FW)
    dx = col2im(rows @ col_W.T, x_shape, FH, FW, stride, pad)
    return dx, dW, db
# %% new
%%capture
VERBOSE = False
dx_t, dW_t, db_t = conv_backward(np.ones((1, 2, 2, 2)), conv_forward(x, W, b)[1])
print(dx_t)
