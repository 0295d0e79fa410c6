# expect-score: 10
# expect-status: graded
# Attack 5, in one part: Convolution wraps scratchcnn's, Pooling is the student's own. Only
# the three convolution tests score 0 (with the comment on the convolution cell); pooling
# keeps its 10 points.
# %% convolution
from scratchcnn.layers import Convolution as Reference


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.inner = Reference(W, b, stride, pad)

    def forward(self, x):
        return self.inner.forward(x)

    def backward(self, dout):
        dx = self.inner.backward(dout)
        self.dW, self.db = self.inner.dW, self.inner.db
        return dx
# %% pooling
<<solution>>
