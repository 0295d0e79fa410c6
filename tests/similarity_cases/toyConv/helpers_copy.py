# expect-score: 10
# expect-status: graded
# helpers_original's code with every variable renamed and the helper functions reordered.
# %% conv_forward
def collect_windows(imgs, fh, fw, step, out_h, out_w):
    batch, chans = imgs.shape[:2]
    windows = np.empty((batch, out_h, out_w, chans, fh, fw), dtype=imgs.dtype)
    for row in range(out_h):
        for col in range(out_w):
            windows[:, row, col] = imgs[:, :, row * step:row * step + fh, col * step:col * step + fw]
    return windows.reshape(batch * out_h * out_w, chans * fh * fw)


def conv_forward(x, W, b, stride=1, pad=0):
    """Forward pass of a convolution layer.

    x: (N, C, H, W) images, W: (FN, C, FH, FW) filters, b: (FN,) biases.
    Returns out: (N, FN, OH, OW) and cache, whatever conv_backward needs.
    """
    n_filters, _, fh, fw = W.shape
    out_h = out_size(x.shape[2], fh, stride, pad)
    out_w = out_size(x.shape[3], fw, stride, pad)
    windows = collect_windows(add_padding(x, pad), fh, fw, stride, out_h, out_w)
    filters_2d = W.reshape(n_filters, -1)
    result = windows @ filters_2d.T + b
    result = result.reshape(x.shape[0], out_h, out_w, n_filters).transpose(0, 3, 1, 2)
    return result, {"patches": windows, "kernels": filters_2d, "x_shape": x.shape, "W_shape": W.shape, "stride": stride, "pad": pad}


def add_padding(imgs, p):
    if p == 0:
        return imgs
    return np.pad(imgs, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")


def out_size(length, k, step, p):
    extent = length + 2 * p - k
    if extent < 0 or extent % step:
        raise ValueError(f"the filter does not fit: size {length}, kernel {k}, stride {step}, pad {p}")
    return extent // step + 1
# %% conv_backward
def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    dout: (N, FN, OH, OW), the gradient of the loss with respect to out.
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,).
    """
    n_filters, chans, fh, fw = cache["W_shape"]
    out_h, out_w = dout.shape[2], dout.shape[3]
    g = dout.transpose(0, 2, 3, 1).reshape(-1, n_filters)
    db = g.sum(axis=0)
    dW = (g.T @ cache["patches"]).reshape(n_filters, chans, fh, fw)
    dwindows = g @ cache["kernels"]
    dx = spread_windows(dwindows, cache["x_shape"], fh, fw, cache["stride"], cache["pad"], out_h, out_w)
    return dx, dW, db


def spread_windows(dwindows, shape, fh, fw, step, p, out_h, out_w):
    batch, chans, height, width = shape
    acc = np.zeros((batch, chans, height + 2 * p, width + 2 * p))
    dwindows = dwindows.reshape(batch, out_h, out_w, chans, fh, fw)
    for row in range(out_h):
        for col in range(out_w):
            acc[:, :, row * step:row * step + fh, col * step:col * step + fw] += dwindows[:, row, col]
    return acc[:, :, p:p + height, p:p + width]
