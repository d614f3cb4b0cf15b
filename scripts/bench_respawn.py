#!/usr/bin/env python3
"""How long the endpoint is one worker short after a query is killed, with and without a spare.

For each size (synthetic graphs of our shape, ``scripts/gen_synthetic.py``), a
``graph.workers.pool.WorkerPool`` of one serving worker is started with ``--spares 0`` and with
one spare; a runaway query is sent with a 1 s deadline, so its worker is killed; then the
clock runs from the kill until the next ``ASK {}`` is answered. Without a spare, that is a
fresh worker's start-up (imports and loading the data from text); with one, the spare
answers at once while another loads in the background. The reference, measured in the
same run, is a bare ``pyoxigraph.Store().bulk_load`` of the same file in a fresh process:
what any reload from text costs at least.

    python scripts/gen_synthetic.py --sizes 100000 1000000 --out build/bench
    python scripts/bench_respawn.py --data build/bench/1000000 --rounds 3

Reported: the median over the rounds and the spread (min-max), in Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.dataset.sources import data_files  # noqa: E402
from graph.server.tasks import SparqlTask  # noqa: E402
from graph.workers.pool import QueryDeadlineError, WorkerPool  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


async def _one_round(data: Path, spares: int) -> tuple[float, float]:
    """(seconds to start the pool, seconds from a kill to the next answer)."""
    pool = WorkerPool(
        handler="graph.server.tasks", data_dir=data, size=1, spares=spares, memory_limit=0
    )
    started = time.perf_counter()
    await pool.start()
    start_up = time.perf_counter() - started
    try:
        try:
            await pool.run(SparqlTask(RUNAWAY), deadline=1.0)
        except QueryDeadlineError:
            pass
        else:
            raise SystemExit("the runaway query finished within 1 s: use a larger graph")
        killed = time.perf_counter()
        reply = await pool.run(SparqlTask("ASK {}"), deadline=600.0)
        back = time.perf_counter() - killed
        if getattr(reply, "status", 200) != 200:
            raise SystemExit(f"ASK failed after the kill: {reply}")
    finally:
        await pool.close()
    return start_up, back


def _bulk_load(data: Path) -> tuple[float, int]:
    """(seconds, triples) of a bare bulk load in a fresh process."""
    code = (
        "import sys, time, pyoxigraph as ox\n"
        "t = time.perf_counter(); s = ox.Store()\n"
        "for p in sys.argv[1:]: s.bulk_load(path=p, format=ox.RdfFormat.TURTLE)\n"
        "print(time.perf_counter() - t, len(s))\n"
    )
    files = [str(p) for p in data_files(data)]
    out = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    seconds, triples = out.stdout.split()
    return float(seconds), int(triples)


def _spread(values: list[float]) -> str:
    if max(values) < 1:
        ms = [v * 1000 for v in values]
        return f"{statistics.median(ms):.1f} ms ({min(ms):.1f}-{max(ms):.1f})"
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of .ttl files")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rows: dict[int, tuple[list[float], list[float]]] = {0: ([], []), 1: ([], [])}
    reference: list[float] = []
    triples = 0
    for _ in range(args.rounds):
        seconds, triples = _bulk_load(args.data)
        reference.append(seconds)
        for spares in (0, 1):
            start_up, back = asyncio.run(_one_round(args.data, spares))
            rows[spares][0].append(start_up)
            rows[spares][1].append(back)

    print(
        f"Data: {args.data} ({triples:,} triples); {args.rounds} rounds; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end.\n"
    )
    print("| | pool start | from a kill to the next answer |")
    print("|---|---|---|")
    for spares in (0, 1):
        start_up, back = rows[spares]
        name = f"{spares} spare{'s' if spares != 1 else ''}"
        print(f"| {name} | {_spread(start_up)} | {_spread(back)} |")
    print(f"| reference: bare pyoxigraph bulk_load | {_spread(reference)} | |")
    zero, one = statistics.median(rows[0][1]), statistics.median(rows[1][1])
    print(
        f"\nAfter a kill the pool answers again in {one * 1000:.1f} ms with a spare, "
        f"{zero:.2f} s without ({zero / statistics.median(reference):.1f}x a bare bulk load)."
    )


if __name__ == "__main__":
    main()
