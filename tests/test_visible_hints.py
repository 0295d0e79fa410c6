"""The visible tests teach: each classic mistake, planted in a correct solution, gets its hint.

Each case takes the solution's answer code (from solutions/), plants one usual mistake by
replacing a piece of it, runs the released notebook's code cells in order, and checks that
the first failing check is the expected test cell's and that its message names the mistake
with the sentence of :data:`autograder.compare.MISTAKES`. Then the same for a run in a real
kernel: the message comes first, in lines a terminal shows whole, without the grader's frames.
"""

import textwrap

import nbformat
import numpy as np
import pytest

from autograder.compare import MISTAKES, mismatch
from autograder.config import release_notebook
from autograder.notebook import CheckFailed, wrap
from grading_cases import solution_answers

# assignment: [(mistake, answer cell, old text, new text, failing test cell), ...]
PLANTED = {
    "toyConv": [
        ("not_transposed", "conv_forward", ".reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)", ".reshape(N, OH, OW, FN)",
         "test_conv_forward_lecture"),
        ("not_transposed", "conv_forward", ".reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)", ".reshape(N, FN, OH, OW)",
         "test_conv_forward_lecture"),
        ("oh_ow_swapped", "conv_forward", ".transpose(0, 3, 1, 2)", ".transpose(0, 3, 2, 1)", "test_conv_forward_lecture"),
        ("w_reshape_order", "conv_forward", "W.reshape(FN, -1).T", "W.reshape(-1, FN)", "test_conv_forward_lecture"),
        ("reshape_order", "conv_forward", "out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)", "out.T.reshape(N, FN, OH, OW)",
         "test_conv_forward_hidden"),
        ("bias_per_row", "conv_forward", "out = col @ col_W + b  # (N*OH*OW, FN)", "out = col @ col_W",
         "test_conv_forward_hidden", ("    cache = (", "    out = out + b\n    cache = (")),
        ("stride_not_passed", "conv_forward", "    FN, C, FH, FW = W.shape", "    stride = 1\n    FN, C, FH, FW = W.shape",
         "test_conv_forward_hidden"),
        ("pad_not_passed", "conv_forward", "    FN, C, FH, FW = W.shape", "    pad = 0\n    FN, C, FH, FW = W.shape",
         "test_conv_forward_hidden"),
        ("db_per_row", "conv_backward", "db = dout.sum(axis=0)", "db = dout.sum(axis=1)", "test_conv_backward_lecture"),
        ("dW_not_transposed", "conv_backward", "(col.T @ dout).T.reshape", "(col.T @ dout).reshape",
         "test_conv_backward_lecture"),
    ],
    "toyPooling": [
        ("pool_not_transposed", "pool_forward", ".reshape(N, OH, OW, C).transpose(0, 3, 1, 2)", ".reshape(N, C, OH, OW)",
         "test_pool_forward_lecture"),
        ("stride_not_passed", "pool_forward", "    N, C, height, width = x.shape", "    stride = 1\n    N, C, height, width = x.shape",
         "test_pool_forward_hidden"),
        ("every_cell", "pool_backward", "dmax[np.arange(arg_max.size), arg_max] = dout.ravel()",
         "dmax[:] = dout.reshape(-1, 1)", "test_pool_backward_lecture"),
        # A mask of the maxima instead of arg_max: a window with a tie sends dout to both copies.
        ("ties", "pool_backward", "dmax[np.arange(arg_max.size), arg_max] = dout.ravel()",
         "dmax = arg_max * dout.reshape(-1, 1)", "test_pool_backward_lecture",
         ("pool_forward", "cache = (x.shape, arg_max,", "cache = (x.shape, col == col.max(axis=1, keepdims=True),")),
    ],
    "im2col": [
        ("no_plus_one", "conv_output_size", "return steps + 1", "return steps", "test_output_size"),
        ("pad_once", "conv_output_size", "padded = input_size + 2 * pad", "padded = input_size + pad", "test_output_size"),
        ("col_transposed", "im2col", ".reshape(N * OH * OW, C * filter_h * filter_w)",
         ".reshape(N * OH * OW, C * filter_h * filter_w).T", "test_im2col_lecture"),
        ("window_by_column", "im2col", "transpose(0, 2, 3, 1, 4, 5)", "transpose(0, 2, 3, 1, 5, 4)", "test_im2col_lecture"),
        ("rows_ow_oh", "im2col", "transpose(0, 2, 3, 1, 4, 5)", "transpose(0, 3, 2, 1, 4, 5)", "test_im2col_lecture"),
        ("channel_last", "im2col", "transpose(0, 2, 3, 1, 4, 5)", "transpose(0, 2, 3, 4, 5, 1)", "test_im2col_lecture"),
        ("overlaps_overwritten", "col2im", "] += windows[", "] = windows[", "test_col2im_lecture"),
        ("padding_kept", "col2im", "return img[:, :, pad : pad + H, pad : pad + W]", "return img", "test_col2im_hidden"),
    ],
    "layers": [
        ("pad_not_passed", "convolution", "self.pad, axis=", "0, axis=", "test_conv_forward_lecture",
         ("im2col(x, FH, FW, self.stride, self.pad)", "im2col(x, FH, FW, self.stride, 0)")),
        ("stride_not_passed", "convolution", "self.stride, self.pad, axis=", "1, self.pad, axis=", "test_conv_forward_lecture",
         ("im2col(x, FH, FW, self.stride, self.pad)", "im2col(x, FH, FW, 1, self.pad)")),
        ("db_per_row", "convolution", "self.db = rows.sum(axis=0)", "self.db = rows.sum(axis=1)", "test_conv_backward"),
        ("avg_sum", "pooling", "out = windows.mean(axis=1)", "out = windows.sum(axis=1)", "test_pool_forward_lecture"),
        ("max_pad_zero", "pooling", "constant_values=-np.inf", "constant_values=0", "test_pool_forward_hidden"),
        ("avg_real_cells", "pooling", "out = windows.mean(axis=1)",
         "out = windows.sum(axis=1) / im2col(np.ones(x.shape), self.pool_h, self.pool_w, self.stride, self.pad)"
         ".reshape(-1, self.pool_h * self.pool_w).sum(axis=1)", "test_pool_forward_hidden"),
        ("every_cell", "pooling", "dwindows[np.arange(per_window.size), self.arg_max] = per_window",
         "dwindows[:] = per_window[:, None]", "test_pool_backward"),
        ("avg_not_divided", "pooling", "per_window[:, None] / size", "per_window[:, None]", "test_pool_backward"),
    ],
    "convnet": [
        ("params_not_shared", "simple_convnet", "p = self.params\n", "p = {k: v.copy() for k, v in self.params.items()}\n",
         "test_gradient"),
        ("loss_not_averaged", "simple_convnet", "return self.last_layer.forward(self.predict(x), t)",
         "return self.last_layer.forward(self.predict(x), t) * len(x)", "test_predict_loss"),
    ],
}
# convnet's training cell is not needed (and takes minutes): stop before it.
UNTIL = {"convnet": "load_data"}


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def run_released(assignment, answers):
    """Run the released notebook's code cells with ``answers`` in its answer cells.

    Returns (grade id of the cell that failed a check, the CheckFailed), or (None, None).
    """
    notebook = nbformat.read(release_notebook(assignment), as_version=4)
    namespace = {}
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if cell.cell_type != "code":
            continue
        if grade_id == UNTIL.get(assignment):
            break
        source = answers.get(grade_id, cell.source)
        try:
            exec(compile(source, f"<cell {grade_id}>", "exec"), namespace)
        except CheckFailed as failure:
            return grade_id, failure
    return None, None


