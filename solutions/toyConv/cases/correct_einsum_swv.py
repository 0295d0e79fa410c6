# expect-score: 10
# expect-status: graded
# Style: sliding_window_view + np.einsum for the forward pass and dW, np.add.at on the
# windows for dx; the cache is a SimpleNamespace object.
# %% conv_forward
from types import SimpleNamespace
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    win = sliding_window_view(xp, (FH, FW), axis=(2, 3))[:, :, ::stride, ::stride]  # N C OH OW FH FW
    out = np.einsum("ncijpq,fcpq->nfij", win, W) + b[None, :, None, None]
    return out, SimpleNamespace(x_shape=x.shape, win=win, W=W, stride=stride, pad=pad)
# %% conv_backward
def conv_backward(dout, cache):
    N, C, H, Wd = cache.x_shape
    FN, _, FH, FW = cache.W.shape
    s, p = cache.stride, cache.pad
    db = np.einsum("nfij->f", dout)
    dW = np.einsum("ncijpq,nfij->fcpq", cache.win, dout)
    dwin = np.einsum("nfij,fcpq->ncijpq", dout, cache.W)  # gradient of every window
    OH, OW = dout.shape[2], dout.shape[3]
    dxp = np.zeros((N, C, H + 2 * p, Wd + 2 * p))
    rows = (np.arange(OH) * s)[:, None, None, None] + np.arange(FH)[None, None, :, None]  # OH 1 FH 1
    cols = (np.arange(OW) * s)[None, :, None, None] + np.arange(FW)[None, None, None, :]  # 1 OW 1 FW
    rows, cols = np.broadcast_arrays(rows, cols)  # OH OW FH FW
    np.add.at(dxp, (slice(None), slice(None), rows, cols), dwin)
    return dxp[:, :, p : p + H, p : p + Wd], dW, db
