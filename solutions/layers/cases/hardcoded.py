# expect-score: 4
# expect-status: graded
# Attack 6: the lecture's numbers are hard-coded. The two lecture forward tests pass; the
# shapes, the gradient checks and the hidden tests on random inputs fail.
# %% convolution
class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.b, self.stride, self.pad = b, stride, pad

    def forward(self, x):
        if x.shape[2] == 7:
            return np.array([[[[15, 17, 15], [17, 15, 17], [15, 17, 15]]]], dtype=float)
        if self.pad == 1:
            return np.array([[[[7, 12, 10, 2], [4, 15, 16, 10], [10, 6, 15, 6], [8, 10, 4, 3]]]], dtype=float)
        return np.array([[[[15, 16], [6, 15]]]]) + self.b[0]

    def backward(self, dout):
        self.db, self.dW = np.array([4.0]), np.array([[[[4, 8, 8], [4, 4, 8], [8, 4, 4]]]], dtype=float)
        return np.array([[[[2, 2, 1, 1], [2, 3, 4, 3], [1, 2, 5, 4], [1, 1, 2, 2]]]], dtype=float)
# %% pooling
class Pooling:
    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        self.mode = mode

    def forward(self, x):
        if self.mode == "max":
            return np.array([[[[2, 3], [4, 2]]]], dtype=float)
        return np.array([[[[1, 1.5], [2.25, 1]]]])

    def backward(self, dout):
        return np.zeros((1, 1, 4, 4))
