"""Issue 10, item 6: a correct answer gets full marks for every per-student seed.

Every hidden probe of every assignment (except those that need the MNIST test digits) is run
as the grader runs it, over thousands of per-student seeds, with three correct "students":

* ``reference``: the reference library ``scratchcnn`` behind the notebook's signatures;
* ``torch``: an independent implementation on PyTorch (CPU, float64; an oracle of the tests
  only, never of the grader): ``conv2d``, ``max_pool2d``, ``avg_pool2d``, ``unfold``,
  ``fold``, and autograd for every gradient;
* ``fixture``: a correct loop-based solution from ``solutions/<A>/cases`` (the code the
  grading fixtures put in the notebook), on fewer seeds since loops are slow.

For each seed: ``probe.cases(seed)``, ``probe.call(functions, case)`` (the student's side),
every value through ``records.encode`` / ``records.decode`` (what the sandbox hands the
grader), then ``probe.judge(case, values)`` must say nothing. A failure lists how many seeds
failed, the first seed and the grader's message.

GRADING_SEEDS (environment) scales the number of seeds: by default 1,500 for the reference,
a quarter of that for torch and a sixteenth for the loop fixtures, about 2,000 seeds per
assignment in all, split over two processes (about 40 s on two cores). For a longer sweep:
GRADING_SEEDS=10000 pytest tests/test_grading_seeds.py.
"""

import multiprocessing
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import records
from autograder.probes import load_spec
from grading_cases import case_path, expand, load_case, solution_answers

pytestmark = pytest.mark.usefixtures("one_thread")

SEEDS = int(os.environ.get("GRADING_SEEDS", "1500"))
WORKERS = 2  # processes per sweep: the test machine has two cores
ASSIGNMENTS = ("toyConv", "toyPooling", "im2col", "layers", "convnet")
RELEASE = Path(__file__).resolve().parent.parent / "exercises"


# --------------------------------------------------------------------------- reference
def reference_student(assignment):
    """The reference library behind the notebook's function signatures."""
    from scratchcnn import layers, util

    if assignment == "toyConv":

        def conv_forward(x, W, b, stride=1, pad=0):
            layer = layers.Convolution(W, b, stride, pad)
            return layer.forward(x), layer

        def conv_backward(dout, cache):
            dx = cache.backward(dout)
            return dx, cache.dW, cache.db

        return {"conv_forward": conv_forward, "conv_backward": conv_backward}
    if assignment == "toyPooling":

        def pool_forward(x, pool_h, pool_w, stride=1):
            layer = layers.Pooling(pool_h, pool_w, stride=stride)
            return layer.forward(x), layer

        def pool_backward(dout, cache):
            return cache.backward(dout)

        return {"pool_forward": pool_forward, "pool_backward": pool_backward}
    if assignment == "im2col":

        def conv_output_size(input_size, filter_size, stride=1, pad=0):
            return util.conv_output_size(input_size, filter_size, stride, pad)

        return {"conv_output_size": conv_output_size, "im2col": util.im2col, "col2im": util.col2im}
    if assignment == "layers":
        return {"Convolution": layers.Convolution, "Pooling": layers.Pooling}
    from scratchcnn.networks import SimpleConvNet

    return {"SimpleConvNet": SimpleConvNet}


# --------------------------------------------------------------------------- torch
def _t(array, grad=False):
    return torch.tensor(np.ascontiguousarray(array, dtype=np.float64), requires_grad=grad)


def _output_size(input_size, filter_size, stride=1, pad=0):
    """Counts the window positions one by one: independent of the formula."""
    if stride < 1 or pad < 0:
        raise ValueError(f"stride {stride} or pad {pad} is impossible")
    end = input_size + 2 * pad
    starts = list(range(0, end - filter_size + 1, stride))
    if not starts or starts[-1] + filter_size != end:
        raise ValueError("the windows do not cover the padded input exactly")
    return len(starts)


class TorchConvolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.dW = self.db = None

    def forward(self, x):
        self._x, self._W, self._b = _t(x, True), _t(self.W, True), _t(self.b, True)
        self._out = F.conv2d(self._x, self._W, self._b, stride=self.stride, padding=self.pad)
        return self._out.detach().numpy()

    def backward(self, dout):
        self._out.backward(_t(dout))
        self.dW, self.db = self._W.grad.numpy(), self._b.grad.numpy()
        return self._x.grad.numpy()


