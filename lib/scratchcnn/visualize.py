"""Pictures of a network and its training: filters, feature maps, learning curves, mistakes.

Every function returns a :class:`matplotlib.figure.Figure` built with the object-oriented
API, never through ``pyplot``: nothing is shown or kept open behind your back, so the same
figure works headless (``fig.savefig("filters.png")``, as the command line does) and in a
notebook (a figure returned by the last line of a cell is displayed).

Grids of many small images (filters, feature maps) are drawn as one mosaic per panel, the
tiles separated by a thin coloured gap, which stays fast even for thousands of tiles.
Grey images use ``gray_r``, as the lecture notes do: large values dark, like ink on paper.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .layers import Convolution

__all__ = [
    "plot_filters",
    "plot_feature_maps",
    "plot_learning_curves",
    "confusion_matrix",
    "plot_confusion_matrix",
    "plot_misclassified",
]

# Grey levels for the tiles; the NaN gaps between them in a colour no grey can be mistaken for.
TILE_CMAP = colormaps["gray_r"].with_extremes(bad="#9db4d0")


def _mosaic(tiles, ncols):
    """Lay (K, h, w) tiles out row by row, ``ncols`` per row, with a one-pixel NaN gap
    between them: a (rows*(h+1) - 1, ncols*(w+1) - 1) image."""
    K, h, w = tiles.shape
    nrows = -(-K // ncols)  # ceiling division
    grid = np.full((nrows * ncols, h + 1, w + 1), np.nan)
    grid[:K, :h, :w] = tiles
    # (rows*cols, h+1, w+1) -> (rows, h+1, cols, w+1) -> one image; drop the last gap.
    image = grid.reshape(nrows, ncols, h + 1, w + 1).transpose(0, 2, 1, 3)
    return image.reshape(nrows * (h + 1), ncols * (w + 1))[:-1, :-1]


def _rescale(x, axes):
    """Each slice (over ``axes``) stretched to [0, 1]; a constant slice becomes 0.5."""
    low = x.min(axis=axes, keepdims=True)
    span = x.max(axis=axes, keepdims=True) - low
    return np.where(span > 0, (x - low) / np.where(span > 0, span, 1), 0.5)


def _filter_mosaic(W, ncols):
    """The mosaic of filters W: (FN, C, FH, FW), each filter scaled to its own range.

    One channel: the FN filters, ``ncols`` per row. Several channels: one row per filter,
    one column per channel (a filter's channels share its scale, so they can be compared).
    """
    FN, C, FH, FW = W.shape
    tiles = _rescale(np.asarray(W, dtype=np.float64), axes=(1, 2, 3)).reshape(FN * C, FH, FW)
    return _mosaic(tiles, ncols if C == 1 else C)


def plot_filters(W, W_after=None, ncols=10, titles=("before training", "after training")):
    """The filters of a convolution layer as small grey images (the notes' ``filter_show``).

    Parameters
    ----------
    W : (FN, C, FH, FW) array, e.g. ``network.params["W1"]``
    W_after : (FN, C, FH, FW) array or None
        If given, drawn to the right of ``W``: the same filters before and after training.
    ncols : int
        Filters per row when C == 1 (with C > 1: one row per filter, one column per channel).
    titles : the two panel titles, used when ``W_after`` is given

    Each filter is stretched to its own range (lightest = its smallest weight, darkest = its
    largest): what matters is its pattern, and random initial weights are far smaller than
    trained ones.

    Returns
    -------
    Figure with one Axes per panel (1, or 2 with ``W_after``).
    """
    panels = [np.asarray(W)] if W_after is None else [np.asarray(W), np.asarray(W_after)]
    for w in panels:
        if w.ndim != 4:
            raise ValueError(f"filters must be 4-D, (FN, C, FH, FW); got shape {w.shape}")
    if len(panels) == 2 and panels[0].shape != panels[1].shape:
        raise ValueError(f"W and W_after must have the same shape; got {panels[0].shape} and {panels[1].shape}")
    mosaics = [_filter_mosaic(w, ncols) for w in panels]
    height, width = mosaics[0].shape
    inch = min(0.12, 5 / width)  # per mosaic pixel: a panel at most 5 inches wide
    fig = Figure(figsize=(len(panels) * inch * width + 0.5, inch * height + 0.6), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, mosaic, title in zip(axes, mosaics, titles if len(panels) == 2 else [None]):
        ax.imshow(mosaic, cmap=TILE_CMAP, vmin=0, vmax=1, interpolation="nearest")
        ax.set_axis_off()
        if title:
            ax.set_title(title)
    return fig


def plot_feature_maps(conv, image, ncols=10):
    """What the first layer sees: one image and its feature maps, ReLU(conv(image)).

    Parameters
    ----------
    conv : Convolution
        Usually ``network.layers["Conv1"]`` (W: (FN, C, FH, FW)); it is not modified.
    image : (C, H, W) array, one image (for MNIST (1, 28, 28))
    ncols : int, feature maps per row

    The maps share one colour scale (the colour bar), so strong and weak responses can be
    compared across filters.

    Returns
    -------
    Figure with three Axes: the image, the (FN, OH, OW) maps as a mosaic, the colour bar.
    """
    image = np.asarray(image)
    C = conv.W.shape[1]
    if image.ndim != 3 or image.shape[0] != C:
        raise ValueError(f"image must be one image of shape (C, H, W) with C = {C}; got shape {image.shape}")
    # A fresh layer on the same W and b: the caller's layer keeps its cached batch.
    layer = Convolution(conv.W, conv.b, conv.stride, conv.pad)
    maps = np.maximum(layer.forward(image[np.newaxis].astype(conv.W.dtype)), 0)[0]  # (FN, OH, OW)
    fig = Figure(figsize=(10, 0.6 + 0.9 * -(-len(maps) // ncols)), layout="constrained")
    image_ax, maps_ax = fig.subplots(1, 2, width_ratios=[1, ncols])
    shown = image.transpose(1, 2, 0) if C == 3 else image[0]  # colour or the first channel
    image_ax.imshow(shown, cmap="gray_r", interpolation="nearest")
    image_ax.set_title("input")
    image_ax.set_axis_off()
    picture = maps_ax.imshow(_mosaic(maps, ncols), cmap=TILE_CMAP, interpolation="nearest")
    maps_ax.set_title(f"{len(maps)} feature maps after the first convolution and ReLU")
    maps_ax.set_axis_off()
    fig.colorbar(picture, ax=maps_ax, shrink=0.8)
    return fig


def plot_learning_curves(trainer=None, *, train_loss_list=None, train_acc_list=None, test_acc_list=None, test_loss_list=None):
    """Loss and accuracy during training, from a ``Trainer`` after ``train()`` or from lists.

    Parameters
    ----------
    trainer : Trainer or None
        Its ``train_loss_list`` (one loss per step), ``train_acc_list``, ``test_acc_list`` and
        ``test_loss_list`` (one value per epoch) are drawn.
    train_loss_list, train_acc_list, test_acc_list, test_loss_list : sequences, instead of ``trainer``
        The losses may be left out (without a training loss only the accuracy is drawn).

    Returns
    -------
    Figure with two Axes (loss, accuracy), or one (accuracy) without a training loss.
    """
    lists = (train_loss_list, train_acc_list, test_acc_list, test_loss_list)
    if trainer is not None:
        if any(lst is not None for lst in lists):
            raise ValueError("give either a trainer or the lists, not both")
        train_loss_list, train_acc_list = trainer.train_loss_list, trainer.train_acc_list
        test_acc_list, test_loss_list = trainer.test_acc_list, trainer.test_loss_list
    if train_acc_list is None or test_acc_list is None or len(train_acc_list) != len(test_acc_list) or not train_acc_list:
        raise ValueError("train_acc_list and test_acc_list must hold one accuracy per epoch each, at least one")
    epochs = np.arange(1, len(train_acc_list) + 1)
    if test_loss_list is not None and len(test_loss_list) not in (0, len(epochs)):
        raise ValueError(f"test_loss_list must hold one loss per epoch ({len(epochs)}); got {len(test_loss_list)}")
    with_loss = train_loss_list is not None and len(train_loss_list) > 0
    fig = Figure(figsize=(10 if with_loss else 5, 3.8), layout="constrained")
    axes = fig.subplots(1, 2 if with_loss else 1, squeeze=False)[0]
    if with_loss:
        loss = np.asarray(train_loss_list, dtype=np.float64)
        steps_per_epoch = len(loss) / len(epochs)
        # Step s (counted from 1) ends at epoch s / steps_per_epoch: both panels share the epoch axis.
        axes[0].plot(np.arange(1, len(loss) + 1) / steps_per_epoch, loss, lw=0.6, alpha=0.5, label="train, each step")
        if steps_per_epoch == int(steps_per_epoch):
            axes[0].plot(epochs, loss.reshape(len(epochs), -1).mean(axis=1), "o-", label="train, mean over the epoch")
        if test_loss_list is not None and len(test_loss_list):
            axes[0].plot(epochs, test_loss_list, "s-", label="test, end of the epoch")
        axes[0].set(xlabel="epoch", ylabel="loss", yscale="log", title="loss (cross-entropy)")
        axes[0].legend()
    ax = axes[-1]
    ax.plot(epochs, train_acc_list, "o-", label="train")
    ax.plot(epochs, test_acc_list, "s-", label="test")
    ax.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(min(0.8, *train_acc_list, *test_acc_list) - 0.02, 1.0))
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    for axis in axes:
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
    return fig


def _labels(t, name):
    """(N,) integer labels from labels or one-hot (N, K) targets."""
    t = np.asarray(t)
    if t.ndim == 2:
        t = np.argmax(t, axis=1)
    if t.ndim != 1 or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"{name} must be (N,) integer labels or (N, K) one-hot; got shape {t.shape}, dtype {t.dtype}")
    return t


def confusion_matrix(t, y, num_classes=10):
    """Counts of (true, predicted) label pairs: a (num_classes, num_classes) int64 array.

    Row i, column j holds how many digits of class i were predicted as j; the diagonal
    holds the right answers. t: (N,) labels or (N, K) one-hot; y: (N,) predicted labels.
    """
    t, y = _labels(t, "t"), _labels(y, "y")
    if len(t) != len(y):
        raise ValueError(f"t has {len(t)} labels but y has {len(y)}")
    if len(t) and (min(t.min(), y.min()) < 0 or max(t.max(), y.max()) >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    # Pair (i, j) -> the single number i*K + j; counting those counts the pairs.
    return np.bincount(t * num_classes + y, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def plot_confusion_matrix(t, y, num_classes=10):
    """The confusion matrix of :func:`confusion_matrix` as a table of counts.

    Cells are coloured by the fraction of their row (of the digits of that true class), so
    the rare mistakes stay visible next to the large diagonal.

    Returns
    -------
    Figure with one Axes.
    """
    counts = confusion_matrix(t, y, num_classes)
    fractions = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig = Figure(figsize=(6, 5.4), layout="constrained")
    ax = fig.subplots()
    ax.imshow(fractions, cmap="Blues", vmin=0, vmax=1)
    for (i, j), count in np.ndenumerate(counts):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=8, color="white" if fractions[i, j] > 0.5 else "black")
    ticks = np.arange(num_classes)
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted label", ylabel="true label")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(f"confusion matrix: {np.trace(counts)} of {counts.sum()} right ({accuracy:.2%})")
    return fig


def _grey_images(x):
    """(N, H, W) grey images from (N, 1, H, W), (N, H, W) or flattened square (N, H*W) input."""
    x = np.asarray(x)
    if x.ndim == 4 and x.shape[1] == 1:
        return x[:, 0]
    if x.ndim == 3:
        return x
    side = int(round(np.sqrt(x.shape[-1]))) if x.ndim == 2 else 0
    if x.ndim == 2 and side * side == x.shape[1]:
        return x.reshape(len(x), side, side)
    raise ValueError(f"x must be grey images (N, 1, H, W), (N, H, W) or flattened (N, H*W); got shape {x.shape}")


def plot_misclassified(x, t, y, max_images=30, ncols=10):
    """The digits the network got wrong, each titled "true -> predicted".

    Parameters
    ----------
    x : (N, 1, H, W), (N, H, W) or (N, H*W) images
    t : (N,) true labels or (N, K) one-hot;  y : (N,) predicted labels
    max_images : at most this many are drawn, the first ones in x

    Returns
    -------
    Figure with one Axes per drawn digit (one Axes with a note if none is wrong).
    """
    images, t, y = _grey_images(x), _labels(t, "t"), _labels(y, "y")
    if not len(images) == len(t) == len(y):
        raise ValueError(f"x, t and y must have the same length; got {len(images)}, {len(t)}, {len(y)}")
    wrong = np.flatnonzero(t != y)
    shown = wrong[:max_images]
    nrows = max(1, -(-len(shown) // ncols))
    fig = Figure(figsize=(1.0 * ncols, 1.15 * nrows + 0.5), layout="constrained")
    fig.suptitle(f"{len(wrong)} of {len(t)} digits misclassified (true \u2192 predicted)"
                 + (f", the first {len(shown)} shown" if len(shown) < len(wrong) else ""))
    if not len(shown):
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "no misclassified digits", ha="center", va="center")
        ax.set_axis_off()
        return fig
    for position, index in enumerate(shown, start=1):
        ax = fig.add_subplot(nrows, ncols, position)
        ax.imshow(images[index], cmap="gray_r", interpolation="nearest")
        ax.set_title(f"{t[index]} \u2192 {y[index]}", fontsize=9)
        ax.set_axis_off()
    return fig
