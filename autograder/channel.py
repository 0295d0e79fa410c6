"""The two pipes between the grader and the notebook's process, one JSON object a line.

The grader leads the conversation (:class:`Conversation`); the runner in the sandbox
follows (:class:`Endpoint`): it announces ``ready``, then for each ``run`` command runs one
cell and answers with the records of its checks and ``done``. Each command carries a fresh
random ``turn`` token that every answer must repeat, so nothing written before the grader
asked (by a cell that ran earlier, or a thread it left behind) can pass for an answer. The
grader keeps only the messages it asked for: records of the checks of the test cell it is
waiting on, with that turn's token, and that cell's ``done``. Anything else (a message out
of turn, a record of a check that is not in the cell, a second record of a check, a line
that is not JSON) is counted as *stray* and flags the notebook for a human look, since
honest code never writes to these pipes. Every message starts and ends with a newline, so
half a line written by the student cannot swallow the next real message.

Limits: the grader stops reading at the run's deadline and after ``max_bytes`` bytes; a
longer line than that is a stray message, never a reason to hang or to run out of memory.
"""

import os
import secrets
import selectors
import time
from dataclasses import dataclass, field

from . import records


class Endpoint:
    """The sandbox's side: commands in, replies out (file descriptors opened by the grader).

    The student's code runs in this process and may set these descriptors non-blocking or
    write to them; reads and writes here wait for the pipe instead of failing, so that only
    what the grader receives decides anything.
    """

    def __init__(self, commands_fd, replies_fd):
        self._in, self._out = commands_fd, replies_fd
        # A command line can be megabytes long (convnet's test digits) and a pipe hands it over
        # 64 KiB at a time: the line grows in place, and only the newest bytes are searched
        # for its end (bytes += chunk and find() from the start made this quadratic: about a
        # second for 10 MB).
        self._pending, self._searched = bytearray(), 0
        # Taken now: the student's code may replace these functions later.
        self._read, self._write, self._select = os.read, os.write, selectors.DefaultSelector

    def _wait(self, fd, event):
        with self._select() as selector:
            selector.register(fd, event)
            selector.select(1.0)

    def send(self, entry):
        view = memoryview(b"\n" + records.line(entry))
        while view:
            try:
                view = view[self._write(self._out, view) :]
            except BlockingIOError:
                self._wait(self._out, selectors.EVENT_WRITE)

    def _lines(self):
        while True:
            newline = self._pending.find(b"\n", self._searched)
            if newline >= 0:
                line = bytes(self._pending[:newline])
                del self._pending[: newline + 1]
                self._searched = 0
                yield line
                continue
            self._searched = len(self._pending)
            try:
                chunk = self._read(self._in, 1 << 20)
            except BlockingIOError:
                self._wait(self._in, selectors.EVENT_READ)
                continue
            if not chunk:
                return
            self._pending += chunk

    def commands(self):
        """The ``run`` commands, with each hidden case rebuilt as a probes.Case."""
        from .probes import Case

        for raw in self._lines():
            command = records.parse(raw)
            if command is None or command.get("op") != "run":
                return
            command["cases"] = {
                probe: [Case(case["label"], records.unpack(case["inputs"])) for case in cases]
                for probe, cases in (command.get("cases") or {}).items()
            }
            yield command


@dataclass
class Reply:
    """What came back for one cell. ``outputs`` is None when the cell did not finish."""

    records: dict = field(default_factory=dict)  # check name -> its record (the first one)
    outputs: list = None


class Conversation:
    """The grader's side of one run.

    ``commands_fd`` and ``replies_fd`` are the grader's ends of the two pipes; ``deadline``
    is a time.monotonic() value after which nothing more is read.
    """

    def __init__(self, commands_fd, replies_fd, deadline, max_bytes):
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.received = 0
        self.stray = 0
        self.timed_out = False
        self.closed = False  # the runner's end is gone (it exited, or closed the pipe)
        self.overflow = False  # more than max_bytes arrived
        self._commands, self._replies = commands_fd, replies_fd
        self._buffer, self._searched = bytearray(), 0  # see Endpoint: only new bytes are searched
        for fd in (commands_fd, replies_fd):
            os.set_blocking(fd, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(replies_fd, selectors.EVENT_READ)

    @property
    def usable(self):
        return not (self.timed_out or self.closed or self.overflow)

    def _lines(self, outgoing=b""):
        """Yield each complete line that arrives while ``outgoing`` is written."""
        outgoing = memoryview(outgoing)
        if outgoing:
            self._selector.register(self._commands, selectors.EVENT_WRITE)
        try:
            while self.usable:
                newline = self._buffer.find(b"\n", self._searched)
                if newline >= 0:
                    line = bytes(self._buffer[:newline])
                    del self._buffer[: newline + 1]
                    self._searched = 0
                    yield line
                    continue
                self._searched = len(self._buffer)
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    self.timed_out = True
                    return
                for key, _ in self._selector.select(min(remaining, 1.0)):
                    if key.fd == self._commands:
                        outgoing = self._write_some(outgoing)
                    else:
                        self._read_some()
        finally:
            if self._commands in self._selector.get_map():
                self._selector.unregister(self._commands)

    def _write_some(self, outgoing):
        try:
            outgoing = outgoing[os.write(self._commands, outgoing[: 1 << 20]) :]
        except BrokenPipeError:
            self.closed = True
        except BlockingIOError:
            return outgoing
        if not outgoing:
            self._selector.unregister(self._commands)
        return outgoing

    def _read_some(self):
        try:
            chunk = os.read(self._replies, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self.closed = True
            return
        self.received += len(chunk)
        if self.received > self.max_bytes:
            self.overflow = True
            return
        self._buffer += chunk

    def wait_ready(self):
        """True once the runner said it is ready (before any student code ran)."""
        for line in self._lines():
            if not line.strip():
                continue
            if (records.parse(line) or {}).get("op") == "ready":
                return True
            self.stray += 1
        return False

    def run_cell(self, index, kind, source, cases=None, checks=()):
        """Run one cell; ``checks`` are the names whose records this (test) cell may send."""
        turn = secrets.token_hex(16)
        command = {"op": "run", "index": index, "turn": turn, "kind": kind, "source": source, "cases": cases or {}}
        reply = Reply()
        for line in self._lines(records.line(command)):
            if not line.strip():
                continue
            message = records.parse(line)
            op = message.get("op") if message else None
            current = message is not None and message.get("index") == index and message.get("turn") == turn
            if op == "done" and current:
                outputs = message.get("outputs")
                reply.outputs = outputs if isinstance(outputs, list) else []
                return reply
            name = message.get("check") if op == "record" and current else None
            if isinstance(name, str) and name in checks and name not in reply.records:
                reply.records[name] = message
            else:
                if isinstance(name, str) and name in reply.records:
                    reply.records[name]["duplicate"] = True
                self.stray += 1
        return reply

    def close(self):
        self._selector.close()
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
