# expect-score: 20
# expect-status: graded
# Style: sliding_window_view + np.einsum for the convolution and its gradients, np.add.at to
# fold the window gradients back; pooling on the same windows, np.add.at for its backward.
# %% convolution
from numpy.lib.stride_tricks import sliding_window_view


def scatter_windows(dwin, padded_shape, stride):
    """Add dwin (N, C, OH, OW, FH, FW) onto the pixels its windows cover."""
    N, C, OH, OW, FH, FW = dwin.shape
    rows = (np.arange(OH) * stride)[:, None, None, None] + np.arange(FH)[None, None, :, None]
    cols = (np.arange(OW) * stride)[None, :, None, None] + np.arange(FW)[None, None, None, :]
    rows, cols = np.broadcast_arrays(rows, cols)
    out = np.zeros(padded_shape)
    np.add.at(out, (slice(None), slice(None), rows, cols), dwin)
    return out


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.dW = None
        self.db = None

    def forward(self, x):
        p, s = self.pad, self.stride
        FH, FW = self.W.shape[2:]
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.padded_shape, self.x_shape = xp.shape, x.shape
        self.windows = sliding_window_view(xp, (FH, FW), axis=(2, 3))[:, :, ::s, ::s]
        return np.einsum("ncijpq,fcpq->nfij", self.windows, self.W) + self.b[:, None, None]

    def backward(self, dout):
        p = self.pad
        H, W = self.x_shape[2:]
        self.db = dout.sum(axis=(0, 2, 3))
        self.dW = np.einsum("ncijpq,nfij->fcpq", self.windows, dout)
        dwin = np.einsum("nfij,fcpq->ncijpq", dout, self.W)
        return scatter_windows(dwin, self.padded_shape, self.stride)[:, :, p : p + H, p : p + W]
# %% pooling
class Pooling:
<<shared:pooling_init.py>>
    def forward(self, x):
        p, s = self.pad, self.stride
        fill = -np.inf if self.mode == "max" else 0
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
        self.padded_shape, self.x_shape = xp.shape, x.shape
        win = sliding_window_view(xp, (self.pool_h, self.pool_w), axis=(2, 3))[:, :, ::s, ::s]
        if self.mode == "avg":
            return win.mean(axis=(4, 5))
        flat = win.reshape(*win.shape[:4], -1)
        self.arg = flat.argmax(axis=-1)
        return flat.max(axis=-1)

    def backward(self, dout):
        p = self.pad
        H, W = self.x_shape[2:]
        N, C, OH, OW = dout.shape
        k = self.pool_h * self.pool_w
        if self.mode == "avg":
            dflat = np.repeat(dout[..., None] / k, k, axis=-1)
        else:
            dflat = np.zeros((N, C, OH, OW, k))
            np.put_along_axis(dflat, self.arg[..., None], dout[..., None], axis=-1)
        dwin = dflat.reshape(N, C, OH, OW, self.pool_h, self.pool_w)
        return scatter_windows(dwin, self.padded_shape, self.stride)[:, :, p : p + H, p : p + W]
