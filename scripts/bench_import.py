#!/usr/bin/env python3
"""Start-up time of ``coopgraph``: what a user waits for before a command does anything.

Each command runs ``--runs`` times in a fresh process, the commands taking turns so that a
busy machine slows them all alike (one untimed round first fills the bytecode and file
caches):

* ``python -c pass``: the interpreter alone (with this environment's site-packages), the
  floor under every other line;
* ``import click``: the command-line library, which ``coopgraph`` cannot do without;
* ``import graph``: the package, whose names are imported on first use;
* ``import graph.cli``: the command group and its shared options;
* ``coopgraph --help``: the installed console script (run by its path: a version manager's
  shim such as pyenv's adds its own 0.1 s or so), or ``python -m graph --help`` when the
  package is not installed.

Prints a Markdown table: median wall time in milliseconds, spread (min-max), ratio of the
median to bare Python's and time above it, and the median CPU time (user + system, from
``os.wait4``), which a machine busy with other work inflates much less than wall time; then
the ``graph`` modules and the third-party packages ``coopgraph --help`` imports beyond those
bare Python imports (``python -X importtime``). Usage:

    python scripts/bench_import.py                          # 20 runs each
    python scripts/bench_import.py --runs 50
    python scripts/bench_import.py --source /tmp/old-checkout   # another tree's graph/
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _coopgraph(python: str) -> list[str]:
    """The command that runs ``coopgraph``: the console script itself, not a shim."""
    for folder in (sysconfig.get_path("scripts"), str(Path(python).parent)):
        script = Path(folder) / "coopgraph"
        if script.is_file():
            return [str(script)]
    found = shutil.which("coopgraph")
    if found and "shims" not in Path(found).parts:
        return [found]
    return [python, "-m", "graph"]


def commands(python: str) -> dict[str, list[str]]:
    return {
        "python -c pass": [python, "-c", "pass"],
        "import click": [python, "-c", "import click"],
        "import graph": [python, "-c", "import graph"],
        "import graph.cli": [python, "-c", "import graph.cli"],
        "coopgraph --help": [*_coopgraph(python), "--help"],
    }


@dataclass
class Run:
    wall: float  # seconds, as a user waits
    cpu: float  # seconds of user and system time: what a busy machine does not inflate


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, argv)
    return Run(wall, usage.ru_utime + usage.ru_stime)


def measure(
    argvs: dict[str, list[str]], runs: int, env: dict[str, str], cwd: Path
) -> dict[str, list[Run]]:
    """Each command ``runs`` times, the commands taking turns, after one untimed round."""
    for argv in argvs.values():
        _run(argv, env, cwd)
    times: dict[str, list[Run]] = {name: [] for name in argvs}
    for _ in range(runs):
        for name, argv in argvs.items():
            times[name].append(_run(argv, env, cwd))
    return times


def table(times: dict[str, list[Run]]) -> str:
    bare = statistics.median(run.wall for run in times["python -c pass"])
    lines = [
        "| command | wall, median (ms) | spread (ms) | x bare Python | above bare (ms) "
        "| CPU, median (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, runs in times.items():
        walls = [run.wall * 1000 for run in runs]
        median = statistics.median(walls)
        cpu = statistics.median(run.cpu * 1000 for run in runs)
        lines.append(
            f"| `{name}` | {median:.0f} | {min(walls):.0f}-{max(walls):.0f} "
            f"| {median / bare / 1000:.2f} | {median - bare * 1000:.0f} | {cpu:.0f} |"
        )
    return "\n".join(lines)


def imported_modules(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """The modules ``argv`` imports, in order, from ``python -X importtime``'s report."""
    python, *rest = argv
    if not rest or rest[0] in ("-m", "-c"):
        command = [python, "-X", "importtime", *rest]
    else:  # a console script: run its file with the interpreter named in its first line
        shebang = Path(python).read_text(encoding="utf-8").splitlines()[0]
        command = [shebang.removeprefix("#!").strip(), "-X", "importtime", python, *rest]
    report = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stderr
    return [
        line.rpartition("|")[2].strip()
        for line in report.splitlines()
        if line.startswith("import time:") and not line.endswith("| imported package")
    ]


def _third_party(modules: list[str]) -> list[str]:
    tops = dict.fromkeys(name.split(".")[0] for name in modules)
    # importtime also names the modules a library only tried (``try: import org``): those that
    # cannot be found are left out.
    return [
        top
        for top in tops
        if top not in sys.stdlib_module_names
        and top != "graph"
        and not top.startswith("_")
        and importlib.util.find_spec(top) is not None
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (20)")
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO,
        help="folder holding the graph/ package to measure (default: this checkout)",
    )
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run")
    args = parser.parse_args()

    source = args.source.resolve()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])),
    }
    argvs = commands(args.python)
    times = measure(argvs, args.runs, env, source)

    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {args.runs} runs of each command, in fresh processes; "
        f"graph/ from {source}\n"
    )
    print(table(times))
    bare = set(imported_modules(argvs["python -c pass"], env, source))
    modules = [m for m in imported_modules(argvs["coopgraph --help"], env, source) if m not in bare]
    ours = [name for name in modules if name.split(".")[0] == "graph"]
    print(
        f"\n`coopgraph --help` imports {len(modules)} modules beyond bare Python's {len(bare)}; "
        f"of graph: {', '.join(ours)}; third-party: {', '.join(_third_party(modules)) or 'none'}"
    )


if __name__ == "__main__":
    main()
