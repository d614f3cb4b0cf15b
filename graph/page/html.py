"""What every HTML page of the package shares: the Jinja environment, the escaping of data
for an inline <script>, and the Content-Security-Policy built from the page's own inline
scripts and styles.

The pages (the graph drawing, the ontology documentation, the query page, the server's
entity pages) all come from graph/templates with one set of options, so a template reads
the same whichever page includes it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = ["content_security_policy", "environment", "json_for_script"]


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the package's templates (built on first use: jinja2 is
    imported only by the commands that write a page)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("graph", "templates"),
        # Every value from the data is text, never markup.
        autoescape=True,
        # A misspelt variable is an error, not an empty string in the page.
        undefined=jinja2.StrictUndefined,
        # A line holding only a block tag leaves nothing in the page ...
        trim_blocks=True,
        lstrip_blocks=True,
        # ... and a template's text, last newline included, is the page's text.
        keep_trailing_newline=True,
    )


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or be read as HTML: ``<``, ``>`` and ``&``
    become \\u escapes, as do U+2028 and U+2029 (line ends to older JavaScript parsers)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def content_security_policy(page: str, *, frames: bool = False, served: bool = True) -> str:
    """A policy that lets only ``page``'s own inline scripts and styles run, by hash.

    The hashes are of the text between the tags as the browser reads it, so ``page`` must be
    final, with its line ends already LF (the HTML parser turns CR LF into LF before hashing).

    ``served``: the page comes from this package's server, so it may fetch from and submit
    forms to it, show its images, and may not itself be framed by another site. Otherwise
    (a file written for offline reading) it may reach nothing but its own data: URLs.
    ``frames``: the page may show the server's own pages in a frame (the query page's
    network view); otherwise no frame at all.
    """
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for match in _INLINE.finditer(page):
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        hashes[match.group(1)].append(f"'sha256-{base64.b64encode(digest).decode()}'")
    script = " ".join(hashes["script"]) or "'none'"
    style = " ".join(hashes["style"]) or "'none'"
    if not served:
        return (
            f"default-src 'none'; script-src {script}; style-src {style}; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        )
    frame = "frame-src 'self'; " if frames else ""
    return (
        f"default-src 'none'; script-src {script}; style-src {style}; connect-src 'self'; "
        f"img-src 'self' data: blob:; {frame}base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
