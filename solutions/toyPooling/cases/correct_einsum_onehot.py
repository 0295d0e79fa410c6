# expect-score: 10
# expect-status: graded
# Style: im2col rows reshaped to (N, OH, OW, C, k), a one-hot float array of the argmax as
# the cache and np.einsum to spread dout over it.
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, H, W = x.shape
    OH = (H - pool_h) // stride + 1
    OW = (W - pool_w) // stride + 1
    k = pool_h * pool_w
    windows = im2col(x, pool_h, pool_w, stride).reshape(N, OH, OW, C, k)
    onehot = np.eye(k)[windows.argmax(axis=-1)]  # N OH OW C k
    out = np.einsum("nhwck,nhwck->nchw", windows, onehot)
    return out, (onehot, x.shape, pool_h, pool_w, stride)
# %% pool_backward
def pool_backward(dout, cache):
    onehot, shape, pool_h, pool_w, stride = cache
    N, OH, OW, C, k = onehot.shape
    dwin = np.einsum("nchw,nhwck->nhwck", dout, onehot)
    return col2im(dwin.reshape(N * OH * OW, C * k), shape, pool_h, pool_w, stride)
