# expect-score: 20
# expect-status: graded
# Style: np.lib.stride_tricks.as_strided windows, everything the backward pass needs in a
# dict self.cache; conv dx by a loop over the filter's cells, pooling with a boolean mask.
# %% convolution
def strided_windows(xp, FH, FW, stride):
    xp = np.ascontiguousarray(xp)
    N, C, Hp, Wp = xp.shape
    OH, OW = (Hp - FH) // stride + 1, (Wp - FW) // stride + 1
    a, b, c, d = xp.strides
    return np.lib.stride_tricks.as_strided(xp, (N, C, OH, OW, FH, FW), (a, b, c * stride, d * stride, c, d), writeable=False)


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.dW = None
        self.db = None
        self.cache = {}

    def forward(self, x):
        p = self.pad
        FN, C, FH, FW = self.W.shape
        win = strided_windows(np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))), FH, FW, self.stride)
        out = np.tensordot(win, self.W, axes=((1, 4, 5), (1, 2, 3))).transpose(0, 3, 1, 2)
        self.cache = {"win": win, "x_shape": x.shape}
        return out + self.b.reshape(1, FN, 1, 1)

    def backward(self, dout):
        win, (N, C, H, Wd) = self.cache["win"], self.cache["x_shape"]
        FN, _, FH, FW = self.W.shape
        s, p = self.stride, self.pad
        OH, OW = dout.shape[2:]
        self.dW = np.tensordot(dout, win, axes=((0, 2, 3), (0, 2, 3)))
        self.db = dout.sum(axis=(0, 2, 3))
        dxp = np.zeros((N, C, H + 2 * p, Wd + 2 * p))
        for i in range(FH):
            for j in range(FW):
                dxp[:, :, i : i + s * OH : s, j : j + s * OW : s] += np.einsum("nfhw,fc->nchw", dout, self.W[:, :, i, j])
        return dxp[:, :, p : p + H, p : p + Wd]
# %% pooling
class Pooling:
<<shared:pooling_init.py>>        self.cache = {}

    def forward(self, x):
        p = self.pad
        value = -np.inf if self.mode == "max" else 0.0
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=value)
        win = strided_windows(xp, self.pool_h, self.pool_w, self.stride)
        if self.mode == "max":
            out = win.max(axis=(4, 5))
            self.cache = {"mask": win == out[..., None, None], "x_shape": x.shape}
        else:
            out = win.mean(axis=(4, 5))
            self.cache = {"x_shape": x.shape}
        return out

    def backward(self, dout):
        N, C, H, W = self.cache["x_shape"]
        s, p, ph, pw = self.stride, self.pad, self.pool_h, self.pool_w
        OH, OW = dout.shape[2:]
        dxp = np.zeros((N, C, H + 2 * p, W + 2 * p))
        for i in range(ph):
            for j in range(pw):
                if self.mode == "max":
                    g = dout * self.cache["mask"][..., i, j]
                else:
                    g = dout / (ph * pw)
                dxp[:, :, i : i + s * OH : s, j : j + s * OW : s] += g
        return dxp[:, :, p : p + H, p : p + W]
