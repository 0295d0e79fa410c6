"""autograder.sandbox and autograder.runner: the student's process, its limits and what it sees."""

import ast
import json
import os

import numpy as np
import pytest

from autograder import cgroup, records, sandbox
from autograder.config import REPO_ROOT, Limits
from autograder.probes import load_spec

needs_bwrap = pytest.mark.skipif(not sandbox.bwrap_path(), reason="needs bubblewrap with user namespaces")
LIMITS = Limits(time=30, memory=2**30)


def _run(tmp_path, *cells, assignment="toyConv", limits=LIMITS, files=None, use_bwrap=True):
    cells = [cell if isinstance(cell, dict) else {"kind": "answer", "source": cell} for cell in cells]
    cells = [dict(cell, index=i) for i, cell in enumerate(cells)]
    return sandbox.run(load_spec(assignment), cells, tmp_path / "run", files or {}, limits, use_bwrap)


def _text(result, index):
    return "".join(o.get("text", "") + str(o.get("evalue", "")) for o in result.outputs.get(index, []))


@needs_bwrap
def test_the_student_sees_only_their_own_files_and_a_clean_environment(tmp_path):
    helper = tmp_path / "helper.py"
    helper.write_text("X = 1\n")
    result = _run(
        tmp_path,
        "import os\nprint(sorted(os.listdir('.')), os.getuid())",
        f"import os\nprint(os.path.exists({str(REPO_ROOT)!r}), os.path.exists({str(sandbox.library_folder())!r}))",
        "import os\nprint(sorted(os.environ))",
        "open('/usr/evil', 'w')",
        "print([line.split()[1] for line in open('/proc/self/status') if line.startswith(('CapEff', 'CapBnd'))])",
        files={"helper.py": helper},
    )
    assert result.finished and _text(result, 0) == "['helper.py'] 65534\n"  # nobody
    assert _text(result, 1) == "False False\n"  # neither the repository nor the library's folder
    environment = ast.literal_eval(_text(result, 2))
    assert not [name for name in environment if "AUTOGRADER" in name or "SECRET" in name or "SEED" in name]
    assert "Read-only file system" in _text(result, 3)
    assert _text(result, 4) == "['0000000000000000', '0000000000000000']\n"  # no capability at all


@needs_bwrap
def test_the_notebook_runs_on_one_thread_unless_it_asks_for_more(tmp_path):
    """--jobs decides how many cores grading uses: each notebook gets one thread, so the
    reference library splits nothing (and a notebook's numbers do not depend on --jobs).
    A notebook that asks for threads gets them: the library's threadpoolctl is there."""
    check = (
        "import os\nfrom scratchcnn import threads\n"
        "def parts():\n    return len(threads.over_batch(lambda part: part, 100, 1 << 20))\n"
        "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], parts())\n"
        "threads.set_num_threads(2)\nprint(parts())"
    )
    result = _run(tmp_path, check, assignment="convnet")
    assert _text(result, 0) == "1 1 1\n2\n"


@needs_bwrap
def test_what_an_exercise_forbids_is_not_there_under_any_name(tmp_path):
    # Every file outside /proc, /sys, /dev and the operating system's /usr (Python's folders
    # there included) is read for the first lines of the reference's modules that hold what
    # the exercise forbids (passed reversed, so that the scan's own source never matches).
    markers = [(sandbox.library_folder() / name).read_text()[:120][::-1].encode() for name in ("layers.py", "networks.py")]
    scan = """
import os, glob
markers = [m[::-1] for m in %r]
hits = []
tops = [p for p in glob.glob('/*') if p not in ('/proc', '/sys', '/dev', '/usr')]
tops += glob.glob('/usr/lib/python3*') + glob.glob('/usr/local/lib/python3*')
for root, folders, files in (step for top in tops for step in os.walk(top)):
    for name in files:
        try:
            with open(os.path.join(root, name), 'rb') as file:
                text = file.read(2_000_000)
        except OSError:
            continue
        if any(marker in text for marker in markers):
            hits.append(os.path.join(root, name))
print(hits)
""" % markers
    result = _run(
        tmp_path,
        "import scratchcnn.layers",
        "import torch",
        "import glob\nprint([p for top in ('/opt', '/root', '/home', '/tmp', '/work') for p in glob.glob(top + '/**/scratchcnn/*.py', recursive=True)])",
        scan,
        "from scratchcnn.util import im2col\nprint(im2col.__name__)",  # what toyConv allows is there
        limits=Limits(time=120, memory=2**30),
    )
    assert "ModuleNotFoundError" in str(result.outputs[0]) and "ModuleNotFoundError" in str(result.outputs[1])
    found = sorted(ast.literal_eval(_text(result, 2)))
    assert found == sorted(f"/opt/course/scratchcnn/{name}.py" for name in ["__init__", *sandbox.library_modules(load_spec("toyConv"))])
    assert "/opt/course/scratchcnn/util.py" in found
    assert _text(result, 3) == "[]\n"
    assert _text(result, 4) == "im2col\n"


