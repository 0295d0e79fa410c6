# expect-score: 10
# expect-status: manual: answer cell 'conv_forward' not found in the submission (nbgrader metadata deleted?)
# mutate: delete_metadata
# Attack 7: all nbgrader metadata deleted. The answer cells cannot be matched: the student's
# code cells run in order before the tests (which come from the source), and the notebook is
# flagged for manual grading instead of being silently scored.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
