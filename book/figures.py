"""Figures of the book: one matplotlib style and the "grids of numbers" pictures.

Importing this module applies the book's style (:data:`STYLE`). The pictures of small
arrays used throughout (an input, a filter, an output, side by side, with a window
highlighted) are drawn by :func:`array_panels`; the numbers in them are whatever arrays
the page passes, i.e. the library's results, never typed in.

Colours match the explorers: the current window is orange, padding is grey, a cell just
computed is green.

Both editions from one execution
--------------------------------
The book has an English and a Korean edition (한국어판) built from the same executed notebooks.
While the book builds, ``plt.show()`` shows every open figure as one PNG output that holds both
editions: the figure as drawn (English), with the same figure drawn with every text (titles,
labels, legends, annotations) translated to Korean (:func:`translate`, from the tables
``locales/ko/figures/*.yml``) and a Hangul font embedded in a PNG text chunk
(``scratchcnn-ko``). The book's Sphinx extension puts each edition's own picture on its pages
(book/_ext/bookext.py); one output keeps one figure (one caption, one label) per cell. A Korean figure also records the texts
that had no translation (``scratchcnn-untranslated``): on a page declared translated that is a
build error. A glyph missing from the fonts is an error too, never a box on the page.
"""

import io
import os
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text

__all__ = ["STYLE", "WINDOW", "PAD", "DONE", "number_grid", "array_panels", "block", "translate",
           "show_editions", "glue_editions", "EDITION_KEY", "UNTRANSLATED_KEY"]

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
# Latin text in DejaVu Sans as before; Hangul falls back, glyph by glyph, to Noto Sans CJK
# (Debian's fonts-noto-cjk, installed with Chromium by `make test`/`make chromium`).
plt.rcParams["font.family"] = ["DejaVu Sans", "Noto Sans CJK KR", "Noto Sans CJK JP"]

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


# --------------------------------------------------------------------------------------------
# The two editions of a figure

EDITION_KEY = "scratchcnn-edition"
UNTRANSLATED_KEY = "scratchcnn-untranslated"
KOREAN_KEY = "scratchcnn-ko"
# Translation tables of the figures' texts, one file per page (for parallel translators):
# English text -> Korean text; a key "re:<regex>" translates by regex substitution.
TABLES = Path(__file__).resolve().parent.parent / "locales" / "ko" / "figures"
# Text with no English word to translate: numbers, symbols, shapes, CONV/POOL/FC, im2col.
_WORD = re.compile(r"(?<![\w.])[A-Za-z]*[a-z]{2,}[A-Za-z]*(?![\w(])")


def _tables():
    import yaml

    exact, patterns = {}, []
    for path in sorted(TABLES.glob("*.yml")):
        for english, korean in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if english.startswith("re:"):
                patterns.append((re.compile(english[3:]), korean))
            else:
                exact[english] = korean
    return exact, patterns


def needs_translation(text):
    """Whether ``text`` holds an English word (not a number, a symbol, a shape or a name)."""
    return bool(_WORD.search(re.sub(r"\S*\d\S*|\S*_\S*", " ", text)))


def translate(text, tables=None):
    """``text`` in Korean: (translation, whether one was found)."""
    exact, patterns = tables if tables is not None else _tables()
    if not needs_translation(text):
        return text, True
    if text in exact:
        return exact[text], True
    for pattern, replacement in patterns:
        if pattern.fullmatch(text):
            return pattern.sub(replacement, text), True
    return text, False


def _png(fig, metadata):
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata=metadata)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        raise RuntimeError(f"a figure has glyphs that no font has: {missing[0]} (install fonts-noto-cjk)")
    return buffer.getvalue()


def show_editions(fig):
    """Display ``fig`` once, as one PNG output that carries both editions: the English figure,
    with the Korean one (every text translated) embedded in its text chunk ``scratchcnn-ko``."""
    import base64

    from IPython.display import Image, display

    tables = _tables()
    untranslated, originals = [], []
    for artist in fig.findobj(Text):
        english = artist.get_text()
        korean, found = translate(english, tables)
        if not found:
            untranslated.append(english)
        originals.append((artist, english))
        artist.set_text(korean)
    korean_png = _png(fig, {EDITION_KEY: "ko", UNTRANSLATED_KEY: "\n".join(dict.fromkeys(untranslated))})
    for artist, english in originals:
        artist.set_text(english)
    metadata = {EDITION_KEY: "en", KOREAN_KEY: base64.b64encode(korean_png).decode("ascii")}
    display(Image(data=_png(fig, metadata), format="png"))


def glue_editions(name, text):
    """Glue ``text``, a word or phrase the page computes for its prose ("faster", "5 minutes"),
    as ``name`` for the English prose and, translated like a figure's text (:func:`translate`,
    the tables ``locales/ko/figures/*.yml``; a ``re:`` key carries the numbers over), as
    ``name + "_ko"`` for the Korean prose (``{glue:text}`name_ko``` in its catalog): one
    execution, both editions, the same numbers. A text with no translation is glued as it is
    (tests/test_book_ko.py finds English words glued into a translated page)."""
    from myst_nb import glue

    glue(name, text, display=False)
    glue(f"{name}_ko", translate(text)[0], display=False)


def _show(*args, **kwargs):
    """``plt.show()`` of the book: every open figure in both editions, then closed."""
    for number in plt.get_fignums():
        show_editions(plt.figure(number))
        plt.close(number)


# Only while the book builds (bookext sets the variable; the kernels inherit it): in JupyterLab
# a figure is shown once, as drawn.
BUILD_VARIABLE = "SCRATCHCNN_BOOK_EDITIONS"
if os.environ.get(BUILD_VARIABLE):
    plt.show = _show
