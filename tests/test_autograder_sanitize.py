"""autograder.sanitize: every output rebuilt from scratch, safe to show and small to store."""

import base64
import json
import struct
import zlib

import nbformat

from autograder import sanitize


def _png(width=2, height=2):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return base64.b64encode(sanitize.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")).decode()


def _validate(outputs):
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.from_dict(o) for o in outputs])
    nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))


def test_only_text_and_real_png_survive():
    raw = [
        {"output_type": "display_data", "data": {"text/html": "<script>alert(1)</script>", "text/plain": "<HTML object>",
                                                 "application/javascript": "alert(1)", "image/svg+xml": "<svg onload=alert(1)>",
                                                 "text/markdown": "<img src=x onerror=alert(1)>", "image/png": _png()},
         "metadata": {"isolated": False, "application/vnd.jupyter.widget-view+json": {}}},
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(b"<svg onload=alert(1)>").decode()}},
        {"output_type": "execute_result", "data": {"text/html": "<b>only html</b>"}, "execution_count": 3},
    ]  # fmt: skip
    kept = sanitize.outputs(raw, 1000, sanitize.Budget())
    assert kept == [{"output_type": "display_data", "data": {"text/plain": "<HTML object>", "image/png": _png()}, "metadata": {}}]
    _validate(kept)


def test_forged_shapes_become_valid_nbformat_or_nothing():
    raw = [
        {"output_type": "bogus", "data": {"text/plain": "x"}},
        "a string",
        {"output_type": "stream", "name": "evil", "text": ["a", "b"]},
        {"output_type": "stream", "name": "stdout", "text": {"not": "text"}},
        {"output_type": "error", "ename": 3, "evalue": None, "traceback": "not a list"},
        {"output_type": "execute_result", "data": "not a dict"},
    ]
    kept = sanitize.outputs(raw, 1000, sanitize.Budget())
    assert kept == [
        {"output_type": "stream", "name": "stdout", "text": "ab"},
        {"output_type": "stream", "name": "stdout", "text": ""},
        {"output_type": "error", "ename": "", "evalue": "", "traceback": []},
    ]
    _validate(kept)
    assert sanitize.outputs({"not": "a list"}, 10, sanitize.Budget()) == []


def test_text_is_cut_cleaned_and_bounded_over_the_notebook():
    text = sanitize.text("a\ud800b\x1b[31mc\r\nd" + "x" * 100, 12)
    assert text.startswith("a\ufffdb\ufffd[31mc\nd") and text.endswith("d\n[... 100 more characters cut by the grader]")
    text.encode("utf-8")
    budget = sanitize.Budget(characters=50, image_bytes=len(_png()))
    flood = [{"output_type": "stream", "name": "stdout", "text": "y" * 10_000}] * 200
    kept = sanitize.outputs(flood, 20_000, budget)
    assert len(json.dumps(kept)) < 10_000 and len(kept) == sanitize.MAX_OUTPUTS + 1
    images = sanitize.outputs([{"output_type": "display_data", "data": {"image/png": _png()}}] * 3, 100, budget)
    assert len(images) == 1  # the image budget holds one


def test_png_checks_signature_and_size():
    assert sanitize.png(_png()) == _png()
    assert sanitize.png(_png(5000, 1)) is None
    assert sanitize.png("not base64!") is None
    assert sanitize.png(None) is None
