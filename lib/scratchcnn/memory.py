"""Freed memory kept for the next step: training without page faults.

A training step allocates the same arrays as the step before it (each layer's output, the
convolution's col matrix, the gradients) and frees them again at its end. By default glibc's
``malloc``, which NumPy's arrays come from on Linux, gives large freed blocks back to the
operating system: it maps big arrays on their own and unmaps them when they are freed, and it
trims the top of its heap. The next step's arrays then live in new pages, and the kernel
must map and zero each 4 KiB page the first time it is written: a page fault. A
SimpleConvNet step at batch 100 took about 1,000 of them; on the machine the benchmarks ran
on (a virtual machine, where a fault is dear), removing them took the step from 24 to 21.5 ms
on one thread and from 20 to 16 ms on two.

:func:`keep_freed_memory` sets two of glibc's ``malloc`` options, so that a freed array's
memory serves the next one: arrays below 32 MiB come from the heap instead of mappings of
their own (``M_MMAP_THRESHOLD``), and up to 64 MiB freed at the heap's top stay with the
process (``M_TRIM_THRESHOLD``). The price: between steps the process's resident memory stays
near its peak instead of shrinking; the peak itself does not grow. Arrays of 32 MiB and more
are mapped and unmapped as before.

``import scratchcnn`` calls it once. It does nothing where the C library is not glibc
(macOS, Windows, musl), or when the environment already tunes ``malloc`` (any
``MALLOC_*_`` variable or a ``glibc.malloc`` entry in ``GLIBC_TUNABLES``): a choice made
there wins, which is also how to turn this off.
"""

import ctypes
import os

# Option numbers from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 32 << 20  # the largest value glibc accepts on 64-bit machines
TRIM_THRESHOLD = 64 << 20


def environment_tunes_malloc(environ):
    """Whether ``environ`` (a mapping like ``os.environ``) sets any of glibc's malloc options."""
    return any(name.startswith("MALLOC_") and name.endswith("_") for name in environ) or (
        "glibc.malloc." in environ.get("GLIBC_TUNABLES", "")
    )


def keep_freed_memory(environ=os.environ):
    """Ask glibc's malloc to keep freed arrays for reuse (see the module's docstring).

    Returns True when glibc took both options, False otherwise (the environment tunes malloc,
    or the C library is not glibc).
    """
    if environment_tunes_malloc(environ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # no mallopt: not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success; musl's returns 0 and changes nothing. The trim threshold
    # only after the mmap threshold: set alone, it turns off glibc's adaptive mmap threshold,
    # and every array above 128 KiB is then mapped anew (11,000 page faults a step, measured).
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
