# expect-score: 10
# expect-status: graded
# The reference solution: every test passes.
# %% pool_forward
<<solution>>
# %% pool_backward
<<solution>>
