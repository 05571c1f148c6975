"""How deep a body nests: the guard in front of every tree builder.

html5ever's tree builder is quadratic on deeply nested input and libxml2 silently drops
text past 256 levels, so bodies nested more than :data:`MAX_DEPTH` elements deep are never
given to either: they are read with a tokenizer instead (no tree, no depth limit).
"""

from __future__ import annotations

import re

from laojia_feed.render.sanitize import VOID

__all__ = ["MAX_DEPTH", "too_deep"]

#: Deeper bodies are published as plain text (real posts nest a few dozen levels at most).
MAX_DEPTH = 512

#: Elements whose end tag may be left out: html5ever and libxml2 close them on their
#: next sibling, so they are not counted when guessing the depth.
_OPTIONAL_END = frozenset(
    {
        "caption", "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp",
        "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
    }
)  # fmt: skip

_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")


def _depth_estimate(html: str) -> int:
    """An upper-ish guess of how deep ``html`` nests, in linear time.

    Counts open start tags (not void ones, not those whose end tag is optional) less
    their end tags. Tags inside comments or scripts count too: guessing too deep only
    means the plain-text fallback.
    """
    if html.count("<") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    open_counts: dict[str, int] = {}
    for match in _TAG_TOKEN.finditer(html):
        name = match.group(2).lower()
        if name in VOID or name in _OPTIONAL_END:
            continue
        if match.group(1):
            if open_counts.get(name, 0) > 0:
                open_counts[name] -= 1
                depth -= 1
        else:
            open_counts[name] = open_counts.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def too_deep(html: str) -> bool:
    """True when ``html`` may nest more than :data:`MAX_DEPTH` elements deep."""
    return _depth_estimate(html) > MAX_DEPTH
