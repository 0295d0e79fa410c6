"""Figures of the book: one matplotlib style and the "grids of numbers" pictures.

Importing this module applies the book's style (:data:`STYLE`). The pictures of small
arrays used throughout (an input, a filter, an output, side by side, with a window
highlighted) are drawn by :func:`array_panels`; the numbers in them are whatever arrays
the page passes, i.e. the library's results, never typed in.

Colours match the explorers: the current window is orange, padding is grey, a cell just
computed is green.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon, Rectangle

__all__ = ["STYLE", "WINDOW", "PAD", "DONE", "number_grid", "array_panels", "block"]

# One look for every figure of the book: a size that fits the text column, readable fonts.
STYLE = {
    "figure.dpi": 110,
    "figure.figsize": (7.0, 3.0),
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "viridis",
}
plt.rcParams.update(STYLE)

WINDOW = "#e67800"  # the sliding window
PAD = "#d9d9d9"  # padding cells
DONE = "#28a050"  # an output cell just computed


def _text(value):
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, (int, str)) else f"{value:.3g}"


def number_grid(ax, array, title="", window=None, pad=0, mark=None, shade=None, fontsize=None,
                shade_limits=None):
    """Draw a 2-D array as a grid of numbered cells on ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
    array : (H, W) array
    title : str
    window : (row, col, height, width), optional
        Cells to outline and tint as the current window.
    pad : int
        Width of the padding ring (drawn grey).
    mark : (row, col), optional
        One cell to tint as just computed.
    shade : (H, W) array, optional
        Values mapped to a light colour behind the numbers (e.g. a feature map's strength).
    fontsize : float, optional
    shade_limits : (low, high), optional
        The shade values mapped to the lightest and darkest colour. By default the range of
        ``shade`` itself; give it to tint several grids alike (e.g. by channel number).
    """
    array = np.asarray(array)
    H, W = array.shape
    if fontsize is None:
        # Shrink the numbers so that the longest one fits its cell.
        longest = max(len(_text(v)) for v in array.ravel())
        fontsize = {1: 10, 2: 10, 3: 8}.get(longest, 6.5) if max(H, W) <= 8 else 7
    if shade is not None:
        low, high = shade_limits if shade_limits is not None else (None, None)
        ax.imshow(shade, cmap="Blues", alpha=0.55, extent=(0, W, H, 0), aspect="equal", interpolation="nearest",
                  vmin=low, vmax=high)
    for i in range(H):
        for j in range(W):
            is_pad = pad and (i < pad or j < pad or i >= H - pad or j >= W - pad)
            face = PAD if is_pad else "none"
            if mark is not None and (i, j) == tuple(mark):
                face = DONE
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=face, edgecolor="#888888", linewidth=0.8,
                                   alpha=0.5 if face == DONE else 1))
            ax.text(j + 0.5, i + 0.5, _text(array[i, j]), ha="center", va="center", fontsize=fontsize)
    if window is not None:
        r, c, h, w = window
        ax.add_patch(Rectangle((c, r), w, h, facecolor=WINDOW, alpha=0.25, edgecolor="none"))
        ax.add_patch(Rectangle((c, r), w, h, facecolor="none", edgecolor=WINDOW, linewidth=2.5))
    ax.set_xlim(-0.05, W + 0.05)
    ax.set_ylim(H + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)


def array_panels(panels, between=(), height=2.4, fontsize=None):
    """A row of arrays drawn with :func:`number_grid`, with symbols between them.

    Parameters
    ----------
    panels : list of dict
        Each: ``array`` and optionally the other keyword arguments of :func:`number_grid`
        (``title``, ``window``, ``pad``, ``mark``, ``shade``, ``shade_limits``).
    between : sequence of str
        Symbols drawn between consecutive panels, e.g. ``("⊛", "=")``.
    height : float
        Figure height in inches; the width follows from the arrays' widths.

    Returns
    -------
    matplotlib Figure
    """
    widths = []
    for k, panel in enumerate(panels):
        widths.append(np.shape(panel["array"])[1])
        if k < len(panels) - 1:
            widths.append(1.0)  # a gap for the symbol
    rows = max(np.shape(p["array"])[0] for p in panels)
    unit = height / (rows + 1.2)
    fig, axes = plt.subplots(1, len(widths), figsize=(max(sum(widths) * unit, 2.0), height),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    axes = axes[0]
    for k, panel in enumerate(panels):
        options = {key: value for key, value in panel.items() if key != "array"}
        number_grid(axes[2 * k], panel["array"], fontsize=fontsize, **options)
        if k < len(panels) - 1:
            gap = axes[2 * k + 1]
            gap.axis("off")
            symbol = between[k] if k < len(between) else ""
            gap.text(0.5, 0.5, symbol, ha="center", va="center", fontsize=18, transform=gap.transAxes)
    return fig


def block(ax, x, y, depth, height, width, label="", color="#9ecae1", slant=0.5, fontsize=9, label_gap=0.1):
    """Draw a (depth, height, width) array, e.g. (C, H, W), as a box in oblique projection.

    The front face, ``width`` by ``height`` in data units, has its lower-left corner at
    ``(x, y)``; the depth recedes up and to the right at 45 degrees, drawn ``slant`` times
    its length (a true-to-scale depth would hide the front faces of thin boxes). The top
    face is drawn lighter and the side face darker than ``color``, and ``label`` (e.g. the
    shape) is written ``label_gap`` data units under the box. The caller scales the three
    lengths, so a box drawn from an array's shape shows its true proportions.

    Returns
    -------
    (x_right, y_top) : the right end and the top of the drawn box, to place the next one.
    """
    d = depth * slant / np.sqrt(2)
    base = np.array(to_rgb(color))
    faces = [
        (base, [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]),
        (1 - 0.5 * (1 - base), [(x, y + height), (x + d, y + height + d),
                                (x + width + d, y + height + d), (x + width, y + height)]),
        (0.8 * base, [(x + width, y), (x + width + d, y + d),
                      (x + width + d, y + height + d), (x + width, y + height)]),
    ]
    for face, corners in faces:
        ax.add_patch(Polygon(corners, closed=True, facecolor=face, edgecolor="#555555", linewidth=0.8))
    if label:
        ax.text(x + (width + d) / 2, y - label_gap, label, ha="center", va="top", fontsize=fontsize)
    return x + width + d, y + height + d
