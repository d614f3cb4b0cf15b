"""The entity a person means by a name: one resolver for every command and endpoint.

``render --focus``, ``path``, an entity parameter of a query (``-p entity=``) and the
server all take an entity as a person writes it. They resolve it here, by the same rules, so
that a word that names an entity in one command names the same one in every other, and a
word that names none fails with the same message everywhere.

The rules, in order; the first that finds something decides. A name is compared without
case or accents throughout (``Quebec`` is ``québec``), an IRI as written:

1. an IRI, in full (``https://w3id.org/jura-coop/id/rcju``, also between ``<>``) or as a
   prefixed name of ours (``id:rcju``, ``terr:jura``);
2. a slug, the end of an IRI directly under ``id:`` (``rcju``, ``quebec``);
3. a label in any language, or an alternative label (``republique et canton du jura``,
   ``RCJU``, ``Canton of Jura``);
4. a slug under the path of another kind of instance, then under ``concept:``
   (``berne`` is ``terr:berne``, ``axe-proximite`` is ``concept:axe-proximite``). After the
   labels, because a place mostly bears the name of the body that governs it: ``jura`` is
   a label of the canton, so it names the canton, not ``terr:jura``;
5. a part of a label, if the part belongs to the labels of one entity only (``Bonn``).

A body and the territory it governs often share their name (Vallée d'Aoste), and an event
may be named after a body: when a label (or a part of one) fits a body and such a place or
event alike, it means the body; the place is still one prefixed name away (``terr:...``).
Anything else that fits several entities is an error listing them; a name that fits none is
an error that suggests the closest names.

Pure logic: the callers list the candidates (from the network, from a store), so the rules
do not depend on where the entities live.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.errors import CoopGraphError
from graph.rdf.terms import prefixed_name, short_name
from graph.rdf.vocab import CONCEPT, ID, INSTANCE_PATHS, PREFIXES
from graph.suggest import did_you_mean, fold

__all__ = ["Candidate", "UnknownEntityError", "expand_iri", "fold", "resolve_entity"]

#: How a slug is written in our IRIs: lower-case ASCII letters, digits and hyphens.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
#: The start of an absolute IRI (RFC 3987 scheme), e.g. ``https:`` or ``urn:``.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: How many of the entities an ambiguous name fits are listed in the error.
_LISTED = 15


class UnknownEntityError(CoopGraphError):
    """A name given for an entity fits none, or several.

    ``matches`` holds the IRIs it fits when there are several (empty when none fits).
    """

    exit_code = 2
    default_hint = (
        "Give a slug (rcju), a prefixed name (id:rcju), an IRI or a label (or a part of one)."
    )

    def __init__(self, message: str, hint: str | None = None, matches: Iterable[str] = ()):
        super().__init__(message, hint)
        self.matches = list(matches)


@dataclass(frozen=True)
class Candidate:
    """An entity a name may mean: its IRI and every label it has, in any language.

    The first label is the one the error messages show.
    """

    iri: str
    labels: tuple[str, ...] = ()
    #: A place or an event: when it fits a label as well as a body does, the body is meant.
    yields: bool = False


def expand_iri(text: str) -> str | None:
    """The IRI ``text`` writes, between ``<>``, in full or as a prefixed name of ours; else None.

    Not checked against any data: ``id:nowhere`` gives an IRI too.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if _SCHEME.match(text) and not any(c.isspace() for c in text):
        return text
    return None


def _slug(text: str) -> str | None:
    """``text`` as a slug (``Bâle-Ville`` reads ``bale-ville``), or None if it cannot be one."""
    slug = fold(text)
    return slug if _SLUG.fullmatch(slug) else None


def _path_iris(slug: str) -> list[str]:
    """The IRIs below ``id:`` other than ``id:<slug>`` that a slug may end, in the order tried."""
    return [f"{ID}{path}/{slug}" for path in INSTANCE_PATHS.values()] + [f"{CONCEPT}{slug}"]


def resolve_entity(text: str, candidates: Iterable[Candidate], *, context: str = "") -> str:
    """The IRI of the one candidate that ``text`` names, by the rules of the module docstring.

    ``context`` says where the name was given (``parameter actor``); the error message
    ends with it. Raises ``UnknownEntityError`` when no candidate or several fit.
    """
    text = text.strip()
    by_iri: dict[str, Candidate] = {}
    for candidate in candidates:
        by_iri.setdefault(candidate.iri, candidate)
    iri = expand_iri(text)
    if iri is not None and iri in by_iri:
        return iri
    slug = _slug(text)
    if slug is not None and f"{ID}{slug}" in by_iri:
        return f"{ID}{slug}"
    wanted = fold(text)
    folded = {iri: {fold(label) for label in c.labels} for iri, c in by_iri.items()}
    matches = _prefer_bodies([c for c in by_iri.values() if wanted in folded[c.iri]])
    if not matches and slug is not None:
        matches = [by_iri[iri] for iri in _path_iris(slug) if iri in by_iri][:1]
    if not matches and wanted:
        part = [c for c in by_iri.values() if any(wanted in label for label in folded[c.iri])]
        matches = _prefer_bodies(part)
    if len(matches) == 1:
        return matches[0].iri
    where = f" ({context})" if context else ""
    if not matches:
        names = _names(
            by_iri.values(), prefixed=":" in text, slugs_first=bool(_SLUG.fullmatch(text))
        )
        hint = did_you_mean(text, names)
        raise UnknownEntityError(
            f"no entity is named {text!r}{where}", hint=hint + UnknownEntityError.default_hint
        )
    raise _ambiguous(text, where, matches)


def _prefer_bodies(matches: list[Candidate]) -> list[Candidate]:
    """The matches that do not yield to another (the body, not its territory), by IRI."""
    kept = [c for c in matches if not c.yields] or matches
    return sorted(kept, key=lambda c: c.iri)


def _ambiguous(text: str, where: str, matches: list[Candidate]) -> UnknownEntityError:
    lines = [f"  {c.labels[0] if c.labels else c.iri}  {short_name(c.iri)}" for c in matches]
    if len(lines) > _LISTED:
        lines[_LISTED:] = [f"  ... and {len(lines) - _LISTED} more"]
    listed = "\n".join(lines)
    return UnknownEntityError(
        f"{text!r} names {len(matches)} entities{where}:\n{listed}",
        hint="Give the prefixed name of the one you mean, or more of its label.",
        matches=[c.iri for c in matches],
    )


def _names(candidates: Iterable[Candidate], *, prefixed: bool, slugs_first: bool) -> list[str]:
    """What the candidates may be called, for "did you mean": their short names (the slug
    under ``id:``, else the prefixed name; only prefixed names when ``prefixed``) and their
    labels. The short names come first when the name was written as one (``quebek``
    suggests ``quebec``), the labels when it was written as a label (``Quebek``, ``Québec``)."""
    shorts: list[str] = []
    labels: list[str] = []
    for candidate in candidates:
        name = prefixed_name(candidate.iri)
        if name is not None and not prefixed and name.startswith("id:"):
            name = name[len("id:") :]
        if name is not None:
            shorts.append(name)
        labels.extend(candidate.labels)
    return shorts + labels if slugs_first else labels + shorts
