# expect-score: 0
# expect-status: graded
# Attack 5: the three functions hand the work to scratchcnn's own conv_output_size, im2col
# and col2im, the very things the exercise asks for. Every test scores 0 and the answer
# cells' comments say why.
# %% conv_output_size
from scratchcnn import util


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    return util.conv_output_size(input_size, filter_size, stride, pad)
# %% im2col
def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    return util.im2col(input_data, filter_h, filter_w, stride, pad)
# %% col2im
import scratchcnn as s


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    return s.col2im(col, input_shape, filter_h, filter_w, stride, pad)
