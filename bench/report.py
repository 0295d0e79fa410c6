"""How the benchmarks measure, judge and record a ratio to PyTorch, so that none flatters.

* Both sides are measured in the same process (or, for memory, in alternating fresh
  processes) in interleaved rounds: ours, theirs, theirs, ours, ... so that background load
  falls on both, and neither always runs first.
* Each side is summarised by the median of its rounds and their spread, min to max. The
  ratio is median over median.
* A side whose spread exceeds ``NOISE_BOUND`` (relative to its median) makes the verdict
  "noisy", never "ok": a reference slowed down by a burst of load would otherwise make a
  target pass. So does a load average above ``BUSY_LOAD`` while measuring: a multi-threaded
  reference on a machine busy with other jobs is slowed down in every round alike. Rerun on a quiet machine (``uptime``) until the row says "ok" or "MISSED".
* Each library finds the memory allocator (and the other's idle threads) as the other left
  it, which can slow one side in every round alike. So the reference is also timed in a
  process of its own (:func:`reference_alone`), and the ratio is taken against the faster of
  its two medians: never against a reference the shared process slowed down.
* :func:`save` writes every row to ``_build/bench/results.json`` (and a dated copy) and draws
  ``_build/bench/ratios.png``: one bar per workload, its ratio with the range the spreads
  allow, against its target. The previous ``results.json`` is read first, so the table can
  show the last run's ratio beside this one's.
"""

import datetime
import json
import os
import statistics
import time
from pathlib import Path

# A side's rounds may spread (max - min) by at most this fraction of their median.
NOISE_BOUND = 0.25
# A 1-minute load average above this means other jobs compete for the cores: a reference that
# uses several threads can then be slowed down evenly in every round (no spread, still unfair).
BUSY_LOAD = (os.cpu_count() or 1) + 0.5
OUT_DIR = Path(__file__).resolve().parents[1] / "_build" / "bench"


def summary(values):
    """{"median", "min", "max", "spread"} of a list of measurements (spread relative to median)."""
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "spread": (max(values) - min(values)) / median if median else 0.0,
        "rounds": len(values),
    }


def interleave(measure_ours, measure_theirs, rounds):
    """Call the two measuring functions in alternating order, ``rounds`` times each.

    Round r measures ours then theirs when r is even, theirs then ours when it is odd.
    Returns (our values, their values).
    """
    ours, theirs = [], []
    for r in range(rounds):
        pair = [(measure_ours, ours), (measure_theirs, theirs)]
        for measure, values in pair if r % 2 == 0 else reversed(pair):
            values.append(measure())
    return ours, theirs


def time_call(fn, repeats, warmup=2):
    """Median wall time of ``fn()`` over ``repeats`` calls, in milliseconds (after a warm-up)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def row(benchmark, workload, unit, ours, theirs, target, load=None, timed=True, theirs_alone=None):
    """One judged result. ``ours``/``theirs``: lists of per-round measurements; ``load``: the
    1-minute load average just after measuring (read now when not given), which can make a
    ``timed`` row noisy (memory rows are judged on their spread only).

    ``theirs_alone``: the reference measured in a process of its own (see
    :func:`reference_alone`). The ratio is then taken against the faster of its two medians:
    a reference slowed down by sharing the process never makes a target pass."""
    ours, theirs = summary(ours), summary(theirs)
    reference = "shared"
    if theirs_alone:
        theirs_alone = summary(theirs_alone)
        if theirs_alone["median"] < theirs["median"]:
            reference = "alone"
    ratio = ours["median"] / (theirs_alone if reference == "alone" else theirs)["median"]
    load = os.getloadavg()[0] if load is None else load
    sides = [ours, theirs] + ([theirs_alone] if theirs_alone else [])
    noisy = max(side["spread"] for side in sides) > NOISE_BOUND or (timed and load > BUSY_LOAD)
    if target is None:
        verdict = "noisy" if noisy else ""
    elif noisy:
        verdict = "noisy"
    else:
        verdict = "ok" if ratio <= target else "MISSED"
    return {
        "benchmark": benchmark,
        "workload": workload,
        "unit": unit,
        "ours": ours,
        "theirs": theirs,
        "theirs_alone": theirs_alone,
        "reference": reference,  # which of the two medians the ratio is taken against
        "ratio": ratio,
        "target": target,
        "load": load,
        "noisy": noisy,
        "verdict": verdict,
    }


def in_fresh_process(module, function, *args, environment=None):
    """``module.function(*args)`` run in a fresh Python process (bench/ on its path,
    ``environment`` added to its environment variables), which prints its measurements as
    JSON on its last line: returned decoded."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parent
    code = f"import sys; sys.path.insert(0, {str(bench)!r}); import {module}; {module}.{function}(*{args!r})"
    env = dict(os.environ, **(environment or {}))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def reference_alone(module, function, *args, environment=None):
    """Per-round measurements of the reference alone, in a process of its own (see
    :func:`in_fresh_process`).

    Why: in one process, each library finds the memory allocator as the other left it.
    PyTorch's convolution backward was measured at 4 ms after PyTorch's own training step
    and at 13 to 16 ms after scratchcnn's, the slowdown the same in every round (so no
    spread to flag it): a ratio against that would flatter scratchcnn."""
    return in_fresh_process(module, function, *args, environment=environment)


