"""The package's entry points stay light: ``import graph`` and ``import graph.cli`` (which every
``coopgraph`` command runs first) import no stage of the pipeline, and every public name of
``graph`` still imports on first use."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

import graph
from tests.helpers import REPO

#: What ``import graph.cli`` may import of the package: the group needs CoopGraphError.
CLI_MODULES = ["graph", "graph.cli", "graph.errors"]
#: Libraries that only a command's own work needs.
HEAVY = ["rdflib", "pyoxigraph", "networkx", "pyvis", "pyshacl", "jinja2", "starlette"]


def _imported_after(code: str) -> dict[str, list[str]]:
    """The ``graph`` modules and the HEAVY libraries in sys.modules after running ``code``
    in a fresh interpreter."""
    probe = (
        "import json, sys\n"
        "try:\n" + "".join(f"    {line}\n" for line in code.splitlines()) + "except SystemExit:\n"
        "    pass\n"
        "names = sorted(sys.modules)\n"
        "print(json.dumps({'graph': [n for n in names if n.split('.')[0] == 'graph'],\n"
        f"    'heavy': [n for n in {HEAVY!r} if n in sys.modules]}}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr.splitlines()[-1])


def test_import_graph_imports_no_submodule():
    assert _imported_after("import graph") == {"graph": ["graph"], "heavy": []}


def test_import_graph_cli_imports_only_the_group():
    assert _imported_after("import graph.cli") == {"graph": CLI_MODULES, "heavy": []}


def test_coopgraph_help_imports_no_command():
    code = "import sys\nsys.argv = ['coopgraph', '--help']\nfrom graph.cli import main\nmain()"
    assert _imported_after(code) == {"graph": CLI_MODULES, "heavy": []}


@pytest.mark.parametrize("name", graph.__all__)
def test_every_public_name_imports_from_the_module_that_defines_it(name):
    value = getattr(graph, name)
    assert value is not None
    assert name in dir(graph)
    # A class or function is taken from its own module, not from one that imports it.
    assert getattr(value, "__module__", graph._WHERE[name]) == graph._WHERE[name]


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        graph.nothing_here  # noqa: B018


def test_the_names_for_type_checkers_are_the_public_names():
    tree = ast.parse((REPO / "graph" / "__init__.py").read_text(encoding="utf-8"))
    (block,) = [n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n)]
    imported = {alias.asname or alias.name for node in block.body for alias in node.names}
    assert imported == set(graph.__all__) == set(graph._WHERE)
