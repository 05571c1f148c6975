"""Plain text from HTML, and summaries: text cut to a length without splitting a word.

The text of a body is read with libxml2 (lxml), or with the stdlib tokenizer for bodies
too deep for a tree (see :mod:`laojia_feed.render.depth`): entities decoded, one line per
block, white space collapsed, script and similar contents left out. A summary is that text
on one line, cut at a word break (anywhere in Chinese and Japanese).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser

import lxml.etree

from laojia_feed.render.depth import too_deep
from laojia_feed.render.sanitize import CLEAN_CONTENT_TAGS, VOID
from laojia_feed.xmlchars import one_line, strip_forbidden, strip_forbidden_references

__all__ = ["content_summary", "html_to_text", "normalize_text", "summarize", "tokenize"]

#: Elements whose text is not text (never part of a summary).
_NO_TEXT = CLEAN_CONTENT_TAGS | {"head"}

#: Elements that break a line: their text is never glued to the text around them.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
        "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip

_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")

#: How far back summarize() looks for a word break before cutting inside a word.
_WORD_BREAK_WINDOW = 20


class _TextCollector(HTMLParser):
    """A tokenizer (no tree, so no depth limit) that keeps the text of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NO_TEXT and tag not in VOID:
            self._skipping.append(tag)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:
            while self._skipping and self._skipping.pop() != tag:
                pass
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def tokenize(parser: HTMLParser, html: str) -> None:
    """Feed ``html`` to a stdlib tokenizer, which is lenient but may still raise."""
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - the tokenizer is lenient
        pass


def _tokenized_text(html: str) -> str:
    collector = _TextCollector()
    tokenize(collector, html)
    return "".join(collector.parts)


def normalize_text(text: str) -> str:
    """Collapse white space: one space inside a line, one newline between blocks."""
    text = strip_forbidden_references(strip_forbidden(text)[0])
    lines = (_SPACES.sub(" ", line).strip() for line in _NEWLINES.split(text))
    return "\n".join(line for line in lines if line)


def _element_text(root: lxml.etree._Element) -> Iterable[str]:
    """The text of a parsed tree in document order, with newlines around blocks."""
    skipping = 0
    for event, node in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None:  # a comment or processing instruction: only its tail is text
            if not skipping and node.tail:
                yield node.tail
            continue
        if event == "start":
            if tag in _NO_TEXT:
                skipping += 1
            if tag in _BLOCKS:
                yield "\n"
            if not skipping and node.text:
                yield node.text
            continue
        if tag in _NO_TEXT:
            skipping -= 1
        if tag in _BLOCKS:
            yield "\n"
        if not skipping and node.tail and node is not root:
            yield node.tail


def _parsed_document(html: str) -> lxml.etree._Element | None:
    """``lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))``
    as a plain tree (libxml2 allowed 2048 levels instead of 256); None where that raises.

    ``lxml.html.HTMLParser`` is ``lxml.etree.HTMLParser`` (same options) plus a Python
    lookup that gives each element an ``HtmlElement`` proxy; ``document_fromstring``
    calls ``etree.fromstring`` and refuses a None root. The text walk reads only tags,
    text and tails, which libxml2 builds alike for both, so the plain parser gives the
    same text without a Python call per element (a third of the parse and walk).
    """
    try:
        return lxml.etree.fromstring(html, parser=lxml.etree.HTMLParser(huge_tree=True))
    except (lxml.etree.LxmlError, ValueError, AssertionError):
        return None


def _parsed_text(html: str) -> str | None:
    """The text of ``html`` (not too deep) through libxml2; None when it cannot parse it."""
    root = _parsed_document(html)
    return None if root is None else normalize_text("".join(_element_text(root)))


def html_to_text(html: str) -> str:
    """The plain text of HTML: entities decoded, blocks on their own lines, spaces collapsed.

    Script, style and similar contents are not text. Never raises.
    """
    if not isinstance(html, str):
        return ""
    html = strip_forbidden(html)[0]
    if not html.strip():
        return ""
    if too_deep(html):
        return normalize_text(_tokenized_text(html))
    text = _parsed_text(html)
    return normalize_text(_tokenized_text(html)) if text is None else text


