"""im2col: the output-size formula, im2col and col2im, written by the student for any stride and padding.

Hidden tests:

* ``output_size``: the student's ``conv_output_size`` on random settings, possible ones and
  impossible ones (not a whole number, filter larger than the padded input, stride below 1,
  negative padding), against ``scratchcnn.util.conv_output_size``;
* ``im2col`` and ``col2im``: random batches with several channels, non-square filters and
  strides and paddings the visible tests do not use, against ``scratchcnn.util``;
* ``adjoint``: the student's own pair satisfies sum(im2col(x) * y) == sum(x * col2im(y)),
  the identity that makes col2im the backward pass of im2col.
"""

import numpy as np

from autograder.messages import tr
from autograder.probes import Case, Forbidden, Probe, Spec

# (x shape (N, C, H, W), FH, FW, stride, pad): none is used by the visible tests.
SETTINGS = [
    ((2, 3, 8, 9), 4, 3, 2, 1),
    ((1, 2, 9, 9), 3, 3, 3, 0),
    ((3, 1, 5, 6), 2, 3, 1, 2),
    ((2, 2, 11, 10), 3, 2, 3, 2),
]


def _reference_size(H, FH, S, P):
    """(output size, None), or (None, the reference's ValueError message)."""
    from scratchcnn.util import conv_output_size  # the grader's side only

    try:
        return conv_output_size(H, FH, S, P), None
    except ValueError as error:
        return None, str(error)


def make_size_cases(rng):
    """Nine settings: four possible, two not whole numbers, and one of each other impossible kind."""
    wanted = {"possible": 4, "not a whole number": 2, "filter too large": 1}
    found = {kind: 0 for kind in wanted}
    while sum(found.values()) < sum(wanted.values()):
        H, FH, S, P = (int(n) for n in (rng.integers(1, 30), rng.integers(1, 8), rng.integers(1, 5), rng.integers(0, 4)))
        kind = "filter too large" if FH > H + 2 * P else "not a whole number" if (H + 2 * P - FH) % S else "possible"
        if found[kind] < wanted[kind]:
            found[kind] += 1
            yield _size_case(H, FH, S, P)
    yield _size_case(int(rng.integers(5, 30)), int(rng.integers(1, 5)), int(rng.integers(-2, 1)), 0)  # stride 0 or less
    yield _size_case(int(rng.integers(5, 30)), int(rng.integers(1, 5)), 1, int(rng.integers(-3, 0)))  # negative pad


def _size_case(H, FH, S, P):
    return Case(f"conv_output_size({H}, {FH}, stride={S}, pad={P})", dict(H=H, FH=FH, S=S, P=P))


def call_size(functions, case):
    """The student's size, or the flag raised_value_error (never their message: not needed)."""
    try:
        size = functions["conv_output_size"](case.H, case.FH, stride=case.S, pad=case.P)
    except ValueError:
        return {"raised_value_error": 1}
    return {"raised_value_error": 0, "size": size}


def judge_size(case, values):
    expected, reason = _reference_size(case.H, case.FH, case.S, case.P)
    raised = values.get("raised_value_error")
    if raised is None or np.size(raised) != 1:
        return tr("the result was not recorded")
    if reason is not None:
        if raised:
            return None
        return tr("returned {size}; expected a ValueError, since {reason}", size=values.get("size"), reason=reason)
    if raised:
        return tr("raised ValueError; expected the output size {expected}", expected=expected)
    size = values.get("size")
    if size is None or np.size(size) != 1 or float(np.ravel(size)[0]) != expected:
        return tr("returned {size}; expected {expected}", size=np.ravel(size).tolist() if size is not None else None, expected=expected)
    return None


