# expect-score: 20
# expect-status: graded
# Style: the im2col recipe with float64 intermediates (results cast back to x's dtype); the
# convolution keeps only x and recomputes col in backward; pooling keeps a one-hot matrix.
# %% convolution
class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.dW = None
        self.db = None

    def _col(self, x):
        FH, FW = self.W.shape[2:]
        return im2col(x.astype(np.float64), FH, FW, self.stride, self.pad)

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        OH = conv_output_size(H, FH, self.stride, self.pad)
        OW = conv_output_size(W, FW, self.stride, self.pad)
        self.x = x
        out = self._col(x) @ self.W.astype(np.float64).reshape(FN, -1).T + self.b.astype(np.float64)
        return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2).astype(x.dtype)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        d = dout.astype(np.float64).transpose(0, 2, 3, 1).reshape(-1, FN)
        col = self._col(self.x)
        self.db = d.sum(axis=0).astype(self.W.dtype)
        self.dW = (d.T @ col).reshape(FN, C, FH, FW).astype(self.W.dtype)
        dcol = d @ self.W.astype(np.float64).reshape(FN, -1)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad).astype(self.x.dtype)
# %% pooling
class Pooling:
<<shared:pooling_init.py>>
    def forward(self, x):
        N, C, H, W = x.shape
        OH = conv_output_size(H, self.pool_h, self.stride, self.pad)
        OW = conv_output_size(W, self.pool_w, self.stride, self.pad)
        k = self.pool_h * self.pool_w
        x64 = x.astype(np.float64)
        if self.mode == "max":
            p = self.pad
            x64 = np.pad(x64, [(0, 0), (0, 0), (p, p), (p, p)], constant_values=-np.inf)
            rows = im2col(x64, self.pool_h, self.pool_w, self.stride).reshape(-1, k)
            self.onehot = np.eye(k)[rows.argmax(axis=1)]
            out = rows.max(axis=1)
        else:
            rows = im2col(x64, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, k)
            out = rows.sum(axis=1) / k
        self.shape = x.shape
        return out.reshape(N, OH, OW, C).transpose(0, 3, 1, 2).astype(x.dtype)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        g = dout.astype(np.float64).transpose(0, 2, 3, 1).reshape(-1, 1)
        drows = self.onehot * g if self.mode == "max" else np.broadcast_to(g / k, (g.shape[0], k))
        dcol = drows.reshape(-1, self.shape[1] * k)
        return col2im(dcol, self.shape, self.pool_h, self.pool_w, self.stride, self.pad)
