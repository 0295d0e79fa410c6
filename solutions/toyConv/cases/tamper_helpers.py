# expect-score: 0
# expect-status: manual: *
# Attack 4: the test helpers are replaced, in the notebook and in the autograder package,
# by versions that pass everything or record the expected numbers. The grader puts its own
# checks back before every test cell: the wrong answers still score 0.
# %% conv_forward
import autograder.notebook as helpers
import autograder.compare

def expect_close(name, actual, expected, **kwargs):
    return None

def expect_shape(name, actual, shape, **kwargs):
    return None

def hidden_tests(*args, **kwargs):
    return None

helpers.expect_close = expect_close
helpers.expect_shape = expect_shape
helpers.hidden_tests = hidden_tests
autograder.compare.mismatch = lambda *args, **kwargs: None

def conv_forward(x, W, b, stride=1, pad=0):
    return np.zeros(3), None
# %% conv_backward
def conv_backward(dout, cache):
    return np.zeros(3), np.zeros(3), np.zeros(3)
