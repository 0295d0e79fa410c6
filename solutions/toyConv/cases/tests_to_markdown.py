# expect-score: 0
# expect-status: graded
# mutate: tests_to_markdown
# Attack 7: the test cells are turned into markdown so that they never run; the answers are
# wrong. The tests are restored as code cells and run: 0 points.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    return np.zeros((1, 2, 2, 2)), None
# %% conv_backward
def conv_backward(dout, cache):
    return np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 2, 2)), np.zeros(2)
