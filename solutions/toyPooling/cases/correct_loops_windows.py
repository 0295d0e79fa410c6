# expect-score: 10
# expect-status: graded
# Style: explicit loops over the output positions; the cache keeps the input and the
# backward pass finds each window's maximum again (np.unravel_index).
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, H, W = x.shape
    OH = (H - pool_h) // stride + 1
    OW = (W - pool_w) // stride + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * stride : i * stride + pool_h, j * stride : j * stride + pool_w]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out, (x, pool_h, pool_w, stride)
# %% pool_backward
def pool_backward(dout, cache):
    x, pool_h, pool_w, stride = cache
    N, C, H, W = x.shape
    dx = np.zeros_like(x)
    OH, OW = dout.shape[2], dout.shape[3]
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    hs, ws = i * stride, j * stride
                    window = x[n, c, hs : hs + pool_h, ws : ws + pool_w]
                    a, bb = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, hs + a, ws + bb] += dout[n, c, i, j]
    return dx
