# expect-score: 10
# expect-status: graded
# Style: windows from np.lib.stride_tricks.as_strided, a boolean mask of the maxima (window
# == its max, keeping only the first of tied maxima, as the instructions ask) as the cache,
# the gradient scattered by a loop over the window's cells.
# %% pool_forward
def pool_forward(x, pool_h, pool_w, stride=1):
    x = np.ascontiguousarray(x)
    N, C, H, W = x.shape
    OH = conv_output_size(H, pool_h, stride)
    OW = conv_output_size(W, pool_w, stride)
    s0, s1, s2, s3 = x.strides
    win = np.lib.stride_tricks.as_strided(x, (N, C, OH, OW, pool_h, pool_w), (s0, s1, s2 * stride, s3 * stride, s2, s3))
    out = win.max(axis=(4, 5))
    mask = win == out[..., None, None]
    flat = mask.reshape(N, C, OH, OW, -1)
    mask = (flat & (flat.cumsum(axis=-1) == 1)).reshape(mask.shape)  # the first maximum only
    return out, (mask, x.shape, stride)
# %% pool_backward
def pool_backward(dout, cache):
    mask, shape, stride = cache
    OH, OW, pool_h, pool_w = mask.shape[2:]
    dx = np.zeros(shape)
    for i in range(pool_h):
        for j in range(pool_w):
            dx[:, :, i : i + stride * OH : stride, j : j + stride * OW : stride] += mask[:, :, :, :, i, j] * dout
    return dx
