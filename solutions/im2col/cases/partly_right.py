# expect-score: 10
# expect-status: graded
# im2col forgets the padding (it pads nothing): right on the unpadded lecture examples, wrong
# with padding. The output sizes and col2im are right, but col2im's adjoint check uses this
# im2col too. Points: output sizes 2 + 2, im2col lecture 3, col2im lecture 3.
# %% conv_output_size
<<solution>>
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    OH = (H - filter_h) // stride + 1
    OW = (W - filter_w) // stride + 1
    rows = []
    for n in range(N):
        for oh in range(OH):
            for ow in range(OW):
                top, left = oh * stride, ow * stride
                rows.append(input_data[n, :, top : top + filter_h, left : left + filter_w].reshape(-1))
    return np.array(rows)
# %% col2im
<<solution>>