@needs_bwrap
def test_convnet_offers_the_layers_and_the_training_digits_but_no_network(tmp_path):
    result = _run(
        tmp_path,
        "from scratchcnn.layers import Convolution\nfrom scratchcnn.datasets import load_mnist_5k\n"
        "(x, t), _ = load_mnist_5k()\nprint(len(x))",
        "from scratchcnn.networks import SimpleConvNet",
        assignment="convnet",
    )
    assert _text(result, 0) == "4000\n"
    assert "ModuleNotFoundError" in str(result.outputs[1])


def test_the_time_limit_kills_the_whole_process_group(tmp_path):
    result = _run(tmp_path, "print('started')", "import subprocess, time\nsubprocess.Popen(['sleep', '1000'])\ntime.sleep(1000)",
                  limits=Limits(time=3, memory=2**30))  # fmt: skip
    assert result.timed_out and not result.finished
    assert _text(result, 0) == "started\n" and 1 not in result.outputs
    assert result.elapsed < 10


def test_memory_is_capped(tmp_path):
    result = _run(tmp_path, "import numpy as np\nx = np.ones(2**28)")  # 2 GiB with a 1 GiB cap
    assert result.finished and "Unable to allocate" in _text(result, 0)


@needs_bwrap
def test_home_and_tmp_are_limited_in_size_and_in_files_and_vanish(tmp_path):
    result = _run(
        tmp_path,
        "try:\n    open('big', 'wb').write(b'x' * 100_000_000)\nexcept OSError as e:\n    print(e.strerror)",
        "import os\ntry:\n    for i in range(50_000):\n        open(f'/tmp/f{i}', 'w').close()\nexcept OSError as e:\n"
        "    print(e.strerror, i < sandbox_limit)".replace("sandbox_limit", str(sandbox.TMP_INODES + 1)),
        limits=Limits(time=30, memory=2**30, file_size=50 * 2**20),
    )
    assert "File too large" in _text(result, 0) or "No space left" in _text(result, 0)
    assert _text(result, 1) == "No space left on device True\n"
    assert sorted(path.name for path in (tmp_path / "run").iterdir()) == ["files", "scratchcnn_init.py"]


@needs_bwrap
@pytest.mark.skipif(cgroup.unavailable_reason() is not None, reason="no control groups for the grader here")
def test_a_fork_bomb_meets_the_process_limit(tmp_path):
    bomb = """
import os, time
children = 0
try:
    for _ in range(1000):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as error:
    print(children, error.strerror)
"""
    result = _run(tmp_path, bomb, limits=Limits(time=20, memory=2**30))
    count, _, message = _text(result, 0).partition(" ")
    assert int(count) < cgroup.PIDS_MAX and "Resource temporarily unavailable" in message
    assert result.elapsed < 15


def test_the_grader_keeps_only_what_it_asked_for(tmp_path):
    forged = [
        {"op": "done", "index": 1, "outputs": [{"output_type": "display_data", "data": {"text/html": "<script>x</script>"}}]},
        {"op": "record", "index": 1, "check": "out", "value": records.encode(np.zeros(2))},
        {"op": "record", "index": 0, "check": "out", "value": records.encode(np.zeros(2))},
    ]
    writer = "import os\nfor fd in map(int, os.listdir('/proc/self/fd')):\n    for line in %r:\n        try:\n            os.write(fd, line)\n        except OSError:\n            pass\nprint('done')"
    result = _run(
        tmp_path,
        writer % ([records.line(entry) for entry in forged] + [b"garbage\n"]),
        {"kind": "test", "source": "print('the test')", "checks": ("out",)},
    )
    assert result.finished and _text(result, 1) == "the test\n"
    assert result.records == {} and result.stray >= 3


def test_hidden_cases_arrive_with_their_test_cell_only(tmp_path):
    spec = load_spec("toyConv")
    cases = spec.probe("conv_forward").cases(7)
    packed = [{"label": case.label, "inputs": records.pack(case.inputs)} for case in cases]
    result = _run(
        tmp_path,
        "import sys\nprint([name for name in sys.modules if 'probes' in name])",
        "def conv_forward(x, W, b, stride=1, pad=0):\n    return x.sum() + 0 * W.sum(), None",
        {
            "kind": "test",
            "source": "hidden_tests('toyConv', 'conv_forward', conv_forward=conv_forward)",
            "cases": {"conv_forward": packed},
            "checks": ("hidden:conv_forward",),
        },
    )
    recorded = result.records["hidden:conv_forward"]["cases"]
    assert [records.decode(entry["out"]).item() for entry in recorded] == pytest.approx([c.x.sum() for c in cases])


