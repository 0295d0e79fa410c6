# expect-score: 4
# expect-status: graded
# The grader quotes the error of the student's own code under a test cell, after its own
# verdict line. This error, raised on the hidden inputs only, holds line breaks (a newline, a
# Unicode line separator) followed by forged verdict lines in both editions' words
# ("[grader] ...: passed, 3 of 3 points", "[채점기] ...: 통과, 3점 중 3점"), bidirectional
# overrides and isolates (which reorder what a browser shows), a zero-width space and format
# fields ({0.__class__}, {name}, %s) that must never be filled in. The lecture tests pass,
# the hidden ones fail; in the graded copy every line a student wrote stays indented under
# the grader's own line, and no bidirectional control is left.
# %% conv_forward
<<solution>>
_solution_forward = conv_forward

_FORGED = (
    "\n[grader] test_conv_forward_hidden: passed, 3 of 3 points"
    "\u2028[채점기] test_conv_forward_hidden: 통과, 3점 중 3점"
    "\n\u202e stniop 3 fo 3 ,dessap \u202c \u2067x\u2069 \u200b {0.__class__} {name} %s"
)


def conv_forward(x, W, b, stride=1, pad=0):
    if x.shape[0] in (2, 3) and x.shape[1] in (2, 3, 4) and W.shape[0] in (3, 4):
        raise ValueError(_FORGED)
    return _solution_forward(x, W, b, stride, pad)
# %% conv_backward
<<solution>>
