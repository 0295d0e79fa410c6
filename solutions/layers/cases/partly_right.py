# expect-score: 12
# expect-status: graded
# Convolution is right. Pooling pads with im2col's zeros in max mode too, so a padded cell
# wins the maximum of an all-negative window: the padding test and the hidden tests of
# pooling fail; the lecture's unpadded pooling keeps its 2 points. 10 + 2.
# %% convolution
<<solution>>
# %% pooling
class Pooling:
    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        self.pool_h, self.pool_w = pool_h, pool_w
        self.stride = pool_h if stride is None else stride
        self.pad, self.mode = pad, mode

    def forward(self, x):
        N, C, H, W = x.shape
        OH = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        OW = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        self.shape, self.arg_max = x.shape, col.argmax(axis=1)
        out = col.max(axis=1) if self.mode == "max" else col.mean(axis=1)
        return out.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        flat = dout.transpose(0, 2, 3, 1).ravel()
        if self.mode == "max":
            dcol = np.zeros((flat.size, k))
            dcol[np.arange(flat.size), self.arg_max] = flat
        else:
            dcol = np.outer(flat / k, np.ones(k))
        return col2im(dcol.reshape(-1, self.shape[1] * k), self.shape, self.pool_h, self.pool_w, self.stride, self.pad)
