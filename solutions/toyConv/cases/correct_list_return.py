# expect-score: 10
# expect-status: graded
# Style: the lecture's im2col recipe, but conv_backward returns a list [dx, dW, db] where the
# instructions say it "returns dx, dW, db"; the visible tests unpack it fine. Expected: full
# marks once the lead's fix (hidden tests accept any sequence of 3) lands; today the hidden
# backward test rejects the list.
# %% conv_forward
def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    N, _, H, Wd = x.shape
    OH = 1 + (H + 2 * pad - FH) // stride
    OW = 1 + (Wd + 2 * pad - FW) // stride
    col = im2col(x, FH, FW, stride, pad)
    col_W = W.reshape(FN, -1).T
    out = np.dot(col, col_W) + b
    out = out.reshape(N, OH, OW, -1).transpose(0, 3, 1, 2)
    return out, (x, W, col, col_W, stride, pad)
# %% conv_backward
def conv_backward(dout, cache):
    x, W, col, col_W, stride, pad = cache
    FN, C, FH, FW = W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    db = np.sum(dout, axis=0)
    dW = np.dot(col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, col_W.T)
    dx = col2im(dcol, x.shape, FH, FW, stride, pad)
    return [dx, dW, db]
