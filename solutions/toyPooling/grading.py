"""toyPooling: max pooling's forward and backward pass, written by hand with im2col.

Hidden tests: the student's ``pool_forward`` and ``pool_backward`` on random batches with
several channels, non-square windows and strides the visible tests do not use, compared with
``scratchcnn.layers.Pooling`` (its exact gradient routing for the backward pass). The inputs
are random normal numbers, so no window holds two equal maxima: the right answer is unique.
"""

from autograder.messages import tr
from autograder.probes import Case, Forbidden, Probe, Spec, returned

# (x shape (N, C, H, W), pool_h, pool_w, stride)
SETTINGS = [
    ((2, 3, 6, 6), 3, 3, 3),
    ((1, 2, 5, 7), 3, 3, 2),
    ((3, 1, 4, 6), 2, 3, 1),
]


def make_cases(rng):
    from scratchcnn.util import conv_output_size  # the grader's side only

    for x_shape, pool_h, pool_w, stride in SETTINGS:
        N, C, height, width = x_shape
        OH = conv_output_size(height, pool_h, stride, axis="H")
        OW = conv_output_size(width, pool_w, stride, axis="W")
        yield Case(
            tr("x {x}, {h}x{w} window, stride {stride}", x=x_shape, h=pool_h, w=pool_w, stride=stride),
            dict(
                x=rng.standard_normal(x_shape),
                pool_h=pool_h,
                pool_w=pool_w,
                stride=stride,
                dout=rng.standard_normal((N, C, OH, OW)),
            ),
        )


def _forward(functions, case, x):
    result = functions["pool_forward"](x, case.pool_h, case.pool_w, case.stride)
    return returned(result, 2, "pool_forward", "(out, cache)")


def call_forward(functions, case):
    return {"out": _forward(functions, case, case.x.copy())[0]}


def call_backward(functions, case):
    _, cache = _forward(functions, case, case.x.copy())
    dx = functions["pool_backward"](case.dout.copy(), cache)
    return {"dx": dx}


def _layer(case):
    from scratchcnn.layers import Pooling  # imported here: never at import time in a sandbox

    return Pooling(case.pool_h, case.pool_w, stride=case.stride, mode="max")


def reference_forward(case):
    return {"out": _layer(case).forward(case.x)}


def reference_backward(case):
    layer = _layer(case)
    layer.forward(case.x)
    return {"dx": layer.backward(case.dout)}


SPEC = Spec(
    name="toyPooling",
    order=2,
    memory_limit=2**30,  # the toy exercises need little; a memory bomb fails sooner
    library=("util",),
    probes=[
        Probe("pool_forward", make_cases, call_forward, reference_forward),
        Probe("pool_backward", make_cases, call_backward, reference_backward),
    ],
    forbidden=[
        Forbidden(
            "scratchcnn.layers.Pooling",
            "toyPooling asks you to write max pooling's forward and backward passes yourself; "
            "scratchcnn's Pooling layer may not be used here (im2col and col2im may)",
        )
    ],
)
