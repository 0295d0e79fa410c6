"""autograder.sandbox and autograder.runner: the student's process, its limits and what it sees."""

import ast
import json

import pytest

from autograder import sandbox
from autograder.config import REPO_ROOT, Limits

needs_bwrap = pytest.mark.skipif(not sandbox.bwrap_path(), reason="needs bubblewrap with user namespaces")


def _run(tmp_path, *sources, limits=Limits(time=30, memory=2**30), files=None, use_bwrap=True):
    cells = [{"index": i, "kind": "answer", "source": s} for i, s in enumerate(sources)]
    return sandbox.run("toyConv", cells, 5, tmp_path / "run", files or {}, limits, use_bwrap)


def _text(result, index):
    return "".join(o.get("text", "") + str(o.get("evalue", "")) for o in result.outputs.get(index, []))


@needs_bwrap
def test_the_student_sees_only_their_own_files_and_a_clean_environment(tmp_path):
    helper = tmp_path / "helper.py"
    helper.write_text("X = 1\n")
    result = _run(
        tmp_path,
        "import os\nprint(sorted(os.listdir('.')), os.getuid())",
        f"import os\nprint(sorted(os.listdir({str(REPO_ROOT)!r})))",
        "import os\nprint(sorted(k for k in os.environ if 'AUTOGRADER' in k or 'SECRET' in k))",
        "open('/usr/evil', 'w')",
        files={"helper.py": helper},
    )
    assert _text(result, 0) == "['helper.py'] 65534\n"
    # Of the repository only what the runner needs: autograder/, lib/ (and the venv if it is there).
    assert set(ast.literal_eval(_text(result, 1))) <= {".venv", "autograder", "lib"}
    assert _text(result, 2) == "[]\n"
    assert "Read-only file system" in _text(result, 3)


def test_the_time_limit_kills_the_whole_process_group(tmp_path):
    result = _run(tmp_path, "print('started')", "import subprocess, time\nsubprocess.Popen(['sleep', '1000'])\ntime.sleep(1000)",
                  limits=Limits(time=3, memory=2**30))  # fmt: skip
    assert result.timed_out and not result.finished
    assert _text(result, 0) == "started\n" and 1 not in result.outputs
    assert result.elapsed < 10


def test_memory_is_capped(tmp_path):
    result = _run(tmp_path, "import numpy as np\nx = np.ones(2**28)")  # 2 GiB with a 1 GiB cap
    assert result.finished and "Unable to allocate" in _text(result, 0)


def test_a_forbidden_class_is_replaced_by_one_that_refuses_and_records(tmp_path):
    result = _run(tmp_path, "from scratchcnn.layers import Convolution\nConvolution(1, 2)",
                  "import scratchcnn.layers\nclass Mine(scratchcnn.layers.Convolution):\n    pass")  # fmt: skip
    assert "may not be used in this exercise" in _text(result, 0) and "may not be used" in _text(result, 1)
    assert "forbidden:scratchcnn.layers.Convolution" in result.records


def test_the_grader_reads_the_outputs_file_without_trusting_it(tmp_path):
    result = _run(tmp_path, "import os, glob\nfor p in glob.glob('/run/autograder/*') + glob.glob('*'):\n    print(p)",
                  "import os\nos.write(4, b'garbage\\n{\"index\": 0, \"outputs\": \"no\"}\\n')\nprint('still here')")  # fmt: skip
    assert result.finished and _text(result, 1) == "still here\n"
    assert json.dumps(result.outputs)  # parsed despite the garbage
