#!/usr/bin/env python3
"""Write synthetic cooperation graphs of the same shape as ours, for the query benchmark.

Same vocabulary, same modelling (docs/modelling.md), made-up instances: countries and
territories nested with dct:isPartOf and linked to Wikidata (mostly), public bodies with
their kind, territory, seat and founding date, the canton (id:rcju) as the busiest actor,
qualified cooperations (jc:Cooperation, with axis, themes, start date, agreement, source and
a quoted excerpt), cross-border projects (cooperations with several partners framed by a
programme period), multilateral bodies with memberships (org:Membership) and plain
org:hasMember, agreements with parties, dates, places and replacements, funding programmes
with periods, managing authorities and budgets, funding channels, mergers and renamings,
alternative values, source documents and excerpts. Labels are French, with German and
English on some entities only, as in the real data. A few anchors keep the catalogue's
default parameters meaningful: id:rcju, id:quebec, terr:cameroun.

The concept schemes are not written: the query path loads the shipped ontology files next
to any data folder. Seeded, so the same size gives the same bytes.

    python scripts/gen_synthetic.py                     # 1e3 1e4 1e5 1e6 into build/bench/
    python scripts/gen_synthetic.py --sizes 1000 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PREFIXES = """\
@prefix jc: <https://w3id.org/jura-coop/ontology#> .
@prefix id: <https://w3id.org/jura-coop/id/> .
@prefix concept: <https://w3id.org/jura-coop/id/concept/> .
@prefix src: <https://w3id.org/jura-coop/id/source/> .
@prefix extrait: <https://w3id.org/jura-coop/id/extrait/> .
@prefix coop: <https://w3id.org/jura-coop/id/cooperation/> .
@prefix adhesion: <https://w3id.org/jura-coop/id/adhesion/> .
@prefix fin: <https://w3id.org/jura-coop/id/financement/> .
@prefix accord: <https://w3id.org/jura-coop/id/accord/> .
@prefix evt: <https://w3id.org/jura-coop/id/evenement/> .
@prefix lieu: <https://w3id.org/jura-coop/id/lieu/> .
@prefix terr: <https://w3id.org/jura-coop/id/territoire/> .
@prefix montant: <https://w3id.org/jura-coop/id/montant/> .
@prefix alt: <https://w3id.org/jura-coop/id/divergence/> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix schema: <https://schema.org/> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
AXES = ["concept:axe-proximite", "concept:axe-interregional", "concept:axe-aide-developpement"]
THEMES = [
    "concept:projets-transfrontaliers",
    "concept:relations-exterieures",
    "concept:soins-sante-primaire",
    "concept:developpement-rural",
    "concept:arts-scene",
    "concept:patrimoine",
    "concept:sport",
    "concept:jeunesse",
]
KINDS = [
    "concept:canton",
    "concept:region",
    "concept:departement",
    "concept:communaute-agglomeration",
    "concept:communaute-communes",
    "concept:province",
    "concept:region-autonome",
    "concept:etat",
    "concept:land",
    "concept:association",
]
TASKS = ["concept:tache-orientations-strategiques", "concept:tache-gestion-enveloppe"]
SIZES = [1_000, 10_000, 100_000, 1_000_000]


class Writer:
    """Turtle statements, counted as they are written."""

    def __init__(self) -> None:
        self.parts: list[str] = [PREFIXES]
        self.triples = 0

    def subject(self, subject: str, *pairs: tuple[str, str | list[str]]) -> None:
        lines = []
        for predicate, objects in pairs:
            values = objects if isinstance(objects, list) else [objects]
            if not values:
                continue
            self.triples += len(values)
            lines.append(f"    {predicate} {' , '.join(values)}")
        self.parts.append(subject + "\n" + " ;\n".join(lines) + " .\n")

    def text(self) -> str:
        return "\n".join(self.parts)


