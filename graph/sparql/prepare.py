"""Preparing a query: read it (a name, a file, a text), check it, gather its parameters,
and bind them (``bind``) when it runs.

Parameters are bound with a ``VALUES`` block built from RDF terms, never by pasting text
into the query.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCTERMS, ORG, RDFS, SKOS, XSD

from graph.errors import display_path
from graph.rdf import sparql_text
from graph.rdf.resolve import Candidate, UnknownEntityError, resolve_entity
from graph.rdf.terms import LANGUAGES
from graph.rdf.vocab import JC, PREFIXES
from graph.sparql.catalogue import Header, Parameter, QueryNotFoundError, find_query, parse_header
from graph.sparql.engines import Runner
from graph.sparql.errors import ParameterError
from graph.sparql.result import Term
from graph.sparql.safety import QueryInfo, check_query
from graph.suggest import did_you_mean

__all__ = ["PreparedQuery", "bind", "prepare_query"]

_INTEGER = ox.NamedNode(str(XSD.integer))
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# --- preparing a query ----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedQuery:
    """A query read, checked and with its parameter values gathered (not yet bound)."""

    text: str
    info: QueryInfo
    #: The catalogue name, or None for a file or a text.
    name: str | None
    source: Path | None
    #: The parameters declared in the header.
    parameters: tuple[Parameter, ...]
    #: Variable name -> value as given (or the default), to be bound when it runs.
    values: dict[str, tuple[str | None, str]]
    #: E.g. a parameter given under its former name (``graph.sparql.catalogue``'s ``renamed``).
    warnings: tuple[str, ...] = ()


def prepare_query(
    query: str | Path | PreparedQuery | None = None,
    *,
    sparql: str | None = None,
    params: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> PreparedQuery:
    """Read a catalogue name, a ``.rq`` path or a SPARQL text, check it, gather parameters.

    ``query`` is read as a name when it is one word, as a file when it is a ``Path`` or
    ends in ``.rq``, else as SPARQL; ``sparql=`` is always SPARQL. Raises
    ``QueryNotFoundError``, ``QuerySyntaxError``, ``QueryRefusedError`` or
    ``ParameterError`` (all exit code 2) before anything runs. ``lang`` binds ``?lang``;
    None leaves the query's own default (French, unless its header says otherwise).
    """
    if isinstance(query, PreparedQuery):
        return query
    if (query is None) == (sparql is None):
        raise ParameterError("give either a query (name, file or text) or sparql=TEXT")
    given = tuple(sorted((params or {}).items()))
    if isinstance(query, Path) or (isinstance(query, str) and _is_file(query)):
        return _prepare(query, None, given, lang)  # a file may change: read it every time
    return _prepared(query, sparql, given, lang)


@functools.lru_cache(maxsize=256)
def _prepared(
    query: str | None, sparql: str | None, given: tuple, lang: str | None
) -> PreparedQuery:
    """A name or a text prepares the same way every time: once per process is enough."""
    return _prepare(query, sparql, given, lang)


def _prepare(query, sparql, given: tuple, lang: str | None) -> PreparedQuery:
    name, source, text = _read(query) if query is not None else (None, None, sparql)
    header = parse_header(text, source or (name or "<query>"))
    info = check_query(text)
    given_now, warnings = _renamed(header, dict(given))
    values = _gather(header, info, given_now, lang)
    # info.text, not text: the engines run exactly what graph.sparql.safety read.
    return PreparedQuery(info.text, info, name, source, header.parameters, values, tuple(warnings))


def _is_file(query: str) -> bool:
    return query.endswith(".rq") and "\n" not in query


def _read(query: str | Path) -> tuple[str | None, Path | None, str]:
    if isinstance(query, Path) or _is_file(query):
        path = Path(query)
        try:
            return None, path, path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryNotFoundError(f"{display_path(path)} does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise QueryNotFoundError(f"cannot read {display_path(path)}: {error}") from None
    if re.fullmatch(r"[A-Za-z0-9_-]+", query.strip()):
        entry = find_query(query.strip())
        return entry.name, entry.path, entry.text
    return None, None, query


def _renamed(header: Header, given: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The parameters under their names now, and a warning for each former name used."""
    warnings = []
    for old, new in header.renamed.items():
        if old not in given:
            continue
        if new in given:
            raise ParameterError(
                f"{old!r} and {new!r} are the same parameter: give {new!r} only",
                hint=f"{old!r} is its former name.",
            )
        given[new] = given.pop(old)
        option = " (--lang)" if new == "lang" else ""
        warnings.append(
            f"the parameter {old!r} is now called {new!r}{option}; "
            f"{old!r} still works but will be removed"
        )
    return given, warnings


