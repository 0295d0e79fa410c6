# expect-score: 10
# expect-status: graded
# Style: windows from np.lib.stride_tricks.as_strided, tensordot; dx by a loop over the
# filter's cells; the cache a plain tuple of arrays.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, stride, pad)
    OW = conv_output_size(Wd, FW, stride, pad)
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))))
    sN, sC, sH, sW = xp.strides
    windows = np.lib.stride_tricks.as_strided(
        xp, shape=(N, C, OH, OW, FH, FW), strides=(sN, sC, sH * stride, sW * stride, sH, sW), writeable=False
    )
    out = np.tensordot(windows, W, axes=([1, 4, 5], [1, 2, 3]))  # N OH OW FN
    out = out.transpose(0, 3, 1, 2) + b.reshape(1, -1, 1, 1)
    return out, (x, W, stride, pad, windows)
# %% conv_backward
def conv_backward(dout, cache):
    x, W, stride, pad, windows = cache
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = dout.shape[2:]
    db = dout.sum(axis=(0, 2, 3))
    dW = np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3]))  # FN C FH FW
    dxp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad))
    for p in range(FH):
        for q in range(FW):
            # contribution of filter cell (p, q) at every output position
            contrib = np.tensordot(dout, W[:, :, p, q], axes=([1], [0]))  # N OH OW C
            dxp[:, :, p : p + stride * OH : stride, q : q + stride * OW : stride] += contrib.transpose(0, 3, 1, 2)
    dx = dxp[:, :, pad : pad + H, pad : pad + Wd]
    return dx, dW, db
