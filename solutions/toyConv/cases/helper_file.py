# expect-score: 10
# expect-status: graded
# Extra files: the answers import their code from a module the student submitted next to the
# notebook. It is copied into the sandbox's working directory, which holds only this
# student's files.
# %% conv_forward
from conv_helpers import conv_forward
# %% conv_backward
from conv_helpers import conv_backward
# %% file conv_helpers.py
import numpy as np
from scratchcnn.util import col2im, conv_output_size, im2col

<<solution:conv_forward>>

<<solution:conv_backward>>