class TorchPooling:
    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        self.window, self.stride = (pool_h, pool_w), pool_h if stride is None else stride
        self.pad, self.mode = pad, mode

    def forward(self, x):
        self._x = _t(x, True)
        if self.mode == "max":
            self._out = F.max_pool2d(self._x, self.window, stride=self.stride, padding=self.pad)
        else:
            self._out = F.avg_pool2d(self._x, self.window, stride=self.stride, padding=self.pad, count_include_pad=True)
        return self._out.detach().numpy()

    def backward(self, dout):
        self._out.backward(_t(dout))
        return self._x.grad.numpy()


class TorchSimpleConvNet:
    KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")

    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):  # fmt: skip
        self.conv = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1, **(conv_param or {})}
        FN, Fs = self.conv["filter_num"], self.conv["filter_size"]
        C, H, W = input_dim
        OH = _output_size(H, Fs, self.conv["stride"], self.conv["pad"])
        OW = _output_size(W, Fs, self.conv["stride"], self.conv["pad"])
        gen = np.random.default_rng(rng)
        shapes = {"W1": (FN, C, Fs, Fs), "b1": (FN,), "W2": (FN * (OH // 2) * (OW // 2), hidden_size),
                  "b2": (hidden_size,), "W3": (hidden_size, output_size), "b3": (output_size,)}  # fmt: skip
        self.params = {
            key: (weight_init_std * gen.standard_normal(shape) if key[0] == "W" else np.zeros(shape)).astype(dtype)
            for key, shape in shapes.items()
        }

    def _scores(self, x, p):
        h = F.conv2d(_t(x), p["W1"], p["b1"], stride=self.conv["stride"], padding=self.conv["pad"])
        h = F.max_pool2d(F.relu(h), 2, stride=2).flatten(1)
        return F.relu(h @ p["W2"] + p["b2"]) @ p["W3"] + p["b3"]

    def _loss(self, x, t, p):
        return F.cross_entropy(self._scores(x, p), torch.as_tensor(np.asarray(t), dtype=torch.long))

    def predict(self, x):
        with torch.no_grad():
            return self._scores(x, {k: _t(v) for k, v in self.params.items()}).numpy()

    def loss(self, x, t):
        with torch.no_grad():
            return float(self._loss(x, t, {k: _t(v) for k, v in self.params.items()}))

    def gradient(self, x, t):
        p = {k: _t(v, True) for k, v in self.params.items()}
        self._loss(x, t, p).backward()
        return {k: p[k].grad.numpy() for k in self.KEYS}


def torch_student(assignment):
    if assignment == "toyConv":

        def conv_forward(x, W, b, stride=1, pad=0):
            layer = TorchConvolution(W, b, stride, pad)
            return layer.forward(x), layer

        def conv_backward(dout, layer):
            dx = layer.backward(dout)
            return dx, layer.dW, layer.db

        return {"conv_forward": conv_forward, "conv_backward": conv_backward}
    if assignment == "toyPooling":

        def pool_forward(x, pool_h, pool_w, stride=1):
            layer = TorchPooling(pool_h, pool_w, stride)
            return layer.forward(x), layer

        return {"pool_forward": pool_forward, "pool_backward": lambda dout, layer: layer.backward(dout)}
    if assignment == "im2col":

        def im2col(x, filter_h, filter_w, stride=1, pad=0):
            C = x.shape[1]
            cols = F.unfold(_t(x), (filter_h, filter_w), stride=stride, padding=pad)  # (N, C*FH*FW, OH*OW)
            return cols.transpose(1, 2).reshape(-1, C * filter_h * filter_w).numpy()

        def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
            N, C, H, W = input_shape
            cols = _t(col).reshape(N, -1, C * filter_h * filter_w).transpose(1, 2)
            return F.fold(cols, (H, W), (filter_h, filter_w), stride=stride, padding=pad).numpy()

        return {"conv_output_size": _output_size, "im2col": im2col, "col2im": col2im}
    if assignment == "layers":
        return {"Convolution": TorchConvolution, "Pooling": TorchPooling}
    return {"SimpleConvNet": TorchSimpleConvNet}


# --------------------------------------------------------------------------- fixtures
FIXTURES = {  # a correct fixture solution per assignment (loops where the assignment has them)
    "toyConv": ("correct_loops_windows", ("conv_forward", "conv_backward")),
    "toyPooling": ("correct_loops_windows", ("pool_forward", "pool_backward")),
    "im2col": ("correct_loops_windows", ("conv_output_size", "im2col", "col2im")),
    "layers": ("correct_loops_positions", ("Convolution", "Pooling")),
    "convnet": ("correct_momentum_sgd", ("SimpleConvNet",)),
}


def fixture_student(assignment):
    """The fixture's answer cells run after the release's setup cell, as in the notebook."""
    import json

    name, wanted = FIXTURES[assignment]
    case = load_case(case_path(assignment, name))
    cells = json.loads((RELEASE / assignment / f"{assignment}.ipynb").read_text())["cells"]
    setup = next(c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup")
    namespace = {"__name__": f"fixture_{assignment}"}
    exec(compile("".join(setup["source"]), "setup", "exec"), namespace)
    solutions = solution_answers(assignment)
    for title, text in case.sections:
        if not title.startswith("file "):
            exec(compile(expand(case, title, text, solutions), f"{name}:{title}", "exec"), namespace)
    return {key: namespace[key] for key in wanted}


STUDENTS = {  # name -> (functions factory, share of SEEDS)
    "reference": (reference_student, 1.0),
    "torch": (torch_student, 0.25),
    "fixture": (fixture_student, 0.0625),
}


# --------------------------------------------------------------------------- the sweep
def _call(probe):
    return getattr(probe, "call", None) or probe.student_values  # student_values: the older API


def sweep(assignment, functions, seeds):
    """{probe name: (failures, seeds tested, first failing seed, its message)}."""
    report = {}
    for probe in load_spec(assignment).probes:
        if probe.uses_data:
            continue
        call, failures, first = _call(probe), 0, None
        for seed in seeds:
            problem = None
            for case in probe.cases(seed):
                try:
                    values = call(functions, case)
                    decoded = {key: records.decode(records.encode(value)) for key, value in values.items()}
                    problem = probe.judge(case, decoded)
                except Exception as error:  # a correct student's value the grader cannot take
                    problem = f"{type(error).__name__}: {error}"
                if problem:
                    problem = f"{case.label}: {problem}"
                    break
            if problem:
                failures += 1
                first = first or (seed, problem)
        report[probe.name] = (failures, len(seeds), *(first or (None, None)))
    return report


def _sweep_part(job):
    assignment, student, seeds = job
    return sweep(assignment, STUDENTS[student][0](assignment), seeds)


def _merge(parts):
    report = {}
    for part in parts:
        for name, (count, tested, seed, message) in part.items():
            old = report.get(name, (0, 0, None, None))
            first = (old[2], old[3]) if old[2] is not None else (seed, message)
            report[name] = (old[0] + count, old[1] + tested, *first)
    return report


def parallel_sweep(assignment, student, seeds):
    """The sweep split over the machine's cores (at most WORKERS), in forked processes."""
    workers = min(WORKERS, os.cpu_count() or 1)
    chunks = [list(seeds[i::workers]) for i in range(workers)]
    jobs = [(assignment, student, chunk) for chunk in chunks if chunk]
    if len(jobs) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _merge(map(_sweep_part, jobs))
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        return _merge(pool.map(_sweep_part, jobs))


@pytest.mark.parametrize("student", list(STUDENTS))
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_student_passes_every_seed(assignment, student):
    share = STUDENTS[student][1]
    report = parallel_sweep(assignment, student, range(max(20, int(SEEDS * share))))
    assert report, f"{assignment} has no seed-driven probe"
    failed = {name: entry for name, entry in report.items() if entry[0]}
    lines = [
        f"{assignment} / {name}: {count} of {tested} seeds fail (first: seed {seed}: {message})"
        for name, (count, tested, seed, message) in failed.items()
    ]
    assert not failed, f"the {student} student loses points:\n" + "\n".join(lines)


def test_torch_student_is_an_independent_oracle():
    """The oracle itself agrees with the reference on one case and counts window positions right."""
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    from scratchcnn.layers import Convolution

    expected = Convolution(W, b, 2, 1).forward(x)
    out, _ = torch_student("toyConv")["conv_forward"](x, W, b, 2, 1)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    assert _output_size(7, 3, 3, 1) == 3 and _output_size(28, 5, 3, 2) == 10
    for impossible in ((7, 3, 3, 0), (3, 6, 1, 1), (7, 3, 0, 0), (7, 3, 1, -1)):
        with pytest.raises(ValueError):
            _output_size(*impossible)
