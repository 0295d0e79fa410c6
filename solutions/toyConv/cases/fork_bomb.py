# expect-score: 10
# expect-status: graded
# Issue 10 (5): a fork bomb in a cell the student added after the tests. Where the system
# gives the grader control groups, the sandbox may have at most a few dozen processes and one
# CPU, so the bomb stops at once and slows no other student; the tests ran before it.
# %% new after test_conv_backward_hidden
import os, time

children = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        children += 1
except OSError as error:
    print("fork stopped after", children, "children:", error.strerror)
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
