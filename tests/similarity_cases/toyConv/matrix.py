# expect-score: 10
# expect-status: graded
# Independent solution 2: im2col and one matrix product, written in a style of its own
# (the cache keeps the inputs; the backward pass unfolds again and uses einsum).
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    """Forward pass of a convolution layer.

    x: (N, C, H, W) images, W: (FN, C, FH, FW) filters, b: (FN,) biases.
    Returns out: (N, FN, OH, OW) and cache, whatever conv_backward needs.
    """
    filters = W.shape[0]
    rows = im2col(x, W.shape[2], W.shape[3], stride, pad)
    flat = np.dot(rows, W.reshape(filters, -1).T) + b[np.newaxis, :]
    height = conv_output_size(x.shape[2], W.shape[2], stride, pad)
    width = conv_output_size(x.shape[3], W.shape[3], stride, pad)
    result = np.moveaxis(flat.reshape(x.shape[0], height, width, filters), 3, 1)
    return result, {"x": x, "W": W, "stride": stride, "pad": pad}
# %% conv_backward
def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    dout: (N, FN, OH, OW), the gradient of the loss with respect to out.
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,).
    """
    x, W = cache["x"], cache["W"]
    s, p = cache["stride"], cache["pad"]
    grad = np.moveaxis(dout, 1, 3).reshape(-1, W.shape[0])
    unfolded = im2col(x, W.shape[2], W.shape[3], s, p)
    db = np.einsum("rf->f", grad)
    dW = np.einsum("rk,rf->fk", unfolded, grad).reshape(W.shape)
    dx = col2im(np.einsum("rf,fk->rk", grad, W.reshape(W.shape[0], -1)), x.shape, W.shape[2], W.shape[3], s, p)
    return dx, dW, db
