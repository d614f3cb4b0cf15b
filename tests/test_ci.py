"""The README's two commands are what a fresh machine and CI run."""

from __future__ import annotations

import re

from tests.helpers import REPO


def _commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_the_readme_has_two_commands_and_ci_runs_the_second():
    install, tests = _commands()
    assert install == "python -m pip install . && coopgraph build"
    setup, _, pytest_command = tests.partition(" && ")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert setup in ci and pytest_command in ci
    # Every test, the slow ones included: the default run leaves those out.
    assert '-m "slow or not slow"' in pytest_command
    assert "not slow" in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def test_ci_fails_when_no_test_ran():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert '"$rc" -eq 5' in ci and "exit 1" in ci
