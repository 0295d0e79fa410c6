# expect-score: 20
# expect-status: graded
# The reference solution: every test passes; its network trains for real (about half a
# minute on one core) and gets about 97% of the hidden digits right.
# %% simple_convnet
<<solution>>
# %% train_convnet
<<solution>>
