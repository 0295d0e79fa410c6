"""Run a graded notebook inside the sandbox: ``python -m autograder.runner``.

This process *is* the student's process: the cells run here, in an IPython shell (the same
machinery as a Jupyter kernel, without the messaging). It is driven by the grader over two
pipes (:mod:`autograder.channel`), one cell at a time:

    grader -> runner   {"op": "run", "index": i, "turn": t, "kind": ..., "source": ..., "cases": {...}}
    runner -> grader   {"op": "record", "index": i, "turn": t, "check": ..., ...}   (test cells only)
                       {"op": "done", "index": i, "turn": t, "outputs": [...]}

``cases`` holds the inputs of the hidden tests *of that test cell*, drawn by the grader from
the student's secret seed; the runner hands them to the checks (:mod:`autograder.notebook`)
while the cell runs. No secret is ever in this process before the student's code has been
defined, and what the checks send is only accepted by the grader while it waits for that
test cell. Nothing this process sends is trusted: the grader decides which records count,
sanitises the outputs and judges everything in its own process.

Before any student code runs, the runner copies the student's files into the (size- and
inode-limited) home folder, builds the checks and puts them back in the notebook's
namespace before each test cell, so a student who redefines ``expect_close`` only fools the
cells of their own answers.

Arguments: ``--assignment A --commands FD --replies FD --output-limit N [--files DIR]``.
"""

import argparse
import io
import os
import shutil
import sys

MAX_IMAGES = 10  # per cell
MAX_IMAGE_CHARS = 2_000_000  # base64 characters of one PNG
MAX_TRACEBACK_LINES = 60


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
        # Only text and PNG are kept (the grader checks them again): no HTML, no scripts.
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

    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # no SQLite file: nothing to write, nothing to corrupt
    shell = Shell.instance(config=config, displayhook_class=ResultHook, display_pub_class=Publisher, colors="nocolor")

    def show_traceback(etype, evalue, stb):
        current[0].error(etype.__name__, str(evalue), shell.InteractiveTB.stb2text(stb).splitlines())

    shell._showtraceback = show_traceback
    return shell


def copy_files(source, home):
    """The student's own files (read-only in the sandbox) into their writable home folder."""
    for entry in os.listdir(source):
        path = os.path.join(source, entry)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(home, entry), symlinks=True)
        else:
            shutil.copyfile(path, os.path.join(home, entry), follow_symlinks=False)


def arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.runner")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--commands", type=int, required=True, help="file descriptor the grader's commands arrive on")
    parser.add_argument("--replies", type=int, required=True, help="file descriptor the replies go to")
    parser.add_argument("--output-limit", type=int, default=20_000, help="characters per stream per cell")
    parser.add_argument("--files", help="folder of the student's files, copied into the working folder first")
    return parser.parse_args(argv)


def main(argv=None):
    settings = arguments(argv)
    from autograder.channel import Endpoint

    channel = Endpoint(settings.commands, settings.replies)
    if settings.files:
        copy_files(settings.files, os.getcwd())

    import autograder.notebook as helpers_module
    from autograder.notebook import Checks

    current_cell = {"index": None, "turn": None, "cases": {}}

    def record(entry):
        channel.send({"op": "record", "index": current_cell["index"], "turn": current_cell["turn"], **entry})

    checks = Checks(write=record, cases=lambda probe: current_cell["cases"].get(probe))
    helpers = {name: getattr(checks, name) for name in helpers_module.__all__}

    current = [Capture(settings.output_limit)]
    shell = make_shell(current)
    sys.stdin = io.StringIO("")
    channel.send({"op": "ready"})
    for command in channel.commands():
        current[0] = Capture(settings.output_limit)
        current_cell.update(index=command["index"], turn=command.get("turn"), cases=command.get("cases") or {})
        if command["kind"] == "test":
            shell.user_ns.update(helpers)
            for name, check in helpers.items():
                setattr(helpers_module, name, check)
        sys.stdout, sys.stderr = Stream("stdout", current[0]), Stream("stderr", current[0])
        try:
            shell.run_cell(command["source"], store_history=True)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        current_cell.update(index=None, turn=None, cases={})
        channel.send({"op": "done", "index": command["index"], "turn": command.get("turn"), "outputs": current[0].finish()})


if __name__ == "__main__":
    main()
