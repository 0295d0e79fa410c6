# expect-score: 10
# expect-status: graded
# Attack 10: the code looks for the solutions, the gradebook, other submissions, the seed
# key, the repository and the instructor's environment, and prints "FOUND" for anything it
# can see. In the sandbox none of them exists (of solutions/ only the grading specifications,
# which hold no answer); the working directory holds only this student's files.
# %% conv_forward
<<solution>>
import os

for target in ["{REPO}/solutions", "{REPO}/README.md", "{REPO}/grading", "/root/.bashrc", "/etc/passwd"]:
    if os.path.exists(target):
        print("FOUND", target)
wanted = {"gradebook.db", "secret.key", "submitted", "autograded", "timestamp.txt", ".git"}
for folder, folders, files in os.walk("/"):
    folders[:] = [f for f in folders if f not in {"proc", "sys", "dev", "usr", ".venv", ".pyenv"}]
    for name in wanted.intersection(folders + files):
        print("FOUND", os.path.join(folder, name))
    for name in files:  # of solutions/ only the grading specifications are there, no notebook
        if name.endswith(".ipynb") or ("/solutions" in folder and name != "grading.py"):
            print("FOUND", os.path.join(folder, name))
allowed = {"HOME", "LANG", "PATH", "PWD", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "MPLBACKEND",
           "MPLCONFIGDIR", "IPYTHONDIR", "TMPDIR", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"}
for name in set(os.environ) - allowed:
    print("FOUND environment variable", name)
print("working directory:", sorted(os.listdir(".")), "as user", os.getuid())
# %% conv_backward
<<solution>>
