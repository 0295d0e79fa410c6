# expect-score: 10
# expect-status: graded
# Independent solution 3: sliding_window_view and tensordot; the backward pass adds each
# filter cell's contribution through strided slices.
# %% conv_forward
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, W, b, stride=1, pad=0):
    """Forward pass of a convolution layer.

    x: (N, C, H, W) images, W: (FN, C, FH, FW) filters, b: (FN,) biases.
    Returns out: (N, FN, OH, OW) and cache, whatever conv_backward needs.
    """
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")
    views = sliding_window_view(padded, W.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    # views: (N, C, OH, OW, FH, FW); contract C, FH, FW with the filters
    y = np.tensordot(views, W, axes=([1, 4, 5], [1, 2, 3]))  # (N, OH, OW, FN)
    y = y.transpose(0, 3, 1, 2) + b.reshape(1, -1, 1, 1)
    return y, (views, padded.shape, x.shape, W, stride, pad)
# %% conv_backward
def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    dout: (N, FN, OH, OW), the gradient of the loss with respect to out.
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,).
    """
    views, padded_shape, x_shape, W, stride, pad = cache
    fh, fw = W.shape[2], W.shape[3]
    oh, ow = dout.shape[2], dout.shape[3]
    dW = np.tensordot(dout, views, axes=([0, 2, 3], [0, 2, 3]))  # (FN, C, FH, FW)
    db = np.sum(dout, axis=(0, 2, 3))
    grad_padded = np.zeros(padded_shape)
    for u in range(fh):
        for v in range(fw):
            contribution = np.einsum("nfhw,fc->nchw", dout, W[:, :, u, v])
            grad_padded[:, :, u:u + stride * oh:stride, v:v + stride * ow:stride] += contribution
    height, width = x_shape[2], x_shape[3]
    return grad_padded[:, :, pad:pad + height, pad:pad + width], dW, db
