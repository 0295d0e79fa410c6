"""toyConv: a convolution layer's forward and backward pass, written by hand with im2col.

Hidden tests: the student's ``conv_forward`` and ``conv_backward`` on random batches with
several channels and filters, strides and paddings the visible tests do not use, compared
with ``scratchcnn.layers.Convolution`` (its analytic gradients for the backward pass).
"""

from autograder.messages import tr
from autograder.probes import Case, Forbidden, Probe, Spec, returned

# (x shape (N, C, H, W), W shape (FN, C, FH, FW), stride, pad)
SETTINGS = [
    ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1),
    ((3, 2, 5, 6), (3, 2, 2, 3), 1, 2),
    ((1, 4, 9, 9), (2, 4, 3, 3), 3, 0),
]


def make_cases(rng, settings=SETTINGS):
    from scratchcnn.util import conv_output_size  # the grader's side only

    for x_shape, w_shape, stride, pad in settings:
        N, _, height, width = x_shape
        FN, _, FH, FW = w_shape
        OH = conv_output_size(height, FH, stride, pad, axis="H")
        OW = conv_output_size(width, FW, stride, pad, axis="W")
        yield Case(
            tr("x {x}, W {w}, stride {stride}, pad {pad}", x=x_shape, w=w_shape, stride=stride, pad=pad),
            dict(
                x=rng.standard_normal(x_shape),
                W=rng.standard_normal(w_shape),
                b=rng.standard_normal(FN),
                stride=stride,
                pad=pad,
                dout=rng.standard_normal((N, FN, OH, OW)),
            ),
        )


def _forward(functions, case, x):
    result = functions["conv_forward"](x, case.W.copy(), case.b.copy(), case.stride, case.pad)
    return returned(result, 2, "conv_forward", "(out, cache)")


def call_forward(functions, case):
    return {"out": _forward(functions, case, case.x.copy())[0]}


def call_backward(functions, case):
    _, cache = _forward(functions, case, case.x.copy())
    dx, dW, db = returned(functions["conv_backward"](case.dout.copy(), cache), 3, "conv_backward", "(dx, dW, db)")
    return {"dx": dx, "dW": dW, "db": db}


def _layer(case):
    from scratchcnn.layers import Convolution  # imported here: never at import time in a sandbox

    return Convolution(case.W, case.b, case.stride, case.pad)


def reference_forward(case):
    return {"out": _layer(case).forward(case.x)}


def reference_backward(case):
    layer = _layer(case)
    layer.forward(case.x)
    dx = layer.backward(case.dout)
    return {"dx": dx, "dW": layer.dW, "db": layer.db}


SPEC = Spec(
    name="toyConv",
    order=1,
    memory_limit=2**30,  # the toy exercises need little; a memory bomb fails sooner
    library=("util",),
    probes=[
        Probe("conv_forward", make_cases, call_forward, reference_forward),
        Probe("conv_backward", make_cases, call_backward, reference_backward),
    ],
    forbidden=[
        Forbidden(
            "scratchcnn.layers.Convolution",
            "toyConv asks you to write the convolution's forward and backward passes yourself; "
            "scratchcnn's Convolution layer may not be used here (im2col and col2im may)",
        )
    ],
)
