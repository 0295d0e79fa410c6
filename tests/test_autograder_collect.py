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


def _zip(path, entries):
    """A zip with ``entries``: [(name, text, (year, month, day, hour, minute, second))]."""
    with zipfile.ZipFile(path, "w") as zipped:
        for name, text, when in entries:
            zipped.writestr(zipfile.ZipInfo(name, when), text)
    return path


def test_one_bad_entry_never_stops_the_others_and_collecting_again_works(tmp_path, workdir):
    when = (2026, 3, 1, 10, 0, 0)
    archive = _zip(tmp_path / "class.zip", [
        ("ann/toyConv.ipynb", NOTEBOOK, when),
        ("ann/data", "a file", when),
        ("ann/data/x.csv", "a file in a folder of the same name", when),
        ("bo/toyConv.ipynb", NOTEBOOK, when),
        ("bo/timestamp.txt/inside", "a folder named like the grader's time stamp", when),
        ("cy/toyConv.ipynb", NOTEBOOK, when),
        ("cy/" + "n" * 300 + ".txt", "a very long name", when),
        ("dee/toyConv.ipynb", NOTEBOOK, when),
    ])  # fmt: skip
    report = collect("toyConv", archive, workdir)
    assert report.collected == {"ann": "new", "bo": "new", "cy": "new", "dee": "new"}
    assert report.notes["ann"] == ["'data/x.csv' not collected: a file and a folder have the same name"]
    assert report.notes["bo"] == ["'timestamp.txt/inside' not collected: timestamp.txt is the name of the grader's time stamp"]
    assert report.skipped == [f"'cy/{'n' * 300}.txt': a name longer than 200 bytes"]
    assert sorted(load_manifest(workdir, "toyConv")["students"]) == ["ann", "bo", "cy", "dee"]
    # The same archive again, then a corrected one: both work.
    assert collect("toyConv", archive, workdir).collected == dict.fromkeys(["ann", "bo", "cy", "dee"], "unchanged")
    fixed = _zip(tmp_path / "fixed.zip", [("ann/toyConv.ipynb", NOTEBOOK.replace("[]", "[ ]"), when)])
    assert collect("toyConv", fixed, workdir).collected == {"ann": "replaced"}
    assert collect("toyConv", archive, workdir).collected["ann"] == "replaced"  # and back: two archived copies
    assert len(list((workdir.archive / "toyConv" / "ann").iterdir())) == 2


def test_a_crash_for_one_student_still_collects_the_rest_and_writes_the_manifest(tmp_path, workdir, monkeypatch):
    import autograder.collect as module

    real = module._store

    def failing(entries, notebook, folder, notes):
        if "boom.txt" in entries:
            raise OSError(28, "No space left on device")
        return real(entries, notebook, folder, notes)

    monkeypatch.setattr(module, "_store", failing)
    when = (2026, 3, 1, 10, 0, 0)
    archive = _zip(tmp_path / "class.zip", [("ann/toyConv.ipynb", NOTEBOOK, when), ("ann/boom.txt", "x", when),
                                            ("bo/toyConv.ipynb", NOTEBOOK, when)])  # fmt: skip
    report = collect("toyConv", archive, workdir)
    assert report.collected == {"bo": "new"}
    assert report.notes["ann"] == ["not collected: OSError: [Errno 28] No space left on device"]
    assert "ann" in "\n".join(report.lines()) and list(load_manifest(workdir, "toyConv")["students"]) == ["bo"]
    assert not list(workdir.tmp.glob("collect-*"))


def test_the_last_submitted_attempt_wins_and_the_others_are_reported(tmp_path, workdir):
    archive = _zip(tmp_path / "lms.zip", [
        ("ann_2_second_toyConv.ipynb", NOTEBOOK.replace("[]", "[ ]"), (2026, 3, 2, 9, 0, 0)),
        ("ann_1_first_toyConv.ipynb", NOTEBOOK, (2026, 3, 1, 9, 0, 0)),
        ("bo/toyConv.ipynb", NOTEBOOK, (2026, 3, 1, 9, 0, 0)),
        ("bo/timestamp.txt", "2026-03-05 08:00:00.000000 UTC", (2026, 3, 1, 9, 0, 0)),
        ("bo_9_late_toyConv.ipynb", NOTEBOOK.replace("[]", "[ ]"), (2026, 3, 3, 9, 0, 0)),
    ])  # fmt: skip
    report = collect("toyConv", archive, workdir)
    manifest = load_manifest(workdir, "toyConv")["students"]
    assert manifest["ann"]["files"]["toyConv.ipynb"] == hashlib.sha256(NOTEBOOK.replace("[]", "[ ]").encode()).hexdigest()
    assert report.notes["ann"][-1].startswith("2 attempts: kept the last submitted, the file 'ann_2_second_toyConv.ipynb'")
    # bo's folder carries nbgrader's time stamp, later than the flat file's time: the folder wins.
    assert manifest["bo"]["files"]["toyConv.ipynb"] == hashlib.sha256(NOTEBOOK.encode()).hexdigest()
    assert (manifest["bo"]["submitted"], manifest["bo"]["submitted_from"]) == ("2026-03-05T08:00:00.000000+00:00", "timestamp.txt")
    assert (workdir.submitted / "bo" / "toyConv" / "timestamp.txt").read_text() == "2026-03-05 08:00:00.000000 UTC\n"
    assert "not collected: the file 'bo_9_late_toyConv.ipynb'" in report.notes["bo"][-1]


def test_names_that_are_not_utf8_are_skipped(tmp_path, workdir):
    import os

    folder = tmp_path / "class"
    (folder / "ann").mkdir(parents=True)
    (folder / "ann" / "toyConv.ipynb").write_text(NOTEBOOK)
    with open(os.path.join(os.fsencode(folder / "ann"), b"bad\xff\x1b[31m.txt"), "w") as file:
        file.write("x")
    report = collect("toyConv", folder, workdir)
    assert report.collected == {"ann": "new"}
    assert report.skipped == ["'ann/bad\\udcff\\x1b[31m.txt': the name is not valid UTF-8"]
    assert "\x1b" not in "\n".join(report.lines())  # no escape sequence reaches the terminal


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "not a time", "\x00\xff" * 50])
def test_a_time_stamp_the_grader_cannot_read_stops_no_one(tmp_path, workdir, stamp):
    """A student writes their own timestamp.txt: a date that leaves the calendar once taken
    to UTC (OverflowError), or no date at all, only makes the grader use the archive's time,
    for that student; the others are collected as usual."""
    folder = tmp_path / "class"
    for student in ("ann", "bo"):
        (folder / student).mkdir(parents=True)
        (folder / student / "toyConv.ipynb").write_text(NOTEBOOK)
    (folder / "ann" / "timestamp.txt").write_text(stamp, encoding="utf-8", errors="surrogateescape")
    report = collect("toyConv", folder, workdir)
    assert report.collected == {"ann": "new", "bo": "new"}
    manifest = load_manifest(workdir, "toyConv")["students"]
    assert manifest["ann"]["submitted_from"] == "archive"
    assert "timestamp.txt holds no time the grader can read; the archive's time was used" in report.notes["ann"]
