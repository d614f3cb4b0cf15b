"""One worker of ``graph.workers.pool``: ``python -m graph.workers.worker``.

It reads its configuration from stdin, takes the network away from itself
(``graph.workers.sandbox``), has its handler load the data, says it is ready, then
answers tasks until its stdin closes. The handler is a module named in the
configuration (``graph.server.tasks`` for ``coopgraph serve``, ``graph.sparql.deadline``
for ``coopgraph query --timeout``) with two functions:

* ``warm(data_dir, **options)``: load what the tasks need, before any deadline runs;
* ``handle(task, data_dir)``: the answer to one task, sent back pickled; an error it
  raises goes back too (``graph.workers.protocol``) and is raised again in the parent.

Naming the handler, rather than importing it here, keeps the pool below the layers that
use it.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from typing import Any, BinaryIO

from graph.workers.protocol import describe_error, read_message, write_message

__all__ = ["main"]


def _watch_parent(parent: int) -> None:
    """Die with the parent, even in the middle of a query (nobody else would kill us)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(0)
                return
        except (OSError, AttributeError):
            pass

    # Elsewhere, a thread that looks every second. (Not on Linux: a thread that allocates
    # could be the one to free a pyoxigraph object, which pyoxigraph refuses.)
    def watch() -> None:
        import time

        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(1.0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # not on this platform: the deadline still bounds the query
        return
    limit = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(handler: Any, data_dir: Any, inp: BinaryIO, out: BinaryIO) -> None:
    """Answer tasks until the parent closes our stdin."""
    while True:
        try:
            task = read_message(inp)
        except EOFError:
            return
        try:
            message = ("reply", handler.handle(task, data_dir))
        except Exception as error:  # the parent raises it again; this worker stays usable
            message = ("error", describe_error(error))
        write_message(out, message)


def main() -> None:
    """A worker: read the configuration, load the data, then answer tasks until EOF."""
    # The protocol owns stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inp = sys.stdin.buffer
    # Ctrl-C reaches the whole process group: the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        config = read_message(inp)
    except EOFError:
        return
    _watch_parent(config["parent"])
    _limit_memory(config["memory_limit"])
    data_dir = config["data_dir"]
    # Before any query: a SERVICE that fooled graph.sparql.safety still reaches no socket.
    from graph.workers.sandbox import deny_network

    sandbox = deny_network()
    try:
        handler = importlib.import_module(config["handler"])
        handler.warm(data_dir, **config["options"])
    except Exception as error:
        write_message(out, ("error", describe_error(error)))
        return
    write_message(out, ("ready", {"pid": os.getpid(), "sandbox": sandbox}))
    _serve(handler, data_dir, inp, out)


if __name__ == "__main__":
    main()
