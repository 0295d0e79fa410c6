"""autograder.collect: folders and zips stored read-only, with sha256, nothing escaping."""

import hashlib
import json
import zipfile

import pytest

from autograder.collect import collect, load_manifest
from autograder.config import Workdir

NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})


@pytest.fixture
def workdir(tmp_path):
    return Workdir(tmp_path / "workdir")


def test_folders_lms_names_and_a_wrapping_folder(tmp_path, workdir):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("course export/ann/toyConv.ipynb", NOTEBOOK)
        zipped.writestr("course export/ann/data/x.csv", "1")
        zipped.writestr("course export/bo_123_late_toyConv.ipynb/../bo_123_late_toyConv.ipynb", NOTEBOOK)
    report = collect("toyConv", archive, workdir)
    assert report.collected == {"ann": "new"}
    assert report.skipped == ["'course export/bo_123_late_toyConv.ipynb/../bo_123_late_toyConv.ipynb': the path leaves the archive"]

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "bo_123_late_toyConv.ipynb").write_text(NOTEBOOK)
    (flat / "cy_toyConv.ipynb").write_text(NOTEBOOK)
    (flat / "nobody.ipynb").write_text(NOTEBOOK)
    (flat / "d!e_toyConv.ipynb").write_text(NOTEBOOK)
    report = collect("toyConv", flat, workdir)
    assert report.collected == {"bo": "new", "cy": "new"}
    assert sorted(report.skipped) == [
        "'d!e_toyConv.ipynb': 'd!e' is not a valid student id",
        "'nobody.ipynb': not in a student folder and not named <student_id>_..._<notebook>",
    ]
    manifest = load_manifest(workdir, "toyConv")["students"]
    assert sorted(manifest) == ["ann", "bo", "cy"]
    assert manifest["ann"]["files"] == {
        "toyConv.ipynb": hashlib.sha256(NOTEBOOK.encode()).hexdigest(),
        "data/x.csv": hashlib.sha256(b"1").hexdigest(),
    }


def test_stored_files_are_read_only_and_a_repeat_changes_nothing(tmp_path, workdir):
    folder = tmp_path / "class" / "ann"
    folder.mkdir(parents=True)
    (folder / "toyConv.ipynb").write_text(NOTEBOOK)
    assert collect("toyConv", folder.parent, workdir).collected == {"ann": "new"}
    stored = workdir.submitted / "ann" / "toyConv"
    assert sorted(p.name for p in stored.iterdir()) == ["timestamp.txt", "toyConv.ipynb"]
    assert all(p.stat().st_mode & 0o222 == 0 for p in [stored, *stored.iterdir()])
    assert collect("toyConv", folder.parent, workdir).collected == {"ann": "unchanged"}

    (folder / "toyConv.ipynb").write_text(NOTEBOOK.replace("[]", "[ ]"))
    assert collect("toyConv", folder.parent, workdir).collected == {"ann": "replaced"}
    archived = list((workdir.archive / "toyConv" / "ann").glob("*/toyConv.ipynb"))
    assert [p.read_text() for p in archived] == [NOTEBOOK]


def test_sizes_are_capped_while_copying(tmp_path, workdir, monkeypatch):
    import autograder.collect as module

    monkeypatch.setattr(module, "MAX_EXTRA_FILE_BYTES", 10)
    folder = tmp_path / "class" / "ann"
    folder.mkdir(parents=True)
    (folder / "toyConv.ipynb").write_text(NOTEBOOK)
    (folder / "big.bin").write_bytes(b"x" * 11)
    report = collect("toyConv", folder.parent, workdir)
    assert report.notes["ann"] == ["'big.bin' not collected: too large"]
    assert not (workdir.submitted / "ann" / "toyConv" / "big.bin").exists()


def test_several_notebooks_and_none_at_the_expected_name(tmp_path, workdir):
    folder = tmp_path / "class" / "ann"
    folder.mkdir(parents=True)
    (folder / "a.ipynb").write_text(NOTEBOOK)
    (folder / "b.ipynb").write_text(NOTEBOOK)
    report = collect("toyConv", folder.parent, workdir)
    assert report.notes["ann"] == ["no toyConv.ipynb among the notebooks ['a.ipynb', 'b.ipynb']"]
    assert load_manifest(workdir, "toyConv")["students"]["ann"]["notebook"] is None
