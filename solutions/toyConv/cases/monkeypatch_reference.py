# expect-score: 4
# expect-status: manual: *
# Attack 4: the forward pass forgets the padding (as in partly_right) and the reference
# library's im2col (the part of it toyConv's sandbox holds) is patched so that it forgets it
# too. The reference that decides runs in the grader's process, untouched: the score is
# partly_right's.
# %% conv_forward
import scratchcnn.util

unpadded_im2col = lambda x, fh, fw, stride=1, pad=0, _im2col=scratchcnn.util.im2col: _im2col(x, fh, fw, stride)
scratchcnn.util.im2col = unpadded_im2col


def conv_forward(x, W, b, stride=1, pad=0):
    N, FN = x.shape[0], W.shape[0]
    col = unpadded_im2col(x, W.shape[2], W.shape[3], stride)
    out = col @ W.reshape(FN, -1).T + b
    OH = (x.shape[2] - W.shape[2]) // stride + 1
    return out.reshape(N, OH, -1, FN).transpose(0, 3, 1, 2), (x.shape, col, W.reshape(FN, -1).T, W.shape, stride, 0)
# %% conv_backward
<<solution>>
