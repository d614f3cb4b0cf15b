"""What the terms of the vocabularies are called, in French, English and German.

Our own terms carry their labels in the ontology (``ontology/jura-coop.ttl``), which the
store holds. The terms of the standard vocabularies (``dct:source``, ``org:Membership``...)
have none there: their labels ship in ``graph/vocabulary.ttl`` (the graph page's
``graph.network.kinds.PREDICATE_LABELS``, which names the relations it draws, is read here too
rather than repeated). The pages of ``coopgraph serve`` name properties and classes with
them; the store and the answers of queries never see them.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import pyoxigraph as ox
from rdflib import RDFS

__all__ = ["term_labels"]

_LABEL = str(RDFS.label)


@functools.lru_cache(maxsize=1)
def term_labels() -> dict[str, dict[str, str]]:
    """Term IRI -> language -> label, for the terms of the standard vocabularies we use."""
    from graph.network.kinds import PREDICATE_LABELS

    labels: dict[str, dict[str, str]] = {
        str(term): dict(names) for term, names in PREDICATE_LABELS.items()
    }
    text = (files("graph") / "vocabulary.ttl").read_bytes()
    for quad in ox.parse(text, format=ox.RdfFormat.TURTLE):
        if quad.predicate.value == _LABEL and isinstance(quad.object, ox.Literal):
            found = labels.setdefault(quad.subject.value, {})
            found.setdefault(quad.object.language or "", quad.object.value)
    return labels
