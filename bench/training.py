"""The lecture notes' training run, scratchcnn against PyTorch CPU, timed in one process.

SimpleConvNet (30 5x5 filters, hidden 100), weights N(0, 0.01^2), zero biases, Adam lr 0.001
(PyTorch's defaults otherwise: betas 0.9/0.999, eps 1e-8), batches of 100, 20 epochs; after
each epoch the accuracy on the first 1,000 training and test digits, at the end on the whole
test set. Trained on the 5,000-digit subset, tested on the official 10,000 test digits
($MNIST_DIR, else ../shared/datasets/mnist beside the repository, else the cache or a
download; the 1,000-digit split test set if none of these is available).

Both libraries start from the same initial weights (copied from scratchcnn's) and see the
same batches in the same order, so their accuracies differ only by rounding; both use the
same number of threads. The two runs advance in turn, one epoch each, and each library's
epochs are timed: background load then slows both alike instead of whichever ran during it.
Epochs 2 to 20 are the rounds of report.py: each side's median epoch and its spread
(min-max); "noisy" instead of "ok" when a side's epochs spread too much. The first epoch is the
warm-up, as the warm-up calls of ops.py: it carries one-time costs (PyTorch compiles its
convolution kernels, both libraries touch their memory for the first time). On 2 cores it
took 1.3 s with PyTorch and 0.7 s with scratchcnn, against 0.5 s for the later epochs of
both, which made every run "noisy". It counts in the whole run's time, printed below the
table. PyTorch's run is also timed alone, in a process of its own, and the ratio taken
against the faster of its two medians.
Target: scratchcnn's time <= 1.0x PyTorch's (median epoch; the whole run's ratio is printed
too), at a test accuracy of at least 96%.

Run:  python bench/training.py [SEED ...]   (default seed 0; or `make bench` for every benchmark)
"""

import json
import os
import sys
import time
from pathlib import Path

from ops import THREADS, _torch_simple_convnet  # ops sets the thread count before numpy loads

import numpy as np

TARGET = 1.0
MIN_ACCURACY = 0.96
EPOCHS, BATCH, LR, EVAL_SAMPLES = 20, 100, 0.001, 1000
WARMUP = 1  # epochs left out of the per-epoch figures (see above)
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "mnist"


def load_data():
    """(name, (x_train, t_train), (x_test, t_test)), images (N, 1, 28, 28) float32."""
    from scratchcnn import datasets

    data_dir = os.environ.get("MNIST_DIR") or (SHARED_MNIST if SHARED_MNIST.is_dir() else None)
    try:
        train, test = datasets.load_mnist_5k(flatten=False, test_set="official", data_dir=data_dir)
        return "5,000 subset digits, official 10,000 test digits", train, test
    except FileNotFoundError:
        train, test = datasets.load_mnist_5k(flatten=False)
        return "4,000/1,000 split of the subset (official test files not found)", train, test


def batches(rng, n):
    """One epoch's batch order, as the Trainer draws it: a permutation cut into batches."""
    return np.array_split(rng.permutation(n), int(np.ceil(n / BATCH)))


def scratchcnn_run(network, train, test, seed):
    """The Trainer's run, one epoch per ``next()``; the last ``next()`` gives the test accuracy.

    The loop of ``Trainer.train`` spelled out with its own ``train_step`` and ``evaluate``, so
    that it can pause between epochs (no progress bar, as with ``verbose=False``).
    """
    from scratchcnn import Trainer

    trainer = Trainer(
        network, *train, *test, epochs=EPOCHS, mini_batch_size=BATCH, optimizer="Adam", optimizer_param={"lr": LR},
        evaluate_sample_num_per_epoch=EVAL_SAMPLES, verbose=False, rng=seed,
    )
    x_train, t_train = train
    for _ in range(EPOCHS):
        for batch in batches(trainer.rng, len(x_train)):
            trainer.train_step(x_train[batch], t_train[batch])
        trainer.evaluate()
        yield None
    yield network.accuracy(*test)


