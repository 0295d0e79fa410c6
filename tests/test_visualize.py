"""scratchcnn.visualize: every function returns a Figure with the expected axes and data."""

import io
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

from scratchcnn import visualize
from scratchcnn.layers import Convolution


def png_bytes(fig):
    """Render headless (Agg, through savefig) and return the PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def shown_image(ax):
    """The array drawn by the (first) imshow of an Axes."""
    return np.ma.filled(ax.images[0].get_array().astype(np.float64), np.nan)


def test_mosaic_places_tiles_row_by_row_with_gaps():
    tiles = np.arange(5 * 2 * 3, dtype=np.float64).reshape(5, 2, 3)
    mosaic = visualize._mosaic(tiles, ncols=2)
    assert mosaic.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(mosaic[0:2, 0:3], tiles[0])
    np.testing.assert_array_equal(mosaic[0:2, 4:7], tiles[1])
    np.testing.assert_array_equal(mosaic[6:8, 0:3], tiles[4])
    assert np.all(np.isnan(mosaic[2, :])) and np.all(np.isnan(mosaic[:, 3]))  # the gaps
    assert np.all(np.isnan(mosaic[6:8, 4:7]))  # the empty place after the last tile


def test_filters_one_panel(rng):
    W = rng.standard_normal((30, 1, 5, 5))
    fig = visualize.plot_filters(W)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    mosaic = shown_image(fig.axes[0])
    assert mosaic.shape == (3 * 6 - 1, 10 * 6 - 1)
    # Each filter stretched to [0, 1] on its own.
    first = W[0, 0]
    np.testing.assert_allclose(mosaic[:5, :5], (first - first.min()) / (first.max() - first.min()))
    assert png_bytes(fig).startswith(b"\x89PNG")


def test_filters_before_and_after(rng):
    before, after = rng.standard_normal((2, 16, 1, 3, 3))
    fig = visualize.plot_filters(before, after, ncols=8)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["before training", "after training"]
    assert shown_image(fig.axes[0]).shape == shown_image(fig.axes[1]).shape == (2 * 4 - 1, 8 * 4 - 1)


def test_filters_with_several_channels(rng):
    W = rng.standard_normal((4, 3, 3, 3))
    W[2] = 7.0  # a constant filter is drawn mid-grey, not as a division by zero
    mosaic = shown_image(visualize.plot_filters(W).axes[0])
    assert mosaic.shape == (4 * 4 - 1, 3 * 4 - 1)  # one row per filter, one column per channel
    np.testing.assert_array_equal(mosaic[8:11, 0:3], 0.5)


def test_filters_check_their_input(rng):
    with pytest.raises(ValueError, match="4-D"):
        visualize.plot_filters(rng.standard_normal((30, 5, 5)))
    with pytest.raises(ValueError, match="same shape"):
        visualize.plot_filters(rng.standard_normal((3, 1, 5, 5)), rng.standard_normal((4, 1, 5, 5)))


def test_feature_maps(rng):
    W = rng.standard_normal((6, 1, 5, 5)).astype(np.float32)
    conv = Convolution(W, np.zeros(6, np.float32))
    image = rng.random((1, 12, 12)).astype(np.float32)
    fig = visualize.plot_feature_maps(conv, image, ncols=3)
    assert len(fig.axes) == 3  # image, maps, colour bar
    np.testing.assert_array_equal(shown_image(fig.axes[0]), image[0])
    maps = np.maximum(Convolution(W, np.zeros(6, np.float32)).forward(image[np.newaxis]), 0)[0]
    mosaic = shown_image(fig.axes[1])
    assert mosaic.shape == (2 * 9 - 1, 3 * 9 - 1)
    np.testing.assert_allclose(mosaic[9:17, 18:26], maps[5], rtol=1e-6)
    assert conv.x is None  # the caller's layer was not run
    with pytest.raises(ValueError, match=r"\(C, H, W\) with C = 1"):
        visualize.plot_feature_maps(conv, image[0])


def history(epochs=4, steps=5):
    return {
        "train_loss_list": list(np.linspace(2.3, 0.1, epochs * steps)),
        "train_acc_list": list(np.linspace(0.5, 0.99, epochs)),
        "test_acc_list": list(np.linspace(0.45, 0.97, epochs)),
        "test_loss_list": list(np.linspace(1.9, 0.15, epochs)),
    }


def test_learning_curves_from_a_trainer():
    lists = history()
    fig = visualize.plot_learning_curves(SimpleNamespace(**lists))
    loss_ax, acc_ax = fig.axes
    steps, epoch_means, test_loss = loss_ax.get_lines()
    assert len(steps.get_xdata()) == 20 and steps.get_xdata()[-1] == 4.0
    np.testing.assert_allclose(epoch_means.get_ydata(), np.mean(np.reshape(lists["train_loss_list"], (4, 5)), axis=1))
    np.testing.assert_array_equal(test_loss.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(test_loss.get_ydata(), lists["test_loss_list"])
    train, test = acc_ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(test.get_ydata(), lists["test_acc_list"])


def test_learning_curves_from_lists():
    lists = history()
    assert len(visualize.plot_learning_curves(**lists).axes) == 2
    assert len(visualize.plot_learning_curves(train_acc_list=[0.9], test_acc_list=[0.8]).axes) == 1
    with pytest.raises(ValueError, match="either a trainer or the lists"):
        visualize.plot_learning_curves(SimpleNamespace(**lists), test_acc_list=[0.9])
    with pytest.raises(ValueError, match="one accuracy per epoch"):
        visualize.plot_learning_curves(train_acc_list=[0.9, 0.95], test_acc_list=[0.9])
    with pytest.raises(ValueError, match="one loss per epoch"):
        visualize.plot_learning_curves(**dict(lists, test_loss_list=[0.5]))


def test_confusion_matrix_counts_pairs():
    t = np.array([0, 0, 1, 2, 2, 2])
    y = np.array([0, 1, 1, 2, 0, 2])
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    np.testing.assert_array_equal(visualize.confusion_matrix(t, y, num_classes=3), expected)
    np.testing.assert_array_equal(visualize.confusion_matrix(np.eye(3, dtype=np.float32)[t], y, 3), expected)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        visualize.confusion_matrix(t, y + 1, num_classes=3)
    with pytest.raises(ValueError, match="6 labels but y has 5"):
        visualize.confusion_matrix(t, y[:5], num_classes=3)
    with pytest.raises(ValueError, match="integer labels"):
        visualize.confusion_matrix(t, y * 0.5, num_classes=3)


def test_confusion_matrix_figure():
    t = np.array([0, 0, 1, 2, 2, 2])
    y = np.array([0, 1, 1, 2, 0, 2])
    fig = visualize.plot_confusion_matrix(t, y, num_classes=3)
    (ax,) = fig.axes
    assert sorted(text.get_text() for text in ax.texts) == ["1", "1", "1", "1", "2"]  # non-zero cells
    assert "4 of 6" in ax.get_title()
    np.testing.assert_allclose(shown_image(ax)[2], [1 / 3, 0, 2 / 3])  # coloured by row fraction


def test_misclassified_grid(rng):
    x = rng.random((12, 784))
    t = np.arange(12) % 10
    y = t.copy()
    y[[2, 5, 7]] = [3, 0, 1]
    fig = visualize.plot_misclassified(x, t, y)
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["2 \u2192 3", "5 \u2192 0", "7 \u2192 1"]
    np.testing.assert_array_equal(shown_image(fig.axes[1]), x[5].reshape(28, 28))
    assert len(visualize.plot_misclassified(x.reshape(12, 1, 28, 28), t, y, max_images=2).axes) == 2
    assert "3 of 12 digits" in visualize.plot_misclassified(x, t, y, max_images=2)._suptitle.get_text()


def test_misclassified_when_all_are_right_or_input_is_bad(rng):
    x, t = rng.random((5, 1, 28, 28)), np.arange(5)
    fig = visualize.plot_misclassified(x, t, t)
    assert len(fig.axes) == 1 and fig.axes[0].texts[0].get_text() == "no misclassified digits"
    with pytest.raises(ValueError, match="grey images"):
        visualize.plot_misclassified(rng.random((5, 3, 28, 28)), t, t)
    with pytest.raises(ValueError, match="same length"):
        visualize.plot_misclassified(x, t, t[:4])
