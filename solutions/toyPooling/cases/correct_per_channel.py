# expect-score: 10
# expect-status: graded
# Style: loops over images and channels, each 2-D channel pooled through im2col on a
# (1, 1, H, W) view; the cache a small class instance.
# %% pool_forward
class PoolCache:
    def __init__(self, shape, argmaxes, pool_h, pool_w, stride):
        self.shape, self.argmaxes = shape, argmaxes
        self.pool_h, self.pool_w, self.stride = pool_h, pool_w, stride


def pool_forward(x, pool_h, pool_w, stride=1):
    N, C, H, W = x.shape
    OH = conv_output_size(H, pool_h, stride)
    OW = conv_output_size(W, pool_w, stride)
    out = np.zeros((N, C, OH, OW))
    argmaxes = {}
    for n in range(N):
        for c in range(C):
            col = im2col(x[n : n + 1, c : c + 1], pool_h, pool_w, stride)  # (OH*OW, pool_h*pool_w)
            argmaxes[n, c] = col.argmax(axis=1)
            out[n, c] = col.max(axis=1).reshape(OH, OW)
    return out, PoolCache(x.shape, argmaxes, pool_h, pool_w, stride)
# %% pool_backward
def pool_backward(dout, cache):
    N, C, H, W = cache.shape
    k = cache.pool_h * cache.pool_w
    dx = np.zeros(cache.shape)
    for (n, c), arg in cache.argmaxes.items():
        dcol = np.zeros((arg.size, k))
        dcol[np.arange(arg.size), arg] = dout[n, c].ravel()
        dx[n, c] = col2im(dcol, (1, 1, H, W), cache.pool_h, cache.pool_w, cache.stride)[0, 0]
    return dx
