"""The characters of a URL: what browsers ignore, percent-encoding, a value shown in a message."""

from __future__ import annotations

import re

#: Characters RFC 3986 allows unencoded, besides letters, digits and ``_.-~``.
SUB_DELIMS = "!$&'()*+,;="
PATH_SAFE = SUB_DELIMS + ":@/"
QUERY_SAFE = PATH_SAFE + "?"
USERINFO_SAFE = SUB_DELIMS + ":"
UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")

#: Leading and trailing junk around an attribute value: C0 controls, space, Unicode spaces.
_EDGES = re.compile(r"^[\x00-\x20\s]+|[\x00-\x20\s]+$")

#: Tabs and newlines, which browsers remove anywhere in a URL.
_TAB_NEWLINE = re.compile("[\t\n\r]")

#: Lone surrogates, which cannot be encoded; replaced by U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: A ``%`` that does not start a ``%XX`` escape.
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def show(value: str, limit: int = 100) -> str:
    """A value shortened and with control characters escaped, for a message."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return short.encode("unicode_escape").decode("ascii") if not short.isprintable() else short


def clean(raw: str) -> str:
    """Remove what browsers ignore: surrounding spaces and controls, tabs and newlines.

    Fast path (2 % of a 10k build; its reference is in the tests): printable text has
    no lone surrogate (category Cs), tab or newline, so the first two substitutions
    change nothing; the only printable character in the class of ``_EDGES`` (C0
    controls, space, Unicode white space) is the space itself, so with no space at
    either end the edge pattern finds no run to remove.
    """
    if raw.isprintable() and not raw.startswith(" ") and not raw.endswith(" "):
        return raw
    text = _SURROGATE.sub("\ufffd", raw)
    text = _TAB_NEWLINE.sub("", text)
    return _EDGES.sub("", text)


def encode(part: str, safe: str) -> str:
    """Percent-encode what is not allowed in ``part``, keeping existing ``%XX`` escapes.

    A ``%`` that starts no escape becomes ``%25``; every character neither unreserved,
    ``safe`` nor ``%`` becomes the ``%XX`` escapes of its UTF-8 bytes, upper-case.
    """
    fixed = _LONE_PERCENT.sub("%25", part)
    out: list[str] = []
    for char in fixed:
        if char in UNRESERVED or char in safe or char == "%":
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)
