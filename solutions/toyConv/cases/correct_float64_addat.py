# expect-score: 10
# expect-status: graded
# Style: float64 intermediates everywhere, index arrays and np.add.at for dx instead of
# col2im; the cache a dict of index arrays.
# %% conv_forward
def window_index(C, H, W, FH, FW, stride, pad):
    """Flat indices into the padded image (C, H+2P, W+2P) of every (oh, ow, c, i, j)."""
    Hp, Wp = H + 2 * pad, W + 2 * pad
    OH, OW = (Hp - FH) // stride + 1, (Wp - FW) // stride + 1
    oh = np.arange(OH).reshape(OH, 1, 1, 1, 1) * stride
    ow = np.arange(OW).reshape(1, OW, 1, 1, 1) * stride
    c = np.arange(C).reshape(1, 1, C, 1, 1)
    i = np.arange(FH).reshape(1, 1, 1, FH, 1)
    j = np.arange(FW).reshape(1, 1, 1, 1, FW)
    idx = c * Hp * Wp + (oh + i) * Wp + (ow + j)
    return idx.reshape(OH * OW, C * FH * FW), OH, OW


def conv_forward(x, W, b, stride=1, pad=0):
    x = np.asarray(x, dtype=np.float64)
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    idx, OH, OW = window_index(C, H, Wd, FH, FW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).reshape(N, -1)
    col = xp[:, idx]  # N, OH*OW, C*FH*FW
    w = W.astype(np.float64).reshape(FN, -1)
    out = col @ w.T + b.astype(np.float64)  # N, OH*OW, FN
    out = out.transpose(0, 2, 1).reshape(N, FN, OH, OW)
    return out, {"col": col, "w": w, "idx": idx, "x_shape": x.shape, "W_shape": W.shape, "pad": pad}
# %% conv_backward
def conv_backward(dout, cache):
    N, C, H, Wd = cache["x_shape"]
    pad = cache["pad"]
    FN = dout.shape[1]
    d = dout.astype(np.float64).reshape(N, FN, -1).transpose(0, 2, 1)  # N, OH*OW, FN
    db = d.sum(axis=(0, 1))
    dW = np.einsum("npf,npk->fk", d, cache["col"]).reshape(cache["W_shape"])
    dcol = d @ cache["w"]  # N, OH*OW, C*FH*FW
    dxp = np.zeros((N, C * (H + 2 * pad) * (Wd + 2 * pad)))
    for n in range(N):
        np.add.at(dxp[n], cache["idx"], dcol[n])
    dx = dxp.reshape(N, C, H + 2 * pad, Wd + 2 * pad)[:, :, pad : pad + H, pad : pad + Wd]
    return dx, dW, db
