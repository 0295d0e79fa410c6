# expect-score: 0
# expect-status: graded
# Attack 5: both "classes" hand the work to scratchcnn's own Convolution and Pooling, the very
# things the exercise asks for: Convolution is a factory that returns the library's layer,
# Pooling a class that wraps the library's. Every test scores 0 and the answer cells'
# comments say why.
# %% convolution
import scratchcnn.layers as L


def Convolution(W, b, stride=1, pad=0):
    return L.Convolution(W, b, stride, pad)
# %% pooling
from scratchcnn import Pooling as ReferencePooling


class Pooling:
    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        self.inner = ReferencePooling(pool_h, pool_w, stride, pad, mode)

    def forward(self, x):
        return self.inner.forward(x)

    def backward(self, dout):
        return self.inner.backward(dout)
