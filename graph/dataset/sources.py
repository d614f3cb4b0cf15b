"""The Turtle files of the graph: which ones there are, and the text of each.

Every command gets at the data through here, whichever parser then reads it: rdflib
(``graph.dataset.load``) and Oxigraph (``graph.sparql.store``, the server's workers) both parse
the text ``read_turtle`` returns, so a file is accepted or refused alike by ``validate`` and by
``query``. Before a file is opened, ``os.stat`` must show a regular file of at most
``MAX_FILE_BYTES``: a named pipe would block the reader until someone writes to it, and a
device such as ``/dev/zero`` never ends. The text must be UTF-8 (the only encoding Turtle
has); a byte-order mark is dropped, as editors on Windows write one.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import graph.paths as paths
from graph.errors import DataFileError, DataNotFoundError, DataSyntaxError, display_path

__all__ = [
    "MAX_FILE_BYTES",
    "RESERVED_STEMS",
    "data_files",
    "oxigraph_errors",
    "position",
    "read_turtle",
]

#: The largest Turtle file read. Generous (the shipped data is well under 1 MiB); it only
#: stops a mistaken file from filling the memory, since every parser holds the whole graph.
MAX_FILE_BYTES = 512 * 1024 * 1024

#: File stems the named graphs of the ontology and of the inferred edges already use
#: (``graph.rdf.vocab.ONTOLOGY_GRAPH``, ``graph.rdf.vocab.INFERRED_GRAPH``).
RESERVED_STEMS = frozenset({"ontology", "inferred"})

_BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def data_files(data_dir: Path | None = None) -> list[Path]:
    """The ``*.ttl`` files of ``data_dir`` (default: the shipped data), sorted.

    Each one becomes a named graph after its stem, so the stems the ontology and the
    inferred edges use are refused.
    """
    folder = Path(data_dir) if data_dir is not None else paths.data_dir()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DataNotFoundError(f"data folder {display_path(folder)} {what}")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise DataNotFoundError(f"no .ttl file in data folder {display_path(folder)}")
    for path in files:
        if path.stem in RESERVED_STEMS:
            raise DataNotFoundError(
                f"{display_path(path)}: the file name {path.name!r} is reserved for a named graph",
                hint=f"Rename the file; {sorted(RESERVED_STEMS)} are taken.",
            )
    return files


def read_turtle(path: Path) -> str:
    """The text of one Turtle file, without its byte-order mark.

    Refused with ``DataFileError`` when it is not a regular file or is larger than
    ``MAX_FILE_BYTES``, with ``DataSyntaxError`` (line and column of the first bad byte)
    when it is not UTF-8.
    """
    path = Path(path)
    limit = MAX_FILE_BYTES
    try:
        _check_status(path, os.stat(path), limit)
        # O_NONBLOCK: should the file become a FIFO between the stat and the open, the open
        # returns at once instead of waiting for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            _check_status(path, os.fstat(fd), limit)
            raw = handle.read(limit + 1)  # the file may have grown since the stat
    except OSError as error:
        raise DataFileError(
            path, f"cannot read {_described(path)}: {error.strerror or error}"
        ) from None
    if len(raw) > limit:
        raise _too_large(path, len(raw), limit)
    return _decode(path, raw)


def _check_status(path: Path, status: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise DataFileError(
            path,
            f"{_described(path)} is {_kind(status.st_mode)}, not a regular file",
            hint="Keep only plain Turtle files in the data folder: replace it with a regular "
            "file, or move it out of the folder.",
        )
    if status.st_size > limit:
        raise _too_large(path, status.st_size, limit)


def _described(path: Path) -> str:
    """The path, and where it leads when it is a symbolic link (``/dev/zero`` says why)."""
    if path.is_symlink():
        try:
            return f"{display_path(path)} (a link to {os.readlink(path)})"
        except OSError:
            pass
    return display_path(path)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _too_large(path: Path, size: int, limit: int) -> DataFileError:
    return DataFileError(
        path,
        f"{_described(path)} is {size:,} bytes, more than the {_mib(limit)} a Turtle file may have",
        hint="Split the data into several .ttl files in the folder; each is read on its own.",
    )


def _mib(size: int) -> str:
    if size < 1024**2:
        return f"{size:,} bytes"
    return f"{size / 1024**2:.1f}".removesuffix(".0") + " MiB"


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        hint = "Save the file as UTF-8 (Turtle files are always UTF-8)."
        if raw.startswith(_UTF16_BOMS):
            hint = "The file is UTF-16: save it as UTF-8 (Turtle files are always UTF-8)."
        raise DataSyntaxError(
            path,
            before.count(b"\n") + 1,
            column,
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
            hint=hint,
        ) from None
    # Positions are counted in the text without the mark: it is invisible in an editor.
    return text[1:] if text.startswith(_BOM) else text


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# --- Oxigraph's errors ----------------------------------------------------------------------

_OXIGRAPH_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")
_BUFFER_LIMIT = re.compile(r"buffer maximal size of (\d+)")
# The pieces of Turtle that can be long: strings (the long forms first), IRIs, comments.
_LONG_PIECES = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"'
    r"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
    r"|<[^<>\s]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_PIECE_NAMES = {'"': "string", "'": "string", "<": "IRI", "#": "comment"}


@contextmanager
def oxigraph_errors(path: Path, text: str) -> Iterator[None]:
    """Turn what Oxigraph raises while parsing ``text`` (read from ``path``) into
    ``DataSyntaxError``: its syntax errors, and the ``MemoryError`` of a term too long for
    its parser's buffer (16 MiB in pyoxigraph 0.5), which rdflib would have accepted.
    """
    try:
        yield
    except SyntaxError as error:
        message = _OXIGRAPH_PREFIX.sub("", str(error.msg))
        hint = None
        if "IRI" in message:
            hint = "Write full IRIs (<https://...>) without spaces, or use a declared prefix."
        raise DataSyntaxError(path, error.lineno, error.offset, message, hint) from None
    except MemoryError as error:
        found = _BUFFER_LIMIT.search(str(error))
        if found is None:  # the machine's memory is exhausted: not the file's fault
            raise
        raise _too_long(path, text, int(found.group(1))) from None


def _too_long(path: Path, text: str, limit: int) -> DataSyntaxError:
    hint = (
        "Shorten the value, or keep it in a file of its own next to the data and link "
        "to it by its IRI."
    )
    for match in _LONG_PIECES.finditer(text):
        start, end = match.span()
        # Oxigraph's limit is in bytes: a piece of fewer characters cannot exceed it.
        if end - start <= limit // 4:
            continue
        size = len(text[start:end].encode("utf-8"))
        if size > limit:
            line, column = position(text, start)
            return DataSyntaxError(
                path,
                line,
                column,
                f"a {_PIECE_NAMES[text[start]]} of {_mib(size)}, longer than the "
                f"{_mib(limit)} the Oxigraph parser reads in one piece",
                hint,
            )
    return DataSyntaxError(
        path,
        None,
        None,
        f"a term longer than the {_mib(limit)} the Oxigraph parser reads in one piece",
        hint,
    )
