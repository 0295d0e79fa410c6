"""autograder.static: forbidden use of the reference found in the code, tampering flagged."""

import pytest

from autograder import static
from autograder.probes import Forbidden
from autograder.static import MAX_CODE_BYTES, MAX_IPYTHON_CELL_BYTES, MAX_IPYTHON_LINES, inspect_code

RULES = [Forbidden("scratchcnn.layers.Convolution", "write it yourself")]


@pytest.mark.parametrize(
    "code",
    [
        "from scratchcnn.layers import Convolution",
        "from scratchcnn.layers import Convolution as Conv\nConv(W, b)",
        "import scratchcnn\nscratchcnn.Convolution(W, b)",
        "import scratchcnn.layers as L\nclass Mine(L.Convolution):\n    pass",
        "from scratchcnn import layers\nlayers.Convolution(W, b).forward(x)",
        "from scratchcnn import *\nConvolution(W, b)",
        "import scratchcnn.networks\nscratchcnn.networks.Convolution",
    ],
)
def test_every_way_of_naming_the_forbidden_layer_is_found(code):
    assert list(inspect_code({"conv_forward": code}, RULES).forbidden) == ["scratchcnn.layers.Convolution"]


def test_an_import_in_one_cell_counts_in_the_next():
    code = {"setup": "import scratchcnn.layers as L", "conv_forward": "L.Convolution(W, b)"}
    assert inspect_code(code, RULES).forbidden == {"scratchcnn.layers.Convolution": ["conv_forward, line 1"]}


@pytest.mark.parametrize(
    "code",
    [
        "from scratchcnn.util import im2col, col2im\ncol = im2col(x, 2, 2)",
        "class Convolution:\n    pass\nConvolution()",
        "from scratchcnn.layers import Pooling, Affine",
        "%timeit conv_forward(x, W, b)\n!ls",
    ],
)
def test_honest_code_raises_no_alarm(code):
    findings = inspect_code({"conv_forward": code}, RULES)
    assert not findings.forbidden and not findings.suspicious and not findings.syntax_errors


@pytest.mark.parametrize(
    "code, finding",
    [
        ("m = __import__('scratch' + 'cnn.layers')", "calls __import__()"),
        ("import importlib", "imports importlib"),
        ("getattr(layers, 'Convol' + 'ution')", "calls getattr() with a computed name"),
        ("getattr(layers, 'Convolution')", "calls getattr(..., 'Convolution')"),
        ("object.__subclasses__()", "uses .__subclasses__"),
        ("np.allclose = lambda *a, **k: True", "replaces np.allclose"),
        ("import scratchcnn.util\nscratchcnn.util.im2col = None", "replaces scratchcnn.util.im2col"),
        ("expect_close = print", "rebinds expect_close"),
        ("def hidden_tests(*a):\n    pass", "rebinds hidden_tests"),
        ("import sys\nsys.modules['x'] = None", "uses .modules"),
        ("exec('x = 1')", "calls exec()"),
    ],
)
def test_tampering_and_disguise_are_flagged(code, finding):
    assert any(s.startswith(finding) for s in inspect_code({"cell": code}, RULES).suspicious)


def test_unreadable_code_is_reported_not_fatal():
    findings = inspect_code({"a": "def f(:\n", "b": "(" * 10_000 + ")" * 10_000}, RULES)
    assert findings.syntax_errors[0] == "a: SyntaxError"
    assert len(findings.syntax_errors) + len(findings.suspicious) == 2


def test_bidirectional_controls_in_code_ask_for_a_human_look():
    """'Trojan Source': a right-to-left override makes formgrader show the code in another
    order than Python runs it; the notebook is flagged, its score left alone."""
    tricky = 'access = "user\u202e \u2066# admin only\u2069 \u2066"\nprint(access)\n'
    findings = inspect_code({"your answer": tricky}, ())
    assert any("bidirectional" in reason and "your answer" in reason for reason in findings.suspicious)
    assert not inspect_code({"your answer": 'access = "user"\n'}, ()).suspicious


def _ipython_calls(monkeypatch):
    """The cells the inspection hands to IPython's rewriting (recorded, then rewritten)."""
    calls = []
    rewrite = static._python
    monkeypatch.setattr(static, "_python", lambda source: calls.append(source) or rewrite(source))
    return calls


def test_plain_python_is_read_without_ipython_and_magics_with_it(monkeypatch):
    calls = _ipython_calls(monkeypatch)
    code = {"setup": "import scratchcnn.layers as L", "plain": "x = L.Convolution(W, b)", "magic": "%time 0\ny = L.Convolution(W, b)"}
    assert inspect_code(code, RULES).forbidden == {"scratchcnn.layers.Convolution": ["plain, line 1", "magic, line 2"]}
    assert calls == [code["magic"]]


def test_a_flood_of_magics_is_not_rewritten_and_goes_to_an_instructor(monkeypatch):
    """IPython reads a whole cell again for every magic it rewrites (minutes for a few
    hundred magics in a large cell, in the grader's process) and raises RuntimeError after
    500: the grader rewrites only so many lines, in cells of bounded size."""
    calls = _ipython_calls(monkeypatch)
    flood = "%time 0\n" * 501
    big = "%time 0\n" + "x = 0\n" * (MAX_IPYTHON_CELL_BYTES // 6)
    small = {f"cell {k}": "%time 0\n" * 10 for k in range(MAX_IPYTHON_LINES // 10 + 1)}
    findings = inspect_code({"flood": flood, "big": big, **small}, RULES)
    assert findings.suspicious == [
        f"more IPython syntax (%magics, !commands) than the grader reads ({where})"
        for where in ("flood", "big", f"cell {MAX_IPYTHON_LINES // 10}")
    ]
    assert calls == ["%time 0\n" * 10] * (MAX_IPYTHON_LINES // 10)  # within the bound, rewritten as usual
    assert not findings.syntax_errors


def test_ipython_giving_up_is_a_syntax_note_not_a_grader_failure(monkeypatch):
    def give_up(source):
        raise RuntimeError("Input transformation still changing after 500 iterations. Aborting.")

    monkeypatch.setattr(static, "_python", give_up)
    assert inspect_code({"cell": "%time 0"}, RULES).syntax_errors == ["cell: RuntimeError"]


def test_code_beyond_what_the_grader_reads_is_not_parsed(monkeypatch):
    """Python's parser takes about 500 bytes of memory per byte of source: a notebook's code
    is read up to MAX_CODE_BYTES, the rest left to an instructor (and to the sandbox)."""
    parsed = []
    monkeypatch.setattr(static, "parse", lambda source: parsed.append(len(source)) or static.ast.parse(source))
    cell = "x = [" + "0, " * (MAX_CODE_BYTES // 9) + "]\n"  # a third of the bound
    code = {"first": cell, "second": cell, "third": cell, "fourth": "from scratchcnn.layers import Convolution"}
    findings = inspect_code(code, RULES)
    assert findings.suspicious == [f"more code than the grader reads ({MAX_CODE_BYTES // 1024} KiB in all): not read from third on"]
    assert len(parsed) == 2 and not findings.forbidden
