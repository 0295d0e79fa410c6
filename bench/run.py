"""Run every benchmark and print its table: `make bench` or `python bench/run.py [NAME ...]`.

The benchmarks (each a module here with a main()):
  ops       layer and training-step speed, peak step memory, as ratios to PyTorch
  training  the lecture notes' 20-epoch SimpleConvNet run, scratchcnn vs PyTorch
  grading   autograding throughput, one worker vs two
Speed targets live in those modules, printed as ratios measured in one run (interleaved
rounds, median and spread, "noisy" when a side spreads too much: see report.py); they are
not timed tests. The rows of every benchmark that returns them are saved together to
_build/bench/results.json (and a dated copy) and drawn in _build/bench/ratios.png.
"""

import importlib
import os
import sys
import time

BENCHMARKS = ["ops", "training", "grading"]


def main(names):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; choose from {BENCHMARKS}")
    rows = []
    for name in names or BENCHMARKS:
        print(f"\n== bench/{name}.py ==", flush=True)
        start = time.perf_counter()
        result = importlib.import_module(name).main()
        # ops and training return judged rows (dicts); grading prints its own table.
        rows += [row for row in result or () if isinstance(row, dict)]
        print(f"({time.perf_counter() - start:.0f} s)", flush=True)
    if rows:
        import report
        from ops import THREADS

        for path in report.save(rows, THREADS):
            print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
