# expect-score: 10
# expect-status: graded
# Style: numpy.lib.stride_tricks.sliding_window_view for the windows, np.add.at to scatter
# the gradient back; the cache a dict.
# %% pool_forward
from numpy.lib.stride_tricks import sliding_window_view


def pool_forward(x, pool_h, pool_w, stride=1):
    windows = sliding_window_view(x, (pool_h, pool_w), axis=(2, 3))[:, :, ::stride, ::stride]
    N, C, OH, OW = windows.shape[:4]
    flat = windows.reshape(N, C, OH, OW, pool_h * pool_w)
    arg = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
    return out, {"shape": x.shape, "arg": arg, "size": (pool_h, pool_w), "stride": stride}
# %% pool_backward
def pool_backward(dout, cache):
    N, C, H, W = cache["shape"]
    pool_h, pool_w = cache["size"]
    s = cache["stride"]
    arg = cache["arg"]
    OH, OW = arg.shape[2:]
    rows = np.arange(OH)[None, None, :, None] * s + arg // pool_w
    cols = np.arange(OW)[None, None, None, :] * s + arg % pool_w
    n = np.arange(N)[:, None, None, None]
    c = np.arange(C)[None, :, None, None]
    dx = np.zeros((N, C, H, W))
    np.add.at(dx, (n, c, rows, cols), dout)
    return dx
