# expect-score: 20
# expect-status: graded
# The reference solution: every test passes.
# %% conv_output_size
<<solution>>
# %% im2col
<<solution>>
# %% col2im
<<solution>>
