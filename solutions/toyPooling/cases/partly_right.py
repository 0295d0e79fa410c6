# expect-score: 4
# expect-status: graded
# The forward pass ignores the stride (always 1): right on the lecture's example, wrong
# elsewhere. The backward pass is right. Only the two lecture tests pass.
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, height, width = x.shape
    OH, OW = height - pool_h + 1, width - pool_w + 1
    col = im2col(x, pool_h, pool_w, 1).reshape(-1, pool_h * pool_w)
    arg_max = np.argmax(col, axis=1)
    out = np.max(col, axis=1).reshape(N, OH, OW, C).transpose(0, 3, 1, 2)
    return out, (x.shape, arg_max, pool_h, pool_w, 1)
# %% pool_backward
<<solution>>
