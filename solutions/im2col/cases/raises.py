# expect-score: 12
# expect-status: graded
# col2im reshapes col into the wrong number of axes and raises a ValueError: both col2im
# tests fail; the output sizes and im2col keep their 12 points.
# %% conv_output_size
<<solution>>
# %% im2col
<<solution>>
# %% col2im
def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    windows = col.reshape(N, C, filter_h, filter_w)
    return windows.sum(axis=(2, 3))
