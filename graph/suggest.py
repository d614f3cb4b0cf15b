""" "Did you mean": the known names closest to one that is not known.

One definition for every place that meets an unknown name: a query of the catalogue
(``partner-by-axis``), a parameter (``langauge``), an entity (``quebek``) or a term a query
names (``jc:cooperateWith``). Names compare without case or accents, so ``Quebec`` finds
``Québec``; a prefixed name also compares by its local part, so ``jc:cooperateWith`` finds
``jc:cooperatesWith`` before ``jc:cooperation``.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean", "fold"]

#: How alike two names must be (difflib's ratio, 0 to 1) for one to be suggested.
CUTOFF = 0.6
#: How far below the best a suggestion may be and still be listed beside it.
NEAR = 0.12


def fold(text: str) -> str:
    """Lower case without accents, spaces collapsed: how names compare and sort everywhere
    (``Québec`` is ``quebec``, ``Ö`` sorts with ``O``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def closest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Up to ``n`` of ``candidates`` most like ``word``, the most alike first."""
    plain = fold(word)
    local = plain.rpartition(":")[2]
    scored: dict[str, float] = {}
    seen: set[str] = set()
    for candidate in candidates:
        other = fold(candidate)
        if candidate == word or other in seen:
            continue  # Quebec and québec are one suggestion: the first one given
        seen.add(other)
        matcher = difflib.SequenceMatcher(None, plain, other)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        score = matcher.ratio()
        if ":" in plain and ":" in other and plain.partition(":")[0] == other.partition(":")[0]:
            # Same prefix: the local names decide (jc:cooperateWith, not jc:Cooperation).
            score = difflib.SequenceMatcher(None, local, other.rpartition(":")[2]).ratio()
        if plain == other:
            score = 1.0  # the same but for case or accents
        if score >= cutoff:
            scored[candidate] = score
    if not scored:
        return []
    # Only the close seconds: jc:Cooperation for jc:Cooperaton, not jc:onProperty too.
    best = max(scored.values())
    kept = [c for c in scored if scored[c] >= best - NEAR]
    return sorted(kept, key=lambda c: (-scored[c], c))[:n]


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """``Did you mean a, b or c?`` (with a trailing space), or ``""`` when nothing is close."""
    found = closest(word, candidates, n)
    if not found:
        return ""
    listed = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " or " + found[-1]
    return f"Did you mean {listed}? "
