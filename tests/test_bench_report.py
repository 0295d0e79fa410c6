"""bench/report.py: how a ratio to PyTorch is judged, so that no benchmark flatters."""

import sys

import pytest

from book_support.build import REPO

sys.path.insert(0, str(REPO / "bench"))
import report  # noqa: E402


def test_the_ratio_is_taken_against_the_faster_reference():
    """PyTorch slowed down in the shared process (15 ms) while 5 ms alone: against 5 ms."""
    slowed = report.row("ops", "w", "ms", [10, 10.5, 11], [15, 15.5, 16], 1.25, load=0.5, theirs_alone=[5, 5.2, 5.4])
    assert (slowed["reference"], round(slowed["ratio"], 3), slowed["verdict"]) == ("alone", 2.019, "MISSED")
    shared = report.row("ops", "w", "ms", [10, 10.5, 11], [5, 5.2, 5.4], 1.25, load=0.5, theirs_alone=[15, 15.5, 16])
    assert (shared["reference"], shared["verdict"]) == ("shared", "MISSED")


@pytest.mark.parametrize(
    "ours, theirs, alone, load",
    [([10, 10, 10], [10, 14, 20], None, 0.5), ([10, 10, 10], [20, 20, 20], [10, 12, 15], 0.5), ([10, 10, 10], [20, 20, 20], None, 9.0)],
    ids=["reference-spread", "alone-spread", "busy-machine"],
)
def test_a_noisy_measurement_never_passes(ours, theirs, alone, load):
    assert report.row("ops", "w", "ms", ours, theirs, 1.0, load=load, theirs_alone=alone)["verdict"] == "noisy"


def test_save_writes_the_figures_and_a_chart(tmp_path):
    rows = [
        report.row("ops", "slowed reference", "ms", [10, 11, 12], [4, 5, 6], 1.25, load=0.5, theirs_alone=[14, 15, 16]),
        report.row("ops", "alone faster", "ms", [8, 9, 10], [15, 16, 17], 1.0, load=0.5, theirs_alone=[9, 9.5, 10]),
        report.row("ops", "memory", "MiB", [1, 1, 1], [2, 2, 2], 1.0, timed=False),
    ]
    latest, chart = report.save(rows, 2, tmp_path)
    assert report.load_previous(latest) == {row["workload"]: row["ratio"] for row in rows}
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
