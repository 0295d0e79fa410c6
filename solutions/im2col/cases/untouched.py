# expect-score: 0
# expect-status: graded
# The released notebook, submitted as it was: every test fails (NotImplementedError).
