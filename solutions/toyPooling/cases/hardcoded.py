# expect-score: 2
# expect-status: graded
# Attack 6: the lecture's numbers are hard-coded. The visible forward lecture test passes; the
# backward lecture test also checks a window with a tie, which the hard-coded array does not
# answer; the shapes with stride 2 and the hidden tests on random inputs fail.
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    return np.array([[[[4, 5], [7, 8]], [[13, 14], [16, 17]]]], dtype=float), None
# %% pool_backward
def pool_backward(dout, cache):
    return np.array([[[[0, 0, 0], [0, 1, 1], [0, 1, 1]], [[0, 0, 0], [0, 1, 1], [0, 1, 1]]]], dtype=float)
