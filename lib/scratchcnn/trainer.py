"""Trainer: the mini-batch training loop, with a progress bar and learning curves."""

import time

import numpy as np
from tqdm.auto import tqdm

from .optimizer import Optimizer, get_optimizer
from .seeding import as_generator

__all__ = ["Trainer"]


class Trainer:
    """Train a network with mini-batch gradient descent.

    Each epoch visits every training image once, in a new random order, in batches of
    ``mini_batch_size``; after each epoch the accuracy on (the first
    ``evaluate_sample_num_per_epoch`` images of) the training and test sets is recorded.

    Parameters
    ----------
    network : what the Trainer uses of it (any :class:`~scratchcnn.networks.ConvNet` has it):
        ``params`` (dict of arrays, updated in place by the optimizer); ``gradient(x, t)``
        (dict of gradients with the keys of ``params``); ``loss(x, t)`` (mean loss, test
        mode); ``accuracy(x, t)``; and ``last_layer``, the loss layer, whose ``loss`` (the
        loss of the last forward pass, read after ``gradient``) and ``y`` (the probabilities
        of the last batch scored, read after ``loss``) save a second forward pass
    x_train : (N, C, H, W) array;  t_train : (N,) labels or (N, K) one-hot
    x_test, t_test : the same for the test set
    epochs, mini_batch_size : int
    optimizer : name ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam") or an
        optimizer object (which carries its own settings)
    optimizer_param : keyword arguments for an optimizer given by name; None means
        {"lr": 0.001}, {} the optimizer's own defaults
    evaluate_sample_num_per_epoch : int or None (all images)
    verbose : show a progress bar (only where a terminal or notebook can display it)
    rng : seed or ``numpy.random.Generator`` for the batch order, so a run can be repeated;
        None seeds it from NumPy's global state, so that ``np.random.seed(k)`` before
        building the network and the Trainer repeats the whole run (:mod:`scratchcnn.seeding`)

    After ``train()``: ``train_loss_list`` (one loss per step), ``train_acc_list``,
    ``test_acc_list`` and ``test_loss_list`` (one per epoch, on the evaluation samples),
    ``test_acc`` (on the whole test set) and ``elapsed`` (seconds).
    """

    def __init__(
        self,
        network,
        x_train,
        t_train,
        x_test,
        t_test,
        epochs=20,
        mini_batch_size=100,
        optimizer="Adam",
        optimizer_param=None,
        evaluate_sample_num_per_epoch=None,
        verbose=True,
        rng=None,
    ):
        if len(x_train) != len(t_train) or len(x_test) != len(t_test):
            raise ValueError(
                f"images and labels differ in number: x_train {len(x_train)}, t_train {len(t_train)}, "
                f"x_test {len(x_test)}, t_test {len(t_test)}"
            )
        if len(x_train) == 0:
            raise ValueError("no training images: x_train is empty")
        if mini_batch_size < 1 or epochs < 1:
            raise ValueError(f"epochs and mini_batch_size must be at least 1; got {epochs}, {mini_batch_size}")
        self.network = network
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.epochs = epochs
        self.batch_size = mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.verbose = verbose
        self.rng = as_generator(rng)
        if isinstance(optimizer, Optimizer):
            if optimizer_param is not None:
                raise ValueError(
                    "optimizer_param is used only with an optimizer name; an optimizer object "
                    "carries its own settings"
                )
            self.optimizer = optimizer
        else:
            self.optimizer = get_optimizer(optimizer, **({"lr": 0.001} if optimizer_param is None else optimizer_param))
        self.iter_per_epoch = int(np.ceil(len(x_train) / mini_batch_size))
        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []
        self.test_loss_list = []
        self.test_acc = None
        self.elapsed = None

    def train_step(self, x_batch, t_batch):
        """One gradient step on one mini-batch; returns the batch loss (before the step)."""
        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        loss = self.network.last_layer.loss  # computed by the forward pass inside gradient()
        self.train_loss_list.append(loss)
        return loss

    def loss_and_accuracy(self, x, t):
        """Mean loss and accuracy of the network on (x, t), in mini-batches (test mode).

        One forward pass per batch gives both: the loss layer keeps the probabilities ``y``
        of the batch it has just scored.
        """
        labels = np.asarray(t) if np.ndim(t) == 1 else np.argmax(t, axis=1)
        total_loss, correct = 0.0, 0
        for i in range(0, len(x), self.batch_size):
            batch = slice(i, i + self.batch_size)
            total_loss += self.network.loss(x[batch], t[batch]) * len(labels[batch])
            correct += int(np.sum(np.argmax(self.network.last_layer.y, axis=1) == labels[batch]))
        return total_loss / len(x), correct / len(x)

    def evaluate(self):
        """Record train accuracy, test accuracy and test loss on the evaluation samples."""
        n = self.evaluate_sample_num_per_epoch
        _, train_acc = self.loss_and_accuracy(self.x_train[:n], self.t_train[:n])
        test_loss, test_acc = self.loss_and_accuracy(self.x_test[:n], self.t_test[:n])
        self.train_acc_list.append(train_acc)
        self.test_acc_list.append(test_acc)
        self.test_loss_list.append(test_loss)
        return train_acc, test_acc

    def train(self):
        """Run all epochs, then measure accuracy on the whole test set; return it."""
        start = time.perf_counter()
        for epoch in range(1, self.epochs + 1):
            order = self.rng.permutation(len(self.x_train))
            batches = np.array_split(order, self.iter_per_epoch)
            # The bar is advanced by hand (not by iterating over it) so that it stays open for
            # the end-of-epoch accuracies.
            with tqdm(total=len(batches), desc=f"epoch {epoch}/{self.epochs}", disable=not self.verbose or None) as bar:
                for batch in batches:
                    loss = self.train_step(self.x_train[batch], self.t_train[batch])
                    bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
                    bar.update()
                train_acc, test_acc = self.evaluate()
                bar.set_postfix(loss=f"{loss:.4f}", train_acc=f"{train_acc:.4f}", test_acc=f"{test_acc:.4f}")
        self.test_acc = self.network.accuracy(self.x_test, self.t_test)
        self.elapsed = time.perf_counter() - start
        if self.verbose:
            print(f"test accuracy {self.test_acc:.4f} ({len(self.x_test)} images), {self.elapsed:.1f} s")
        return self.test_acc
