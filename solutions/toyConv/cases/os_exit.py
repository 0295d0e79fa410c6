# expect-score: 5
# expect-status: error: the notebook's process stopped (exit code 0)
# Attack 3: os._exit(0) in the backward cell: the process ends quietly. The tests that ran
# before keep their points, the others score 0: never full marks.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
import os
os._exit(0)
