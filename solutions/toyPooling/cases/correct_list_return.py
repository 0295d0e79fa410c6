# expect-score: 10
# expect-status: graded
# Style: the lecture's im2col recipe, but pool_forward returns a list [out, cache] where the
# instructions say it "returns the pooled output and a cache"; the visible tests unpack it
# fine. Expected: full marks once the lead's fix lands; today the hidden tests reject the list.
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, H, W = x.shape
    out_h = int(1 + (H - pool_h) / stride)
    out_w = int(1 + (W - pool_w) / stride)
    col = im2col(x, pool_h, pool_w, stride, 0)
    col = col.reshape(-1, pool_h * pool_w)
    arg_max = np.argmax(col, axis=1)
    out = np.max(col, axis=1)
    out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
    return [out, [x, arg_max, pool_h, pool_w, stride]]
# %% pool_backward
def pool_backward(dout, cache):
    x, arg_max, pool_h, pool_w, stride = cache
    dout = dout.transpose(0, 2, 3, 1)
    pool_size = pool_h * pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(arg_max.size), arg_max.flatten()] = dout.flatten()
    dmax = dmax.reshape(dout.shape + (pool_size,))
    dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
    return col2im(dcol, x.shape, pool_h, pool_w, stride, 0)
