"""Interactive explorers of the book: sliding windows, output sizes and im2col.

Every number an explorer shows is computed by :mod:`scratchcnn` (``Convolution``,
``Pooling``, ``conv_output_size``, ``pad_images``, ``im2col``): this module only lays the
results out. A chapter shows an explorer by making it the last expression of a code cell::

    from explorers import SlidingWindowExplorer
    SlidingWindowExplorer({"4x4 example": conv_example(x, W, b=0)}, pads=(0, 1), strides=(1, 2))

How an explorer works
---------------------
An explorer has *controls* (discrete choices: which example, padding, stride, ...) and a
*view* made of *frames*. A frame is the picture for one setting of the controls: grids of
cells (the padded input, the filter, the output, the im2col matrix) and a message, plus
optional *steps*, e.g. the positions of the sliding window. A step names the cells to
highlight and a caption. Frames are rendered to HTML by one function,
:func:`render_frame`, and a step is applied by three rules:

1. the cells named by the step get the class ``on`` (highlighted);
2. a cell that appears at step ``s`` (``Cell.appear``) is ``later`` (hidden) while the
   current step is before ``s`` and ``now`` at step ``s``;
3. the step's caption is shown below the view.

Two front ends show the same frames:

* **static** (the built book, no kernel): every frame of every setting is computed while
  the book builds and embedded (gzipped JSON) in a self-contained HTML snippet; ``explorers.js``
  (inlined, no library, nothing loaded from the network) swaps frames when a control
  changes and applies the three rules in the browser.
* **live** (JupyterLab): ipywidgets controls; every change computes the frame with the
  library and renders it with the step already applied (the same three rules, in
  :func:`render_frame`).

Displaying an explorer returns both (``text/html`` and the widget view): JupyterLab shows
the widget, the book shows the HTML (``nb_mime_priority_overrides`` in ``_config.yml``).
"""

import base64
import gzip
import html
import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import figures
from scratchcnn.layers import Convolution, Pooling
from scratchcnn.util import conv_output_size, im2col, pad_images

__all__ = [
    "Control",
    "Cell",
    "Grid",
    "Step",
    "Frame",
    "render_frame",
    "book_notation",
    "Explorer",
    "conv_example",
    "pool_example",
    "SlidingWindowExplorer",
    "OutputSizeExplorer",
    "Im2colExplorer",
]

_HERE = Path(__file__).parent
_SCRIPT = (_HERE / "explorers.js").read_text(encoding="utf-8")
_STYLE = (_HERE / "explorers.css").read_text(encoding="utf-8")
# Explorer ids, unique within a page (each page runs in its own kernel).
_ids = itertools.count(1)

# --------------------------------------------------------------------------------------------
# The Korean edition (한국어판): the explorers' own texts in Korean. While the book builds, an
# explorer's HTML output holds the explorer twice, English and Korean, each between the markers
# of EDITION_MARK; the book's Sphinx extension keeps the edition's own (book/_ext/bookext.py).
# Texts a chapter passes (example names) are translated by the figures' tables
# (locales/ko/figures/*.yml); the library's error messages by KO_ERRORS.

