"""Every limit of ``coopgraph serve``, in one frozen configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MIN_CLIENT_TIMEOUT", "ServerConfig"]

#: The shortest deadline a client may ask for with ``timeout=``: a shorter one only gets
#: the worker killed, and each kill makes every other client wait for a replacement.
MIN_CLIENT_TIMEOUT = 1.0


def _default_workers() -> int:
    # Two at least: one runaway query must leave a worker for everybody else.
    return max(2, min(os.cpu_count() or 2, 4))


@dataclass(frozen=True)
class ServerConfig:
    """Every limit of the server, each with the default ``coopgraph serve`` uses."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a query may evaluate before its worker is killed (503). Clients may ask for
    #: less with ``timeout=``, never for more.
    timeout: float = 30.0
    #: Largest request body (and query string), in bytes (413 beyond).
    max_body: int = 1024 * 1024
    #: Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in a response; the rest is cut
    #: and the cut announced in X-Result-Truncated and Warning headers.
    max_rows: int = 10_000
    #: Queries evaluated at once: one worker process each.
    max_concurrency: int = field(default_factory=_default_workers)
    #: Requests that may wait for a worker; beyond, 503 with Retry-After.
    max_queue: int = 64
    #: An origin allowed to call the endpoint from a browser (CORS); None: no CORS.
    cors_origin: str | None = None
    #: The data folder (None: the shipped data).
    data_dir: Path | None = None
    #: Address-space limit of each worker, MiB (0: none).
    worker_memory: int = 2048
    #: Workers loaded and standing by, to replace a killed one at once.
    spare_workers: int = 1

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"
