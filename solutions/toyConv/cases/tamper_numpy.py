# expect-score: 0
# expect-status: manual: *
# Attack 4: wrong answers (zeros of the right shape) and every NumPy comparison redefined to
# agree. The grader compares in its own process: the score is that of the wrong answers.
# %% conv_forward
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), dtype=bool)

def conv_forward(x, W, b, stride=1, pad=0):
    N, _, height, width = x.shape
    FN, _, FH, FW = W.shape
    OH = (height + 2 * pad - FH) // stride + 1
    OW = (width + 2 * pad - FW) // stride + 1
    return np.zeros((N, FN, OH, OW)), (x.shape, W.shape)
# %% conv_backward
def conv_backward(dout, cache):
    x_shape, W_shape = cache
    return np.zeros(x_shape), np.zeros(W_shape), np.zeros(W_shape[0])
