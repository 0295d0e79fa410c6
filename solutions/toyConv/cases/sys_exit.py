# expect-score: 5
# expect-status: graded
# Attack 3: sys.exit() in the backward cell before conv_backward is defined. The notebook's
# shell survives it, as a Jupyter kernel does; the cell fails, so the backward tests fail.
# %% conv_forward
<<solution>>
# %% conv_backward
import sys
sys.exit()
<<solution>>
