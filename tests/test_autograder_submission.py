"""autograder.submission: any file in, cells or a clear status out."""

import json
import os

import nbformat
import pytest

from autograder import submission
from autograder.submission import BadSubmission, read


def _write(tmp_path, content):
    path = tmp_path / "toyConv.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize(
    "content, status",
    [
        (b"", "the notebook file is empty"),
        (b"\xff\xfe\x00", "the notebook is not UTF-8 text"),
        ('{"cells": [', "the notebook is not valid JSON (Expecting value at line 1)"),
        ("[" * 100_000 + "]" * 100_000, "the notebook is not valid JSON (nested too deeply)"),
        ('"a string"', "not a notebook: the file holds JSON, but not a notebook object"),
        ('{"nbformat": 5, "cells": []}', "not a notebook this grader reads (nbformat 5; expected 4)"),
        ('{"nbformat": 4, "cells": 3}', "not a notebook: it has no list of cells"),
    ],
)
def test_broken_files_raise_the_status_they_get(tmp_path, content, status):
    with pytest.raises(BadSubmission) as error:
        read(_write(tmp_path, content))
    assert str(error.value) == status


def test_size_and_file_type_are_checked_before_reading(tmp_path):
    path = _write(tmp_path, "{}")
    with pytest.raises(BadSubmission, match="more than the 0 MB"):
        read(path, max_bytes=1)
    (tmp_path / "link.ipynb").symlink_to(path)
    with pytest.raises(BadSubmission, match="not a regular file"):
        read(tmp_path / "link.ipynb")
    with pytest.raises(BadSubmission, match="no notebook was submitted"):
        read(tmp_path / "missing.ipynb")


def test_odd_cells_are_normalised():
    notebook = {"nbformat": 4, "cells": [
        {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {"nbgrader": {"grade_id": "x"}}},
        {"cell_type": "weird", "source": 5, "metadata": "no"},
        "not a cell",
    ]}  # fmt: skip
    from autograder.submission import cells_of

    cells, notes = cells_of(notebook)
    assert [(c["cell_type"], c["source"], c["metadata"]) for c in cells] == [
        ("code", "a = 1\nb = 2", {"nbgrader": {"grade_id": "x"}}),
        ("raw", "", {}),
    ]
    assert notes == []


def test_nbformat_3_is_upgraded_with_its_metadata(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "answer", "solution": True}}),
    ])  # fmt: skip
    path = tmp_path / "old.ipynb"
    nbformat.write(nbformat.convert(notebook, 3), path)
    assert json.loads(path.read_text())["nbformat"] == 3
    cells, notes = read(path)
    assert [(c["cell_type"], c["source"]) for c in cells] == [("markdown", "# Title"), ("code", "x = 1")]
    assert cells[1]["metadata"]["nbgrader"]["grade_id"] == "answer"
    assert notes == ["converted from nbformat 3"]


def test_the_reader_refuses_symlinks_and_fifos_and_caps_the_size(tmp_path):
    data = tmp_path / "data"
    data.write_text("x" * 1000)
    assert submission.read_untrusted(data, 10) == b"x" * 10
    (tmp_path / "link").symlink_to(data)
    assert submission.read_untrusted(tmp_path / "link", 100) == b""
    os.mkfifo(tmp_path / "fifo")
    assert submission.read_untrusted(tmp_path / "fifo", 100) == b""  # returns at once, no hang
    assert submission.read_untrusted(tmp_path / "missing", 100) == b""


def test_a_lone_surrogate_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "# \\ud800 x", "metadata": {}}]}')
    cells, _ = submission.read(path)
    assert cells[0]["source"] == "# \ufffd x"
    cells[0]["source"].encode("utf-8")  # writable as UTF-8
