"""The home page of ``coopgraph serve``: what the dataset is, what one can ask, the answers.

Built once per language from the catalogue (``graph.sparql.catalogue``), with no data at
hand: the page asks the server for the rest (``/completions`` for names and counts,
``/queries/NAME`` and ``/sparql`` for answers, ``/network`` for drawings). Everything from a
query header or from the data reaches the page as JSON in a ``<script
type="application/json">`` element and is put in the page with ``textContent``; the page's
own words are in graph.page.query_words, in each language, so that a translation is a
change of data, not of the template.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from graph.page.query_words import (
    COLUMN_NAMES,
    PAGE_LANGUAGES,
    TABLE_LANGUAGES,
    THEME_NAMES_IT,
    VALUE_NAMES,
    WORDS,
)
from graph.suggest import fold

__all__ = ["OPENING_QUERY", "QueryPage", "catalogue_data", "query_page"]

#: The catalogue query the page opens on.
OPENING_QUERY = "partners-by-axis"


@dataclass(frozen=True)
class QueryPage:
    """The page in one language, and the Content-Security-Policy it is served with."""

    html: bytes
    csp: str


def _by_language(text: str) -> dict[str, str]:
    """``texte / text`` (a parameter's description) as {fr: texte, en: text}."""
    french, sep, english = text.partition(" / ")
    return {"fr": french.strip(), "en": english.strip()} if sep else {"fr": text.strip()}


def catalogue_data() -> list[dict]:
    """The catalogue as the page and ``GET /queries`` give it: headers and texts."""
    from graph.sparql.catalogue import list_queries

    return [
        {
            "name": entry.name,
            "title": entry.title,
            "question": entry.question,
            "description": entry.description,
            "theme": entry.theme,
            "views": [{"name": v.name, "options": v.options} for v in entry.views],
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "description": p.description,
                    "label": _by_language(p.description),
                }
                for p in entry.parameters
            ],
            "text": entry.text,
        }
        for entry in list_queries()
    ]


def _themes(lang: str) -> list[dict]:
    """The catalogue grouped by theme (in THEMES' order), each sorted by its title in ``lang``."""
    from graph.sparql.catalogue import THEMES, list_queries

    grouped: dict[str, list] = {theme: [] for theme in THEMES}
    for entry in list_queries():
        grouped.setdefault(entry.theme or "explore", []).append(entry)
    themes = []
    for theme, entries in grouped.items():
        if not entries:
            continue
        names = THEMES.get(theme, {})
        name = THEME_NAMES_IT.get(theme) if lang == "it" else names.get(lang)
        entries.sort(key=lambda e: (fold(e.title_in(lang)), e.name))
        themes.append(
            {
                "key": theme,
                "name": name or names.get("fr", theme),
                "entries": [
                    {
                        "name": e.name,
                        "title": e.title_in(lang),
                        "question": e.question_in(lang),
                    }
                    for e in entries
                ],
            }
        )
    return themes


@functools.lru_cache(maxsize=len(PAGE_LANGUAGES))
def query_page(lang: str = "fr") -> QueryPage:
    """The home page in ``lang`` (one of ``PAGE_LANGUAGES``), rendered once."""
    from markupsafe import Markup

    from graph.page.html import content_security_policy, environment, json_for_script
    from graph.rdf.vocab import ID, PREFIXES
    from graph.sparql.catalogue import find_query

    if lang not in PAGE_LANGUAGES:
        lang = "fr"
    columns = {
        name: dict(zip(TABLE_LANGUAGES, names, strict=True)) for name, names in COLUMN_NAMES.items()
    }
    values = {
        code: dict(zip(TABLE_LANGUAGES, names, strict=True)) for code, names in VALUE_NAMES.items()
    }
    page_data = {
        "lang": lang,
        "values": values,
        "words": WORDS[lang],
        "columns": columns,
        "idBase": str(ID),
        "prefixes": PREFIXES,
        "opening": OPENING_QUERY,
        "catalogue": catalogue_data(),
    }
    template = environment().get_template("query.html")
    page = template.render(
        lang=lang,
        words=WORDS[lang],
        languages=PAGE_LANGUAGES,
        themes=_themes(lang),
        page_json=Markup(json_for_script(page_data)),
        opening_text=find_query(OPENING_QUERY).text,
    )
    page = page.replace("\r\n", "\n")
    return QueryPage(page.encode("utf-8"), content_security_policy(page, frames=True))
