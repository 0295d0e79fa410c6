# expect-score: 10
# expect-status: graded
# A right notebook that takes its time (two seconds of sleep before its first function, far
# within the time limit): being slow costs nothing. The cluster's tests kill its worker while
# it sleeps, surely mid-run.
# %% conv_forward
import time
time.sleep(2)
<<solution>>
# %% conv_backward
<<solution>>
