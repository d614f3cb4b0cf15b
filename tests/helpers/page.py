"""Reading the interactive page (graph.html) as text."""

from __future__ import annotations

import json
import re


def page_data(html: str) -> dict:
    """The JSON the page reads (what JSON.parse sees: the \\u escapes are JSON's own)."""
    match = re.search(
        r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.DOTALL
    )
    assert match, "no data island"
    return json.loads(match.group(1))
