# expect-score: 5
# expect-status: graded
# The forward pass is right; the backward pass indexes with the wrong shape and raises
# an IndexError: the backward tests fail, the forward tests keep their points.
# %% pool_forward
<<solution>>
# %% pool_backward
def pool_backward(dout, cache):
    x_shape, arg_max, pool_h, pool_w, stride = cache
    dmax = np.zeros((dout.size, pool_h * pool_w))
    dmax[np.arange(dout.size), arg_max[:, None, None]] = dout
    return col2im(dmax.reshape(-1, x_shape[1] * pool_h * pool_w), x_shape, pool_h, pool_w, stride)
