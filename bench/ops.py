"""Speed and memory of scratchcnn's layers against PyTorch CPU, measured in one run.

Each figure is a ratio to PyTorch on the same machine with the same number of threads
(``BENCH_THREADS``, default: every core), the two libraries measured in interleaved rounds
(see report.py: each side's median and min-max spread; "noisy" instead of "ok" when a side
spreads too much; PyTorch also timed alone in a fresh process, the ratio taken against the
faster of the two; so that a slowed-down reference never makes a target pass):

* one SimpleConvNet training step (100 MNIST digits, float32, gradient + Adam)  target <= 1.0x
* Convolution forward+backward, (100, 3, 32, 32) input, 16 3x3 filters, pad 1  target <= 1.25x
* max pooling 2x2 stride 2 forward+backward on (100, 30, 24, 24)               target <= 1.0x
* the same training step with one thread each, in a process of its own: how the grader's
  sandbox and a one-core laptop train (BLAS and PyTorch on one thread)       target <= 1.0x
* peak memory of a training step at batch 100 (what the step keeps between steps plus its
  transient peak, beyond the model and the data; each library in fresh processes, in
  alternating order)                                                           target <= 1.0x

Run:  python bench/ops.py   (or `make bench` for every benchmark, which also saves the
figures to _build/bench/results.json and a chart, _build/bench/ratios.png)
"""

import json
import os
import subprocess
import sys

THREADS = int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1))
# Both libraries get the same thread count; set before numpy/torch load their thread pools.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

import numpy as np  # noqa: E402

BATCH = 100


# Rounds per workload, and calls per round (each round's figure is the median of its calls).
ROUNDS, REPEATS = 9, 10
MEMORY_ROUNDS = 3


# --- the workloads, each as (scratchcnn function, PyTorch function) -----------------


def training_step_pair():
    import torch

    import scratchcnn as sc
    from scratchcnn.datasets import load_mnist_5k

    # Real digits, not random numbers: PyTorch's max pooling runs faster on them (2.5 ms
    # against 3.8 ms in one run), so random input would flatter scratchcnn (0.88x on random
    # numbers, 1.05x on digits, measured in one process).
    (x, t), _ = load_mnist_5k(flatten=False)  # the offline subset, always installed
    x, t = x[:BATCH], t[:BATCH]
    net = sc.SimpleConvNet(rng=0)
    adam = sc.Adam(lr=0.001)

    def ours():
        adam.update(net.params, net.gradient(x, t))

    model = _torch_simple_convnet()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)

    def theirs():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(tx), tt).backward()
        opt.step()

    return ours, theirs


def _torch_simple_convnet():
    """SimpleConvNet's architecture in PyTorch, initialised like scratchcnn's."""
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(1, 30, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(4320, 100),
        nn.ReLU(),
        nn.Linear(100, 10),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.01) if p.dim() > 1 else p.zero_()
    return model


def convolution_pair():
    import torch
    import torch.nn.functional as F

    import scratchcnn as sc

    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 3, 32, 32), dtype=np.float32)
    W = rng.standard_normal((16, 3, 3, 3), dtype=np.float32)
    b = np.zeros(16, np.float32)
    dout = rng.standard_normal((BATCH, 16, 32, 32), dtype=np.float32)
    layer = sc.Convolution(W, b, stride=1, pad=1)

    def ours():
        layer.forward(x)
        layer.backward(dout)

    tx = torch.from_numpy(x).requires_grad_()
    tW = torch.from_numpy(W).requires_grad_()
    tb = torch.from_numpy(b).requires_grad_()
    tdout = torch.from_numpy(dout)

    def theirs():
        tx.grad = tW.grad = tb.grad = None
        F.conv2d(tx, tW, tb, stride=1, padding=1).backward(tdout)

    return ours, theirs


def pooling_pair():
    import torch
    import torch.nn.functional as F

    import scratchcnn as sc

    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 30, 24, 24), dtype=np.float32)
    dout = rng.standard_normal((BATCH, 30, 12, 12), dtype=np.float32)
    layer = sc.Pooling(2, 2, stride=2)

    def ours():
        layer.forward(x)
        layer.backward(dout)

    tx = torch.from_numpy(x).requires_grad_()
    tdout = torch.from_numpy(dout)

    def theirs():
        tx.grad = None
        F.max_pool2d(tx, 2, 2).backward(tdout)

    return ours, theirs


def _reference_alone_child(number):
    """In a fresh process: PyTorch's side of workload ``number``, ROUNDS rounds, printed as JSON."""
    import torch

    import report

    torch.set_num_threads(THREADS)
    _, theirs = WORKLOADS[number][2]()
    print(json.dumps([report.time_call(theirs, REPEATS) for _ in range(ROUNDS)]))


