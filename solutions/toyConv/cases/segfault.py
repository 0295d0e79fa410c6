# expect-score: 5
# expect-status: error: the notebook's process stopped (killed by SIGSEGV)
# Attack 3: a segmentation fault through ctypes in the backward cell: the process dies;
# the forward tests ran before and keep their points, the rest score 0.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
import ctypes
ctypes.string_at(0)
