"""Run a graded notebook inside the sandbox: ``python -m autograder.runner``.

This process *is* the student's process: the cells run here, in an IPython shell (the same
machinery as a Jupyter kernel, without the messaging). Nothing it writes is trusted; the
grader reads two files back with care:

* ``records.jsonl``: what the checks of the test cells recorded (see autograder.notebook);
* ``outputs.jsonl``: one line per finished cell with its outputs, shortened to the output
  limit, only text and PNG images (no HTML or JavaScript reaches formgrader).

Before any student code runs, the runner opens both files, removes its settings from the
environment, builds the checks the test cells will use and replaces the parts of the
reference library the assignment forbids with objects that refuse to work. Before each test
cell it puts its own checks back in the notebook's namespace, so a student who redefines
``expect_close`` only fools the cells of their own answers.

Settings (environment): AUTOGRADER_IO (folder of cells.json, the two output files and the
hidden data's inputs as ``<name>.npy``), AUTOGRADER_ASSIGNMENT, AUTOGRADER_SEED,
AUTOGRADER_OUTPUT_LIMIT (characters per stream per cell).
"""

import io
import json
import os
import sys

MAX_IMAGES = 10  # per cell
MAX_IMAGE_CHARS = 2_000_000  # base64 characters of one PNG
MAX_TRACEBACK_LINES = 60


class Writer:
    """Appends lines to a file through a descriptor opened before any student code ran."""

    def __init__(self, path):
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        self._write = os.write

    def __call__(self, data):
        view = memoryview(data)
        while view:
            view = view[self._write(self._fd, view) :]

    def line(self, entry):
        self(json.dumps(entry).encode() + b"\n")


class Capture:
    """One cell's outputs in nbformat form, each text stream cut at ``limit`` characters."""

    def __init__(self, limit):
        self.limit = limit
        self.outputs = []
        self.kept = {"stdout": 0, "stderr": 0}
        self.dropped = {"stdout": 0, "stderr": 0}
        self.images = 0

    def stream(self, name, text):
        if not text:
            return
        room = self.limit - self.kept[name]
        if room <= 0:
            self.dropped[name] += len(text)
            return
        kept, self.dropped[name] = text[:room], self.dropped[name] + max(0, len(text) - room)
        self.kept[name] += len(kept)
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += kept
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": kept})

    def data(self, output_type, bundle):
        kept = {}
        if isinstance(bundle.get("text/plain"), str):
            kept["text/plain"] = bundle["text/plain"][: self.limit]
        png = bundle.get("image/png")
        if isinstance(png, str) and len(png) <= MAX_IMAGE_CHARS and self.images < MAX_IMAGES:
            kept["image/png"] = png
            self.images += 1
        if kept:
            self.outputs.append({"output_type": output_type, "data": kept, "metadata": {}})

    def error(self, ename, evalue, traceback):
        self.outputs.append(
            {
                "output_type": "error",
                "ename": ename[:200],
                "evalue": evalue[: self.limit],
                "traceback": [line[: self.limit] for line in traceback[-MAX_TRACEBACK_LINES:]],
            }
        )

    def finish(self):
        for name, count in self.dropped.items():
            if count:
                self.outputs.append(
                    {"output_type": "stream", "name": name, "text": f"\n[... {count} more characters of {name} cut by the grader]\n"}
                )
        return self.outputs


class Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a cell runs."""

    def __init__(self, name, capture):
        self.name, self.capture = name, capture

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.capture.kept[self.name] < self.capture.limit:
            self.capture.stream(self.name, text)
        else:  # the fast path of a flood: count, keep nothing
            self.capture.dropped[self.name] += len(text)
        return len(text)


def make_shell(current):
    """An IPython shell whose results, displays and errors go to ``current[0]`` (a Capture)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class ResultHook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            current[0].data("execute_result", format_dict)

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, **kwargs):
            current[0].data("display_data", data)

        def clear_output(self, wait=False):
            pass

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):
            pass  # inline figures need no event loop

    shell = Shell.instance(displayhook_class=ResultHook, display_pub_class=Publisher, colors="nocolor")

    def show_traceback(etype, evalue, stb):
        current[0].error(etype.__name__, str(evalue), shell.InteractiveTB.stb2text(stb).splitlines())

    shell._showtraceback = show_traceback
    return shell


class ForbiddenUse(RuntimeError):
    """Raised by the stand-ins for the parts of the reference library an exercise forbids."""


def block_forbidden(forbidden, records):
    """Replace every forbidden object, wherever the reference library exposes it."""
    import importlib

    for rule in forbidden:
        module_name, attribute = rule.target.rsplit(".", 1)
        original = getattr(importlib.import_module(module_name), attribute)
        message = f"{rule.target} may not be used in this exercise: {rule.reason}"

        def refuse(*args, _check=f"forbidden:{rule.target}", _message=message, **kwargs):
            records.line({"check": _check, "used": True})
            raise ForbiddenUse(_message)

        if isinstance(original, type):
            stand_in = type(attribute, (), {"__new__": refuse, "__init_subclass__": classmethod(refuse)})
        else:
            stand_in = refuse
        package = module_name.split(".")[0]
        for name, module in list(sys.modules.items()):
            if module is None or not (name == package or name.startswith(package + ".")):
                continue
            for key, value in list(vars(module).items()):
                if value is original:
                    setattr(module, key, stand_in)


def load_data(folder):
    """{name: array} of the hidden data's inputs the grader placed in ``folder`` as .npy files."""
    import numpy as np

    return {
        name[: -len(".npy")]: np.load(os.path.join(folder, name), allow_pickle=False)
        for name in sorted(os.listdir(folder))
        if name.endswith(".npy")
    }


def main():
    settings = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("AUTOGRADER_")}
    folder = settings["AUTOGRADER_IO"]
    limit = int(settings.get("AUTOGRADER_OUTPUT_LIMIT", "20000"))
    with open(os.path.join(folder, "cells.json"), encoding="utf-8") as file:
        cells = json.load(file)
    records = Writer(os.path.join(folder, "records.jsonl"))
    outputs = Writer(os.path.join(folder, "outputs.jsonl"))

    import autograder.notebook as helpers_module
    from autograder.notebook import Checks
    from autograder.probes import load_spec

    checks = Checks(write=records, seed=int(settings["AUTOGRADER_SEED"]), data=load_data(folder))
    helpers = {name: getattr(checks, name) for name in helpers_module.__all__}
    block_forbidden(load_spec(settings["AUTOGRADER_ASSIGNMENT"]).forbidden, records)

    current = [Capture(limit)]
    shell = make_shell(current)
    sys.stdin = io.StringIO("")
    for count, cell in enumerate(cells, start=1):
        current[0] = Capture(limit)
        if cell["kind"] == "test":
            shell.user_ns.update(helpers)
            for name, check in helpers.items():
                setattr(helpers_module, name, check)
        sys.stdout, sys.stderr = Stream("stdout", current[0]), Stream("stderr", current[0])
        try:
            shell.run_cell(cell["source"], store_history=True)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        outputs.line({"index": cell["index"], "execution_count": count, "outputs": current[0].finish()})
    outputs.line({"done": True})


if __name__ == "__main__":
    main()
