# expect-score: 10
# expect-status: graded
# The reference solution: every test passes.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
