"""Autograding throughput: does `grade --jobs 2` really grade two notebooks at a time?

Grades 20 copies of the toyConv solution with one worker and 40 with two, each in a fresh
working folder (collect not timed), and prints the wall-clock times, their ratio (target:
40 with two workers take at most 1.3 times as long as 20 with one, on a 2-core machine) and
the seconds per notebook on one worker (target: under 3 s). The ratio needs two idle cores:
the table also shows the machine's load average before each run and the mean number of
sandboxes that were running at once (sandbox seconds / wall seconds), which shows the
parallel path at work whatever else the machine is doing.

Then the same on a Dask cluster (`grade --cluster`, a scheduler and workers started here on
127.0.0.1, see autograder/cluster.py), in interleaved rounds (median and spread): seconds per
notebook once grading runs (the fixed start of a run, nbgrader's registration and the
probe of the workers, left out) for local `--jobs 1`, a cluster of one worker and one of two
workers; as ratios, the throughput of two workers over one (the 2-core ceiling is 2) and
the per-notebook cost of the cluster over local grading. Last, the convnet solution graded
on one worker gives the per-notebook time the estimate of workers for 5,000 convnet
notebooks in 8 hours starts from.

First of all, the convnet solution (which trains a SimpleConvNet with the library's layers,
on the one CPU the sandbox allows) graded locally, seconds per notebook: target <= 8 s with
`--jobs 1`, the median of several notebooks graded one after another, with its spread
("noisy", never "ok", when it spreads more than report.py allows); then a class of two
notebooks per core graded with `--jobs` = the cores, the throughput of a large class
(seconds per notebook once grading runs), for comparison.

    python bench/grading.py         or         make bench   (runs every benchmark)
    python bench/grading.py cluster (only the cluster part)
    python bench/grading.py convnet (only the convnet solution)
"""

import math
import os
import shutil
import sys
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


CLUSTER_CLASS = 12
CLUSTER_ROUNDS = 3
CONVNET_NOTEBOOKS = 2  # on the cluster
CONVNET_SAMPLES = 5  # notebooks timed one after another with --jobs 1 (median and spread)
CLASS_OF_A_MOOC = 5_000
NIGHT_SECONDS = 8 * 3600
STUDENT_AVERAGE_SECONDS = 30.0  # the estimate of a student's own convnet training
# The convnet solution's run in the sandbox (issue 14: 7.9-9.1 s on the 2-core AMD machine),
# used when the official MNIST test digits its hidden tests need are not here.
CONVNET_SOLUTION_SECONDS = 9.0
CONVNET_TARGET_SECONDS = 8.0


def _marginal_grading(assignment, size, **options):
    """(seconds per notebook once grading runs, mean seconds inside the sandbox, wall seconds,
    the seconds between one result written and the next).

    Timed from the first result written to the last, so that the fixed start of a run
    (registration in the gradebook, the template, the probe of the workers) is left out.
    """
    from autograder import grade as grade_module

    written = []
    original = grade_module._save_result

    def timed(*args):
        original(*args)
        written.append(time.perf_counter())

    grade_module._save_result = timed
    try:
        with tempfile.TemporaryDirectory() as scratch:
            workdir = Workdir(Path(scratch) / "workdir")
            folder = Path(scratch) / "class"
            for number in range(size):
                student = folder / f"student{number:03d}"
                student.mkdir(parents=True)
                shutil.copyfile(source_notebook(assignment), student / f"{assignment}.ipynb")
            collect(assignment, folder, workdir)
            start = time.perf_counter()
            results = grade(assignment, workdir, progress=False, **options)
            wall = time.perf_counter() - start
    finally:
        grade_module._save_result = original
    if len(results) != size or any(not r["status"].startswith("graded") for r in results.values()):
        raise RuntimeError(f"the benchmark's submissions were not all graded: {[r['status'] for r in results.values()]}")
    per = (written[-1] - written[0]) / (size - 1) if size > 1 else wall
    gaps = [later - earlier for earlier, later in zip(written, written[1:])]
    return per, sum(r["seconds"] for r in results.values()) / size, wall, gaps


