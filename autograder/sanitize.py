"""Make what a student's process produced safe to store and to show an instructor.

The runner already keeps only text and PNG images, but the runner is the student's process:
anything it sends may be forged. So the grader rebuilds every output here, in its own
process, from scratch: only the nbformat shapes it knows (streams, text and PNG displays,
errors), only ``text/plain`` and ``image/png`` data (no HTML, SVG, JavaScript, Markdown,
LaTeX or widgets: none can carry a script into formgrader or a feedback page), every string
cut to the output limit, lone surrogates, control characters and bidirectional controls
replaced (and Unicode's line separators made newlines), PNG images
checked to be PNG images of bounded size, at most so many outputs per cell and, over the
whole notebook, a bounded amount of text and of images (:class:`Budget`), so that a graded
copy or a feedback page stays a few megabytes whatever was forged.
"""

import base64
import binascii
import re
import struct

MAX_OUTPUTS = 50  # per cell
MAX_PNG_BYTES = 1_000_000
MAX_PNG_SIDE = 4096
MAX_TRACEBACK_LINES = 60
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# C0 and C1 control characters except tab and newline (escape sequences, bells, NUL ...), and
# the bidirectional embeddings, overrides and isolates, which reorder what a browser shows.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SURROGATE = re.compile("[\ud800-\udfff]")  # in a Python string, always a lone one


def without_surrogates(value):
    """``value`` with each lone surrogate (from a "\\ud800" in JSON) replaced by U+FFFD:
    such a string cannot be written as UTF-8."""
    return SURROGATE.sub("\ufffd", value)


def text(value, limit):
    """``value`` as safe text of at most ``limit`` characters ('' if it is not text)."""
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        value = "".join(value)
    if not isinstance(value, str):
        return ""
    cut = without_surrogates(value[:limit])
    cut = cut.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    cut = CONTROL.sub("\ufffd", cut)
    if len(value) > limit:
        cut += f"\n[... {len(value) - limit} more characters cut by the grader]"
    return cut


def png(data):
    """``data`` (base64 text) if it is a PNG image of bounded size, else None."""
    if not isinstance(data, str) or len(data) > 4 * MAX_PNG_BYTES // 3 + 8:
        return None
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 33 or not raw.startswith(PNG_SIGNATURE) or raw[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", raw[16:24])
    if not (0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE):
        return None
    return base64.b64encode(raw).decode()


class Budget:
    """What one graded notebook may still hold: characters of text and bytes of images."""

    def __init__(self, characters=1_000_000, image_bytes=4_000_000):
        self.characters = characters
        self.image_bytes = image_bytes

    def text(self, value, limit):
        kept = text(value, max(0, min(limit, self.characters)))
        self.characters -= len(kept)
        return kept

    def png(self, data):
        image = png(data)
        if image is None or len(image) > self.image_bytes:
            return None
        self.image_bytes -= len(image)
        return image


def _data(bundle, limit, budget):
    kept = {}
    if not isinstance(bundle, dict):
        return kept
    if "text/plain" in bundle:
        kept["text/plain"] = budget.text(bundle["text/plain"], limit)
    image = budget.png(bundle.get("image/png"))
    if image:
        kept["image/png"] = image
    return kept


def output(raw, limit, budget):
    """One nbformat v4 output rebuilt from ``raw``, or None if nothing of it can be kept."""
    if not isinstance(raw, dict):
        return None
    kind = raw.get("output_type")
    if kind == "stream":
        name = raw.get("name") if raw.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": budget.text(raw.get("text"), limit)}
    if kind in ("display_data", "execute_result"):
        data = _data(raw.get("data"), limit, budget)
        if not data:
            return None
        rebuilt = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            rebuilt["execution_count"] = None
        return rebuilt
    if kind == "error":
        traceback = raw.get("traceback") if isinstance(raw.get("traceback"), list) else []
        return {
            "output_type": "error",
            "ename": budget.text(raw.get("ename"), 200),
            "evalue": budget.text(raw.get("evalue"), limit),
            "traceback": [budget.text(line, limit) for line in traceback[-MAX_TRACEBACK_LINES:]],
        }
    return None


def outputs(raw, limit, budget):
    """A cell's outputs, rebuilt (see the module docstring); ``raw`` may be anything."""
    if not isinstance(raw, list):
        return []
    kept = []
    for item in raw[:MAX_OUTPUTS]:
        rebuilt = output(item, limit, budget)
        if rebuilt:
            kept.append(rebuilt)
    if len(raw) > MAX_OUTPUTS:
        kept.append({"output_type": "stream", "name": "stdout", "text": f"[... {len(raw) - MAX_OUTPUTS} more outputs cut by the grader]\n"})
    return kept
