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

#: A C0/C1 control character or a lone surrogate (an undecodable byte of a file name):
#: never part of a display path, an id or an output name.
CONTROL_OR_SURROGATE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

#: Runs of white space, for collapsing single-line fields such as titles.
_SPACES = re.compile(r"\s+")


def strip_forbidden(text: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 forbids; return the clean text and how many went."""
    cleaned, count = FORBIDDEN.subn("", text)
    return cleaned, count


#: A numeric character reference, decimal or hexadecimal.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _xml_allows(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def strip_forbidden_references(text: str) -> str:
    """Remove ``&#0;``-style references to characters XML forbids from plain text.

    Plain text (a summary shown from a code sample) may hold such a reference
    literally; a reader that turns it into markup would produce the character.
    """
    if "&#" not in text:
        return text

    def keep(match: re.Match[str]) -> str:
        hexa, dec = match.groups()
        code = int(hexa, 16) if hexa else int(dec)
        return match[0] if _xml_allows(code) else ""

    return _CHAR_REF.sub(keep, text)


def has_forbidden(text: str) -> bool:
    """True when ``text`` holds a character XML 1.0 forbids."""
    return FORBIDDEN.search(text) is not None


def one_line(text: str) -> str:
    """Collapse all white space (newlines included) into single spaces and trim.

    Guard (70k calls in a 10k load, ≈ 2 % of its CPU): most values are one line already.
    In printable text the only white space is the plain space, so with no two in a row
    and none at either end the substitution and the trim change nothing
    (``tests/test_xmlchars.py`` keeps the definition as the reference).
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _SPACES.sub(" ", text).strip()
