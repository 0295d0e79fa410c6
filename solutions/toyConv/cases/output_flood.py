# expect-score: 10
# expect-status: graded
# Attack 9: 200,000 lines printed, and a 100 MB string in one write. The graded copy keeps the first
# 20,000 characters of each stream and says how much was cut; grading goes on.
# %% conv_forward
<<solution>>
for i in range(200_000):
    print(i)
# %% conv_backward
<<solution>>
import sys
sys.stderr.write("x" * 100_000_000)
