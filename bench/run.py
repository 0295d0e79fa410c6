"""Run every benchmark and print its table: `make bench` or `python bench/run.py [NAME ...]`.

The benchmarks (each a module here with a main()):
  ops       layer and training-step speed, peak step memory, as ratios to PyTorch
  training  the lecture notes' 20-epoch SimpleConvNet run, scratchcnn vs PyTorch
  grading   autograding throughput, one worker vs two
Speed targets live here, printed as ratios measured in one run; they are not timed tests.
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
    for name in names or BENCHMARKS:
        print(f"\n== bench/{name}.py ==", flush=True)
        start = time.perf_counter()
        importlib.import_module(name).main()
        print(f"({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