def _planted(assignment):
    """Each case's replacements as (answer cell, old, new); a pair applies to the case's own cell."""
    for mistake, answer, old, new, failing, *more in PLANTED[assignment]:
        replacements = [(answer, old, new)] + [change if len(change) == 3 else (answer, *change) for change in more]
        yield pytest.param(assignment, mistake, answer, replacements, failing, id=f"{assignment}-{mistake}-{new[:24]}")


@pytest.mark.parametrize("assignment", list(PLANTED))
def test_the_solutions_pass_and_print_one_line_per_check(assignment, capsys):
    assert run_released(assignment, solution_answers(assignment)) == (None, None)
    lines = capsys.readouterr().out.splitlines()
    passed = [line for line in lines if line.startswith("\u2713 ")]
    assert passed, "a passing check prints a line"
    assert all(len(line) < 120 for line in passed)


@pytest.mark.parametrize(
    "assignment, mistake, answer, replacements, failing",
    [case for assignment in PLANTED for case in _planted(assignment)],
)
def test_a_planted_mistake_gets_its_hint(assignment, mistake, answer, replacements, failing, capsys):
    answers = solution_answers(assignment)
    for cell_id, old, new in replacements:
        assert old in answers[cell_id], f"the solution of {cell_id} has changed: {old!r} is not in it"
        answers[cell_id] = answers[cell_id].replace(old, new)
    cell, failure = run_released(assignment, answers)
    assert cell == failing, f"the mistake was caught by {cell}, not {failing}: {failure}"
    message = str(failure)
    assert MISTAKES[mistake].sentence in message, message
    assert message.index(MISTAKES[mistake].sentence) < 120, "the diagnosis comes first"
    assert all(len(line) <= 80 for line in failure._render_traceback_())


