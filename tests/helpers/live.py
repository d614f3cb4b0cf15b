"""``coopgraph serve`` as a real server in a child process, for tests that talk to it over TCP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from tests.helpers import REPO

#: The longest a test waits for something a busy machine only delays (a worker taking a
#: query, a process dying): a ceiling that fails a stuck test, never a pace to keep.
CEILING = 60.0


def wait_until(condition: Callable[[], bool], seconds: float = CEILING) -> None:
    """Poll ``condition`` until it holds; an AssertionError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {seconds:g} s")
        time.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (Linux /proc), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LiveServer:
    """``coopgraph serve`` in a child process, stopped by SIGINT as a person would."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph", "serve", "--port", "0", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Read all along: a server that writes more than a pipe holds must not block on it.
        self._stderr: list[str] = []
        self._reader = threading.Thread(
            target=lambda: self._stderr.extend(self.process.stderr), daemon=True
        )
        self._reader.start()
        line = self.process.stdout.readline()
        if not line.startswith("Serving the graph at "):
            self.process.kill()
            self.process.wait()
            self._reader.join(timeout=CEILING)
            raise RuntimeError(f"the server did not start: {line}{''.join(self._stderr)}")
        self.url = line.split()[4]
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    def workers(self) -> list[int]:
        """The server's child processes (Linux /proc)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def wait_for_a_busy_worker(self) -> int:
        """Wait until one worker is evaluating (it uses CPU; idle ones wait on a pipe); its pid.

        A fixed pause would be too short on a busy machine and needlessly long elsewhere.
        """
        start = {pid: cpu_seconds(pid) for pid in self.workers()}
        busy: list[int] = []

        def found() -> bool:
            busy[:] = [pid for pid, used in start.items() if cpu_seconds(pid) - used >= 0.2]
            return bool(busy)

        wait_until(found)
        return busy[0]

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=CEILING)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=CEILING)
        return self.process.returncode, "".join(self._stderr)
