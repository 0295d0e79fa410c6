# expect-score: 10
# expect-status: graded
# mutate: answers_to_raw
# Attack 7: the answer cells were changed to raw cells (by accident or not). They are matched
# by their metadata and graded as the code cells they are: full marks, with a note.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
