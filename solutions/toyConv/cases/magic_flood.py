# expect-score: 10
# expect-status: manual: *
# A cell of sixty magics. IPython rewrites a cell one magic at a time and reads the whole cell
# again each time (minutes, in the grader's process, for a few hundred magics in a large cell;
# a RuntimeError after 500): the grader reads at most 50 lines of IPython syntax in a
# notebook and sends the notebook to an instructor. The answers are right: full marks.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
# %% new after test_conv_backward_hidden
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
%time 0
