"""The installed environment: what opening a notebook costs every process that does it."""

import subprocess
import sys


def test_reading_a_notebook_compiles_no_iri_grammars():
    # nbformat validates with jsonschema; from jsonschema 4.25 on, its format checkers import
    # rfc3987-syntax, which builds some forty Lark parsers at import: seconds of every book
    # page, every `python -m autograder` and every JupyterLab start (pyproject.toml pins
    # jsonschema below 4.25 in the `jupyter` extra). A fresh interpreter, so that no other
    # test's imports count.
    code = "import sys, nbformat; nbformat.validate(nbformat.v4.new_notebook()); print(sorted(m for m in sys.modules if m.split('.')[0] in ('rfc3987_syntax', 'lark')))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "[]", f"opening a notebook imported {imported}: is jsonschema >= 4.25 installed?"
