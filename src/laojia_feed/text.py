"""Plain-text hygiene shared by every stage: characters XML 1.0 forbids, whitespace.

XML 1.0 allows only ``#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
[#x10000-#x10FFFF]``. Everything else (C0 controls, lone surrogates, U+FFFE and
U+FFFF) makes lxml refuse the text and feed readers refuse the feed; it is removed
here, and nothing more (tabs and newlines stay, so words are never glued).
"""

from __future__ import annotations

import re

#: One character XML 1.0 forbids.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Runs of white space, for collapsing single-line fields such as titles.
_SPACES = re.compile(r"\s+")


def strip_forbidden(text: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 forbids; return the clean text and how many went."""
    cleaned, count = FORBIDDEN.subn("", text)
    return cleaned, count


def has_forbidden(text: str) -> bool:
    """True when ``text`` holds a character XML 1.0 forbids."""
    return FORBIDDEN.search(text) is not None


def one_line(text: str) -> str:
    """Collapse all white space (newlines included) into single spaces and trim."""
    return _SPACES.sub(" ", text).strip()
