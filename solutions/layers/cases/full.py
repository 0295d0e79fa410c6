# expect-score: 20
# expect-status: graded
# The reference solution: every test passes.
# %% convolution
<<solution>>
# %% pooling
<<solution>>
