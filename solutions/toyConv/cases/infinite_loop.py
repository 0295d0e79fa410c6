# expect-score: 5
# expect-status: timeout
# Attack 1: an endless loop in the backward answer cell. The notebook stops at its time
# limit; the forward tests, which ran before, keep their points; the rest score 0.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
while True:
    pass
