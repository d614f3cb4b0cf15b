"""The layout of an entity's page: what the queries about it found, in sections.

The page reads in sections: names and kinds; identity; relations by cooperation axis;
history; the other links, each under the label of its property; the sources with their
excerpts; and every statement as it is, for those who want the data itself. Each term is
named by its label in the page's language (``graph.rdf.terms.pick_label``), else by its
prefixed name. ``graph.server.entity`` runs the queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS

from graph.page.html import environment
from graph.rdf.formats import RDF_FORMATS
from graph.rdf.terms import LANGUAGES, pick_label, prefixed_name
from graph.rdf.vocab import ID, JC, SCHEMA
from graph.server.words import UI

__all__ = ["NAMES", "Facts", "entity_page", "sort_key"]


def _iris(*terms) -> frozenset[str]:
    # Plain strings: they are compared with Oxigraph's term values (an rdflib URIRef does
    # not hash as the string it holds).
    return frozenset(str(term) for term in terms)


_LABELS = _iris(SKOS.prefLabel, RDFS.label)
_ALT_LABELS = _iris(SKOS.altLabel)
#: The entity's own names: the page's title and its other names.
NAMES = _LABELS | _ALT_LABELS
#: Shown as identifiers and links to other datasets rather than as relations.
_IDENTIFIERS = _iris(
    OWL.sameAs,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.notation,
    RDFS.seeAlso,
    FOAF.page,
    FOAF.homepage,
    SCHEMA.url,
    JC.nutsCode,
    JC.iso31662,
    JC.inseeCode,
    JC.ofsNumber,
    JC.sirenNumber,
)
_KINDS = _iris(RDF.type, ORG.classification)
#: What a relation is: between whom, on which axis, under which agreement.
_RELATION_TERMS = tuple(
    str(term)
    for term in (
        JC.actor,
        JC.partner,
        ORG.member,
        ORG.organization,
        JC.axis,
        JC.framework,
        JC.theme,
    )
)
#: What the entity is, where and since when: shown under "Identity" with its texts.
_IDENTITY = _iris(
    DCTERMS.spatial,
    DCTERMS.isPartOf,
    ORG.hasPrimarySite,
    ORG.hasSite,
    SCHEMA.location,
    JC.administrativeCentre,
    SKOS.inScheme,
    *_RELATION_TERMS,
)
#: The cooperation axes in the order the canton's page gives them.
_AXES = tuple(
    f"{ID}concept/axe-{name}" for name in ("proximite", "interregional", "aide-developpement")
)
#: Shown first in "Identity", in this order: what the entity is, in words.
_FIRST = (
    str(DCTERMS.description),
    str(SKOS.definition),
    str(SKOS.scopeNote),
    *_RELATION_TERMS,
)
#: Shown in their own sections (relations, history), not again among the other links.
_SHOWN_ELSEWHERE = _iris(
    JC.actor,
    JC.partner,
    ORG.member,
    ORG.organization,
    ORG.originalOrganization,
    ORG.resultingOrganization,
    JC.mandatedOrganization,
    JC.newMember,
)
#: Datasets whose IRIs we link to, named on the page.
_KNOWN_TARGETS = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("https://www.wikidata.org/wiki/", "Wikidata"),
    ("https://www.openstreetmap.org/", "OpenStreetMap"),
    ("http://data.europa.eu/nuts/", "NUTS"),
    ("https://ec.europa.eu/eurostat/", "Eurostat"),
    ("http://sws.geonames.org/", "GeoNames"),
    ("https://www.geonames.org/", "GeoNames"),
)
#: The other formats the page links to, in the order it lists them.
_FORMATS = [(RDF_FORMATS[name].title, name) for name in ("turtle", "jsonld", "ntriples")]


@dataclass
class _Value:
    """A value as the page shows it: text, and a link when there is somewhere to go."""

    text: str
    href: str | None = None
    note: str = ""  # a language tag, a datatype, or the dataset an IRI belongs to
    external: bool = False


@dataclass
class _Group:
    label: str
    iri: str
    values: list[_Value]


@dataclass
class Facts:
    """What the queries found about the entity, before it is laid out."""

    outgoing: list
    incoming: list
    relations: list[dict]
    events: list[dict]
    excerpts: list[dict]
    #: Values cut from ``outgoing`` and ``incoming`` (the page says how many).
    left_out: int = 0


def entity_page(iri: str, lang: str, facts: Facts, labels: dict[str, dict[str, str]]) -> str:
    """The page, section by section (see the module's docstring)."""
    ui = UI.get(lang, UI["fr"])
    namer = _Namer(lang, labels)
    title, other_names = _names(iri, facts.outgoing, lang)
    kinds, identity, identifiers, properties = _sections(facts.outgoing, namer)
    relations, shown_relations = _relation_sections(facts.relations, namer, ui)
    history = _history(facts.events, namer)
    referred = _referred(facts.incoming, namer, shown_relations | set(history))
    subject = _Value(_short(iri), None)
    raw_rows = [(subject, namer.raw(p), namer.raw(o)) for p, o in facts.outgoing]
    raw_rows += [(namer.raw(s), namer.raw(p), subject) for s, p in facts.incoming]
    return (
        environment()
        .get_template("entity.html")
        .render(
            lang=lang,
            ui=ui,
            iri=iri,
            title=title,
            other_names=other_names,
            kinds=[v for g in namer.groups(kinds) for v in g.values],
            identity=namer.groups(identity, _FIRST),
            identifiers=namer.groups(identifiers),
            relations=relations,
            history=sorted(history.values(), key=lambda r: (r["date"] or "9999", r["event"].text)),
            properties=namer.groups(properties),
            incoming=namer.groups(referred),
            sources=_sources(facts.excerpts, lang),
            raw=raw_rows,
            path=_local_path(iri),
            left_out=facts.left_out,
            languages=LANGUAGES,
            formats=_FORMATS,
        )
    )


@dataclass
class _Namer:
    """How the page shows a term: its label in the page's language, a link, a note."""

    lang: str
    labels: dict[str, dict[str, str]]

    def label(self, iri: str) -> str:
        return pick_label(self.labels.get(iri, {}), self.lang) or _short(iri)

    def value(self, term) -> _Value:
        import pyoxigraph as ox

        if isinstance(term, ox.Literal):
            note = term.language or ""
            # The language when it is not the page's; no datatype: dates and numbers read
            # as they are (the raw triples keep the datatypes).
            return _Value(term.value, None, note if note != self.lang else "")
        if isinstance(term, ox.BlankNode):
            return _Value(f"_:{term.value}")
        href, external = _href(term.value, self.lang)
        note = next((name for prefix, name in _KNOWN_TARGETS if term.value.startswith(prefix)), "")
        return _Value(self.label(term.value), href, note, external)

    def linked(self, iri: str | None) -> _Value | None:
        if not iri:
            return None
        href, external = _href(iri, self.lang)
        return _Value(self.label(iri), href, "", external)

    def raw(self, term) -> _Value:
        """A term of the raw statements: prefixed names and datatypes, never labels."""
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            href, external = _href(term.value, self.lang)
            return _Value(_short(term.value), href, "", external)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            plain = datatype.endswith(("#string", "#langString"))
            return _Value(term.value, None, term.language or ("" if plain else _short(datatype)))
        return self.value(term)

    def groups(self, table: dict[str, dict], first: tuple[str, ...] = ()) -> list[_Group]:
        """One group per property, its values in a stable order; ``first`` leads, in order."""
        found = [
            _Group(self.label(p), p, [v for _, v in sorted(values.items())])
            for p, values in table.items()
        ]
        rank = {iri: i for i, iri in enumerate(first)}
        return sorted(found, key=lambda g: (rank.get(g.iri, len(rank)), g.label.casefold(), g.iri))


def _names(iri: str, outgoing: list, lang: str) -> tuple[str, list[str]]:
    """The page's title (the entity's label in ``lang``) and the entity's other names."""
    import pyoxigraph as ox

    own = {}
    for p, o in outgoing:
        if p.value in _LABELS and isinstance(o, ox.Literal):
            own.setdefault(o.language or "", o.value)
    title = pick_label(own, lang) or _short(iri)
    other_names = sorted({o.value for p, o in outgoing if p.value in NAMES and o.value != title})
    return title, other_names


def _sections(outgoing: list, namer: _Namer) -> tuple[dict, dict, dict, dict]:
    """The entity's values by section: kinds, identity, identifiers, other properties."""
    import pyoxigraph as ox

    kinds, identity, identifiers, properties = {}, {}, {}, {}
    for p, o in outgoing:
        if p.value in NAMES:
            continue
        if p.value in _KINDS:
            target = kinds
        elif p.value in _IDENTIFIERS:
            target = identifiers
        elif isinstance(o, ox.Literal) or p.value in _IDENTITY:
            target = identity
        else:
            target = properties
        target.setdefault(p.value, {})[sort_key(o)] = namer.value(o)
    return kinds, identity, identifiers, properties


def _relation_sections(
    relations: list[dict], namer: _Namer, ui: dict[str, str]
) -> tuple[list[dict], set[str]]:
    """The relations grouped by axis, in the canton's order of axes; and the relations shown."""
    by_axis: dict[str, dict] = {}
    shown = set()
    for row in relations:
        shown.add(row["relation"])
        axis = row.get("axis")
        section = by_axis.setdefault(
            axis or "",
            {"axis": namer.linked(axis), "title": namer.label(axis) if axis else ui["no_axis"]},
        )
        section.setdefault("rows", {})[(row["relation"], row["other"])] = {
            "other": namer.linked(row["other"]),
            "kind": ui.get(row["kind"], row["kind"]),
            "since": row.get("start") or "",
            "until": row.get("end") or "",
            "relation": namer.linked(row["relation"]),
        }
    sections = [
        {**section, "rows": sorted(section["rows"].values(), key=lambda r: r["other"].text)}
        for _, section in sorted(
            by_axis.items(),
            key=lambda item: (_AXES.index(item[0]) if item[0] in _AXES else 9, item[1]["title"]),
        )
    ]
    return sections, shown


def _history(events: list[dict], namer: _Namer) -> dict[str, dict]:
    """Event IRI -> its date, kind and link."""
    return {
        row["event"]: {
            "date": row.get("date") or "",
            "kind": namer.label(row["kind"]),
            "event": namer.linked(row["event"]),
        }
        for row in events
    }


def _referred(incoming: list, namer: _Namer, shown: set[str]) -> dict[str, dict]:
    """What refers to the entity, less the relations and events the page already shows."""
    referred: dict[str, dict] = {}
    for s, p in incoming:
        if p.value in _SHOWN_ELSEWHERE and s.value in shown:
            continue
        referred.setdefault(p.value, {})[sort_key(s)] = namer.value(s)
    return referred


def _sources(excerpts: list[dict], lang: str) -> list[dict]:
    """The excerpts grouped by relation, then by document.

    One relation often cites several documents, and one document is often quoted for
    several relations.
    """
    sources: dict[str, dict] = {}
    for row in excerpts:
        relation = sources.setdefault(
            row["relation"],
            {
                "relation": _Value(
                    row.get("relationLabel") or _short(row["relation"]),
                    _href(row["relation"], lang)[0],
                ),
                "documents": {},
            },
        )
        document = relation["documents"].setdefault(
            row["document"],
            {
                "document": _Value(
                    row.get("documentLabel") or _short(row["document"]),
                    _href(row["document"], lang)[0],
                ),
                "url": row["url"] if _web(row.get("url")) else None,
                "quotes": [],
            },
        )
        if row.get("quote") and row["quote"] not in document["quotes"]:
            document["quotes"].append(row["quote"])
    return [
        {"relation": r["relation"], "documents": list(r["documents"].values())}
        for r in sources.values()
    ]


def _short(iri: str) -> str:
    """``id:rcju``, ``jc:Cooperation``: the prefixed name, else the IRI as it is."""
    return prefixed_name(iri) or iri


def sort_key(term) -> str:
    return f"{type(term).__name__}:{term.value}"


def _local_path(iri: str) -> str | None:
    """``/id/territoire/jura`` for an IRI under our base, else None."""
    return (
        "/id/" + iri[len(str(ID)) :]
        if iri.startswith(str(ID)) and len(iri) > len(str(ID))
        else None
    )


def _href(iri: str, lang: str) -> tuple[str | None, bool]:
    """(link, external) for an IRI: our pages for our IRIs, the IRI itself for the web."""
    local = _local_path(iri)
    if local is not None:
        return (local if lang == "fr" else f"{local}?lang={lang}"), False
    if iri.startswith(str(JC._NS)):
        return "/ontology#" + iri[len(str(JC._NS)) :], False
    return (iri, True) if _web(iri) else (None, False)


def _web(text: object) -> bool:
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))
