# expect-score: 10
# expect-status: graded
# mutate: surrogate_comment
# Issue 10 (5): lone surrogate characters (invalid in UTF-8) in the answer cells' comments
# and in printed output, and control characters in the output. They are replaced, the graded
# copy is written, and the correct answers get full marks.
# %% conv_forward
<<solution>>
print("a lone surrogate:", "\ud800", "and an escape sequence: \x1b[31mred")
# %% conv_backward
<<solution>>
