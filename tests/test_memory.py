"""Tests of scratchcnn.memory: freed arrays kept for the next step, unless the user says otherwise."""

import json
import os
import platform
import subprocess
import sys

import pytest

from scratchcnn import memory

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")

# In a fresh process: the minor page faults of a SimpleConvNet training step at batch 100,
# after three warm-up steps (the heap grows to what a step needs).
STEP_FAULTS = """
import json, resource
import numpy as np
import scratchcnn as sc
rng = np.random.default_rng(0)
x, t = rng.random((100, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 100)
net, adam = sc.SimpleConvNet(rng=0), sc.Adam()
for _ in range(3):
    adam.update(net.params, net.gradient(x, t))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    adam.update(net.params, net.gradient(x, t))
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5
print(json.dumps(faults))
"""


def step_faults(**environment):
    """Page faults per training step in a fresh process, with ``environment`` added."""
    env = {name: value for name, value in os.environ.items() if not memory.environment_tunes_malloc({name: value})}
    env.update(environment, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", STEP_FAULTS], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.splitlines()[-1])


@glibc
def test_a_training_step_reuses_freed_memory_instead_of_faulting_in_new_pages():
    assert memory.keep_freed_memory({}) is True  # glibc takes both options (already set by the import)
    faults = step_faults()
    assert faults < 20, f"{faults} page faults per step with scratchcnn's malloc options"


@glibc
def test_malloc_options_in_the_environment_win():
    """With glibc told by the environment to map every array of 64 KiB or more on its own
    (what bench/ops.py does to measure memory), import scratchcnn changes nothing: each step
    then faults in its arrays' pages anew (the test above would fail the same way without
    scratchcnn's options)."""
    faults = step_faults(MALLOC_MMAP_THRESHOLD_="65536", MALLOC_TRIM_THRESHOLD_="0")
    assert faults > 1000, f"only {faults} page faults per step: the environment's options were overridden"


@pytest.mark.parametrize(
    "environ, tunes",
    [
        ({}, False),
        ({"PATH": "/usr/bin", "MALLOC": "x"}, False),
        ({"MALLOC_ARENA_MAX": "2"}, False),  # not an option this module sets; glibc reads it, it stays
        ({"MALLOC_TRIM_THRESHOLD_": "0"}, True),
        ({"MALLOC_TOP_PAD_": "1"}, True),
        ({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}, True),
        ({"GLIBC_TUNABLES": "glibc.rtld.nns=8"}, False),
    ],
)
def test_environment_tunes_malloc(environ, tunes):
    assert memory.environment_tunes_malloc(environ) is tunes


def test_nothing_is_changed_when_the_environment_tunes_malloc():
    assert memory.keep_freed_memory({"MALLOC_MMAP_THRESHOLD_": "65536"}) is False
