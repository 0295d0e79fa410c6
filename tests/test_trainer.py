"""Tests of scratchcnn.trainer: the training loop learns, records its history, and repeats."""

import numpy as np
import pytest

from scratchcnn.networks import SimpleConvNet
from scratchcnn.optimizer import SGD, Adam
from scratchcnn.trainer import Trainer

pytestmark = pytest.mark.usefixtures("one_thread")


def quadrant_images(rng, N):
    """A separable problem: 8x8 noise images with one bright 4x4 quadrant; the label (0-3) is
    which quadrant."""
    t = rng.integers(0, 4, size=N)
    x = rng.random((N, 1, 8, 8)).astype(np.float32) * 0.5
    for n, label in enumerate(t):
        row, col = divmod(label, 2)
        x[n, 0, 4 * row : 4 * row + 4, 4 * col : 4 * col + 4] += 1.0
    return x, t


def small_network(seed=0):
    """A SimpleConvNet for 8x8 images: 4 filters 3x3 (-> 6x6 -> pooled 3x3), 16 hidden, 4 classes."""
    conv_param = {"filter_num": 4, "filter_size": 3}
    return SimpleConvNet(input_dim=(1, 8, 8), conv_param=conv_param, hidden_size=16, output_size=4, weight_init_std=0.1, rng=seed)


@pytest.fixture
def data():
    """(x_train, t_train, x_test, t_test): 200 training and 100 test images."""
    rng = np.random.default_rng(0)
    return (*quadrant_images(rng, 200), *quadrant_images(rng, 100))


def make_trainer(data, **settings):
    """A Trainer on ``data`` for a fresh small network; ``settings`` override the defaults."""
    defaults = dict(epochs=3, mini_batch_size=20, optimizer="Adam", optimizer_param={"lr": 0.01}, verbose=False, rng=0)
    return Trainer(small_network(), *data, **{**defaults, **settings})


def test_training_learns_the_problem(data):
    """A few epochs lower the loss and classify the held-out images; train() returns the final
    test accuracy, measured on the whole test set."""
    trainer = make_trainer(data)
    test_acc = trainer.train()
    losses = trainer.train_loss_list
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    assert test_acc == trainer.test_acc == trainer.network.accuracy(data[2], data[3])
    assert test_acc >= 0.9
    assert trainer.test_acc_list[-1] >= 0.9 and trainer.train_acc_list[-1] >= 0.9
    assert trainer.elapsed > 0


@pytest.mark.parametrize("N, batch, steps_per_epoch", [(200, 20, 10), (200, 30, 7), (200, 500, 1)])
def test_history_lengths(data, N, batch, steps_per_epoch):
    """One loss per step (ceil(N / batch) steps per epoch, a partial batch included), one train
    and one test accuracy per epoch."""
    trainer = make_trainer(data, epochs=2, mini_batch_size=batch)
    trainer.train()
    assert trainer.iter_per_epoch == steps_per_epoch
    assert len(trainer.train_loss_list) == 2 * steps_per_epoch
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 2
    assert all(isinstance(loss, float) for loss in trainer.train_loss_list)


def test_every_image_is_used_once_per_epoch(data, monkeypatch):
    """Each epoch visits the training images in a new order, each exactly once."""
    trainer = make_trainer(data, epochs=2, mini_batch_size=30)
    seen = []
    step = trainer.train_step
    monkeypatch.setattr(trainer, "train_step", lambda x, t: seen.append(x) or step(x, t))
    trainer.train()
    per_epoch = [np.concatenate(seen[:7]), np.concatenate(seen[7:])]

    def fingerprints(images):  # one number per image, in sorted order: equal sets of images
        return np.sort(images.reshape(len(images), -1).sum(axis=1))

    for images in per_epoch:
        np.testing.assert_array_equal(fingerprints(images), fingerprints(data[0]))
    assert not np.array_equal(per_epoch[0], per_epoch[1])


def test_same_seed_same_history(data):
    """The same network seed and trainer seed reproduce the run exactly; another trainer seed
    shuffles differently."""
    first, second = make_trainer(data, rng=7), make_trainer(data, rng=7)
    first.train(), second.train()
    assert first.train_loss_list == second.train_loss_list
    assert first.train_acc_list == second.train_acc_list and first.test_acc_list == second.test_acc_list
    other = make_trainer(data, rng=8)
    other.train()
    assert other.train_loss_list != first.train_loss_list


def test_evaluation_sample(data):
    """evaluate_sample_num_per_epoch=10 measures the per-epoch accuracies on 10 images."""
    trainer = make_trainer(data, epochs=2, evaluate_sample_num_per_epoch=10)
    trainer.train()
    for accuracy in trainer.train_acc_list + trainer.test_acc_list:
        assert accuracy * 10 == pytest.approx(round(accuracy * 10))


def test_one_hot_labels(data):
    """One-hot targets train as well as labels."""
    x_train, t_train, x_test, t_test = data
    trainer = make_trainer((x_train, np.eye(4)[t_train], x_test, np.eye(4)[t_test]))
    assert trainer.train() >= 0.9


def test_optimizer_by_name_or_object(data):
    """The optimizer is given by name (any case) with its settings, or as an object used as is."""
    trainer = make_trainer(data, optimizer="sgd", optimizer_param={"lr": 0.2})
    assert type(trainer.optimizer) is SGD and trainer.optimizer.lr == 0.2
    assert make_trainer(data, optimizer="SGD", optimizer_param={}).optimizer.lr == SGD().lr
    adam = Adam(lr=0.02)
    trainer = make_trainer(data, optimizer=adam, optimizer_param=None)
    assert trainer.optimizer is adam
    trainer.train()
    assert adam.iter == len(trainer.train_loss_list)


