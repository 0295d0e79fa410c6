# expect-score: 5
# expect-status: graded
# Attack 2: memory bombs. Each allocation fails with MemoryError under the sandbox's memory
# cap instead of taking the machine's memory; the process survives. The bombs in the
# backward cell stop it before conv_backward is defined: the backward tests fail.
# %% conv_forward
<<solution>>
try:
    hoard = np.ones((100_000, 100_000))  # 80 GB
except MemoryError:
    print("numpy bomb stopped")
try:
    hoard = bytearray(40 * 2**30)
except MemoryError:
    print("bytearray bomb stopped")
# %% conv_backward
hoard = [np.ones(10**7) for _ in range(10_000)]  # 800 GB, 80 MB at a time
<<solution>>