def make_cases(rng):
    from scratchcnn.util import conv_output_size  # the grader's side only

    for x_shape, FH, FW, stride, pad in SETTINGS:
        N, C, H, W = x_shape
        OH = conv_output_size(H, FH, stride, pad, axis="H")
        OW = conv_output_size(W, FW, stride, pad, axis="W")
        yield Case(
            tr("x {x}, {fh}x{fw} filter, stride {stride}, pad {pad}", x=x_shape, fh=FH, fw=FW, stride=stride, pad=pad),
            dict(
                x=rng.standard_normal(x_shape),
                y=rng.standard_normal((N * OH * OW, C * FH * FW)),
                FH=FH,
                FW=FW,
                stride=stride,
                pad=pad,
            ),
        )


def call_im2col(functions, case):
    return {"col": functions["im2col"](case.x.copy(), case.FH, case.FW, case.stride, case.pad)}


def call_col2im(functions, case):
    return {"img": functions["col2im"](case.y.copy(), case.x.shape, case.FH, case.FW, case.stride, case.pad)}


def call_adjoint(functions, case):
    return {**call_im2col(functions, case), **call_col2im(functions, case)}


def reference_im2col(case):
    from scratchcnn.util import im2col  # imported here: never at import time in a sandbox

    return {"col": im2col(case.x, case.FH, case.FW, case.stride, case.pad)}


def reference_col2im(case):
    from scratchcnn.util import col2im

    return {"img": col2im(case.y, case.x.shape, case.FH, case.FW, case.stride, case.pad)}


def judge_adjoint(case, values, tol=1e-8):
    """sum(im2col(x) * y) against sum(x * col2im(y)), both from the student's recorded arrays."""
    col, img = values.get("col"), values.get("img")
    if col is None or img is None:
        return tr("im2col(x) or col2im(y) was not recorded")
    if col.shape != case.y.shape or img.shape != case.x.shape:
        return tr("im2col(x) has shape {col} and col2im(y) {img}; expected {y} and {x}", col=col.shape, img=img.shape,
                  y=case.y.shape, x=case.x.shape)
    left, right = float(np.sum(col * case.y)), float(np.sum(case.x * img))
    if abs(left - right) <= tol * max(1.0, abs(left) + abs(right)):
        return None
    return tr(
        "your col2im is not the adjoint of your im2col: for random x and y, sum(im2col(x) * y) = {left} "
        "but sum(x * col2im(y)) = {right}; col2im must add every value of col onto the very pixel "
        "im2col copied it from",
        left=f"{left:.6g}",
        right=f"{right:.6g}",
    )


_REASON = "the im2col exercise asks you to write {} yourself; scratchcnn's version may not be used here"
SIZE_TESTS = ("test_output_size", "test_output_size_errors")
IM2COL_TESTS = ("test_im2col_lecture", "test_im2col_stride_pad")
COL2IM_TESTS = ("test_col2im_lecture", "test_col2im_hidden")

SPEC = Spec(
    name="im2col",
    order=3,
    memory_limit=2**30,  # the largest array of the notebook has a few thousand entries
    probes=[
        Probe("output_size", make_size_cases, call_size, lambda case: {}, extra=judge_size),
        Probe("im2col", make_cases, call_im2col, reference_im2col),
        Probe("col2im", make_cases, call_col2im, reference_col2im),
        Probe("adjoint", make_cases, call_adjoint, lambda case: {}, extra=judge_adjoint),
    ],
    forbidden=[
        Forbidden("scratchcnn.util.conv_output_size", _REASON.format("conv_output_size"), SIZE_TESTS),
        Forbidden("scratchcnn.util.im2col", _REASON.format("im2col"), IM2COL_TESTS + COL2IM_TESTS[1:]),
        Forbidden("scratchcnn.util.sliding_windows", _REASON.format("im2col"), IM2COL_TESTS + COL2IM_TESTS[1:]),
        Forbidden("scratchcnn.util.col2im", _REASON.format("col2im"), COL2IM_TESTS),
        Forbidden("scratchcnn.util.fold_windows", _REASON.format("col2im"), COL2IM_TESTS),
    ],
)
