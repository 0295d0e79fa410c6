# expect-score: 10
# expect-status: graded
# A full solution with the student's own experiments in new cells below the tests; the last
# one reuses the names the tests use (x, W, b). Added cells run where the student put them,
# after those tests, so they cannot break them.
# %% conv_forward
<<solution>>
# %% new after test_conv_forward_hidden
x2, W2 = np.random.rand(2, 3, 5, 5), np.random.rand(4, 3, 3, 3)
print(conv_forward(x2, W2, np.zeros(4), stride=2, pad=1)[0].shape)
# %% conv_backward
<<solution>>
# %% new after test_conv_backward_hidden
x, W, b = None, None, None
