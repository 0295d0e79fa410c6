# expect-score: 15
# expect-status: graded
# Convolution caches im2col's matrix only on the first forward pass, so backward
# differentiates the first batch, not the last. Every visible test creates a new layer and
# passes; the hidden backward test (two forward passes, then backward) fails. 20 - 5.
# %% convolution
class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.col = None

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        OH = (H + 2 * self.pad - FH) // self.stride + 1
        OW = (W + 2 * self.pad - FW) // self.stride + 1
        col = im2col(x, FH, FW, self.stride, self.pad)
        if self.col is None:
            self.col, self.shape = col, x.shape
        return (col @ self.W.reshape(FN, -1).T + self.b).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = dout.sum(axis=0)
        self.dW = (dout.T @ self.col).reshape(self.W.shape)
        return col2im(dout @ self.W.reshape(FN, -1), self.shape, FH, FW, self.stride, self.pad)
# %% pooling
<<solution>>