KO = {
    "Sliding window": "슬라이딩 윈도우",
    "example": "예제",
    "padding P": "패딩 P",
    "stride S": "스트라이드 S",
    "input, padded with P = {pad}": "입력, 패딩 P = {pad}",
    "input": "입력",
    "{mode} pooling window": "{mode} 풀링 윈도우",
    "max": "최대",
    "mean": "평균",
    "avg": "평균",
    "filter": "필터",
    ", bias b = {b}": ", 편향 b = {b}",
    "output": "출력",
    "output ({i}, {j}): {formula}": "출력 ({i}, {j}): {formula}",
    "Output size calculator": "출력 크기 계산기",
    "input H": "입력 H",
    "input W": "입력 W",
    "filter FH": "필터 FH",
    "filter FW": "필터 FW",
    "<b>O{a}: invalid.</b> {error}": "<b>O{a}: 불가능한 설정입니다.</b> {error}",
    "im2col explorer": "im2col 탐색기",
    "input H = W": "입력 H = W",
    "filter FH = FW": "필터 FH = FW",
    "channels C": "채널 C",
    "channel {c}": "채널 {c}",
    ", padded with P = {pad}": ", 패딩 P = {pad}",
    "shape (N·OH·OW, C·FH·FW) = ({rows}, {cols})": "형상 (N·OH·OW, C·FH·FW) = ({rows}, {cols})",
    "row {r} = the window at output position ({i}, {j}): {cells}":
        "{r}행 = 출력 위치 ({i}, {j})의 윈도우: {cells}",
    "play": "재생",
    "pause": "일시 정지",
    "step": "단계",
}
# The library's explanations of an invalid setting (scratchcnn.util.conv_output_size).
KO_ERRORS = [
    (re.compile(r"output size (O\S+) is not an integer: (.*); choose a stride that divides (\d+) or change the padding"),
     r"출력 크기 \1이 정수가 아닙니다: \2. 스트라이드를 \3의 약수로 고르거나 패딩을 바꾸세요"),
    (re.compile(r"filter size (F\S+?)=(\d+) is larger than the padded input: (.*)"),
     r"필터 크기 \1=\2가 패딩한 입력보다 큽니다: \3"),
]
EDITIONS = ("en", "ko")
EDITION_MARK = "<!--scratchcnn-edition:{}-->"
EDITION_END = "<!--/scratchcnn-edition:{}-->"


# --------------------------------------------------------------------------------------------
# The model: controls, cells, grids, steps, frames


@dataclass(frozen=True)
class Control:
    """One discrete choice of an explorer.

    ``values`` are ints or strs (they form the keys of the frame tables); ``labels`` their
    display texts (default: the values); ``kind`` is ``"slider"`` or ``"select"``.
    """

    name: str
    label: str
    values: tuple
    value: object = None
    kind: str = "slider"
    labels: tuple = ()

    def __post_init__(self):
        if not self.values:
            raise ValueError(f"control {self.name!r} has no values")
        if self.value is None:
            object.__setattr__(self, "value", self.values[0])
        if self.value not in self.values:
            raise ValueError(f"control {self.name!r}: initial value {self.value!r} is not one of {self.values}")
        if not self.labels:
            object.__setattr__(self, "labels", tuple(str(v) for v in self.values))
        if self.kind not in ("slider", "select"):
            raise ValueError(f"control {self.name!r}: kind must be 'slider' or 'select', got {self.kind!r}")


@dataclass
class Cell:
    """One cell of a grid: its text, an id steps refer to, a CSS kind, the step it appears at."""

    text: str
    cid: str = ""
    kind: str = ""
    appear: int = None


@dataclass
class Grid:
    """A titled table of cells; ``note`` is a line under it (e.g. its shape)."""

    title: str
    rows: list
    note: str = ""


@dataclass
class Step:
    """Cells highlighted at this step (by id) and the caption (HTML) shown with it."""

    on: tuple
    caption: str


@dataclass
class Frame:
    """What the view shows for one setting of the controls.

    ``message`` is HTML shown under the grids; ``error`` marks it as the explanation of an
    invalid setting.
    """

    grids: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    message: str = ""
    error: bool = False


