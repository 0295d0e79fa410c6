# expect-score: 10
# expect-status: graded
# mutate: delete_tests
# Attack 7: every test cell is deleted; the answers are right. The tests are restored from
# the source and run: full marks, as the code deserves.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
