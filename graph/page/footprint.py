"""How much room a node and its label take on the canvas, estimated without a browser.

The layouts keep these footprints free of overlaps. Labels are measured with the advance
widths of DejaVu Sans (Debian's system-ui and sans-serif), wider than most system fonts, so
that the estimate errs on the side of room.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["LINE_HEIGHT", "WRAP_MARGIN", "Footprint", "label_size", "longest_word", "text_width"]


@dataclass(frozen=True)
class Footprint:
    """What a node covers around its position, in canvas units: its shape (a square of
    ``radius``) and its label, drawn centred below it as vis-network does."""

    radius: float
    label_width: float = 0.0
    label_height: float = 0.0
    font: float = 14.0

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) relative to the node's position."""
        half = max(self.radius, self.label_width / 2)
        bottom = self.radius
        if self.label_height:
            # vis-network: the label's top is half a font size and 4 px below the shape.
            bottom += self.font / 2 + 4 + self.label_height
        return (-half, -self.radius, half, bottom)


#: Advance widths of DejaVu Sans (Debian's system-ui and sans-serif) in hundredths of an em,
#: for the characters U+0020 to U+007E, measured in Chromium. Other Latin letters are
#: measured by their base letter; anything else counts as a wide letter.
_WIDTHS = (
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63,
    58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99, 69,
    61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58,
    28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
)  # fmt: skip
#: vis-network's line height, as a share of the font size (measured: 14 px lines at 14 px).
LINE_HEIGHT = 1.0
#: vis-network wraps a node's label at its widthConstraint.maximum less the node's left and
#: right margins (5 px each).
WRAP_MARGIN = 10


def _char_width(char: str) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return _WIDTHS[code - 32] / 100
    base = unicodedata.normalize("NFKD", char)[:1]
    if base and 32 <= ord(base) < 127:
        return _WIDTHS[ord(base) - 32] / 100
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.8 if char in "œæŒÆ" else 0.65


def text_width(text: str, size: float) -> float:
    """The width of one line of ``text`` at ``size`` px (DejaVu Sans; others are narrower)."""
    return sum(_char_width(char) for char in text) * size


def longest_word(texts: Iterable[str], size: float) -> float:
    """The width of the longest word of ``texts`` at ``size`` px."""
    return max((text_width(word, size) for text in texts for word in text.split()), default=0.0)


def label_size(texts: Iterable[str], size: float, max_width: float) -> tuple[float, float]:
    """Width and height of the largest of ``texts`` as vis-network draws it at ``size`` px,
    wrapped at spaces to ``max_width`` (``widthConstraint.maximum``; a longer word is cut).
    Several texts: the same label in each language of the page."""
    widest, tallest = 0.0, 0.0
    for text in texts:
        lines: list[float] = []
        current = 0.0
        for word in text.split():
            width = text_width(word, size)
            space = text_width(" ", size) if current else 0.0
            if current and current + space + width <= max_width:
                current += space + width
                continue
            if current:
                lines.append(current)
            while width > max_width:
                lines.append(max_width)
                width -= max_width
            current = width
        if current or not lines:
            lines.append(current)
        widest = max(widest, max(lines))
        tallest = max(tallest, len(lines) * size * LINE_HEIGHT)
    return widest, tallest
