"""autograder.channel: JSON lines over two pipes, whatever sizes the pipe hands them over in."""

import json
import os
import threading
import time

from autograder import records
from autograder.channel import Conversation, Endpoint


def _write_in_pieces(fd, data, size):
    """Write ``data`` to ``fd`` ``size`` bytes at a time (from a thread), then close it."""

    def write():
        with os.fdopen(fd, "wb", buffering=0) as pipe:
            for start in range(0, len(data), size):
                pipe.write(data[start : start + size])

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_the_sandbox_side_reassembles_long_commands_from_small_reads():
    big = "x" * 3_000_000  # a command of megabytes, as convnet's test digits make
    commands = [{"op": "run", "index": 0, "source": big}, {"op": "run", "index": 1, "source": "print(1)"}]
    data = b"".join(records.line(command) for command in commands)
    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    # Pieces of 4,099 bytes: line ends fall in the middle of pieces and at their edges.
    writer = _write_in_pieces(commands_write, data, 4099)
    received = list(Endpoint(commands_read, replies_write).commands())
    writer.join()
    assert [(c["index"], c["source"]) for c in received] == [(0, big), (1, "print(1)")]
    for fd in (commands_read, replies_read, replies_write):
        os.close(fd)


def test_the_grader_side_finds_a_line_after_a_long_one():
    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    stray = json.dumps({"op": "noise", "text": "y" * 2_000_000}).encode() + b"\n"
    writer = _write_in_pieces(replies_write, stray + records.line({"op": "ready"}), 65_537)
    conversation = Conversation(commands_write, replies_read, time.monotonic() + 60, max_bytes=10_000_000)
    assert conversation.wait_ready()
    writer.join()
    assert conversation.stray == 1
    for fd in (commands_read, commands_write, replies_read):
        os.close(fd)