def test_every_named_mistake_is_planted_or_tested_here():
    planted = {mistake for cases in PLANTED.values() for mistake, *_ in cases}
    assert planted == set(MISTAKES)


def test_ties_are_recognised():
    expected = [[[[1, 0, 0, 0], [0, 0, 2, 0]]]]
    tied = [[[[1, 1, 0, 0], [0, 0, 2, 2]]]]
    message = mismatch("dx", np.array(tied), expected, mistakes=[["ties", tied]])
    assert message.startswith(f"dx: {MISTAKES['ties'].sentence} (dx[0, 0, 0, 1] is 1; expected 0, 2 of 8")


def test_an_unrecognised_value_gets_the_hint_and_messages_wrap():
    message = mismatch("out", [[1.0, 2.0]], [[1, 3]], hint="look at the second column", mistakes=["not_transposed"])
    assert message == "out[0, 1] is 2; expected 3 (1 of 2 entries differ): look at the second column"
    lines = CheckFailed("x " * 100)._render_traceback_()
    assert lines[0].startswith("AssertionError: x x") and all(len(line) <= 80 for line in lines)
    assert wrap("short") == ["short"]


def test_in_a_kernel_the_message_comes_first_without_the_graders_frames(tmp_path, monkeypatch):
    """nbgrader validate in a terminal: the hint whole, in lines under 80 characters."""
    from nbgrader.validator import Validator

    from autograder.config import REPO_ROOT

    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    notebook = nbformat.read(release_notebook("toyConv"), as_version=4)
    answers = solution_answers("toyConv")
    answers["conv_forward"] = answers["conv_forward"].replace(".transpose(0, 3, 1, 2)", "")
    for cell in notebook.cells:
        if _grade_id(cell) in answers:
            cell.source = answers[_grade_id(cell)]
    path = tmp_path / "toyConv.ipynb"
    nbformat.write(notebook, path)
    failed = Validator(ignore_checksums=True).validate(str(path))["failed"]
    error = failed[0]["raw_error"]
    lines = error.splitlines()
    assert lines[0].startswith("AssertionError: out (lecture example): the numbers are right but in the")
    assert all(len(line) <= 80 for line in lines), error
    assert "autograder" not in error and "Traceback" not in error
    assert " ".join(line.strip() for line in lines).startswith(
        textwrap.shorten(f"AssertionError: out (lecture example): {MISTAKES['not_transposed'].sentence}", 10_000)
    )
