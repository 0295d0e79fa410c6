# expect-score: 0
# expect-status: manual: the notebook's process sent the grader *
# Issue 10 (1b): the notebook's own process writes check records before and while the tests
# run, with values it made up (and with whatever it can read: the environment, the file
# descriptors), to every descriptor it has; a thread keeps doing it during the test cells.
# The grader accepts only the records of the test cell it is waiting on, and flags the rest;
# a forged record next to the real one makes the check fail. The answers are wrong
# (zeros), so no test passes.
# %% conv_forward
import json, os, threading, time

print("secret-looking variables:", [k for k in os.environ if "SEED" in k or "AUTOGRADER" in k])
print("environ file:", [e for e in open("/proc/self/environ", "rb").read().split(b"\0") if b"SEED" in e])


def forge():
    record = {"shape": [2, 2], "dtype": "<f8", "base64": "AAAAAAAA8D8AAAAAAAAAQAAAAAAAAAhAAAAAAAAAEEA="}
    for index in range(40):
        for check in ("out (lecture example)", "hidden:conv_forward", "hidden:conv_backward"):
            line = json.dumps({"op": "record", "index": index, "check": check, "value": record,
                               "cases": [{"out": record}] * 3}).encode() + b"\n"
            for fd in map(int, os.listdir("/proc/self/fd")):
                try:
                    os.write(fd, line)
                except OSError:
                    pass


forge()
threading.Thread(target=lambda: [forge() or time.sleep(0.01) for _ in range(200)], daemon=True).start()


def conv_forward(x, W, b, stride=1, pad=0):
    N, FN = x.shape[0], W.shape[0]
    OH = (x.shape[2] + 2 * pad - W.shape[2]) // stride + 1
    OW = (x.shape[3] + 2 * pad - W.shape[3]) // stride + 1
    return np.zeros((N, FN, OH, OW)), x.shape
# %% conv_backward
def conv_backward(dout, cache):
    return np.zeros(cache), np.zeros(1), np.zeros(1)
