# expect-score: 10
# expect-status: graded
# A solution built on helper functions of its own (the student helpers_copy copies it).
# %% conv_forward
def padded_input(images, pad):
    if pad == 0:
        return images
    return np.pad(images, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")


def output_length(size, kernel, stride, pad):
    span = size + 2 * pad - kernel
    if span < 0 or span % stride:
        raise ValueError(f"the filter does not fit: size {size}, kernel {kernel}, stride {stride}, pad {pad}")
    return span // stride + 1


def gather_patches(images, kh, kw, stride, oh, ow):
    n, c = images.shape[:2]
    patches = np.empty((n, oh, ow, c, kh, kw), dtype=images.dtype)
    for r in range(oh):
        for q in range(ow):
            patches[:, r, q] = images[:, :, r * stride:r * stride + kh, q * stride:q * stride + kw]
    return patches.reshape(n * oh * ow, c * kh * kw)


def conv_forward(x, W, b, stride=1, pad=0):
    """Forward pass of a convolution layer.

    x: (N, C, H, W) images, W: (FN, C, FH, FW) filters, b: (FN,) biases.
    Returns out: (N, FN, OH, OW) and cache, whatever conv_backward needs.
    """
    nf, _, kh, kw = W.shape
    oh = output_length(x.shape[2], kh, stride, pad)
    ow = output_length(x.shape[3], kw, stride, pad)
    patches = gather_patches(padded_input(x, pad), kh, kw, stride, oh, ow)
    kernel_matrix = W.reshape(nf, -1)
    out = patches @ kernel_matrix.T + b
    out = out.reshape(x.shape[0], oh, ow, nf).transpose(0, 3, 1, 2)
    return out, {"patches": patches, "kernels": kernel_matrix, "x_shape": x.shape, "W_shape": W.shape, "stride": stride, "pad": pad}
# %% conv_backward
def scatter_patches(grad_patches, x_shape, kh, kw, stride, pad, oh, ow):
    n, c, h, w = x_shape
    grad = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    grad_patches = grad_patches.reshape(n, oh, ow, c, kh, kw)
    for r in range(oh):
        for q in range(ow):
            grad[:, :, r * stride:r * stride + kh, q * stride:q * stride + kw] += grad_patches[:, r, q]
    return grad[:, :, pad:pad + h, pad:pad + w]


def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    dout: (N, FN, OH, OW), the gradient of the loss with respect to out.
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,).
    """
    nf, c, kh, kw = cache["W_shape"]
    oh, ow = dout.shape[2], dout.shape[3]
    flat = dout.transpose(0, 2, 3, 1).reshape(-1, nf)
    db = flat.sum(axis=0)
    dW = (flat.T @ cache["patches"]).reshape(nf, c, kh, kw)
    grad_patches = flat @ cache["kernels"]
    dx = scatter_patches(grad_patches, cache["x_shape"], kh, kw, cache["stride"], cache["pad"], oh, ow)
    return dx, dW, db
