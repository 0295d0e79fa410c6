# expect-score: 0
# expect-status: graded
# Attack 4: the functions return objects whose __eq__, __float__ and comparisons all say
# "equal", and whose __array__ gives zeros. The grader only ever sees the plain numbers
# __array__ produces: the objects' claims are never asked.
# %% conv_forward
class Agreeable:
    def __init__(self, shape):
        self.shape = shape
    def __eq__(self, other):
        return True
    __le__ = __ge__ = __eq__
    def __ne__(self, other):
        return False
    __lt__ = __gt__ = __ne__
    def __float__(self):
        return 0.0
    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape)

def conv_forward(x, W, b, stride=1, pad=0):
    N, _, height, width = x.shape
    FN, _, FH, FW = W.shape
    shape = (N, FN, (height + 2 * pad - FH) // stride + 1, (width + 2 * pad - FW) // stride + 1)
    return Agreeable(shape), (x.shape, W.shape)
# %% conv_backward
def conv_backward(dout, cache):
    x_shape, W_shape = cache
    return Agreeable(x_shape), Agreeable(W_shape), Agreeable((W_shape[0],))
