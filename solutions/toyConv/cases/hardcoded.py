# expect-score: 4
# expect-status: graded
# Attack 6: the lecture's numbers are hard-coded. The visible lecture tests pass; the shapes
# with stride and padding and the hidden tests on random inputs fail.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    out = np.array([[[[9, 13], [21, 25]], [[17, 25], [41, 49]]]], dtype=float)
    return out, None
# %% conv_backward
def conv_backward(dout, cache):
    dx = np.array([[[[3, 6, 3], [6, 12, 6], [3, 6, 3]]]], dtype=float)
    dW = np.array([[[[8, 12], [20, 24]]], [[[8, 12], [20, 24]]]], dtype=float)
    return dx, dW, np.array([4.0, 4.0])