def _interleaved(ours, theirs):
    """Per-round medians of both sides, ROUNDS interleaved rounds of REPEATS calls: (ours, theirs)."""
    import report

    return report.interleave(lambda: report.time_call(ours, REPEATS), lambda: report.time_call(theirs, REPEATS), ROUNDS)


def _one_thread_step_child():
    """In a fresh process started with BENCH_THREADS=1: the training step of both libraries,
    interleaved, printed as JSON [ours, theirs] (one list of per-round medians each)."""
    import torch

    torch.set_num_threads(THREADS)
    print(json.dumps(_interleaved(*training_step_pair())))


def one_thread_step_row():
    """The training step's row with one thread each (THREADS is read at import, so the
    measurement runs in fresh processes: both sides together, then PyTorch alone)."""
    import report

    one = {"BENCH_THREADS": "1"}
    ours_ms, theirs_ms = report.in_fresh_process("ops", "_one_thread_step_child", environment=one)
    alone = report.reference_alone("ops", "_reference_alone_child", 0, environment=one)
    return report.row("ops", ONE_THREAD_STEP, "ms", ours_ms, theirs_ms, 1.0, theirs_alone=alone)


# --- peak memory, each library alone in a fresh process ------------------------------


def _proc_status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _peak_step_memory_child(library):
    """In a fresh process: the memory (MiB) a training step needs beyond the model and data.

    Two parts. What a step leaves behind until the next one (the optimizer's state, the
    caches the layers keep for backward): the growth of the anonymous resident memory over
    a warm-up step (anonymous, so that library code paged in on first use does not count).
    Plus the transient peak of a step: the kernel's high-water mark of the resident set is
    reset to the current size (Linux: write 5 to /proc/self/clear_refs) and read after one
    more step. The parent starts this process with glibc's mmap threshold fixed at 64 KiB,
    so every array is mapped when allocated and unmapped when freed (and scratchcnn leaves
    malloc's options alone, see scratchcnn.memory): resident memory then follows the live
    arrays of both libraries, instead of their allocators' reuse of freed memory.
    """
    ours, theirs = training_step_pair()
    step = ours if library == "scratchcnn" else theirs
    anonymous = _proc_status_kib("RssAnon")
    step()
    held = (_proc_status_kib("RssAnon") - anonymous) / 1024
    peaks = []
    for _ in range(3):
        before = _proc_status_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        step()
        peaks.append((_proc_status_kib("VmHWM") - before) / 1024)
    print(json.dumps(held + max(peaks)))


# glibc: arrays of 64 KiB and more get their own mapping, returned to the system when freed.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0"}


def peak_step_memory(library):
    """Memory of one training step beyond the model and data, MiB, measured in a subprocess."""
    code = f"import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r}); import ops; ops._peak_step_memory_child({library!r})"
    environment = dict(os.environ, **MALLOC_ENV)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment).stdout
    return json.loads(out.strip().splitlines()[-1])


WORKLOADS = [
    ("SimpleConvNet training step (100 digits)", 1.0, training_step_pair),
    ("Convolution fwd+bwd (100,3,32,32), 16 3x3, pad 1", 1.25, convolution_pair),
    ("max pooling 2x2/2 fwd+bwd (100,30,24,24)", 1.0, pooling_pair),
]
MEMORY_TARGET = 1.0
ONE_THREAD_STEP = "training step, 1 thread each (as graded)"


def main():
    import torch

    import report

    torch.set_num_threads(THREADS)
    rows = []
    for number, (name, target, make_pair) in enumerate(WORKLOADS):
        ours, theirs = make_pair()
        ours_ms, theirs_ms = _interleaved(ours, theirs)
        alone = report.reference_alone("ops", "_reference_alone_child", number)
        rows.append(report.row("ops", name, "ms", ours_ms, theirs_ms, target, theirs_alone=alone))
    if THREADS > 1:
        rows.append(one_thread_step_row())
    ours_mib, theirs_mib = report.interleave(
        lambda: peak_step_memory("scratchcnn"), lambda: peak_step_memory("torch"), MEMORY_ROUNDS
    )
    rows.append(report.row("ops", "peak memory of a training step", "MiB", ours_mib, theirs_mib, MEMORY_TARGET, timed=False))
    title = f"scratchcnn vs PyTorch CPU, {THREADS} threads each, {ROUNDS} interleaved rounds ({MEMORY_ROUNDS} for memory)"
    report.print_table(rows, title, previous=report.load_previous())
    return rows


if __name__ == "__main__":
    import report

    rows = main()
    for path in report.save(rows, THREADS):
        print(f"wrote {path}")
