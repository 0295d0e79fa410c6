# expect-score: 10
# expect-status: graded
# Independent solution 1: plain loops over images, filters and output positions.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    """Forward pass of a convolution layer.

    x: (N, C, H, W) images, W: (FN, C, FH, FW) filters, b: (FN,) biases.
    Returns out: (N, FN, OH, OW) and cache, whatever conv_backward needs.
    """
    n_img, _, h, w = x.shape
    n_fil, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    out = np.zeros((n_img, n_fil, oh, ow))
    for n in range(n_img):
        for f in range(n_fil):
            for i in range(oh):
                for j in range(ow):
                    patch = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out, (x, W, stride, pad)
# %% conv_backward
def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    dout: (N, FN, OH, OW), the gradient of the loss with respect to out.
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,).
    """
    x, W, stride, pad = cache
    n_img, _, h, w = x.shape
    n_fil, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    for n in range(n_img):
        for f in range(n_fil):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    top, left = i * stride, j * stride
                    g = dout[n, f, i, j]
                    dW[f] += g * xp[n, :, top:top + kh, left:left + kw]
                    dxp[n, :, top:top + kh, left:left + kw] += g * W[f]
    return dxp[:, :, pad:pad + h, pad:pad + w], dW, db
