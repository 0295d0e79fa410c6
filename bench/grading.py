"""Autograding throughput: does `grade --jobs 2` really grade two notebooks at a time?

Grades 20 copies of the toyConv solution with one worker and 40 with two, each in a fresh
working folder (collect not timed), and prints the wall-clock times, their ratio (target:
40 with two workers take at most 1.3 times as long as 20 with one, on a 2-core machine) and
the seconds per notebook on one worker (target: under 3 s). The ratio needs two idle cores:
the table also shows the machine's load average before each run and the mean number of
sandboxes that were running at once (sandbox seconds / wall seconds), which shows the
parallel path at work whatever else the machine is doing.

    python bench/grading.py         or         make bench   (runs every benchmark)
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

from autograder.collect import collect
from autograder.config import Workdir, source_notebook
from autograder.grade import grade

ASSIGNMENT = "toyConv"
RATIO_TARGET = 1.3
SECONDS_TARGET = 3.0


def _class(folder, size):
    """``size`` students who all submit the solution notebook."""
    for number in range(size):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        shutil.copyfile(source_notebook(ASSIGNMENT), student / f"{ASSIGNMENT}.ipynb")
    return folder


def time_grading(size, jobs):
    """(wall-clock seconds of `grade`, mean seconds inside the sandbox per notebook, load before)."""
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Workdir(Path(scratch) / "workdir")
        collect(ASSIGNMENT, _class(Path(scratch) / "class", size), workdir)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        results = grade(ASSIGNMENT, workdir, jobs=jobs, progress=False)
        elapsed = time.perf_counter() - start
    scores = {result["score"] for result in results.values()}
    if len(results) != size or scores != {10.0}:
        raise RuntimeError(f"the benchmark's submissions were not all graded 10/10: {scores}")
    return elapsed, sum(result["seconds"] for result in results.values()) / size, load


def main():
    time_grading(2, 1)  # warm up: imports, first gradebook, file caches
    rows = [("20 notebooks, --jobs 1", 20, *time_grading(20, 1)), ("40 notebooks, --jobs 2", 40, *time_grading(40, 2))]
    print(f"{'run':24} {'wall s':>7} {'s/notebook':>11} {'in sandbox':>11} {'at once':>8} {'load':>6}")
    for name, size, wall, sandbox, load in rows:
        print(f"{name:24} {wall:7.1f} {wall / size:11.2f} {sandbox:11.2f} {sandbox * size / wall:8.2f} {load:6.2f}")
    ratio = rows[1][2] / rows[0][2]
    print(f"ratio 40@2 / 20@1: {ratio:.2f} (target <= {RATIO_TARGET}) {'ok' if ratio <= RATIO_TARGET else 'MISSED'}")
    per = rows[0][2] / 20
    print(f"seconds per notebook, one worker: {per:.2f} (target < {SECONDS_TARGET}) {'ok' if per < SECONDS_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