def _side(side, unit):
    return f"{side['median']:.1f} [{side['min']:.1f}-{side['max']:.1f}] {unit}"


def _alone(r):
    """The reference's median in a process of its own, when it was measured so."""
    alone = r.get("theirs_alone")
    return f"{alone['median']:.1f} {r['unit']}" if alone else ""


def print_table(rows, title, previous=None):
    """The rows as a table under ``title`` (the load average is appended): each side's median
    [min-max], the ratio, target, verdict and the load while measuring.

    ``previous``: {workload: ratio} of the last saved run, shown in a column when given.
    """
    previous = previous or {}
    print(f"{title}; load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"noise bounds: a side's spread (max - min) / median above {NOISE_BOUND:.0%}, or a load average "
        f"above {BUSY_LOAD:g} while measuring, gives 'noisy', never 'ok'"
    )
    header = f"{'workload':46s} {'scratchcnn median [min-max]':>30s} {'PyTorch median [min-max]':>30s} {'PyTorch alone':>14s} {'ratio':>7s} {'target':>12s} {'load':>5s}"
    print(header + (f" {'last run':>9s}" if previous else ""))
    for r in rows:
        target = "" if r["target"] is None else f"<= {r['target']:g} {r['verdict']}"
        if r["target"] is None and r["verdict"]:
            target = r["verdict"]
        line = f"{r['workload']:46s} {_side(r['ours'], r['unit']):>30s} {_side(r['theirs'], r['unit']):>30s} {_alone(r):>14s} {r['ratio']:6.2f}x {target:>12s} {r['load']:5.2f}"
        if previous:
            last = previous.get(r["workload"])
            line += f" {'' if last is None else f'{last:.2f}x':>9s}"
        print(line, flush=True)


def load_previous(path=None):
    """{workload: ratio} from the last saved results, or {} if there are none."""
    path = Path(path or OUT_DIR / "results.json")
    try:
        return {r["workload"]: r["ratio"] for r in json.loads(path.read_text())["rows"]}
    except (OSError, ValueError, KeyError):
        return {}


def save(rows, threads, out_dir=None):
    """Write ``results.json`` (plus a dated copy) and ``ratios.png`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir or OUT_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now()
    record = {
        "time": now.isoformat(timespec="seconds"),
        "threads": threads,
        "load_average": os.getloadavg(),
        "noise_bound": NOISE_BOUND,
        "rows": rows,
    }
    text = json.dumps(record, indent=1) + "\n"
    latest = out_dir / "results.json"
    latest.write_text(text)
    (out_dir / f"results-{now:%Y%m%d-%H%M%S}.json").write_text(text)
    chart = out_dir / "ratios.png"
    plot(rows, chart, f"scratchcnn / PyTorch, {threads} threads each, {now:%Y-%m-%d %H:%M}")
    return latest, chart


def plot(rows, path, title):
    """A bar per workload: the ratio (with the range its spreads allow) against its target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["target"] is not None]
    colours = {"ok": "tab:green", "MISSED": "tab:red", "noisy": "tab:orange"}
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rows)), 4.5))
    for x, r in enumerate(rows):
        reference = r["theirs_alone"] if r.get("reference") == "alone" else r["theirs"]
        low = r["ours"]["min"] / reference["max"]
        high = r["ours"]["max"] / reference["min"]
        ax.bar(x, r["ratio"], color=colours.get(r["verdict"], "tab:gray"), width=0.6)
        ax.errorbar(x, r["ratio"], yerr=[[r["ratio"] - low], [high - r["ratio"]]], color="black", capsize=4)
        ax.hlines(r["target"], x - 0.4, x + 0.4, colors="black", linestyles="--")
        ax.annotate(f"{r['ratio']:.2f}x\n{r['verdict']}", (x, high), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)
    ax.set_xticks(range(len(rows)), [r["workload"] for r in rows], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("ratio to PyTorch (lower is better)")
    ax.set_title(title + "\nbars: median ratio; whiskers: min/max over the rounds; dashes: target", fontsize=9)
    ax.set_ylim(0, max([1.6] + [r["ours"]["max"] / min(r["theirs"]["min"], (r.get("theirs_alone") or r["theirs"])["min"]) * 1.2 for r in rows]))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