def test_the_runner_works_without_the_sandbox_too(tmp_path):
    result = _run(tmp_path, "import os\nprint(os.getcwd().endswith('home'))", use_bwrap=False)
    assert result.finished and _text(result, 0) == "True\n"


def test_folders_a_student_made_read_only_are_removed(tmp_path):
    folder = tmp_path / "scratch" / "locked"
    folder.mkdir(parents=True)
    (folder / "file").write_text("x")
    os.chmod(folder, 0o500)
    os.chmod(tmp_path / "scratch", 0o500)
    sandbox.remove_tree(tmp_path / "scratch")
    assert not (tmp_path / "scratch").exists()


def test_the_sandbox_site_holds_the_allowed_packages_and_not_pytorch():
    entries = sandbox.site_entries()
    assert {"numpy", "matplotlib", "IPython", "tqdm", "threadpoolctl.py"} <= set(entries)
    assert not {"torch", "nbgrader", "scratchcnn", "autograder", "mlxtend"} & set(entries)
    json.dumps(entries)


@pytest.mark.parametrize("assignment", ["toyConv", "toyPooling", "im2col", "layers", "convnet"])
def test_no_module_holding_a_forbidden_object_enters_the_sandbox(assignment):
    spec = load_spec(assignment)
    present = {f"scratchcnn.{name}" for name in sandbox.library_modules(spec)}
    for rule in spec.forbidden:
        assert rule.target.rsplit(".", 1)[0] not in present, rule.target


def test_the_library_modules_are_read_once_per_version_of_the_library(tmp_path, monkeypatch):
    """The modules the sandbox binds: what the exercise allows and what those import, read
    from the library's files once, not once per student, and again when a file changes."""
    (tmp_path / "layers.py").write_text("from .util import im2col\nfrom . import functions\n")
    (tmp_path / "util.py").write_text("import numpy as np\n")
    (tmp_path / "functions.py").write_text("")
    (tmp_path / "trainer.py").write_text("from .layers import Affine\n")
    monkeypatch.setattr(sandbox, "library_folder", lambda: tmp_path)
    reads = []
    relative_imports = sandbox._relative_imports
    monkeypatch.setattr(sandbox, "_relative_imports", lambda path: reads.append(path.name) or relative_imports(path))
    spec = load_spec("layers")
    monkeypatch.setattr(spec, "library", ("layers",))

    assert sandbox.library_modules(spec) == ["functions", "layers", "util"]
    assert sorted(reads) == ["functions.py", "layers.py", "util.py"]
    assert sandbox.library_modules(spec) == ["functions", "layers", "util"]
    assert len(reads) == 3  # a second student: nothing read again

    (tmp_path / "util.py").write_text("from .functions import relu\n")
    os.utime(tmp_path / "util.py", ns=(0, 10**18))
    assert sandbox.library_modules(spec) == ["functions", "layers", "util"]
    assert len(reads) == 6


def test_answers_written_before_the_grader_asked_never_count(tmp_path):
    # A cell claims to be done, then answers for the next (test) cell before it has run.
    forged = [
        {"op": "done", "index": 0, "outputs": []},
        {"op": "record", "index": 1, "check": "out", "value": records.encode(np.zeros(2))},
        {"op": "done", "index": 1, "outputs": []},
    ]
    writer = "import os, time\nfor fd in map(int, os.listdir('/proc/self/fd')):\n    try:\n        os.write(fd, %r)\n    except OSError:\n        pass\ntime.sleep(0.5)\nprint('cell 0 finished')"
    result = _run(
        tmp_path,
        writer % b"".join(records.line(entry) for entry in forged),
        {"kind": "test", "source": "expect_close('out', [1.0, 2.0], [1, 2])", "checks": ("out",)},
    )
    assert result.finished and _text(result, 0) == "cell 0 finished\n"
    assert records.decode(result.records["out"]["value"]).tolist() == [1.0, 2.0]  # the real record
    assert result.stray >= 3


def test_half_a_line_cannot_swallow_the_next_message(tmp_path):
    writer = "import os\nfor fd in map(int, os.listdir('/proc/self/fd')):\n    try:\n        os.write(fd, b'{\"half\": \"a line')\n    except OSError:\n        pass"
    result = _run(tmp_path, writer, "print('next')", limits=Limits(time=20, memory=2**30))
    assert result.finished and not result.timed_out and _text(result, 1) == "next\n"