def _gather(
    header: Header, info: QueryInfo, given: dict[str, str], lang: str | None
) -> dict[str, tuple[str | None, str]]:
    """Variable -> (declared type or None, raw value) for every variable to bind."""
    declared = {p.name: p for p in header.parameters}
    for name in given:
        if name in declared or (not declared and name in info.variables):
            continue
        names = list(declared) if declared else list(info.variables)
        if declared:
            known = ", ".join(f"{p.name} ({p.type})" for p in header.parameters)
            hint = f"This query takes: {known}."
        else:
            hint = "A parameter binds the query variable of the same name; "
            hint += f"this query has: {', '.join('?' + v for v in info.variables) or 'none'}."
        raise ParameterError(
            f"the query has no parameter {name!r}", hint=did_you_mean(name, names) + hint
        )

    values: dict[str, tuple[str | None, str]] = {}
    for parameter in header.parameters:
        values[parameter.name] = (parameter.type, given.get(parameter.name, parameter.default))
    for name, value in given.items():
        values.setdefault(name, (None, value))
    if "lang" in info.variables and "lang" not in given and (lang or "lang" not in declared):
        values["lang"] = ("lang", lang or "fr")
    for name, (kind, value) in values.items():
        if kind == "lang" and not _LANG_TAG.match(value):
            raise ParameterError(
                f"{value!r} is not a language tag (parameter {name})",
                hint="Give a tag such as fr, de, en or it.",
            )
    return {name: v for name, v in values.items() if name in info.variables}


# --- parameters -----------------------------------------------------------------------------


def bind(prepared: PreparedQuery, runner: Runner) -> str:
    """The text with a VALUES block for the parameters at the top of each WHERE group.

    A parameter is a constant of the query, as in Oxigraph's substitutions (SPARQL-dev
    SEP-0007): the block opens the outermost WHERE group and the group of every subquery,
    so that a subquery can use it too (``reachable`` keeps each step DISTINCT that way).
    """
    if not prepared.values:
        return prepared.text
    terms = {
        name: _term(name, kind, value, runner) for name, (kind, value) in prepared.values.items()
    }
    try:
        groups = sparql_text.where_groups(prepared.text)
    except sparql_text.ShortConstructError:
        raise ParameterError(
            "CONSTRUCT WHERE { ... } (the short form) cannot take parameters",
            hint="Write CONSTRUCT { template } WHERE { pattern } instead.",
        ) from None
    if not groups:
        raise ParameterError(
            f"the query has no WHERE group to bind ?{next(iter(terms))} in",
            hint="Add WHERE { } after the query form, or leave the parameter out.",
        )
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    # On the line of the brace, so that the line numbers of the text stay those of the file.
    block = f" VALUES ({names}) {{ ({row}) }} "
    text = prepared.text
    for at in sorted(groups, reverse=True):
        text = text[:at] + block + text[at:]
    return text


def _term(name: str, kind: str | None, value: str, runner: Runner) -> Term:
    value = value.strip()
    if kind in ("integer", "year"):
        try:
            number = int(value)
        except ValueError:
            raise ParameterError(f"{name} must be a whole number, not {value!r}") from None
        if kind == "year" and not 1 <= number <= 9999:
            raise ParameterError(f"{name} must be a year between 1 and 9999, not {value!r}")
        return ox.Literal(str(number), datatype=_INTEGER)
    if kind in ("string", "lang"):
        return ox.Literal(value.lower() if kind == "lang" else value)
    if kind in ("entity", "iri"):
        iri = _iri(value)
        if iri is not None:
            return iri
        if kind == "iri":
            raise ParameterError(
                f"{name} must be an IRI or a prefixed name, not {value!r}",
                hint="Write e.g. concept:axe-proximite or <https://...>.",
            )
        found = runner.entities.get(value)
        if found is None:
            found = runner.entities[value] = _entity(name, value, runner)
        return found
    # Undeclared (a query without a header): an IRI if it reads as one, else a number or text.
    iri = _iri(value)
    if iri is not None:
        return iri
    if re.fullmatch(r"-?[0-9]+", value):
        return ox.Literal(value, datatype=_INTEGER)
    return ox.Literal(value)


