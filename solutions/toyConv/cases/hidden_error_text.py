# expect-score: 4
# expect-status: graded
# Issue 10 (3, 5): the student's code raises, on the hidden inputs only, an error whose text
# holds a lone surrogate, an escape sequence and HTML. The grader quotes it in the verdict
# under the test cell, cleaned like every other output (the graded copy is written and shows
# the HTML as text); the lecture tests pass, the hidden ones fail.
# %% conv_forward
<<solution>>
_solution_forward = conv_forward


def conv_forward(x, W, b, stride=1, pad=0):
    if x.shape[0] in (2, 3) and x.shape[1] in (2, 3, 4) and W.shape[0] in (3, 4):
        raise ValueError("\ud800 \x1b[31m<img src=x onerror=alert(1)>")
    return _solution_forward(x, W, b, stride, pad)
# %% conv_backward
<<solution>>