def cluster_main():
    import report

    from autograder.cluster import local_cluster

    with local_cluster(workers=1) as one, local_cluster(workers=2) as two:
        sides = {
            "local --jobs 1": {"jobs": 1},
            "cluster, 1 worker": {"cluster": one.address},
            "cluster, 2 workers": {"cluster": two.address},
        }
        for options in sides.values():  # warm up: imports, first gradebook, workers' imports
            _marginal_grading(ASSIGNMENT, 2, **options)
        measured = {name: [] for name in sides}
        names = list(sides)
        for round_number in range(CLUSTER_ROUNDS):  # rotate the order: load falls on every side
            order = names[round_number % 3 :] + names[: round_number % 3]
            for name in order:
                measured[name].append(_marginal_grading(ASSIGNMENT, CLUSTER_CLASS, **sides[name]))
        try:
            convnet = _marginal_grading("convnet", CONVNET_NOTEBOOKS, cluster=one.address)
        except ValueError as error:  # its hidden tests need the official MNIST test digits
            print(f"convnet not graded here ({str(error).splitlines()[0]})")
            convnet = None
    load = os.getloadavg()[0]
    print(f"\n{ASSIGNMENT} solution x {CLUSTER_CLASS}, {CLUSTER_ROUNDS} interleaved rounds, load {load:.2f}")
    print(f"{'run':20} {'s/notebook':>11} {'spread':>7} {'in sandbox':>11} {'wall s':>7}")
    summaries = {}
    for name, rows in measured.items():
        summaries[name] = report.summary([per for per, *_ in rows])
        sandbox = report.summary([inside for _, inside, *_ in rows])["median"]
        wall = report.summary([w for _, _, w, _ in rows])["median"]
        print(f"{name:20} {summaries[name]['median']:11.2f} {summaries[name]['spread']:7.0%} {sandbox:11.2f} {wall:7.1f}")
    one_worker, two_workers = summaries["cluster, 1 worker"]["median"], summaries["cluster, 2 workers"]["median"]
    local = summaries["local --jobs 1"]["median"]
    print(f"throughput, 2 workers / 1 worker: {one_worker / two_workers:.2f} (ceiling 2 on this {os.cpu_count()}-core machine)")
    print(f"per-notebook time, cluster (1 worker) / local (--jobs 1): {one_worker / local:.2f} "
          f"({one_worker - local:+.2f} s per notebook)")  # fmt: skip
    # What a notebook costs besides its own run: the grader's work before and after, and the cluster's.
    outside = one_worker - report.summary([inside for _, inside, _ in measured["cluster, 1 worker"]])["median"]
    if convnet:
        per_convnet, inside = convnet[0], convnet[1]
        print(f"convnet solution on one worker: {per_convnet:.1f} s per notebook ({inside:.1f} s in the sandbox)")
    else:
        inside = CONVNET_SOLUTION_SECONDS
        per_convnet = inside + outside
        print(f"convnet solution: {inside:g} s in the sandbox (measured here before, see the issue) "
              f"+ {outside:.2f} s measured around each toyConv notebook = {per_convnet:.1f} s")  # fmt: skip
    for what, seconds in (("the solution", per_convnet), (f"students' {STUDENT_AVERAGE_SECONDS:g} s average",
                                                          STUDENT_AVERAGE_SECONDS + per_convnet - inside)):  # fmt: skip
        workers = math.ceil(CLASS_OF_A_MOOC * seconds / NIGHT_SECONDS)
        print(f"5,000 convnet notebooks in 8 hours, {what} ({seconds:.1f} s each): {workers} one-core workers")
    return summaries


def convnet_main():
    """The convnet solution graded with `grade --jobs 1`: seconds per notebook, against its target."""
    try:
        _, inside, _, gaps = _marginal_grading("convnet", CONVNET_SAMPLES + 1, jobs=1)
    except ValueError as error:  # its hidden tests need the official MNIST test digits
        print(f"convnet not graded here ({str(error).splitlines()[0]})")
        return
    import report

    # One notebook after another: each gap between two results is one notebook's grading.
    per = report.summary(gaps)
    load = os.getloadavg()[0]
    noisy = per["spread"] > report.NOISE_BOUND or load > report.BUSY_LOAD
    verdict = "noisy" if noisy else "ok" if per["median"] <= CONVNET_TARGET_SECONDS else "MISSED"
    print(f"convnet solution, --jobs 1: {per['median']:.1f} [{per['min']:.1f}-{per['max']:.1f}] s per notebook "
          f"(median [min-max] of {len(gaps)}; {inside:.1f} s in the sandbox), load {load:.2f} "
          f"(target <= {CONVNET_TARGET_SECONDS:g} s) {verdict}")  # fmt: skip
    cores = os.cpu_count() or 1  # as bench/ops.py counts them
    if cores > 1:
        per, inside, *_ = _marginal_grading("convnet", 2 * cores + 1, jobs=cores)
        print(f"convnet solution, a class of {2 * cores + 1} with --jobs {cores}: {per:.1f} s per notebook "
              f"({inside:.1f} s in the sandbox), load {os.getloadavg()[0]:.2f}")  # fmt: skip


def main():
    if sys.argv[1:] == ["cluster"]:
        return cluster_main()
    if sys.argv[1:] == ["convnet"]:
        return convnet_main()
    convnet_main()
    time_grading(2, 1)  # warm up: imports, first gradebook, file caches
    rows = [("20 notebooks, --jobs 1", 20, *time_grading(20, 1)), ("40 notebooks, --jobs 2", 40, *time_grading(40, 2))]
    print(f"{'run':24} {'wall s':>7} {'s/notebook':>11} {'in sandbox':>11} {'at once':>8} {'load':>6}")
    for name, size, wall, sandbox, load in rows:
        print(f"{name:24} {wall:7.1f} {wall / size:11.2f} {sandbox:11.2f} {sandbox * size / wall:8.2f} {load:6.2f}")
    ratio = rows[1][2] / rows[0][2]
    print(f"ratio 40@2 / 20@1: {ratio:.2f} (target <= {RATIO_TARGET}) {'ok' if ratio <= RATIO_TARGET else 'MISSED'}")
    per = rows[0][2] / 20
    print(f"seconds per notebook, one worker: {per:.2f} (target < {SECONDS_TARGET}) {'ok' if per < SECONDS_TARGET else 'MISSED'}")
    cluster_main()


if __name__ == "__main__":
    main()
