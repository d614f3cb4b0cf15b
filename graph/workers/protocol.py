"""What the pool and its workers say to each other, over the worker's stdin and stdout.

Each message is an 8-byte big-endian length, then a pickle. Only the pool's own children
read what the pool writes, and vice versa: nobody else's bytes are ever unpickled.

The parent sends the worker its configuration, then tasks; the worker answers
``("ready", {...})`` or ``("error", error)`` once it has loaded the data, then
``("reply", value)`` or ``("error", error)`` for each task. An error travels as
``describe_error``'s plain mapping, not as the exception itself (not every error class
pickles), and ``rebuild_error`` makes it again on the other side: same class, message,
hint, exit code and plain attributes (a syntax error's line and column).
"""

from __future__ import annotations

import importlib
import pickle
import struct
from pathlib import Path
from typing import Any, BinaryIO

from graph.errors import CoopGraphError

__all__ = ["HEADER", "describe_error", "pack", "read_message", "rebuild_error", "write_message"]

#: The length in front of each pickle.
HEADER = struct.Struct(">Q")


def pack(message: Any) -> bytes:
    """``message`` as it goes over the pipe: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def read_message(stream: BinaryIO) -> Any:
    """The next message of a blocking stream (the worker's side); EOFError at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def write_message(stream: BinaryIO, message: Any) -> None:
    stream.write(pack(message))
    stream.flush()


def describe_error(error: BaseException) -> dict[str, Any]:
    """What rebuilds ``error`` in the other process; anything not ours as a plain
    ``CoopGraphError`` that names its type."""
    if not isinstance(error, CoopGraphError):
        error = CoopGraphError(f"{type(error).__name__}: {error}")
    return {
        "module": type(error).__module__,
        "name": type(error).__qualname__,
        "message": str(error),
        "hint": error.hint,
        "exit_code": error.exit_code,
        "attributes": {
            k: v for k, v in vars(error).items() if isinstance(v, (str, int, type(None), Path))
        },
    }


def rebuild_error(described: dict[str, Any]) -> CoopGraphError:
    """The error ``describe_error`` described, of its own class where that can be imported."""
    try:
        cls = getattr(importlib.import_module(described["module"]), described["name"])
    except (ImportError, AttributeError):
        cls = CoopGraphError
    if not (isinstance(cls, type) and issubclass(cls, CoopGraphError)):
        cls = CoopGraphError
    # Without calling the class: its own __init__ may take other arguments (a path, a line).
    error = cls.__new__(cls)
    CoopGraphError.__init__(error, described["message"], described["hint"])
    for key, value in described["attributes"].items():
        setattr(error, key, value)
    if error.exit_code != described["exit_code"]:
        error.exit_code = described["exit_code"]
    return error
