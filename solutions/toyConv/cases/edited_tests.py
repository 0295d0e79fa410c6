# expect-score: 0
# expect-status: graded
# mutate: edit_tests
# Attack 7: every test cell is replaced by `pass` and the answers are wrong (zeros). The
# original tests are restored from the source and run: 0 points.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    return np.zeros((1, 2, 2, 2)), None
# %% conv_backward
def conv_backward(dout, cache):
    return np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 2, 2)), np.zeros(2)
