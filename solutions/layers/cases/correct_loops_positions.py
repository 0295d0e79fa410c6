# expect-score: 20
# expect-status: graded
# Style: explicit loops over the output positions in both classes (no im2col); max pooling
# pads with -inf and keeps a 0/1 mask of each window's winner.
# %% convolution
class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.dW = None
        self.db = None

    def forward(self, x):
        N, C, H, Wd = x.shape
        FN, _, FH, FW = self.W.shape
        s, p = self.stride, self.pad
        OH, OW = (H + 2 * p - FH) // s + 1, (Wd + 2 * p - FW) // s + 1
        self.xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        self.x_shape = x.shape
        out = np.zeros((N, FN, OH, OW))
        Wmat = self.W.reshape(FN, -1)
        for i in range(OH):
            for j in range(OW):
                patch = self.xp[:, :, i * s : i * s + FH, j * s : j * s + FW].reshape(N, -1)
                out[:, :, i, j] = patch @ Wmat.T + self.b
        return out

    def backward(self, dout):
        N, C, H, Wd = self.x_shape
        FN, _, FH, FW = self.W.shape
        s, p = self.stride, self.pad
        OH, OW = dout.shape[2:]
        dxp = np.zeros(self.xp.shape)
        dW = np.zeros((FN, C * FH * FW))
        Wmat = self.W.reshape(FN, -1)
        for i in range(OH):
            for j in range(OW):
                patch = self.xp[:, :, i * s : i * s + FH, j * s : j * s + FW].reshape(N, -1)
                g = dout[:, :, i, j]  # (N, FN)
                dW += g.T @ patch
                dxp[:, :, i * s : i * s + FH, j * s : j * s + FW] += (g @ Wmat).reshape(N, C, FH, FW)
        self.dW = dW.reshape(self.W.shape)
        self.db = dout.sum(axis=(0, 2, 3))
        return dxp[:, :, p : p + H, p : p + Wd]
# %% pooling
class Pooling:
<<shared:pooling_init.py>>
    def forward(self, x):
        N, C, H, W = x.shape
        s, p, ph, pw = self.stride, self.pad, self.pool_h, self.pool_w
        OH, OW = (H + 2 * p - ph) // s + 1, (W + 2 * p - pw) // s + 1
        fill = -np.inf if self.mode == "max" else 0.0
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
        self.x_shape = x.shape
        self.mask = np.zeros((N, C, OH, OW, ph, pw))
        out = np.zeros((N, C, OH, OW))
        for i in range(OH):
            for j in range(OW):
                win = xp[:, :, i * s : i * s + ph, j * s : j * s + pw]
                if self.mode == "max":
                    flat = win.reshape(N, C, -1)
                    k = flat.argmax(axis=2)
                    out[:, :, i, j] = np.take_along_axis(flat, k[..., None], axis=2)[..., 0]
                    m = np.zeros_like(flat)
                    np.put_along_axis(m, k[..., None], 1.0, axis=2)
                    self.mask[:, :, i, j] = m.reshape(N, C, ph, pw)
                else:
                    out[:, :, i, j] = win.mean(axis=(2, 3))
        return out

    def backward(self, dout):
        N, C, H, W = self.x_shape
        s, p, ph, pw = self.stride, self.pad, self.pool_h, self.pool_w
        OH, OW = dout.shape[2:]
        dxp = np.zeros((N, C, H + 2 * p, W + 2 * p))
        for i in range(OH):
            for j in range(OW):
                g = dout[:, :, i, j][:, :, None, None]
                if self.mode == "max":
                    share = self.mask[:, :, i, j] * g
                else:
                    share = np.ones((N, C, ph, pw)) * g / (ph * pw)
                dxp[:, :, i * s : i * s + ph, j * s : j * s + pw] += share
        return dxp[:, :, p : p + H, p : p + W]
