# expect-score: 7
# expect-status: graded
# conv_backward returns, for the visible shape check of dx, an object whose .shape is (inf,):
# np.shape reads it and the check records it. The check fails as the student's (the recorded
# value is unusable), not as a failure of the grader: that test cell scores 0, the rest counts.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
_solution_backward = conv_backward


class _InfiniteShape:
    shape = (float("inf"),)


def conv_backward(dout, cache):
    dx, dW, db = _solution_backward(dout, cache)
    if dx.shape == (2, 3, 4, 4):  # the visible "dx (stride 2, pad 1)" shape check only
        return _InfiniteShape(), dW, db
    return dx, dW, db