#: Where a ``<`` of serialized HTML may not start a tag: inside an attribute value.
_BRACKET_IN_VALUE = re.compile(r'="[^"]*<')

#: HTML characters parsed first per summary character (grown fourfold when too few).
_PREFIX_PER_CHARACTER = 4
_MIN_PREFIX = 512


def content_summary(content: str, length: int) -> str:
    """``summarize(html_to_text(content), length)`` for sanitized ``content``, parsing
    only a prefix of it when that prefix holds enough text.

    The prefix ends just before a tag, so its text is the beginning of the whole text
    (libxml2 keeps document order); once that text is longer than ``length`` + 1
    characters, the cut (which looks at ``length`` + 1 characters) is the same. This
    saves 13 % of a 10k everything build (the tests compare with the whole parse).
    """
    if length < 1 or _BRACKET_IN_VALUE.search(content) or too_deep(content):
        return summarize(html_to_text(content), length)
    size = max(_MIN_PREFIX, _PREFIX_PER_CHARACTER * length)
    while size < len(content):
        cut = content.rfind("<", 0, size)
        line = _parsed_line(content[:cut]) if cut > 0 else None
        if line is not None and len(line) > length + 1:
            return _cut_line(line, length)  # summarize(line, length): line is one clean line
        size *= 4
    return summarize(html_to_text(content), length)


def _parsed_line(html: str) -> str | None:
    r"""``one_line(_parsed_text(html))``, without the detour through lines.

    :func:`normalize_text` removes forbidden characters and references, then only
    rewrites runs of white space: each run becomes one space or one newline, or goes at
    the ends of the text (a run between two other characters always leaves one). So
    :func:`one_line`, which turns each run into one space and trims, gives the same
    line from its output as from the text with only those removals; and
    ``" ".join(text.split())`` is that ``one_line`` (``\s`` and ``str.split`` both split
    on ``str.isspace`` characters). 3.8 % of a 10k everything build.
    """
    root = _parsed_document(html)
    if root is None:
        return None
    text = strip_forbidden_references(strip_forbidden("".join(_element_text(root)))[0])
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# Summaries


def _is_cjk(char: str) -> bool:
    """True for characters of scripts written without spaces (Chinese, Japanese)."""
    if "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f":
        return False  # Hangul: Korean separates words with spaces
    return unicodedata.east_asian_width(char) in ("W", "F")


def _joins(char: str) -> bool:
    """True for characters that belong to the character before them."""
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


def _may_cut(before: str, after: str) -> bool:
    """True when text may be cut between ``before`` and ``after`` without splitting a word."""
    if _joins(after) or before == "\u200d":
        return False
    return before.isspace() or after.isspace() or _is_cjk(before) or _is_cjk(after)


def _cut_point(text: str, length: int) -> int:
    """Where to cut ``text`` (longer than ``length``) so that no word is split."""
    for end in range(length, max(0, length - _WORD_BREAK_WINDOW), -1):
        if _may_cut(text[end - 1], text[end]):
            return end
    end = length  # one long word (a URL...): cut it, but not inside a character cluster
    while end > 1 and _joins(text[end]):
        end -= 1
    return end


def summarize(text: str, length: int) -> str:
    """Plain text cut to at most ``length`` characters, plus ``…`` when it was cut.

    White space is collapsed to single spaces. Space-separated words are not split
    when a break exists within the last 20 characters; Chinese and Japanese may be
    cut between any two characters. Combining marks and emoji sequences stay whole.
    """
    if not isinstance(text, str):
        return ""
    return _cut_line(one_line(strip_forbidden(text)[0]), length)


def _cut_line(text: str, length: int) -> str:
    """:func:`summarize` for ``text`` already on one line, with no forbidden character."""
    if len(text) <= length:
        return text
    if length < 1:
        return ""
    end = _cut_point(text, length)
    return text[:end].rstrip() + "…"
