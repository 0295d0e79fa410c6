"""layers: the student's Convolution and Pooling classes, forward and backward.

Hidden tests, on random batches with strides, paddings and windows the visible tests do not
use, compared with ``scratchcnn.layers``:

* ``conv_forward`` / ``pool_forward``: the output;
* ``conv_backward`` / ``pool_backward``: the gradients after TWO forward passes on different
  batches (backward must differentiate the last one: what the layer caches must be the last
  forward's), against the reference's analytic gradients.

Pooling is checked in both modes, with the library's padding rules: padding never wins a
maximum (one max case has only negative inputs, where zero padding would win), and average
pooling divides by the whole window, padded cells included.
"""

from autograder.messages import tr
from autograder.probes import Case, Forbidden, Probe, Spec, spec_module

# The convolution's cases and reference answers are toyConv's, on other settings.
toyconv = spec_module("toyConv")
reference_conv_forward, reference_conv_backward = toyconv.reference_forward, toyconv.reference_backward

# (x shape (N, C, H, W), W shape (FN, C, FH, FW), stride, pad)
CONV_SETTINGS = [
    ((2, 3, 9, 9), (4, 3, 3, 3), 3, 0),
    ((3, 2, 6, 7), (3, 2, 2, 3), 1, 2),
    ((2, 4, 10, 8), (5, 4, 4, 2), 2, 1),
    ((1, 1, 5, 5), (2, 1, 5, 5), 1, 2),
]
# (x shape, pool_h, pool_w, stride (None: the library's default), pad, mode, negative inputs)
POOL_SETTINGS = [
    ((2, 3, 7, 7), 3, 3, 3, 1, "max", True),
    ((1, 2, 5, 7), 3, 3, 2, 1, "avg", False),
    ((3, 1, 4, 6), 2, 3, 1, 1, "max", False),
    ((2, 2, 6, 6), 2, 2, None, 0, "avg", False),
    ((2, 2, 5, 6), 3, 2, 1, 1, "avg", False),
]


def make_conv_cases(rng):
    """toyConv's cases on other settings, plus a batch forwarded before x (a stale cache fails)."""
    for case in toyconv.make_cases(rng, CONV_SETTINGS):
        N, *rest = case.x.shape
        case.inputs.update(earlier_x=rng.standard_normal((N + 1, *rest)))
        yield case


def _conv_layer(functions, case):
    return functions["Convolution"](case.W.copy(), case.b.copy(), stride=case.stride, pad=case.pad)


def call_conv_forward(functions, case):
    return {"out": _conv_layer(functions, case).forward(case.x.copy())}


def call_conv_backward(functions, case):
    layer = _conv_layer(functions, case)
    layer.forward(case.earlier_x.copy())
    layer.forward(case.x.copy())
    dx = layer.backward(case.dout.copy())
    return {"dx": dx, "dW": layer.dW, "db": layer.db}


def make_pool_cases(rng):
    from scratchcnn.util import conv_output_size  # the grader's side only

    for x_shape, pool_h, pool_w, stride, pad, mode, negative in POOL_SETTINGS:
        N, C, height, width = x_shape
        step = pool_h if stride is None else stride
        OH = conv_output_size(height, pool_h, step, pad, axis="H")
        OW = conv_output_size(width, pool_w, step, pad, axis="W")
        x = rng.standard_normal(x_shape)
        if negative:  # every window all negative: a zero of padding would win the maximum
            x = -abs(x) - 0.1
        stride_text = tr("default stride") if stride is None else tr("stride {stride}", stride=stride)
        yield Case(
            tr("{mode} pooling, x {x}, {h}x{w} window, {stride}, pad {pad}", mode=mode, x=x_shape, h=pool_h, w=pool_w,
               stride=stride_text, pad=pad)
            + (tr(", all inputs negative") if negative else ""),
            dict(
                x=x,
                earlier_x=rng.standard_normal((N + 1, C, height, width)),
                pool_h=pool_h,
                pool_w=pool_w,
                stride=stride,
                pad=pad,
                mode=mode,
                dout=rng.standard_normal((N, C, OH, OW)),
            ),
        )


def _pool_layer(functions, case):
    Pooling = functions["Pooling"]
    if case.stride is None:  # the default must be the window's size
        return Pooling(case.pool_h, case.pool_w, pad=case.pad, mode=case.mode)
    return Pooling(case.pool_h, case.pool_w, stride=case.stride, pad=case.pad, mode=case.mode)


def call_pool_forward(functions, case):
    return {"out": _pool_layer(functions, case).forward(case.x.copy())}


def call_pool_backward(functions, case):
    layer = _pool_layer(functions, case)
    layer.forward(case.earlier_x.copy())
    layer.forward(case.x.copy())
    dx = layer.backward(case.dout.copy())
    return {"dx": dx}


def _reference_pool(case):
    from scratchcnn.layers import Pooling

    return Pooling(case.pool_h, case.pool_w, stride=case.stride, pad=case.pad, mode=case.mode)


def reference_pool_forward(case):
    return {"out": _reference_pool(case).forward(case.x)}


def reference_pool_backward(case):
    layer = _reference_pool(case)
    layer.forward(case.x)
    return {"dx": layer.backward(case.dout)}


CONV_TESTS = ("test_conv_forward_lecture", "test_conv_forward_hidden", "test_conv_backward")
POOL_TESTS = ("test_pool_forward_lecture", "test_pool_forward_hidden", "test_pool_backward")

SPEC = Spec(
    name="layers",
    order=4,
    memory_limit=2**30,  # the largest array of the notebook has a few thousand entries
    library=("util", "gradient"),
    probes=[
        Probe("conv_forward", make_conv_cases, call_conv_forward, reference_conv_forward),
        Probe("conv_backward", make_conv_cases, call_conv_backward, reference_conv_backward),
        Probe("pool_forward", make_pool_cases, call_pool_forward, reference_pool_forward),
        Probe("pool_backward", make_pool_cases, call_pool_backward, reference_pool_backward),
    ],
    forbidden=[
        Forbidden(
            "scratchcnn.layers.Convolution",
            "the layers exercise asks you to write the Convolution class yourself; scratchcnn's "
            "Convolution may not be used, subclassed or wrapped here (im2col and col2im may)",
            CONV_TESTS,
        ),
        Forbidden(
            "scratchcnn.layers.Pooling",
            "the layers exercise asks you to write the Pooling class yourself; scratchcnn's "
            "Pooling may not be used, subclassed or wrapped here (im2col and col2im may)",
            POOL_TESTS,
        ),
    ],
)
