"""Take the network away from a process that only evaluates queries.

Defence in depth behind ``graph.sparql.safety``: the worker processes of ``coopgraph serve`` and
of ``query --timeout`` load the data, then install a seccomp filter under which
``socket()`` fails with EACCES for every family but ``AF_UNIX`` (and ``io_uring_setup``,
which could open sockets around the filter, fails too). A ``SERVICE`` that slipped past the
parser would then get "Permission denied" from Oxigraph's HTTP client instead of reaching
an internal service. The pipes to the parent were opened before and keep working; the
filter cannot be lifted, and children inherit it.

libseccomp does the architecture-specific work (syscall numbers, ``socketcall`` on 32-bit
x86); ``pyseccomp`` is its ctypes binding. Where either is missing (not Linux, no
libseccomp) nothing is installed, ``deny_network`` says why, and the server prints it.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

__all__ = ["SandboxState", "deny_network"]


@dataclass(frozen=True)
class SandboxState:
    """Whether this process can still open network sockets, and why not if it can."""

    active: bool
    reason: str = ""


_STATE: SandboxState | None = None


def deny_network() -> SandboxState:
    """Forbid network sockets in this process for the rest of its life (idempotent).

    Never call it in a process that must talk to the network later: the CLI and the
    server's own process keep theirs; only query workers call it.
    """
    global _STATE
    if _STATE is not None and _STATE.active:
        return _STATE
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as error:  # no binding, or no libseccomp.so.2
        _STATE = SandboxState(False, f"seccomp is not available here ({error})")
        return _STATE
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        refuse = seccomp.ERRNO(errno.EACCES)
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            try:
                rules.add_rule(refuse, name)
            except (ValueError, RuntimeError, OSError):
                pass  # a kernel or libseccomp too old to know io_uring has none to block
        rules.load()
    except Exception as error:  # libseccomp reports through bare RuntimeErrors and OSErrors
        _STATE = SandboxState(False, f"the seccomp filter could not be installed ({error})")
        return _STATE
    _STATE = SandboxState(True)
    return _STATE
