# expect-score: 4
# expect-status: graded
# The forward pass forgets the padding: right on the lecture's example (pad 0), wrong with
# padding; the backward pass is right. Only the two lecture tests pass.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    N, _, height, width = x.shape
    OH = (height - FH) // stride + 1
    OW = (width - FW) // stride + 1
    col = im2col(x, FH, FW, stride, 0)
    col_W = W.reshape(FN, -1).T
    out = (col @ col_W + b).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)
    return out, (x.shape, col, col_W, W.shape, stride, 0)
# %% conv_backward
<<solution>>
