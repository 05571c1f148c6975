"""Front-matter values as plain text: markup removed, entities decoded, one line.

Titles, names and summaries are plain text. Real markup (the tags HTML defines,
comments) is removed, never escaped; text that only looks like a tag
(``<SQL反模式>``, ``<mx:columns>``, ``a<b``) is kept as the author typed it.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from datetime import date, datetime, time

import nh3

from laojia_feed.model import FieldError, Warn
from laojia_feed.wording import describe_type
from laojia_feed.xmlchars import one_line, strip_forbidden

_FALSE = frozenset({"false", "no", "off", "0", "n", "f", ""})
_TRUE = frozenset({"true", "yes", "on", "1", "y", "t"})

#: Every element name HTML (with its SVG and MathML roots) defines: ``<name`` followed by
#: white space, ``/`` or ``>`` is markup; any other ``<`` is text.
_TAG_NAMES = (
    "a abbr acronym address applet area article aside audio b base basefont bdi bdo "
    "bgsound big blink blockquote body br button canvas caption center cite code col "
    "colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset "
    "figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header "
    "hgroup hr html i iframe image img input ins isindex kbd keygen label legend li link "
    "listing main map mark marquee math menu menuitem meta meter multicol nav nextid nobr "
    "noembed noframes noscript object ol optgroup option output p param picture plaintext "
    "pre progress q rb rp rt rtc ruby s samp script search section select slot small "
    "source spacer span strike strong style sub summary sup svg table tbody td template "
    "textarea tfoot th thead time title tr track tt u ul var video wbr xmp "
)
HTML_TAGS = frozenset(_TAG_NAMES.split())

#: A ``<``, then (looked at, not consumed) a ``/``, the name after it as HTML reads it
#: (up to white space, ``/`` or ``>``) and the character ending the name.
_TAG_START = re.compile(r"<(?=(/?)([^\t\n\f\r />]*)([\t\n\f\r />]?))")


#: What only the HTML parser can handle in a title or a term: markup, entities, and a
#: leading BOM (which the parser drops). Text without any of them parses to itself.
_NEEDS_PARSER = re.compile("[<&\ufeff]")


def plain_text(raw: str) -> str:
    """Markup-free single-line text: tags removed (not escaped), entities decoded.

    Repeats until stable so that ``&lt;script&gt;`` typed as entities cannot come
    back as a tag in a reader that renders titles as HTML. Characters XML forbids
    (lone surrogates included, which nh3 cannot even encode) go first.
    """
    text, _removed = strip_forbidden(raw)
    if _NEEDS_PARSER.search(text) is None:
        return one_line(text)
    return _parsed_plain_text(text)


def _parsed_plain_text(text: str) -> str:
    """:func:`plain_text` through the HTML parser (``text`` has no forbidden characters)."""
    for _ in range(4):
        stripped = html_lib.unescape(
            nh3.clean(_keep_lookalikes(text), tags=set(), clean_content_tags={"script", "style"})
        )
        if stripped == text:
            break
        text = stripped
    cleaned, _removed = strip_forbidden(text)
    return one_line(cleaned)


def _keep_lookalikes(text: str) -> str:
    """``text`` with every ``<`` that does not open real markup written ``&lt;``.

    Real markup is a tag HTML defines (``<b>``, ``</p>``, ``<br/>``), a comment or
    declaration (``<!``) or a processing instruction (``<?``); ``<SQL反模式>`` is not.
    """

    def escape(match: re.Match[str]) -> str:
        closing, name, end = match.groups()
        if closing:
            markup = bool(end) and name.lower() in HTML_TAGS
        else:
            markup = name[:1] in ("!", "?") or (bool(end) and name.lower() in HTML_TAGS)
        return "<" if markup else "&lt;"

    return _TAG_START.sub(escape, text)


def scalar_text(raw: object, what: str) -> str:
    """A scalar front-matter value as text; lists and mappings are errors."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return repr(raw) if isinstance(raw, float) else str(raw)
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    raise FieldError(f"expected {what}, got {describe_type(raw)}")


def cap(text: str, limit: int, warn: Warn, what: str) -> str:
    """Cut ``text`` to ``limit`` characters with a warning."""
    if len(text) <= limit:
        return text
    warn(f"{what} is {len(text)} characters long; cut to {limit}")
    return text[: limit - 1].rstrip() + "…"


def flag(raw: object, warn: Warn) -> bool | None:
    """A true/false flag; None when unset. Unclear values count as true (fail closed)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, list | tuple | Mapping):
        warn(f"expected true or false, got {describe_type(raw)}; treated as true")
        return True
    text = scalar_text(raw, "true or false")
    lowered = text.strip().lower()
    if lowered in _FALSE:
        return False
    if lowered not in _TRUE:
        warn(f"{text!r} is not true or false; treated as true")
    return True
