# expect-score: 0
# expect-status: graded
# Attack 5: the forward and backward passes call scratchcnn's Convolution layer, the very
# thing the exercise asks for. Found in the code, and absent from the sandbox: every test
# scores 0 and the answer cells' comments say why.
# %% conv_forward
from scratchcnn.layers import Convolution

def conv_forward(x, W, b, stride=1, pad=0):
    layer = Convolution(W, b, stride, pad)
    return layer.forward(x), layer
# %% conv_backward
def conv_backward(dout, cache):
    dx = cache.backward(dout)
    return dx, cache.dW, cache.db
