"""Virtuoso 7 on loopback, from Debian's package: its configuration, written once for the
store test (tests/test_virtuoso.py) and the benchmarks (scripts/bench_server.py,
scripts/bench_queries.py, through bench_server), so that both start it alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: Debian's configuration template, and the database folder it names.
DEBIAN_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
DEBIAN_DB = "/var/lib/virtuoso-opensource-7/db/"


def virtuoso_ini(folder: Path, sql_port: int, http_port: int, allowed: Sequence[Path] = ()) -> Path:
    """Debian's virtuoso.ini with the database in ``folder``, loopback-only ports, and
    ``allowed`` folders readable by the bulk loader; written into ``folder``.

    Rewritten line by line rather than with configparser: the file repeats some keys,
    which configparser refuses, and Virtuoso reads it as it is.
    """
    readable = ", ".join(str(p) for p in (folder, *allowed))
    lines, section = [], ""
    for line in DEBIAN_INI.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        key = stripped.split("=", 1)[0].strip() if "=" in stripped else ""
        if section in ("[Database]", "[TempDatabase]"):
            line = line.replace(DEBIAN_DB, f"{folder}/")
        elif section == "[Parameters]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "[Parameters]" and key == "DirsAllowed":
            line = f"{line.rstrip()}, {readable}"
        elif section == "[HTTPServer]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "[URIQA]" and key == "DefaultHost":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif section == "[SPARQL]" and key == "MaxQueryCostEstimationTime":
            # Off: on small graphs the optimiser's estimates are absurd (2,532,519 s for
            # programme-periods, which runs in milliseconds) and it refuses to start such
            # queries ("exceeds the limit of 400 (sec)"). MaxQueryExecutionTime stays.
            line = "MaxQueryCostEstimationTime = 0"
        lines.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n")
    return ini