def literal(text: str, lang: str = "fr") -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def date(rng: random.Random, start: int = 1975, end: int = 2024) -> str:
    """A date at the precision a source might give: a year, a month or a day."""
    year = rng.randint(start, end)
    precision = rng.random()
    if precision < 0.4:
        return f'"{year}"^^xsd:gYear'
    if precision < 0.55:
        return f'"{year}-{rng.randint(1, 12):02d}"^^xsd:gYearMonth'
    return f'"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date'


def generate(units: int, seed: int = 1979) -> Writer:
    """A graph with ``units`` bodies and everything around them (about 40 triples each)."""
    rng = random.Random(seed)
    out = Writer()
    countries = max(3, units // 200)
    regions = max(6, units // 20)
    sources = max(5, units // 10)
    multilaterals = max(2, units // 50)
    programmes = max(2, units // 100)

    for s in range(sources):
        out.subject(
            f"src:s{s}",
            ("a", ["foaf:Document", "prov:Entity"]),
            ("skos:notation", f'"S-{s}"'),
            ("skos:prefLabel", literal(f"Document source {s}")),
            ("foaf:page", f"<https://example.org/source/{s}>"),
        )

    for c in range(countries):
        slug = "cameroun" if c == 0 else f"pays-{c}"
        labels = [literal(f"Pays {c}"), literal(f"Land {c}", "de")]
        if rng.random() < 0.5:
            labels.append(literal(f"Country {c}", "en"))
        out.subject(
            f"terr:{slug}",
            ("a", "jc:Country"),
            ("skos:prefLabel", labels),
            ("owl:sameAs", [f"wd:Q{1000 + c}"] if rng.random() < 0.7 else []),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )
    for r in range(regions):
        country = "cameroun" if r % countries == 0 else f"pays-{r % countries}"
        labels = [literal(f"Région {r}")]
        if rng.random() < 0.3:
            labels.append(literal(f"Region {r}", "de"))
        out.subject(
            f"terr:r{r}",
            ("a", "jc:Territory"),
            ("skos:prefLabel", labels),
            ("owl:sameAs", [f"wd:Q{100000 + r}"] if rng.random() < 0.8 else []),
            ("jc:iso31662", f'"XX-{r}"'),
            ("dct:isPartOf", f"terr:{country}"),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )
        out.subject(
            f"lieu:l{r}",
            ("a", ["org:Site", "dct:Location"]),
            ("skos:prefLabel", literal(f"Chef-lieu {r}")),
            ("wgs:lat", f'"{rng.uniform(40, 55):.4f}"^^xsd:decimal'),
            ("wgs:long", f'"{rng.uniform(-5, 15):.4f}"^^xsd:decimal'),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )

    bodies = ["rcju", "quebec"] + [f"b{b}" for b in range(units)]
    for body in bodies:
        region = rng.randrange(regions)
        labels = [
            literal(
                "République et Canton du Jura"
                if body == "rcju"
                else "Province du Québec"
                if body == "quebec"
                else f"Organisme {body}"
            )
        ]
        if rng.random() < 0.25:
            labels.append(literal(f"Körperschaft {body}", "de"))
        if rng.random() < 0.35:
            labels.append(literal(f"Body {body}", "en"))
        out.subject(
            f"id:{body}",
            ("a", ["cv:PublicOrganisation", "org:FormalOrganization"]),
            ("skos:prefLabel", labels),
            ("org:classification", rng.choice(KINDS)),
            ("dct:spatial", f"terr:r{region}"),
            ("org:hasPrimarySite", f"lieu:l{region}"),
            ("schema:foundingDate", date(rng, 1950, 2020)),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )

    # Multilateral bodies: memberships of the canton and of others, plus plain hasMember.
    for m in range(multilaterals):
        members = rng.sample(bodies[2:], k=min(len(bodies) - 2, rng.randint(3, 12)))
        out.subject(
            f"id:multi{m}",
            ("a", "org:OrganizationalCollaboration"),
            ("skos:prefLabel", literal(f"Conférence {m}")),
            ("org:classification", "concept:organisme-multilateral"),
            ("org:hasMember", [f"id:{b}" for b in members[: len(members) // 2]]),
            ("schema:foundingDate", date(rng, 1970, 2000)),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )
        joining = (["rcju"] if m % 2 == 0 else []) + members[len(members) // 2 :]
        for b in joining:
            out.subject(
                f"adhesion:{b}-multi{m}",
                ("a", "org:Membership"),
                ("org:member", f"id:{b}"),
                ("org:organization", f"id:multi{m}"),
                ("jc:axis", rng.choice(AXES[:2])),
                ("schema:startDate", [date(rng, 1980, 2020)] if rng.random() < 0.7 else []),
                ("dct:source", f"src:s{rng.randrange(sources)}"),
            )

    # Agreements, cooperations with their excerpt, and projects with several partners.
    for b in range(units):
        actor = "rcju" if rng.random() < 0.3 else rng.choice(bodies)
        partner = "quebec" if b == 0 else bodies[2 + b]
        if actor == partner:
            actor = "rcju"
        agreement = f"accord:a{b}"
        out.subject(
            agreement,
            ("a", "jc:Agreement"),
            ("skos:prefLabel", literal(f"Accord de coopération {b}")),
            ("jc:party", [f"id:{actor}", f"id:{partner}"]),
            ("dct:date", [date(rng)] if rng.random() < 0.9 else []),
            (
                "jc:placeOfSignature",
                [f"lieu:l{rng.randrange(regions)}"] if rng.random() < 0.3 else [],
            ),
            ("dct:replaces", [f"accord:a{b - 1}"] if b and rng.random() < 0.1 else []),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )
        out.subject(
            f"extrait:e{b}",
            ("a", "jc:SourceExcerpt"),
            (
                "prov:value",
                literal(f"Le canton coopère avec l'organisme {partner} depuis longtemps."),
            ),
            ("prov:wasQuotedFrom", f"src:s{b % sources}"),
        )
        out.subject(
            f"coop:c{b}",
            ("a", "jc:Cooperation"),
            ("skos:prefLabel", literal(f"Coopération {actor} – {partner}")),
            ("jc:actor", f"id:{actor}"),
            ("jc:partner", f"id:{partner}"),
            ("jc:axis", rng.choice(AXES)),
            ("jc:theme", rng.sample(THEMES, k=rng.randint(1, 3))),
            ("jc:task", [rng.choice(TASKS)] if rng.random() < 0.05 else []),
            ("jc:framework", agreement),
            ("schema:startDate", [date(rng)] if rng.random() < 0.6 else []),
            ("dct:isReplacedBy", [f"coop:c{b + 1}"] if rng.random() < 0.03 else []),
            ("prov:wasDerivedFrom", f"extrait:e{b}"),
            ("dct:source", [f"src:s{b % sources}", f"src:s{rng.randrange(sources)}"]),
        )
        if b % 4 == 0:
            partners = rng.sample(bodies, k=min(len(bodies), rng.randint(2, 4)))
            out.subject(
                f"coop:p{b}",
                ("a", "jc:Cooperation"),
                ("skos:prefLabel", literal(f"Projet transfrontalier {b}")),
                ("jc:actor", "id:rcju"),
                ("jc:partner", [f"id:{p}" for p in partners if p != "rcju"] or ["id:quebec"]),
                ("jc:axis", "concept:axe-proximite"),
                ("jc:theme", "concept:projets-transfrontaliers"),
                ("jc:framework", f"id:prog{rng.randrange(programmes)}-p1"),
                ("schema:startDate", date(rng, 2000, 2024)),
                ("dct:source", f"src:s{rng.randrange(sources)}"),
            )

    # Programmes, periods, budgets and funding channels.
    for p in range(programmes):
        manager = rng.choice(bodies)
        out.subject(
            f"id:prog{p}",
            ("a", "jc:FundingProgramme"),
            ("skos:prefLabel", literal(f"INTERREG {p}")),
            ("org:classification", "concept:programme"),
            ("jc:managingAuthority", f"id:{manager}"),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )
        for period, (start, end) in enumerate([(2014, 2020), (2021, 2027)]):
            out.subject(
                f"id:prog{p}-p{period}",
                ("a", "jc:ProgrammePeriod"),
                ("skos:prefLabel", literal(f"INTERREG {p} {start}-{end}")),
                ("dct:isPartOf", f"id:prog{p}"),
                ("jc:managingAuthority", f"id:{manager}"),
                ("schema:startDate", f'"{start}"^^xsd:gYear'),
                ("schema:endDate", f'"{end}"^^xsd:gYear'),
                ("jc:budget", f"montant:prog{p}-p{period}"),
                ("dct:source", f"src:s{rng.randrange(sources)}"),
            )
            out.subject(
                f"montant:prog{p}-p{period}",
                ("a", "schema:MonetaryAmount"),
                ("skos:prefLabel", literal(f"Enveloppe {p}-{period}")),
                ("schema:value", f'"{rng.randrange(1, 200) * 1_000_000}"^^xsd:decimal'),
                ("schema:currency", f'"{rng.choice(["EUR", "CHF"])}"'),
                ("dct:source", f"src:s{rng.randrange(sources)}"),
            )
        out.subject(
            f"fin:prog{p}",
            ("a", "jc:FundingChannel"),
            ("skos:prefLabel", literal(f"Financement par INTERREG {p}")),
            ("jc:funder", f"id:prog{p}"),
            ("jc:fundedItem", "concept:projets-transfrontaliers"),
            ("jc:axis", "concept:axe-proximite"),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        )

    # History: mergers and renamings, with a few disagreeing sources.
    for e in range(max(1, units // 25)):
        originals = rng.sample(bodies[2:], k=min(len(bodies) - 2, 2))
        result = rng.choice(bodies[2:])
        kind = "jc:Merger" if e % 2 else "jc:Renaming"
        pairs = [
            ("a", kind),
            ("skos:prefLabel", literal(f"Événement {e}")),
            (
                "org:originalOrganization",
                [f"id:{o}" for o in originals] if kind == "jc:Merger" else f"id:{result}",
            ),
            ("org:resultingOrganization", f"id:{result}"),
            ("dct:date", date(rng, 1990, 2024)),
            ("dct:source", f"src:s{rng.randrange(sources)}"),
        ]
        if kind == "jc:Renaming":
            pairs += [
                ("jc:formerName", literal(f"Ancien nom {e}")),
                ("jc:newName", literal(f"Nouveau nom {e}")),
            ]
        if e % 5 == 0:
            pairs.append(("jc:alternativeValue", f"alt:v{e}"))
            out.subject(
                f"alt:v{e}",
                ("a", "jc:AlternativeValue"),
                ("jc:onProperty", "dct:date"),
                ("rdf:value", date(rng, 1990, 2024)),
                ("dct:source", f"src:s{rng.randrange(sources)}"),
            )
        out.subject(f"evt:e{e}", *pairs)
    return out


def write(size: int, folder: Path) -> int:
    """Write ``folder/synthetic.ttl`` with about ``size`` triples; return the exact count."""
    per_unit = generate(200).triples / 200
    units = max(3, round(size / per_unit))
    writer = generate(units)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ttl"):
        old.unlink()
    (folder / "synthetic.ttl").write_text(writer.text(), encoding="utf-8")
    return writer.triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    args = parser.parse_args()
    for size in args.sizes:
        folder = args.out / f"{size}"
        count = write(size, folder)
        print(f"{folder}/synthetic.ttl: {count} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
