"""The house rules of docs/architecture.md, checked on the source.

Each room (sub-package of ``graph``) may import only the rooms below it; modules and
functions stay small enough to read; no module imports itself back through others; no
test imports another test module. The rules are read from the import statements of the
source (``ast``), lazy imports inside functions included: a lazy import still makes one
room depend on another.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graph"
TESTS = Path(__file__).resolve().parent

#: The rooms, lowest first: each may import the rooms before it in this list, never after.
#: The same order is written out, with what each room is for, in docs/architecture.md.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "paths", "suggest"),
    ("rdf",),
    ("dataset",),
    ("workers",),
    ("sparql",),
    ("network",),
    ("page",),
    ("publish",),
    ("server",),
    ("cli",),
)
#: The package itself (its lazy re-exports) and ``python -m graph`` stand above every room.
TOP = {"__init__", "__main__"}

MAX_MODULE_LINES = 520
MAX_FUNCTION_LINES = 65


def _rank(room: str) -> int:
    for rank, rooms in enumerate(LAYERS):
        if room in rooms:
            return rank
    if room in TOP:
        return len(LAYERS)
    raise AssertionError(f"graph/{room} is in no layer of the architecture: add it to LAYERS")


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        if relative.parts[0].startswith("_") and relative.parts[0] not in TOP:
            continue
        yield ".".join(("graph", *relative.parts)), path


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(module: str, path: Path, *, lazy: bool = True) -> set[str]:
    """The ``graph`` modules that ``module`` imports (``lazy``: those inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    nodes = _all_but_type_checking(tree) if lazy else _top_level(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "graph"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "graph":
                continue
            found.add(name)
            # ``from graph.rdf import vocab`` imports the module graph.rdf.vocab.
            found |= {f"{name}.{a.name}" for a in node.names if _is_module(f"{name}.{a.name}")}
    return found


def _all_but_type_checking(tree: ast.Module) -> Iterator[ast.AST]:
    """Every node, functions included, except under ``if TYPE_CHECKING:`` (never runs)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _top_level(tree: ast.Module) -> Iterator[ast.AST]:
    """Statements that run at import: the body, ``if`` and ``try`` blocks, not functions.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run.
    """
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.If, ast.Try)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(node, field, []))
            continue
        if isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)
            continue
        yield node


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


MODULES = dict(_modules())


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_room_imports_only_the_rooms_below_it(module: str) -> None:
    room = _room(module)
    upward = sorted(
        name
        for name in _imports(module, MODULES[module])
        if _room(name) != room and _rank(_room(name)) >= _rank(room)
    )
    assert not upward, (
        f"{module} (room {room}) imports {', '.join(upward)}: a room may import only the "
        "rooms below it (docs/architecture.md)"
    )


def test_every_room_is_placed_in_a_layer() -> None:
    for module in MODULES:
        _rank(_room(module))


def test_no_module_imports_itself_back() -> None:
    imports = nx.DiGraph()
    for module, path in MODULES.items():
        imports.add_node(module)
        for name in _imports(module, path, lazy=False):
            target = name if name in MODULES else f"{name}.__init__"
            if target in MODULES or name in MODULES:
                imports.add_edge(module, name if name in MODULES else target)
    # A package imports its own modules to re-export them; that is not a cycle of meaning.
    cycles = [
        c
        for c in nx.simple_cycles(imports)
        if not any(MODULES.get(m, Path()).name == "__init__.py" for m in c)
    ]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_stay_readable(module: str) -> None:
    text = MODULES[module].read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines (at most {MAX_MODULE_LINES})"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{module}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda p: p.name)
def test_no_test_imports_another_test_module(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offending = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [("." * node.level) + (node.module or "")]
            if node.level and not node.module:
                names = [f".{a.name}" for a in node.names]
        offending += [
            n
            for n in names
            if n.rpartition(".")[2].startswith("test_") or n.startswith("tests.test_")
        ]
    assert not offending, (
        f"{path.name} imports test modules {offending}: share through conftest.py or tests/helpers/"
    )


def test_the_rules_catch_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an import from a room above is found, a lazy one too."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from graph.server.app import create_app\n", encoding="utf-8")
    found = _imports("graph.rdf.m", module)
    assert "graph.server.app" in found and _rank("server") > _rank("rdf")
    assert "graph.server.app" not in _imports("graph.rdf.m", module, lazy=False)
