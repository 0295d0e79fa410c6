# expect-score: 5
# expect-status: graded
# The forward pass is right; the backward pass raises a NameError (a typo): the backward
# tests fail, the forward tests keep their points.
# %% conv_forward
<<solution>>
# %% conv_backward
def conv_backward(dout, cache):
    x_shape, col, col_W, W_shape, stride, pad = cache
    return col2im(dcol, x_shape, W_shape[2], W_shape[3], stride, pad), None, None