def render_frame(frame, step=None):
    """HTML of a frame, with step number ``step`` applied (``None``: no step applied).

    The static front end renders with ``step=None`` and lets ``explorers.js`` apply the
    steps; the live front end renders each step here.
    """
    on = set(frame.steps[step].on) if step is not None else set()
    parts = ['<div class="sx-frame"><div class="sx-grids">']
    for grid in frame.grids:
        parts.append(f'<figure class="sx-grid"><figcaption>{grid.title}</figcaption><table>')
        for row in grid.rows:
            parts.append("<tr>")
            for cell in row:
                classes = [cell.kind] if cell.kind else []
                attributes = ""
                if cell.cid:
                    attributes += f' data-c="{cell.cid}"'
                    if cell.cid in on:
                        classes.append("on")
                if cell.appear is not None:
                    attributes += f' data-s="{cell.appear}"'
                    if step is not None and cell.appear > step:
                        classes.append("later")
                    elif step is not None and cell.appear == step:
                        classes.append("now")
                if classes:
                    attributes += f' class="{" ".join(classes)}"'
                parts.append(f"<td{attributes}>{html.escape(cell.text)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
        if grid.note:
            parts.append(f'<div class="sx-note">{grid.note}</div>')
        parts.append("</figure>")
    parts.append("</div>")
    if frame.message:
        kind = "sx-msg sx-error" if frame.error else "sx-msg"
        parts.append(f'<p class="{kind}">{frame.message}</p>')
    parts.append("</div>")
    return "".join(parts)


def _number(value):
    """Display text of one number: integers without a decimal point, others with 4 digits."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else f"{value:.4g}"


def _signed(value):
    """A number as a term of a sum: negative numbers in parentheses."""
    text = _number(value)
    return f"({text})" if text.startswith("-") else text


def _plain_grid(title, array, cid_prefix="", kinds=None, appear=False, note=""):
    """A Grid of the numbers of a 2-D array; cell (i, j) gets id prefix + flat index."""
    H, W = array.shape
    rows = []
    for i in range(H):
        row = []
        for j in range(W):
            k = i * W + j
            row.append(
                Cell(
                    _number(array[i, j]),
                    cid=f"{cid_prefix}{k}" if cid_prefix else "",
                    kind=kinds[i, j] if kinds is not None else "",
                    appear=k if appear else None,
                )
            )
        rows.append(row)
    return Grid(title, rows, note)


def book_notation(text):
    """A library message in the book's notation: products with a centred dot (2·1, not 2*1)
    and a minus sign for a subtraction (7 − 3, not 7 - 3)."""
    text = re.sub(r"(?<=[\w)])\s*\*\s*(?=[\w(])", "·", text)
    return text.replace(" - ", " − ")


def _error_text(error, lang="en"):
    """The library's own explanation of an invalid setting, in the book's notation, for HTML
    (in Korean for the Korean edition, where a translation is known)."""
    text = book_notation(str(error))
    if lang == "ko":
        for pattern, replacement in KO_ERRORS:
            text = pattern.sub(replacement, text)
    return html.escape(text)


# --------------------------------------------------------------------------------------------
# The two front ends


class Explorer:
    """Base class: controls, frame tables, and the static and live front ends.

    A subclass sets ``self.controls`` (a list of :class:`Control`) and ``self.parts``, a
    list of ``(control names, table name, substitutions)``: the view is the concatenation
    of one frame per part, looked up in table ``table name`` by the values of its controls
    (the key), with the substitutions (placeholder -> text) applied to its HTML. It
    implements ``frame(table, key) -> Frame``. At most one part's frames may have steps.
    """

    title = ""
    controls = ()
    parts = ()
    lang = "en"  # the edition whose texts the explorer shows: "en" or "ko"

    def t(self, text, **values):
        """``text`` (a template of the explorer's own texts) in the explorer's language."""
        if self.lang == "ko":
            text = KO.get(text, text)
        return text.format(**values) if values else text

    def tr(self, text):
        """A text the chapter gave (an example's name) in the explorer's language."""
        return figures.translate(str(text))[0] if self.lang == "ko" else str(text)

    def frame(self, table, key):
        raise NotImplementedError

    # -- helpers shared by both front ends

    def _control(self, name):
        return next(c for c in self.controls if c.name == name)

    def _frames(self, values):
        """[(frame, substitutions)] of the parts, for control values ``values`` (a dict)."""
        return [(self.frame(table, tuple(values[name] for name in names)), substitutions)
                for names, table, substitutions in self.parts]

    @staticmethod
    def _view_html(frames, step=None):
        """The view: the parts' frames rendered, ``step`` applied to the one with steps."""
        parts = []
        for frame, substitutions in frames:
            text = render_frame(frame, step if frame.steps else None)
            for placeholder, replacement in substitutions.items():
                text = text.replace(placeholder, replacement)
            parts.append(text)
        return "".join(parts)

    # -- static front end: every frame computed now, embedded as JSON

    def _tables(self):
        tables = {}
        for names, table, _ in self.parts:
            frames = tables.setdefault(table, {})
            for key in itertools.product(*(self._control(name).values for name in names)):
                joined = "|".join(str(v) for v in key)
                if joined in frames:
                    continue
                frame = self.frame(table, key)
                frames[joined] = {
                    "html": render_frame(frame),
                    "steps": [{"on": list(s.on), "caption": s.caption} for s in frame.steps],
                }
        return tables

    def _controls_html(self):
        parts = []
        for c in self.controls:
            if len(c.values) == 1:  # nothing to choose: no control (explorers.js uses the value)
                continue
            index = c.values.index(c.value)
            if c.kind == "select":
                options = "".join(
                    f'<option value="{html.escape(str(v))}"{" selected" if i == index else ""}>'
                    f"{html.escape(self.tr(label))}</option>"
                    for i, (v, label) in enumerate(zip(c.values, c.labels))
                )
                widget = f'<select data-control="{c.name}">{options}</select>'
            else:
                widget = (
                    f'<input type="range" data-control="{c.name}" min="0" max="{len(c.values) - 1}" '
                    f'step="1" value="{index}"><output>{html.escape(c.labels[index])}</output>'
                )
            parts.append(f"<label>{html.escape(self.t(c.label))} {widget}</label>")
        return "".join(parts)

    def static_html(self):
        """The self-contained HTML+JS view of the explorer (every frame precomputed)."""
        uid = f"sx{next(_ids)}"
        data = {
            "text": {"play": self.t("play"), "pause": self.t("pause")},
            "controls": {c.name: {"values": list(c.values), "labels": list(c.labels)} for c in self.controls},
            "parts": [{"keys": list(names), "table": table, "subst": subst} for names, table, subst in self.parts],
            "tables": self._tables(),
        }
        # Gzipped and base64-encoded: the frame tables are repetitive HTML (the calculator's
        # table shrinks from about 900 kB to about 50 kB). mtime=0 keeps the page reproducible.
        packed = gzip.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), mtime=0)
        payload = base64.b64encode(packed).decode("ascii")
        # What shows before the script runs (or without JavaScript): the initial setting.
        initial = self._view_html(self._frames({c.name: c.value for c in self.controls}))
        return (
            f"<style>{_STYLE}</style>"
            f'<div class="sx" id="{uid}" role="group" aria-label="{html.escape(self.t(self.title))}" lang="{self.lang}">'
            f'<div class="sx-title">{html.escape(self.t(self.title))}</div>'
            f'<div class="sx-controls">{self._controls_html()}</div>'
            f'<div class="sx-view">{initial}</div>'
            f'<div class="sx-steps" hidden><button type="button" class="sx-play">&#9654; {self.t("play")}</button>'
            f'<label>{self.t("step")} <input type="range" class="sx-step" min="0" max="0" step="1" value="0">'
            '<output class="sx-step-out"></output></label></div>'
            '<div class="sx-caption" aria-live="polite"></div>'
            f'</div><script type="application/octet-stream" id="{uid}-data">{payload}</script>'
            f'<script>{_SCRIPT}\nscratchcnnExplorer("{uid}");</script>'
        )

    # -- live front end: ipywidgets, frames computed on demand

    def widget(self):
        """The live view: ipywidgets controls, frames computed by the library on each change."""
        import ipywidgets as widgets

        inputs = {}
        for c in self.controls:
            if len(c.values) == 1:  # nothing to choose
                continue
            options = list(zip(c.labels, c.values))
            if c.kind == "select":
                inputs[c.name] = widgets.Dropdown(options=options, value=c.value, description=c.label)
            else:
                inputs[c.name] = widgets.SelectionSlider(options=options, value=c.value, description=c.label)
        for w in inputs.values():
            w.style.description_width = "initial"
        step = widgets.IntSlider(min=0, max=0, value=0, description="step")
        play = widgets.Play(min=0, max=0, interval=700, description="play")
        widgets.jslink((play, "value"), (step, "value"))
        stepper = widgets.HBox([play, step])
        view = widgets.HTML()

        def update(_change=None):
            values = {c.name: c.value for c in self.controls}
            values.update({name: w.value for name, w in inputs.items()})
            frames = self._frames(values)
            stepped = [frame for frame, _ in frames if frame.steps]
            count = len(stepped[0].steps) if stepped else 0
            stepper.layout.display = "flex" if count else "none"
            last = max(count - 1, 0)
            step.max = play.max = last
            k = min(step.value, last)
            caption = stepped[0].steps[k].caption if count else ""
            body = self._view_html(frames, k)
            view.value = (
                f'<style>{_STYLE}</style><div class="sx"><div class="sx-view">{body}</div>'
                f'<div class="sx-caption">{caption}</div></div>'
            )

        for w in [*inputs.values(), step]:
            w.observe(update, names="value")
        update()
        title = widgets.HTML(f"<b>{html.escape(self.title)}</b>")
        controls = widgets.Box(list(inputs.values()), layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([title, controls, stepper, view])

    def editions_html(self):
        """The static view in both editions, each between its markers (for the book's build)."""
        parts = []
        for lang in EDITIONS:
            self.lang = lang
            try:
                parts.append(EDITION_MARK.format(lang) + self.static_html() + EDITION_END.format(lang))
            finally:
                self.lang = "en"
        return "".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # While the book builds (figures.BUILD_VARIABLE): both editions; in JupyterLab: English.
        static = self.editions_html() if os.environ.get(figures.BUILD_VARIABLE) else self.static_html()
        bundle = {"text/plain": f"<{type(self).__name__}: {self.title}>", "text/html": static}
        try:
            bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items() if k != "text/plain"})
        except ImportError:  # no ipywidgets: the static view alone
            pass
        return bundle


