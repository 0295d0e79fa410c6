"""`report ASSIGNMENT`: one self-contained HTML page, checked in Debian's Chromium.

The class is made by hand (manifest and results as collect and grade write them): five
students who submitted (one late, one far too late), one who did not, failure messages
that try to inject HTML.
"""

import json
from pathlib import Path

import pytest

from autograder import cli, report
from book_support.browser import CHROMIUM, PageWatcher, launched_chromium, serve
from test_autograder_term import COURSE_TOML, make_workdir

EVIL = '<img src=x onerror="document.title=\'pwned\'">'
TESTS = ["test_conv_forward_lecture", "test_conv_forward_hidden", "test_conv_backward_lecture", "test_conv_backward_hidden"]
POINTS = dict(zip(TESTS, [2.0, 3.0, 2.0, 3.0]))


def _cells(passed, message="out (lecture example): values differ"):
    return {t: {"score": POINTS[t] if t in passed else 0.0, "max_score": POINTS[t], "messages": [] if t in passed else [message]}
            for t in TESTS}  # fmt: skip


CLASS = {
    "ada": ("2026-03-04T02:00:00+00:00", 10.0),
    "ben": ("2026-03-04T03:10:00+00:00", 4.0),
    "cy": ("2026-03-05T04:00:00+00:00", 5.0),
    "dee": ("2026-03-20T04:00:00+00:00", 7.0),
    "ext": ("2026-03-06T01:00:00+00:00", 0.0),
}
MESSAGES = {
    "ada": _cells(TESTS),
    "ben": _cells(["test_conv_forward_lecture", "test_conv_backward_lecture"]),
    "cy": _cells(["test_conv_forward_lecture", "test_conv_forward_hidden"], message="dx has shape (2, 3); expected (2, 3, 4, 4)"),
    "dee": _cells(["test_conv_forward_lecture", "test_conv_forward_hidden", "test_conv_backward_lecture"]),
    "ext": _cells([], message=EVIL),
}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    course_file = tmp / "course.toml"
    course_file.write_text(COURSE_TOML)
    workdir = make_workdir(tmp / "workdir", klass=CLASS, messages=MESSAGES)
    roster = tmp / "roster.txt"
    roster.write_text("\n".join(list(CLASS) + ["eve"]) + "\n")
    assert cli.main(["roster", str(roster), "--workdir", str(workdir.root)]) == 0
    before = {p: p.read_bytes() for p in workdir.root.rglob("*") if p.is_file()}
    out = tmp / "site" / "report.html"
    assert cli.main(["report", "toyConv", "--workdir", str(workdir.root), "--course", str(course_file), "--out", str(out)]) == 0
    assert {p: p.read_bytes() for p in workdir.root.rglob("*") if p.is_file()} == before  # it only reads
    return out


def test_hidden_test_cells_are_recognised():
    cells = {gid: hidden for gid, _, hidden in report.test_cells("toyConv")}
    assert cells == {
        "test_conv_forward_lecture": False,
        "test_conv_forward_hidden": True,
        "test_conv_backward_lecture": False,
        "test_conv_backward_hidden": True,
    }


def test_statistics_count_passes_and_messages():
    tests = report.test_cells("toyConv")
    results = {s: {"status": "graded", "cells": cells} for s, cells in MESSAGES.items()}
    stats = report.test_statistics(tests, results)
    assert [stats[t]["passed"] for t in TESTS] == [4, 3, 3, 1]
    assert stats["test_conv_backward_hidden"]["messages"].most_common(1) == [("out (lecture example): values differ", 2)]


def test_the_page_is_self_contained_and_escaped(page_file):
    text = page_file.read_text()
    assert "<script" not in text and EVIL not in text
    assert 'src="http' not in text and "<link" not in text
    assert text.count('src="data:image/png;base64,') == 5  # scores, submissions, visible, hidden, time


def test_the_report_renders_in_chromium(page_file):
    assert Path(CHROMIUM).is_file(), f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)"
    with serve(page_file.parent) as base_url, launched_chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watcher = PageWatcher(context, base_url)
        page = context.new_page()
        watcher.watch(page)
        page.goto(base_url + page_file.name)
        assert page.title() == "Class report: toyConv"  # the injected onerror never ran
        images = page.evaluate("() => Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 100])")
        assert len(images) == 5 and all(ok for _, ok in images), images
        assert [alt for alt, _ in images] == [
            "histogram of the final scores",
            "bar chart of on-time, late and missing submissions",
            "Visible tests: share of students who passed",
            "Hidden tests: share of students who passed",
            "histogram of the grading time per notebook",
        ]
        status = page.locator("table.status tbody tr td").all_inner_texts()
        assert status == ["3", "2", "1"]  # on time (ben in the grace period, ext extended), late, missing
        visible, hidden = page.locator("table.tests").all()
        assert visible.locator("tbody tr").count() == 2 and hidden.locator("tbody tr").count() == 2
        assert "test_conv_backward_hidden" in hidden.inner_text() and "20%" in hidden.inner_text()
        messages = page.locator("table.messages").all_inner_texts()
        assert any(EVIL in m for m in messages)  # shown as text
        students = {row.locator("td").first.inner_text(): row.locator("td").all_inner_texts()
                    for row in page.locator("table.students tbody tr").all()}  # fmt: skip
        assert sorted(students) == ["ada", "ben", "cy", "dee", "eve", "ext"]
        assert students["cy"][4:7] == ["5", "1", "4"] and students["eve"][-1] == "missing"
        assert page.locator("text=median").count() >= 1
        assert watcher.take() == []  # no request left 127.0.0.1, no console error


def test_report_without_submissions_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["report", "toyConv", "--workdir", str(tmp_path / "empty")]) == 2
    assert "error: nothing collected for toyConv" in capsys.readouterr().err


def test_report_of_a_real_results_file_without_seconds(tmp_path, monkeypatch):
    """Results of errors (no "seconds", no cells) still make a page."""
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path / "course.toml"))
    (tmp_path / "course.toml").write_text("")
    workdir = make_workdir(tmp_path / "workdir", klass={"ada": ("2026-03-04T02:00:00+00:00", 0.0)})
    path = workdir.results / "toyConv" / "ada.json"
    path.write_text(json.dumps({"student": "ada", "status": "error: the notebook is not valid JSON", "score": 0.0, "cells": {}}))
    text = report.build("toyConv", workdir)
    assert "the notebook is not valid JSON" in text and "No notebook graded yet." in text
