"""toyPooling: max pooling's forward and backward pass, written by hand with im2col.

Hidden tests: the student's ``pool_forward`` and ``pool_backward`` on random batches with
several channels, non-square windows and strides the visible tests do not use, compared with
``scratchcnn.layers.Pooling``; plus a gradient check of the student's backward pass against
central differences of their own forward pass.
"""

from scratchcnn.util import conv_output_size

from ..probes import Case, Forbidden, Probe, Spec, central_outputs, gradient_check, returned

# (x shape (N, C, H, W), pool_h, pool_w, stride)
SETTINGS = [
    ((2, 3, 6, 6), 3, 3, 3),
    ((1, 2, 5, 7), 3, 3, 2),
    ((3, 1, 4, 6), 2, 3, 1),
]
# Step of the central differences: far smaller than the gaps between random normal values,
# so no window's maximum changes place between x - h v and x + h v.
H = 1e-6


def make_cases(rng):
    for x_shape, pool_h, pool_w, stride in SETTINGS:
        N, C, height, width = x_shape
        OH = conv_output_size(height, pool_h, stride, axis="H")
        OW = conv_output_size(width, pool_w, stride, axis="W")
        yield Case(
            f"x {x_shape}, {pool_h}x{pool_w} window, stride {stride}",
            dict(
                x=rng.standard_normal(x_shape),
                pool_h=pool_h,
                pool_w=pool_w,
                stride=stride,
                dout=rng.standard_normal((N, C, OH, OW)),
                direction=rng.standard_normal(x_shape),
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
    return {"dx": dx, **central_outputs(lambda x: _forward(functions, case, x)[0], case, H)}


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
    memory_limit=2**30,  # the toy exercises need little; a memory bomb fails sooner
    probes=[
        Probe("pool_forward", make_cases, call_forward, reference_forward),
        Probe("pool_backward", make_cases, call_backward, reference_backward, extra=gradient_check(H)),
    ],
    forbidden=[
        Forbidden(
            "scratchcnn.layers.Pooling",
            "toyPooling asks you to write max pooling's forward and backward passes yourself; "
            "scratchcnn's Pooling layer may not be used here (im2col and col2im may)",
        )
    ],
)
