# expect-score: 10
# expect-status: graded
# Style: explicit loops over the output positions (no im2col at all), the cache a dict.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = (H + 2 * pad - FH) // stride + 1
    OW = (Wd + 2 * pad - FW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, FN, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + FH, j * stride : j * stride + FW]  # (N, C, FH, FW)
            for f in range(FN):
                out[:, f, i, j] = np.sum(window * W[f], axis=(1, 2, 3)) + b[f]
    cache = {"x": x, "W": W, "b": b, "stride": stride, "pad": pad}
    return out, cache
# %% conv_backward
def conv_backward(dout, cache):
    x, W, stride, pad = cache["x"], cache["W"], cache["stride"], cache["pad"]
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    _, _, OH, OW = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(OH):
        for j in range(OW):
            hs, ws = i * stride, j * stride
            window = xp[:, :, hs : hs + FH, ws : ws + FW]
            for f in range(FN):
                d = dout[:, f, i, j]  # (N,)
                dW[f] += np.sum(window * d[:, None, None, None], axis=0)
                dxp[:, :, hs : hs + FH, ws : ws + FW] += W[f][None] * d[:, None, None, None]
    dx = dxp[:, :, pad : pad + H, pad : pad + Wd]
    return dx, dW, db