def test_verbose_output(data, capsys):
    """verbose=True ends with the test accuracy; verbose=False prints nothing."""
    make_trainer(data, epochs=1, verbose=False).train()
    assert capsys.readouterr().out == ""
    trainer = make_trainer(data, epochs=1, verbose=True)
    trainer.train()
    assert f"test accuracy {trainer.test_acc:.4f} (100 images)" in capsys.readouterr().out


def test_progress_bar_shows_the_epoch_accuracies(data, monkeypatch):
    """The progress bar of an epoch stays open until the end-of-epoch evaluation and shows it."""
    import io

    import scratchcnn.trainer

    real_tqdm, out = scratchcnn.trainer.tqdm, io.StringIO()

    def visible_tqdm(*args, **kwargs):  # the real bar, shown even though pytest is no terminal
        return real_tqdm(*args, **{**kwargs, "disable": False, "file": out})

    monkeypatch.setattr(scratchcnn.trainer, "tqdm", visible_tqdm)
    trainer = make_trainer(data, epochs=2, verbose=True)
    trainer.train()
    final = out.getvalue().split("\r")[-1]  # the last redraw of the second epoch's bar
    assert "epoch 2/2" in final and f"test_acc={trainer.test_acc_list[-1]:.4f}" in final


def test_test_loss_per_epoch(data):
    """test_loss_list holds, per epoch, the mean loss on the evaluation sample of the test set."""
    trainer = make_trainer(data, epochs=2, evaluate_sample_num_per_epoch=50)
    trainer.train()
    assert len(trainer.test_loss_list) == 2
    x_test, t_test = data[2][:50], data[3][:50]
    assert trainer.test_loss_list[-1] == pytest.approx(trainer.network.loss(x_test, t_test), rel=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, r"epochs and mini_batch_size must be at least 1; got 0, 20"),
        ({"mini_batch_size": 0}, r"epochs and mini_batch_size must be at least 1; got 3, 0"),
        ({"optimizer": "adamw"}, r"unknown optimizer 'adamw'"),
        ({"optimizer": Adam(), "optimizer_param": {"lr": 0.1}}, r"optimizer_param .* only with an optimizer name"),
    ],
)
def test_bad_arguments(data, kwargs, message):
    """Impossible settings raise a ValueError at construction, before any training."""
    with pytest.raises(ValueError, match=message):
        make_trainer(data, **kwargs)


@pytest.mark.parametrize(
    "slices, message",
    [
        ((slice(None), slice(0, 199), slice(None), slice(None)), r"images and labels differ in number: x_train 200, t_train 199"),
        ((slice(None), slice(None), slice(None), slice(0, 5)), r"x_test 100, t_test 5"),
        ((slice(0, 0), slice(0, 0), slice(None), slice(None)), r"no training images"),
    ],
)
def test_bad_data(data, slices, message):
    """Images and labels that do not pair up, or no training data at all, raise a ValueError."""
    with pytest.raises(ValueError, match=message):
        make_trainer(tuple(array[part] for array, part in zip(data, slices)))


def test_learns_real_digits():
    """A few hundred digits of the offline MNIST subset: one epoch of SimpleConvNet lowers the
    loss and beats chance (10%) clearly on 200 held-out digits."""
    datasets = pytest.importorskip("scratchcnn.datasets")
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist_5k(flatten=False)
    network = SimpleConvNet(rng=0)
    subset = x_train[:600], t_train[:600], x_test[:200], t_test[:200]
    trainer = Trainer(network, *subset, epochs=1, mini_batch_size=50, verbose=False, rng=0)
    assert trainer.train() > 0.5
    losses = trainer.train_loss_list
    assert np.mean(losses[-3:]) < np.mean(losses[:3])


def test_np_random_seed_repeats_a_whole_run(data):
    """Without any rng argument, np.random.seed(k) before building and training repeats the
    run bit for bit: initial weights, batch order, losses and final weights."""

    def run(seed):
        np.random.seed(seed)
        conv_param = {"filter_num": 4, "filter_size": 3}
        network = SimpleConvNet(input_dim=(1, 8, 8), conv_param=conv_param, hidden_size=16, output_size=4, weight_init_std=0.1)
        initial = {key: value.copy() for key, value in network.params.items()}
        trainer = Trainer(network, *data, epochs=2, mini_batch_size=20, optimizer_param={"lr": 0.01}, verbose=False)
        trainer.train()
        return initial, trainer.train_loss_list, network.params

    first, second, other = run(7), run(7), run(8)
    for key in first[0]:
        np.testing.assert_array_equal(first[0][key], second[0][key])
        np.testing.assert_array_equal(first[2][key], second[2][key])
    assert first[1] == second[1]
    assert not np.array_equal(first[0]["W1"], other[0]["W1"])


def test_an_explicit_rng_ignores_the_global_state(data):
    """rng=0 gives the same network and batches whatever np.random's state."""
    np.random.seed(1)
    a = make_trainer(data)
    np.random.seed(2)
    b = make_trainer(data)
    np.testing.assert_array_equal(a.network.params["W1"], b.network.params["W1"])
    np.testing.assert_array_equal(a.rng.permutation(10), b.rng.permutation(10))
