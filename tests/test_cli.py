"""The command line, end to end on a tiny run: train, evaluate, show-filters."""

import gzip
import hashlib
import json
import socket
import struct
import subprocess
import sys

import numpy as np
import pytest

from scratchcnn import DeepConvNet, cli, datasets


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Work in a temporary folder, with no MNIST files or mirrors reachable."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("SCRATCHCNN_CACHE", str(tmp_path / "cache"))
    with socket.socket() as sock:  # a port nothing listens on: downloads fail at once
        sock.bind(("127.0.0.1", 0))
        monkeypatch.setenv("SCRATCHCNN_MNIST_MIRRORS", f"http://127.0.0.1:{sock.getsockname()[1]}/")


def test_help_reads_as_a_command(capsys):
    result = subprocess.run([sys.executable, "-m", "scratchcnn", "--help"], capture_output=True, text=True, check=True)
    assert "usage: python -m scratchcnn" in result.stdout
    for command in ("train", "evaluate", "show-filters"):
        assert command in result.stdout
    with pytest.raises(SystemExit) as info:
        cli.main(["train", "--help"])
    assert info.value.code == 0
    train_help = capsys.readouterr().out
    for option in ("--dataset", "--network", "--epochs", "--batch-size", "--optimizer", "--lr", "--seed", "--params", "--curves"):
        assert option in train_help
    assert "mnist5k-official" in train_help and "(default: 20)" in train_help


def test_train_evaluate_show_filters(tmp_path, capsys):
    params = tmp_path / "run" / "params.npz"
    status = cli.main(["train", "--epochs", "1", "--train-size", "300", "--seed", "3", "--params", str(params), "--quiet"])
    assert status == 0
    out = capsys.readouterr().out
    record = json.loads(params.with_suffix(".json").read_text())
    assert record["network"] == "simple" and record["dataset"] == "mnist5k" and record["seed"] == 3
    assert record["train_size"] == 300 and record["test_size"] == 1000
    assert len(record["train_acc_list"]) == len(record["test_acc_list"]) == 1
    assert f"test accuracy {record['test_acc']:.4f} (1000 images)" in out
    for name in ("params.npz", "params.json", "learning_curves.png"):
        assert f"wrote {params.parent / name}" in out
        assert (params.parent / name).stat().st_size > 0

    assert cli.main(["evaluate", str(params), "--max-images", "10"]) == 0
    out = capsys.readouterr().out
    correct = round(record["test_acc"] * 1000)
    assert f"({correct} of 1000 mnist5k test digits)" in out  # the test set recorded by train
    assert cli.main(["show-filters", str(params), "--digit", "7", "--out-dir", str(tmp_path / "pictures")]) == 0
    out = capsys.readouterr().out
    pictures = [params.parent / "confusion_matrix.png", params.parent / "misclassified.png"]
    pictures += [tmp_path / "pictures" / "filters.png", tmp_path / "pictures" / "feature_maps.png"]
    for path in pictures:
        assert path.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {tmp_path / 'pictures' / 'filters.png'}" in out


def test_default_output_location(tmp_path, capsys):
    assert cli.main(["train", "--epochs", "1", "--train-size", "100", "--eval-samples", "100", "--quiet"]) == 0
    assert (tmp_path / "runs" / "simple-mnist5k" / "params.npz").is_file()
    assert "wrote runs/simple-mnist5k/learning_curves.png" in capsys.readouterr().out


def test_full_mnist_with_the_deep_network(tmp_path, monkeypatch, capsys):
    # Stand-in MNIST files (30 training, 20 test digits) with their checksums made the published ones.
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 256, (30, 28, 28)), np.arange(30) % 10, rng.integers(0, 256, (20, 28, 28)), np.arange(20) % 10]
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, array in zip(datasets.TRAIN_FILES + datasets.TEST_FILES, arrays):
        array = np.asarray(array, dtype=np.uint8)
        data = gzip.compress(bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes())
        (folder / name).write_bytes(data)
        monkeypatch.setitem(datasets.MNIST_SHA256, name, hashlib.sha256(data).hexdigest())
    argv = ["--dataset", "mnist", "--mnist-dir", str(folder)]
    assert cli.main(["train", *argv, "--network", "deep", "--epochs", "1", "--batch-size", "10", "--quiet"]) == 0
    assert "training DeepConvNet on mnist: 30 training and 20 test digits" in capsys.readouterr().out
    params = tmp_path / "runs" / "deep-mnist" / "params.npz"
    assert cli.main(["evaluate", str(params), "--mnist-dir", str(folder)]) == 0
    assert "of 20 mnist test digits" in capsys.readouterr().out


def test_the_network_is_recognised_from_its_parameters(tmp_path):
    DeepConvNet(rng=0).save_params(tmp_path / "deep.npz")
    network, name, record = cli.load_network(tmp_path / "deep.npz")
    assert name == "deep" and isinstance(network, DeepConvNet) and record == {}
    np.savez(tmp_path / "odd.npz", W1=np.zeros(3), b1=np.zeros(3))
    with pytest.raises(ValueError, match="holds 1 weight arrays"):
        cli.load_network(tmp_path / "odd.npz")


def test_errors_are_reported_without_a_traceback(tmp_path, capsys):
    assert cli.main(["train", "--dataset", "mnist", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("scratchcnn train: error: MNIST file(s) not found")
    assert "Places tried:" in err and "--dataset mnist5k" in err
    assert cli.main(["evaluate", str(tmp_path / "missing.npz")]) == 1
    assert "missing.npz" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["train", "--epochs", "0"], ["train", "--dataset", "cifar"], ["evaluate"], []])
def test_bad_arguments_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err
