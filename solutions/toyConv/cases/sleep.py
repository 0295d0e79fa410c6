# expect-score: 0
# expect-status: timeout
# Attack 1: time.sleep(10**6) before anything is defined: no test is reached.
# %% conv_forward
import time
time.sleep(10**6)
<<solution>>
# %% conv_backward
<<solution>>
