"""Hidden tests as data: what each assignment's grader-side module declares.

A :class:`Probe` is one hidden test, a challenge and its judgement:

* in the grader's process, :meth:`Probe.cases` draws random inputs from the student's seed
  (which comes from a key only the grader holds and never enters the sandbox);
* the inputs go into the sandbox with the test cell that calls the probe, *after* the
  student's code has been defined; there :attr:`Probe.call` calls the student's functions
  on each case and the values are recorded (see :mod:`autograder.records`);
* back in the grader's process, :meth:`Probe.judge` computes what the reference library
  gives for the same inputs and compares.

The student's process never decides anything and never sees the reference's answers, so
redefining ``np.allclose``, lying ``__eq__`` methods or a monkeypatched ``scratchcnn``
change nothing, and no answer can be prepared before the inputs are known.

An assignment's grading specification, ``solutions/<assignment>/grading.py``, defines
``SPEC = Spec(...)``; :func:`load_spec` reads it (in the grader, and in the sandbox, which
holds those files and no other file of solutions/).
"""

import importlib.util
import sys
import threading
import zlib
from dataclasses import dataclass, field

import numpy as np

from .compare import ATOL, RTOL, mismatch
from .config import Limits, grading_file

# The seed of a notebook run outside the grader (a student's machine, nbgrader validate).
PRACTICE_SEED = 20240601


@dataclass
class Case:
    """One random input set of a probe: a label for messages and the named inputs."""

    label: str
    inputs: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["inputs"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Probe:
    """A hidden test.

    Parameters
    ----------
    name : str
        Unique in the assignment; the notebook calls ``hidden_tests(assignment, name, ...)``.
    make_cases : callable (rng) -> iterable of Case
        Builds the random inputs; must use only ``rng`` for randomness.
    call : callable (functions, case) -> {value name: array}
        Runs in the student's process: calls the student's functions (a dict by name) on the
        case and returns what is to be recorded.
    reference : callable (case) -> {value name: array}
        Runs in the grader's process: the expected values, from the reference library.
        Every name it returns must also be returned by ``call``.
    extra : callable (case, values) -> message or None, optional
        A further check on the recorded values, in the grader (e.g. an accuracy).
    uses_data : bool
        ``make_cases`` takes a second argument, the Spec's :class:`HiddenData` as one dict
        (``inputs`` and ``answers``); the answers' names are removed from the cases before
        they enter the sandbox.

    Tolerances have a relative and an absolute part (see :mod:`autograder.compare`), and
    the expected values come from the reference's analytic results, never from finite
    differences, whose error near a ReLU or max-pooling kink can fail correct code.
    """

    name: str
    make_cases: object
    call: object
    reference: object
    extra: object = None
    rtol: float = RTOL
    atol: float = ATOL
    uses_data: bool = False

    def cases(self, seed, data=None):
        rng = np.random.default_rng([seed, zlib.crc32(self.name.encode())])
        return list(self.make_cases(rng, data) if self.uses_data else self.make_cases(rng))

    def judge(self, case, values):
        """None if the recorded ``values`` (name -> float64 array) are right for ``case``."""
        for name, expected in self.reference(case).items():
            if name not in values:
                return f"{name} was not recorded"
            problem = mismatch(name, values[name], expected, self.rtol, self.atol)
            if problem:
                return problem
        return self.extra(case, values) if self.extra else None


@dataclass
class Forbidden:
    """Part of the reference library the assignment asks the student to write themselves.

    ``target`` is the dotted path of the object (``"scratchcnn.layers.Convolution"``).
    Using it zeroes the test cells listed in ``tests`` (all autograded tests if empty), and
    the comment says ``reason``.
    """

    target: str
    reason: str
    tests: tuple = ()

    @property
    def attribute(self):
        return self.target.rsplit(".", 1)[1]


@dataclass
class HiddenData:
    """Data a hidden test needs that cannot be drawn from a seed, such as a test set.

    ``inputs`` ({name: array of numbers}) are what the student's code may see: the grader
    writes them into the sandbox as ``.npy`` files (never pickles) and the runner loads them
    before any student code runs. ``answers`` (the labels) never leave the grader's process.
    ``note`` says, in a student's local run, where the data came from.
    """

    inputs: dict
    answers: dict
    note: str = ""

    def everything(self):
        return {**self.inputs, **self.answers}


@dataclass
class Spec:
    """Everything the grader knows about one assignment beyond its notebook.

    ``hidden_data``, if the hidden tests need a data set: a callable ``(local) -> HiddenData``.
    In the grader (``local=False``) it must raise FileNotFoundError or ValueError, with a
    message saying what is missing, rather than fall back on other data; on a student's
    machine (``local=True``) it may fall back and say so in the note.

    ``library`` names the modules of ``scratchcnn`` the students may use: the sandbox
    contains those and nothing else of the reference library (whatever the forbidden
    objects are, they are simply not there). ``packages`` are further installed
    distributions the sandbox offers besides Python's standard library, NumPy, Matplotlib,
    IPython and tqdm; ``package_files`` single files of installed packages (data files,
    paths relative to site-packages).
    """

    name: str
    probes: list
    order: int = 100  # where the assignment comes in the course (the book lists them so)
    forbidden: list = field(default_factory=list)
    time_limit: float = Limits.time  # seconds for the whole notebook
    memory_limit: int = Limits.memory  # bytes of address space for the student's process
    hidden_data: object = None
    library: tuple = ()
    packages: tuple = ()
    package_files: tuple = ()

    def limits(self, time_limit=None):
        """The sandbox limits of this assignment; ``time_limit`` overrides the default."""
        return Limits(time=time_limit or self.time_limit, memory=self.memory_limit)

    def probe(self, name):
        for probe in self.probes:
            if probe.name == name:
                return probe
        raise KeyError(f"assignment {self.name} has no hidden test {name!r}")


_LOADING = threading.RLock()  # graders load specs from several threads; layers loads toyConv's


def spec_module(assignment):
    """The module ``solutions/<assignment>/grading.py``, loaded once."""
    name = f"autograder_specs.{assignment}"
    with _LOADING:
        if name not in sys.modules:
            path = grading_file(assignment)
            if not path.is_file():
                raise ValueError(f"assignment {assignment!r} has no grading specification {path}")
            module_spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                module_spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
        return sys.modules[name]


def load_spec(assignment):
    """The Spec of an assignment, from its folder's grading.py."""
    return spec_module(assignment).SPEC


def returned(result, count, function, names):
    """``result`` as a tuple of ``count`` values, or a TypeError a student can act on.

    The instructions say "returns dx, dW, db": a tuple or a list of that length both do.
    """
    if isinstance(result, (tuple, list)) and len(result) == count:
        return tuple(result)
    got = f"a {type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) else type(result).__name__
    raise TypeError(f"{function} must return {names}; it returned {got}")
