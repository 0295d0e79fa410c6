# expect-score: 10
# expect-status: graded
# mutate: reverse
# Attack 7: all cells in reverse order. The graded notebook follows the source's order,
# with the answers in their places: full marks.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