# --------------------------------------------------------------------------------------------
# Sliding window: convolution and pooling, one window position per step


def conv_example(x, W, b=0):
    """An example for :class:`SlidingWindowExplorer`: input x: (H, W), filter W: (FH, FW), bias b."""
    x, W = np.asarray(x), np.asarray(W)
    if x.ndim != 2 or W.ndim != 2:
        raise ValueError(f"x and W must be 2-D (one channel); got shapes {x.shape} and {W.shape}")
    return {"x": x, "W": W, "b": b}


def pool_example(x, size=2, mode="max"):
    """An example for :class:`SlidingWindowExplorer`: pooling x: (H, W) over size x size windows."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (one channel); got shape {x.shape}")
    return {"x": x, "pool": size, "mode": mode}


class SlidingWindowExplorer(Explorer):
    """Slide a filter (or a pooling window) over a padded input, one output cell per step.

    The output is the library's ``Convolution`` (or ``Pooling``) forward pass; the window
    cells of each step are the library's ``im2col`` of an array of cell ids; the caption
    spells out the multiply-accumulate (or the max/average) with the window's values.

    Parameters
    ----------
    examples : dict
        name -> :func:`conv_example` or :func:`pool_example`.
    pads, strides : sequences of int
        The choices offered for padding P and stride S.
    example, pad, stride : optional
        The initial setting (default: the first of each).
    """

    title = "Sliding window"

    def __init__(self, examples, pads=(0, 1, 2), strides=(1, 2, 3), example=None, pad=None, stride=None):
        self.examples = dict(examples)
        names = tuple(self.examples)
        self.controls = [
            Control("example", "example", names, example, kind="select"),
            Control("pad", "padding P", tuple(pads), pad),
            Control("stride", "stride S", tuple(strides), stride),
        ]
        self.parts = [(("example", "pad", "stride"), "frames", {})]

    def frame(self, table, key):
        name, pad, stride = key
        ex = self.examples[name]
        x = ex["x"][np.newaxis, np.newaxis]  # (1, 1, H, W): the library works on batches
        pooling = "pool" in ex
        FH, FW = (ex["pool"], ex["pool"]) if pooling else ex["W"].shape
        try:
            if pooling:
                layer = Pooling(FH, FW, stride=stride, pad=pad, mode=ex["mode"])
            else:
                layer = Convolution(ex["W"][np.newaxis, np.newaxis], np.array([ex["b"]]), stride=stride, pad=pad)
            out = layer.forward(x)[0, 0]
        except ValueError as error:
            invalid = error
        else:
            invalid = None

        padded = pad_images(x, pad)[0, 0]
        # Which cells are padding: pad an array of ones with zeros, with the library.
        real = pad_images(np.ones_like(x), pad)[0, 0] == 1
        kinds = np.where(real, "", "pad")
        input_grid = _plain_grid(
            self.t("input, padded with P = {pad}", pad=pad) if pad else self.t("input"), padded, "p", kinds,
            note=f"{padded.shape[0]} × {padded.shape[1]}",
        )
        if pooling:
            window_grid = Grid(self.t("{mode} pooling window", mode=self.t(ex["mode"])), [[Cell("") for _ in range(FW)] for _ in range(FH)],
                               note=f"{FH} × {FW}")
        else:
            window_grid = _plain_grid(self.t("filter"), ex["W"],
                                      note=f"{FH} × {FW}" + self.t(", bias b = {b}", b=_number(ex["b"])))
        if invalid:
            return Frame([input_grid, window_grid], message=_error_text(invalid, self.lang), error=True)

        OH, OW = out.shape
        output_grid = _plain_grid(self.t("output"), out, "o", appear=True, note=f"OH × OW = {OH} × {OW}")
        # The padded-grid ids under each window position: im2col of an array of cell ids.
        ids = np.arange(padded.size).reshape(1, 1, *padded.shape)
        windows = im2col(ids, FH, FW, stride, 0)  # (OH*OW, FH*FW)
        values = im2col(x, FH, FW, stride, pad)  # the same windows, as the layer sees them
        steps = []
        for k in range(OH * OW):
            if pooling:
                terms = ", ".join(_number(v) for v in values[k])
                formula = f"{ex['mode']}({terms}) = {_number(out.flat[k])}"
            else:
                terms = " + ".join(f"{_number(v)}×{_signed(w)}" for v, w in zip(values[k], ex["W"].ravel()))
                formula = f"{terms} + {_signed(ex['b'])} = {_number(out.flat[k])}"
            caption = self.t("output ({i}, {j}): {formula}", i=k // OW, j=k % OW, formula=formula)
            steps.append(Step(tuple(f"p{i}" for i in windows[k]) + (f"o{k}",), caption))
        return Frame([input_grid, window_grid, output_grid], steps)


# --------------------------------------------------------------------------------------------
# Output size calculator


class OutputSizeExplorer(Explorer):
    """OH and OW from H, W, FH, FW, P and S, with the library's explanation of invalid settings.

    Each axis is one call of :func:`scratchcnn.util.conv_output_size`. The static view
    precomputes one table for both axes: the library is called with the axis name as a
    placeholder that the page replaces by H or W.

    Parameters
    ----------
    sizes, filters, pads, strides : sequences of int
        The choices for H and W, for FH and FW, for P and for S.
    H, W, FH, FW, P, S : int, optional
        The initial setting.
    """

    title = "Output size calculator"
    AXIS = "{axis}"

    def __init__(self, sizes=range(1, 33), filters=range(1, 8), pads=range(0, 4), strides=range(1, 5),
                 H=7, W=7, FH=3, FW=3, P=0, S=1):
        sizes, filters, pads, strides = (tuple(v) for v in (sizes, filters, pads, strides))
        self.controls = [
            Control("H", "input H", sizes, H),
            Control("W", "input W", sizes, W),
            Control("FH", "filter FH", filters, FH),
            Control("FW", "filter FW", filters, FW),
            Control("P", "padding P", pads, P),
            Control("S", "stride S", strides, S),
        ]
        self.parts = [
            (("H", "FH", "P", "S"), "axis", {self.AXIS: "H"}),
            (("W", "FW", "P", "S"), "axis", {self.AXIS: "W"}),
        ]

    def frame(self, table, key):
        size, filter_size, pad, stride = key
        a = self.AXIS
        formula = f"O{a} = ({a} + 2P − F{a}) / S + 1 = ({size} + 2·{pad} − {filter_size}) / {stride} + 1"
        try:
            out = conv_output_size(size, filter_size, stride, pad, axis=a)
        except ValueError as error:
            return Frame(message=self.t("<b>O{a}: invalid.</b> {error}", a=a, error=_error_text(error, self.lang)),
                         error=True)
        return Frame(message=f"{formula} = <b>{out}</b>")


# --------------------------------------------------------------------------------------------
# im2col


class Im2colExplorer(Explorer):
    """Which input cells form each row of ``im2col``: one row (one window position) per step.

    The input cells are labelled, channel by channel, D0, D1, ... and E0, E1, ...; padding
    cells hold 0. The matrix is the library's ``im2col`` of those labels.

    Parameters
    ----------
    sizes : sequence of int
        Choices for H = W.
    filters, strides, pads, channels : sequences of int
        Choices for FH = FW, S, P and C.
    size, filter_size, stride, pad, C : int, optional
        The initial setting (default: the first of each).
    """

    title = "im2col explorer"
    LETTERS = "DEFG"

    def __init__(self, sizes=(3, 4, 5), filters=(2, 3), strides=(1, 2), pads=(0, 1), channels=(1, 2),
                 size=None, filter_size=None, stride=None, pad=None, C=None):
        if max(channels) > len(self.LETTERS):
            raise ValueError(f"at most {len(self.LETTERS)} channels can be labelled; got {max(channels)}")
        self.controls = [
            Control("size", "input H = W", tuple(sizes), size),
            Control("filter_size", "filter FH = FW", tuple(filters), filter_size),
            Control("stride", "stride S", tuple(strides), stride),
            Control("pad", "padding P", tuple(pads), pad),
            Control("C", "channels C", tuple(channels), C),
        ]
        self.parts = [(("size", "filter_size", "stride", "pad", "C"), "frames", {})]

    def _label(self, number, size):
        """D0, D1, ... for cell number 1, 2, ... of channel 0 (E0, ... for channel 1); 0: padding."""
        if number == 0:
            return "0"
        channel, index = divmod(int(number) - 1, size * size)
        return f"{self.LETTERS[channel]}{index}"

    def frame(self, table, key):
        size, F, stride, pad, C = key
        # Cell numbers 1.. of the unpadded input; pad_images marks padding with 0.
        numbers = np.arange(1, C * size * size + 1).reshape(1, C, size, size)
        padded = pad_images(numbers, pad)[0]  # (C, Hp, Wp)
        Hp, Wp = padded.shape[1:]
        grids = [
            Grid(
                self.t("channel {c}", c=c) + (self.t(", padded with P = {pad}", pad=pad) if pad else ""),
                [[Cell(self._label(padded[c, i, j], size), f"p{(c * Hp + i) * Wp + j}",
                       "" if padded[c, i, j] else "pad")
                  for j in range(Wp)] for i in range(Hp)],
                note=f"{Hp} × {Wp}",
            )
            for c in range(C)
        ]
        try:
            OH = conv_output_size(size, F, stride, pad, axis="H")
        except ValueError as error:
            return Frame(grids, message=_error_text(error, self.lang), error=True)
        col = im2col(numbers, F, F, stride, pad)  # the matrix itself: cell numbers, 0 = padding
        # Which padded cell each matrix entry comes from: im2col of the padded cell ids.
        ids = im2col(np.arange(C * Hp * Wp).reshape(1, C, Hp, Wp), F, F, stride, 0)
        rows, cols = col.shape
        OW = rows // OH
        matrix = Grid(
            "im2col(x, FH, FW, S, P)",
            [[Cell(self._label(col[r, j], size), f"m{r}_{j}", "" if col[r, j] else "pad")
              for j in range(cols)] for r in range(rows)],
            note=self.t("shape (N·OH·OW, C·FH·FW) = ({rows}, {cols})", rows=rows, cols=cols),
        )
        steps = [
            Step(
                tuple(f"p{i}" for i in ids[r]) + tuple(f"m{r}_{j}" for j in range(cols)),
                self.t("row {r} = the window at output position ({i}, {j}): {cells}", r=r, i=r // OW, j=r % OW,
                       cells=", ".join(self._label(n, size) for n in col[r])),
            )
            for r in range(rows)
        ]
        return Frame(grids + [matrix], steps)
