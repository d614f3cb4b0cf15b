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

For the query page of ``coopgraph serve``, a catalogue query also says which theme it
belongs to, the question it answers in plain words, and how its answer is best shown::

    # theme: partners
    # question.fr: Avec qui le canton coopère-t-il, et sur quel axe ?
    # question.en: Who does the canton cooperate with, and on which axis?
    # view: bar category=axisLabel count=partner
    # view: table

The first ``view`` is the one the page opens on; the table is always offered. A parameter
that was renamed keeps working under its old name, with a warning::

    # renamed: language -> lang
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from graph.errors import CoopGraphError, display_path
from graph.suggest import did_you_mean

__all__ = [
    "PARAMETER_TYPES",
    "THEMES",
    "VIEWS",
    "CatalogueEntry",
    "Header",
    "HeaderError",
    "Parameter",
    "QueryNotFoundError",
    "View",
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
#: Theme -> its name in each language, in the order the query page lists them.
THEMES: dict[str, dict[str, str]] = {
    "partners": {"fr": "Partenaires", "en": "Partners", "de": "Partner"},
    "bodies": {
        "fr": "Organismes et adhésions",
        "en": "Bodies and memberships",
        "de": "Gremien und Mitgliedschaften",
    },
    "funding": {"fr": "Financement", "en": "Funding", "de": "Finanzierung"},
    "history": {
        "fr": "Accords et histoire",
        "en": "Agreements and history",
        "de": "Abkommen und Geschichte",
    },
    "aid": {
        "fr": "Aide au développement",
        "en": "Development aid",
        "de": "Entwicklungszusammenarbeit",
    },
    "explore": {
        "fr": "Explorer le graphe",
        "en": "Exploring the graph",
        "de": "Den Graphen erkunden",
    },
    "quality": {
        "fr": "Sources et qualité des données",
        "en": "Sources and data quality",
        "de": "Quellen und Datenqualität",
    },
}
#: View -> the options it takes (each names a column of the result).
VIEWS: dict[str, frozenset[str]] = {
    "table": frozenset(),
    # One bar per value of ``category``: the sum of ``value``, or the number of distinct
    # values of ``count`` (of rows when neither is given); ``group`` splits the bars.
    "bar": frozenset({"category", "value", "count", "group"}),
    # One line per row from ``start`` to ``end`` (a point without one), named by ``label``.
    "timeline": frozenset({"start", "end", "label", "group"}),
    # A CONSTRUCT result drawn as the graph page draws the whole graph.
    "network": frozenset(),
    "map": frozenset({"lat", "long", "label"}),
}
_LANGUAGES = ("fr", "en", "de")
_KEYS = {
    *(f"{key}.{lang}" for key in ("title", "description", "question") for lang in _LANGUAGES),
    "param",
    "example",
    "theme",
    "view",
    "renamed",
}
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
        "description.en, question.fr, question.en, param, example, theme, view, renamed); "
        "see docs/queries.md."
    )


@dataclass(frozen=True)
class Parameter:
    """A value the query takes, bound to the variable of the same name."""

    name: str
    type: str
    default: str
    description: str


@dataclass(frozen=True)
class View:
    """A way of showing the answer on the query page, with the columns it reads."""

    name: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Header:
    """The comment block at the top of a query."""

    #: Language ("fr", "en") -> title.
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()
    examples: tuple[str, ...] = ()
    #: Language -> the question the query answers, in plain words.
    question: dict[str, str] = field(default_factory=dict)
    theme: str = ""
    views: tuple[View, ...] = ()
    #: Former parameter name -> its name now.
    renamed: dict[str, str] = field(default_factory=dict)


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
    question: dict[str, str] = field(default_factory=dict)
    theme: str = ""
    views: tuple[View, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, or in French when there is none in that language."""
        return self.title.get(lang) or self.title.get("fr", "")

    def question_in(self, lang: str) -> str:
        """The plain-words question in ``lang`` (French when missing), else the title."""
        return self.question.get(lang) or self.question.get("fr") or self.title_in(lang)

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
    hint = did_you_mean(name, catalogue)
    raise QueryNotFoundError(
        f"no query called {name!r} in the catalogue",
        hint=hint + "Run `coopgraph queries` to list the catalogue, or pass a .rq file.",
    )


def parse_header(text: str, source: Path | str = "<query>") -> Header:
    """The header of a query text; a text without one gives an empty ``Header``.

    A comment line before the first header key is an ordinary comment (no header); a
    malformed line after it is a ``HeaderError``.
    """
    texts: dict[str, dict[str, str]] = {"title": {}, "description": {}, "question": {}}
    parameters: list[Parameter] = []
    examples: list[str] = []
    theme = ""
    views: list[View] = []
    renamed: dict[str, str] = {}
    for key, value in _fields(text, source):
        if key == "param":
            parameters.append(_parameter(value, source))
        elif key == "example":
            examples.append(value)
        elif key == "theme":
            theme = _theme(value, source)
        elif key == "view":
            views.append(_view(value, source))
        elif key == "renamed":
            old, new = _renaming(value, source)
            renamed[old] = new
        else:
            kind, _, lang = key.partition(".")
            texts[kind][lang] = value
    names = {p.name for p in parameters}
    for old, new in renamed.items():
        if new not in names:
            raise HeaderError(
                f"{_where(source)}: {old!r} is renamed to {new!r}, which is not a parameter"
            )
    return Header(
        texts["title"],
        texts["description"],
        tuple(parameters),
        tuple(examples),
        texts["question"],
        theme,
        tuple(views),
        renamed,
    )


def _fields(text: str, source: Path | str) -> list[tuple[str, str]]:
    """The (key, value) lines of the header, a continuation line joined to its field."""
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
    return fields


def _theme(value: str, source: Path | str) -> str:
    if value not in THEMES:
        raise HeaderError(
            f"{_where(source)}: unknown theme {value!r}", hint="Use one of " + ", ".join(THEMES)
        )
    return value


def _renaming(value: str, source: Path | str) -> tuple[str, str]:
    """``OLD -> NEW`` as (old, new)."""
    old, arrow, new = value.partition("->")
    if not arrow or not old.strip() or not new.strip():
        raise HeaderError(
            f"{_where(source)}: cannot read the line 'renamed: {value}'",
            hint="Write `# renamed: OLD -> NEW` (parameter names).",
        )
    return old.strip(), new.strip()


def _view(value: str, source: Path | str) -> View:
    name, *options = value.split()
    if name not in VIEWS:
        raise HeaderError(
            f"{_where(source)}: unknown view {name!r}", hint="Use one of " + ", ".join(VIEWS)
        )
    parsed = {}
    for option in options:
        key, sep, column = option.partition("=")
        if not sep or key not in VIEWS[name] or not column:
            known = ", ".join(sorted(VIEWS[name])) or "none"
            raise HeaderError(
                f"{_where(source)}: cannot read {option!r} in the view {name!r}",
                hint=f"Write KEY=COLUMN; the {name} view takes: {known}.",
            )
        parsed[key] = column
    return View(name, parsed)


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
            header.question,
            header.theme,
            header.views,
            header.renamed,
        )
    return catalogue
