# expect-score: 20
# expect-status: graded
# Style: the convolution through the library's im2col with a cache tuple, and average
# pooling computed as a convolution with a constant filter per channel (max pooling through
# im2col on the -inf padded input).
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
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        OH = 1 + (H + 2 * self.pad - FH) // self.stride
        OW = 1 + (W + 2 * self.pad - FW) // self.stride
        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        self.saved = (x.shape, col, col_W)
        return (col @ col_W + self.b).reshape(N, OH, OW, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        x_shape, col, col_W = self.saved
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = dout.sum(axis=0)
        self.dW = (col.T @ dout).T.reshape(FN, C, FH, FW)
        return col2im(dout @ col_W.T, x_shape, FH, FW, self.stride, self.pad)
# %% pooling
class Pooling:
<<shared:pooling_init.py>>
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        if self.mode == "avg":
            # each channel on its own: a (1, 1, H, W) image per (n, c), one filter of 1/k
            flat = x.reshape(N * C, 1, H, W)
            self.conv = Convolution(np.full((1, 1, self.pool_h, self.pool_w), 1 / (self.pool_h * self.pool_w)),
                                    np.zeros(1), self.stride, self.pad)
            out = self.conv.forward(flat)
            return out.reshape(N, C, out.shape[2], out.shape[3])
        p = self.pad
        xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)], constant_values=-np.inf)
        OH = 1 + (H + 2 * p - self.pool_h) // self.stride
        OW = 1 + (W + 2 * p - self.pool_w) // self.stride
        col = im2col(xp, self.pool_h, self.pool_w, self.stride).reshape(-1, self.pool_h * self.pool_w)
        self.arg_max = np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        N, C, H, W = self.x_shape
        if self.mode == "avg":
            OH, OW = dout.shape[2:]
            return self.conv.backward(dout.reshape(N * C, 1, OH, OW)).reshape(N, C, H, W)
        k = self.pool_h * self.pool_w
        g = dout.transpose(0, 2, 3, 1).ravel()
        dmax = np.zeros((g.size, k))
        dmax[np.arange(g.size), self.arg_max] = g
        return col2im(dmax.reshape(-1, C * k), self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
