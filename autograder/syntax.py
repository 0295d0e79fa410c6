"""``ast.parse`` for code that runs on several threads at once (``grade --jobs N`` grades N
notebooks at a time on the threads of one process).

CPython 3.11 keeps the depth counter of the syntax tree it is building in interpreter-wide
state: two threads parsing at the same time can corrupt it, and one of them then fails with
``SystemError: AST constructor recursion depth mismatch`` on perfectly good code
(python/cpython#106905). Seen here: two correct notebooks graded at once, and the grader
failed on one of them. So every parse of the grader goes through one lock; parsing a cell
takes well under a millisecond, next to the seconds a notebook runs.
"""

import ast
import threading

_LOCK = threading.Lock()


def parse(source, mode="exec"):
    """``ast.parse(source, mode=mode)``, one thread at a time."""
    with _LOCK:
        return ast.parse(source, mode=mode)
