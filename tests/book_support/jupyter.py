"""A JupyterLab server on 127.0.0.1 for the browser tests, stopped with all its kernels.

Used by tests/test_grading_browser.py (formgrader over a graded class) and
tests/test_student_install.py (a student's JupyterLab).
"""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_status(url, timeout=5):
    """The HTTP status of a GET of ``url``, or None if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


@contextmanager
def jupyter_lab(command, root, *, cwd, environment, log_path, start_seconds, options=()):
    """Start ``command`` (a JupyterLab executable) serving ``root`` on a free port of
    127.0.0.1 with a random token; yields (base URL, token) once it answers, fails the test
    with the end of its log if it does not within ``start_seconds``. Its whole process group
    (kernels included) is stopped afterwards."""
    port, token = free_port(), secrets.token_hex(24)
    command = [
        *command, "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=", *options,
    ]  # fmt: skip
    if os.geteuid() == 0:  # Jupyter refuses root without it (containers, CI)
        command.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    status_url = f"{base}/api/status?token={token}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + start_seconds
            while time.monotonic() < deadline and process.poll() is None:
                if http_status(status_url) == 200:
                    break
                time.sleep(0.5)
            if http_status(status_url) != 200:
                log.flush()
                pytest.fail(f"JupyterLab did not start in {start_seconds} s; its log:\n{log_path.read_text(errors='replace')[-3000:]}")
            yield base, token
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=15)
