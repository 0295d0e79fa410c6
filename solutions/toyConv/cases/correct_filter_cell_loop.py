# expect-score: 10
# expect-status: graded
# Style: a loop over the filter's cells (i, j) accumulating strided slices, in both passes;
# the cache holds the padded input itself.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH = conv_output_size(H, FH, stride, pad)
    OW = conv_output_size(Wd, FW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.broadcast_to(b[None, :, None, None], (N, FN, OH, OW)).copy()
    for i in range(FH):
        for j in range(FW):
            patch = xp[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride]  # N C OH OW
            out += np.einsum("nchw,fc->nfhw", patch, W[:, :, i, j])
    cache = (xp, W, stride, pad, (H, Wd))
    return out, cache
# %% conv_backward
def conv_backward(dout, cache):
    xp, W, stride, pad, (H, Wd) = cache
    FN, C, FH, FW = W.shape
    OH, OW = dout.shape[2], dout.shape[3]
    dxp = np.zeros(xp.shape)
    dW = np.zeros(W.shape)
    for i in range(FH):
        for j in range(FW):
            patch = xp[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride]
            dW[:, :, i, j] = np.einsum("nchw,nfhw->fc", patch, dout)
            dxp[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride] += np.einsum(
                "nfhw,fc->nchw", dout, W[:, :, i, j]
            )
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, pad : pad + H, pad : pad + Wd], dW, db
