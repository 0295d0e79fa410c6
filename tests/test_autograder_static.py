"""autograder.static: forbidden use of the reference found in the code, tampering flagged."""

import pytest

from autograder.probes import Forbidden
from autograder.static import inspect_code

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
