# expect-score: 10
# expect-status: graded
# Issue 10 (5): the notebook fills its home and /tmp with a huge file and hundreds of
# thousands of small ones, then makes its folders read-only. Both are small memory file
# systems with a size and an inode limit that vanish with the sandbox: the writes fail, the
# correct answers still get full marks, and nothing is left in the grading folder.
# %% conv_forward
<<solution>>
import os

for folder in (".", "/tmp"):
    try:
        with open(os.path.join(folder, "big"), "wb") as file:
            for _ in range(3000):
                file.write(b"x" * 2**20)
    except OSError as error:
        print(folder, "big file stopped:", error.strerror)
    try:
        os.makedirs(os.path.join(folder, "many"), exist_ok=True)
        for i in range(400_000):
            open(os.path.join(folder, "many", str(i)), "w").close()
    except OSError as error:
        print(folder, "small files stopped:", error.strerror)
    os.chmod(os.path.join(folder, "many"), 0o500)
# %% conv_backward
<<solution>>
