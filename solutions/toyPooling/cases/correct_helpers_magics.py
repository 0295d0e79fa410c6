# expect-score: 10
# expect-status: graded
# Style: im2col recipe with float64 intermediates, helper functions in an extra cell, prints
# and the %time and %%time magics in extra cells.
# %% new after setup
def rows_of_windows(x, pool_h, pool_w, stride):
    """(N*OH*OW*C, pool_h*pool_w): one window of one channel per row, as float64."""
    return im2col(x.astype(np.float64), pool_h, pool_w, stride).reshape(-1, pool_h * pool_w)


def to_nchw(flat, N, OH, OW, C):
    return flat.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, H, W = x.shape
    OH, OW = conv_output_size(H, pool_h, stride), conv_output_size(W, pool_w, stride)
    rows = rows_of_windows(x, pool_h, pool_w, stride)
    arg_max = rows.argmax(axis=1)
    out = to_nchw(rows[np.arange(len(rows)), arg_max], N, OH, OW, C)
    print(f"pool_forward: {x.shape} -> {out.shape}")
    return out, (x.shape, arg_max, (pool_h, pool_w), stride)
# %% new after test_pool_forward_hidden
%time big, _ = pool_forward(np.random.rand(16, 8, 28, 28), 2, 2, 2)
print(big.shape)
# %% pool_backward
def pool_backward(dout, cache):
    x_shape, arg_max, (pool_h, pool_w), stride = cache
    per_row = dout.transpose(0, 2, 3, 1).astype(np.float64).ravel()
    dmax = np.zeros((per_row.size, pool_h * pool_w), dtype=np.float64)
    dmax[np.arange(per_row.size), arg_max] = per_row
    dcol = dmax.reshape(-1, x_shape[1] * pool_h * pool_w)
    return col2im(dcol, x_shape, pool_h, pool_w, stride)
# %% new
%%time
dx_check = pool_backward(np.ones((1, 2, 2, 2)), pool_forward(x, 2, 2, 1)[1])
print(dx_check.sum())