def torch_run(initial, train, test, seed):
    """The same run in PyTorch from the same weights and batch order, one epoch per ``next()``."""
    import torch

    model = _torch_simple_convnet()
    conv, _, _, _, affine1, _, affine2 = model
    with torch.no_grad():  # scratchcnn's Affine computes x @ W, torch's Linear x @ weight.T
        for layer, W, b in ((conv, "W1", "b1"), (affine1, "W2", "b2"), (affine2, "W3", "b3")):
            layer.weight.copy_(torch.from_numpy(initial[W] if layer is conv else initial[W].T))
            layer.bias.copy_(torch.from_numpy(initial[b]))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    x_train, t_train = torch.from_numpy(train[0]), torch.from_numpy(train[1])
    x_test, t_test = torch.from_numpy(test[0]), torch.from_numpy(test[1])

    def accuracy(x, t):
        with torch.no_grad():  # in batches of 100, as scratchcnn's accuracy()
            correct = sum(int((model(x[i : i + BATCH]).argmax(1) == t[i : i + BATCH]).sum()) for i in range(0, len(x), BATCH))
        return correct / len(x)

    rng = np.random.default_rng(seed)  # the same generator as the Trainer's: the same batches
    for _ in range(EPOCHS):
        for batch in batches(rng, len(x_train)):
            index = torch.from_numpy(batch)
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x_train[index]), t_train[index]).backward()
            optimizer.step()
        accuracy(x_train[:EVAL_SAMPLES], t_train[:EVAL_SAMPLES])
        accuracy(x_test[:EVAL_SAMPLES], t_test[:EVAL_SAMPLES])
        yield None
    yield accuracy(x_test, t_test)


def _reference_alone_child(seed):
    """In a fresh process: PyTorch's run of ``seed`` alone; prints its epochs' seconds as JSON."""
    import torch

    from scratchcnn import SimpleConvNet

    torch.set_num_threads(THREADS)
    _, train, test = load_data()
    initial = SimpleConvNet(weight_init_std=0.01, rng=seed).params
    [(seconds, _)] = run_in_turn([torch_run(initial, train, test, seed)])
    print(json.dumps(seconds[WARMUP:EPOCHS]))


def run_in_turn(runs):
    """Advance the runs one epoch each in turn; per run: (seconds of each epoch and of the
    final test, final result)."""
    seconds, results = [[] for _ in runs], [None] * len(runs)
    for _ in range(EPOCHS + 1):  # the epochs, then the final test
        for i, run in enumerate(runs):
            start = time.perf_counter()
            results[i] = next(run)
            seconds[i].append(time.perf_counter() - start)
    return list(zip(seconds, results))


def main(seeds=(0,)):
    """Run the benchmark once per seed; print the table and return its rows (report.row dicts)."""
    import torch

    import report
    from scratchcnn import SimpleConvNet

    torch.set_num_threads(THREADS)
    data_name, train, test = load_data()
    rows, accuracies = [], []
    for seed in seeds:
        network = SimpleConvNet(weight_init_std=0.01, rng=seed)
        initial = {key: value.copy() for key, value in network.params.items()}
        (ours, ours_acc), (theirs, theirs_acc) = run_in_turn(
            [scratchcnn_run(network, train, test, seed), torch_run(initial, train, test, seed)]
        )
        alone = report.reference_alone("training", "_reference_alone_child", seed)
        r = report.row("training", f"20-epoch SimpleConvNet run, seed {seed} (per epoch)", "s", ours[WARMUP:EPOCHS], theirs[WARMUP:EPOCHS], TARGET, theirs_alone=alone)
        r.update(whole_run_s={"scratchcnn": sum(ours), "torch": sum(theirs)}, accuracy={"scratchcnn": ours_acc, "torch": theirs_acc})
        if ours_acc < MIN_ACCURACY:
            r["verdict"] = "MISSED"  # fast but not as accurate: the target includes the accuracy
        rows.append(r)
        accuracies.append((seed, sum(ours), sum(theirs), ours_acc, theirs_acc))
    title = f"SimpleConvNet, {EPOCHS} epochs, Adam lr {LR}, batch {BATCH}: {data_name}; {THREADS} threads each; epochs interleaved"
    report.print_table(rows, title, previous=report.load_previous())
    print(f"{'seed':>4s} {'whole run: scratchcnn':>22s} {'PyTorch':>8s} {'ratio':>7s}   {'test accuracy: scratchcnn':>25s} {'PyTorch':>8s} (>= {MIN_ACCURACY:.0%})")
    for seed, ours_s, theirs_s, ours_acc, theirs_acc in accuracies:
        print(f"{seed:4d} {ours_s:21.1f}s {theirs_s:7.1f}s {ours_s / theirs_s:6.2f}x   {ours_acc:25.4f} {theirs_acc:8.4f}", flush=True)
    return rows


if __name__ == "__main__":
    import report

    rows = main([int(seed) for seed in sys.argv[1:]] or (0,))
    for path in report.save(rows, THREADS):
        print(f"wrote {path}")
