"""The catalogue of named SPARQL queries shipped in ``graph/queries/*.rq``.

Each file starts with a block of comment lines that says what the query answers, in French
and English, which parameters it takes and how to call it (docs/queries.md)::

    # title.fr: Partenaires par axe de coopération
    # title.en: Partners by cooperation axis
    # description.fr: Chaque partenaire du canton, avec l'axe et la nature du lien.
    #   A line indented by two spaces or more continues the field above.
    # description.en: Every partner of the canton, with the axis and the kind of link.
    # param: lang [lang] = fr — langue des libellés / language of the labels
    # example: coopgraph query partners-by-axis --lang en

A parameter line is ``# param: NAME [TYPE] = DEFAULT — DESCRIPTION``; its value is bound to
the query's variable ``?NAME``. The same header works in any ``.rq`` file of one's own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from graph.errors import CoopGraphError, display_path

__all__ = [
    "PARAMETER_TYPES",
    "CatalogueEntry",
    "Header",
    "HeaderError",
    "Parameter",
    "QueryNotFoundError",
    "find_query",
    "list_queries",
    "parse_header",
    "queries_dir",
]

#: Parameter type -> what a value may be.
PARAMETER_TYPES: dict[str, str] = {
    "entity": "a slug (rcju), a prefixed name (id:rcju), a full IRI or a label",
    "iri": "a prefixed name (concept:axe-proximite) or a full IRI",
    "string": "any text",
    "integer": "a whole number",
    "year": "a year, e.g. 2010",
    "lang": "a language tag: fr, de, en, it",
}
_KEYS = {"title.fr", "title.en", "description.fr", "description.en", "param", "example"}
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\[(?P<type>[a-z]+)\]\s*=\s*(?P<default>\S.*?)"
    r"\s+—\s+(?P<description>\S.*)$"
)


class QueryNotFoundError(CoopGraphError):
    """No catalogue query has this name, or the .rq file does not exist."""

    exit_code = 2
    default_hint = "Run `coopgraph queries` to list the catalogue."


class HeaderError(CoopGraphError):
    """The comment block at the top of a .rq file does not follow the header format."""

    exit_code = 2
    default_hint = (
        "Write header lines as `# key: value` (title.fr, title.en, description.fr, "
        "description.en, param, example); see docs/queries.md."
    )


@dataclass(frozen=True)
class Parameter:
    """A value the query takes, bound to the variable of the same name."""

    name: str
    type: str
    default: str
    description: str


@dataclass(frozen=True)
class Header:
    """The comment block at the top of a query."""

    #: Language ("fr", "en") -> title.
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueEntry:
    """One named query: its header, its file and its text."""

    name: str
    path: Path
    text: str
    #: Language ("fr", "en") -> title.
    title: dict[str, str]
    description: dict[str, str]
    parameters: tuple[Parameter, ...] = ()
    examples: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, or in French when there is none in that language."""
        return self.title.get(lang) or self.title.get("fr", "")

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def queries_dir() -> Path:
    """The folder of the shipped catalogue (package data)."""
    return Path(str(files("graph"))) / "queries"


def list_queries() -> list[CatalogueEntry]:
    """Every catalogue query, sorted by name."""
    return list(_catalogue(queries_dir()).values())


def find_query(name: str) -> CatalogueEntry:
    """The catalogue query called ``name``; ``QueryNotFoundError`` lists near names."""
    catalogue = _catalogue(queries_dir())
    if name in catalogue:
        return catalogue[name]
    near = [n for n in catalogue if name in n or n in name]
    hint = f"Did you mean {', '.join(near)}? " if near else ""
    raise QueryNotFoundError(
        f"no query called {name!r} in the catalogue",
        hint=hint + "Run `coopgraph queries` to list the catalogue, or pass a .rq file.",
    )


def parse_header(text: str, source: Path | str = "<query>") -> Header:
    """The header of a query text; a text without one gives an empty ``Header``.

    A comment line before the first header key is an ordinary comment (no header); a
    malformed line after it is a ``HeaderError``.
    """
    fields: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        body = line[1:]
        if not body.strip():
            continue
        if body.startswith("  ") and fields:  # continuation of the field above
            key, value = fields[-1]
            fields[-1] = (key, f"{value} {body.strip()}")
            continue
        key, sep, value = body.strip().partition(":")
        if not sep or key.strip() not in _KEYS:
            if fields:
                raise HeaderError(f"{_where(source)}:{number}: {key.strip()!r} is not a header key")
            break
        fields.append((key.strip(), value.strip()))

    title: dict[str, str] = {}
    description: dict[str, str] = {}
    parameters: list[Parameter] = []
    examples: list[str] = []
    for key, value in fields:
        if key == "param":
            parameters.append(_parameter(value, source))
        elif key == "example":
            examples.append(value)
        elif key.startswith("title."):
            title[key.split(".")[1]] = value
        else:
            description[key.split(".")[1]] = value
    return Header(title, description, tuple(parameters), tuple(examples))


def _parameter(value: str, source: Path | str) -> Parameter:
    match = _PARAM.match(value)
    if not match:
        raise HeaderError(
            f"{_where(source)}: cannot read the parameter line {value!r}",
            hint="Write `# param: NAME [TYPE] = DEFAULT — DESCRIPTION`, with TYPE one of "
            + ", ".join(PARAMETER_TYPES),
        )
    if match["type"] not in PARAMETER_TYPES:
        raise HeaderError(
            f"{_where(source)}: parameter {match['name']!r} has an unknown type {match['type']!r}",
            hint="Use one of " + ", ".join(PARAMETER_TYPES),
        )
    return Parameter(match["name"], match["type"], match["default"], match["description"])


def _where(source: Path | str) -> str:
    return display_path(source) if isinstance(source, Path) else str(source)


@functools.lru_cache(maxsize=4)
def _catalogue(folder: Path) -> dict[str, CatalogueEntry]:
    catalogue = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text, path)
        catalogue[path.stem] = CatalogueEntry(
            path.stem,
            path,
            text,
            header.title,
            header.description,
            header.parameters,
            header.examples,
        )
    return catalogue