def _iri(value: str) -> ox.NamedNode | None:
    """The IRI written as <...>, as a full IRI or as a prefixed name of ours; else None."""
    text = None
    if value.startswith("<") and value.endswith(">"):
        text = value[1:-1]
    else:
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES and not local.startswith("//"):
            text = PREFIXES[prefix] + local
        elif _SCHEME.match(value) and not any(c.isspace() for c in value):
            text = value
    if text is None:
        return None
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise ParameterError(f"{value!r} is not a valid IRI: {error}") from None


def _entity(name: str, value: str, runner: Runner) -> ox.NamedNode:
    """The entity a slug or a label names, by the rules every command uses (rdf.resolve)."""
    try:
        iri = resolve_entity(value, _candidates(runner), context=f"parameter {name}")
    except UnknownEntityError as error:
        # The parameter's own error class (exit status 2 either way), with the resolver's
        # message and hint.
        raise ParameterError(str(error), hint=error.hint) from None
    return ox.NamedNode(iri)


#: Every named thing with its labels, and whether it is a place or an event (which give way
#: to a body of the same name): the candidates of ``graph.rdf.resolve``.
_CANDIDATES = f"""PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> PREFIX dct: <{DCTERMS}>
PREFIX org: <{ORG}> PREFIX jc: <{JC._NS}>
SELECT ?e ?l ?rank ?yields WHERE {{
  {{ SELECT DISTINCT ?e WHERE {{ ?e ?p ?o FILTER(isIRI(?e)) }} }}
  OPTIONAL {{
    VALUES (?lp ?rank) {{ (skos:prefLabel 0) (rdfs:label 1) (dct:title 2) (skos:altLabel 3) }}
    ?e ?lp ?l
  }}
  # The classes below Territory and ChangeEvent first, then their members: an EXISTS with
  # the path per entity costs Oxigraph seconds on the shipped data, this milliseconds.
  OPTIONAL {{ SELECT DISTINCT ?e (true AS ?place) WHERE {{
    VALUES ?c {{ jc:Territory org:ChangeEvent }} ?k rdfs:subClassOf* ?c . ?e a ?k }} }}
  BIND(COALESCE(?place, false) AS ?yields)
}}"""


def _candidates(runner: Runner) -> list[Candidate]:
    """The candidates of the runner's data, listed once for as long as the data is loaded.

    Labels come in the order messages show them: preferred labels before alternative ones,
    then by ``LANGUAGES`` (so ``Québec`` before ``Quebec``), then by text.
    """
    holder = getattr(runner, "data", runner)  # the cached store, else the endpoint runner
    found = getattr(holder, "entity_candidates", None)
    if found is None:
        _, rows = runner.select(_CANDIDATES, None)
        labels: dict[str, dict[str, tuple]] = {}
        yields: dict[str, bool] = {}
        for entity, label, rank, place in rows:
            if not isinstance(entity, ox.NamedNode):
                continue
            names = labels.setdefault(entity.value, {})
            if isinstance(label, ox.Literal):
                key = (int(rank.value), _language_rank(label.language), label.value)
                names[label.value] = min(names.get(label.value, key), key)
            yields[entity.value] = isinstance(place, ox.Literal) and place.value == "true"
        found = [
            Candidate(iri, tuple(sorted(names, key=names.__getitem__)), yields[iri])
            for iri, names in labels.items()
        ]
        holder.entity_candidates = found
    return found


def _language_rank(language: str | None) -> int:
    return LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
