"""Turn a post body into what feeds carry: sanitized HTML, a plain-text summary, notes.

Markdown goes through markdown-it-py (CommonMark + tables + strikethrough; raw HTML
passes through). Every HTML payload then goes through nh3 (ammonia, html5ever) with
the allow-lists below, and ``href``/``src`` are made absolute against the post's
permalink in the same pass (:func:`laojia_feed.urls.join_url`, which refuses every
scheme but http, https and mailto). The output never depends on CDATA and never
holds a character XML forbids.

Decisions worth knowing:

* ``link_rel`` is None: no ``rel`` is added or kept. ``target`` is not allowed, so
  ``noopener`` protects nothing, and feed readers apply their own link policy.
* Bodies nested more than :data:`MAX_DEPTH` elements deep (html5ever's tree builder
  is quadratic on such input and libxml2 silently drops text past 256 levels) are
  published as their plain text in paragraphs, with a note.
* Lazy-loaded images (``data-src`` & co.) are fixed with a real parse (lxml) before
  sanitizing, only for bodies that have such an attribute, and only when an image
  actually changes.
"""

from __future__ import annotations

import contextvars
import functools
import html as html_lib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from html.parser import HTMLParser
from types import MappingProxyType
from typing import TYPE_CHECKING

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.html_blocks import block_names

from laojia_feed.model import Article, BodyFormat, FieldError, Rendered, Site
from laojia_feed.urls import is_safe_public_url, join_url, normalize_url, proxy_inner_url
from laojia_feed.xmlchars import one_line, strip_forbidden, strip_forbidden_references

if TYPE_CHECKING:  # lxml is imported when first needed: importing the package stays light
    import lxml.etree
    import lxml.html

__all__ = [
    "MAX_DEPTH",
    "MORE_MARKER",
    "html_to_text",
    "markdown_to_html",
    "render",
    "sanitize",
    "summarize",
]

#: Hexo's excerpt separator ``<!-- more -->``, in any spacing or case.
MORE_MARKER: re.Pattern[str] = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)

#: Deeper bodies are published as plain text (real posts nest a few dozen levels at most).
MAX_DEPTH = 512

#: Elements kept (their attributes are in :data:`ALLOWED_ATTRIBUTES`).
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "address", "article", "aside", "audio", "b", "bdi", "bdo",
        "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "section", "small", "source", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
        "var", "video", "wbr",
    }
)  # fmt: skip

#: Attributes kept, per element ("*": on every element). No style, no event handler,
#: no srcset, no id (ids would clash inside a reader's page).
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "*": frozenset({"title", "lang", "dir"}),
        "a": frozenset({"href", "hreflang"}),
        "img": frozenset({"src", "alt", "width", "height"}),
        "audio": frozenset({"src", "controls", "loop", "muted", "preload"}),
        "video": frozenset(
            {"src", "controls", "loop", "muted", "preload", "poster", "width", "height"}
        ),
        "source": frozenset({"src", "type"}),
        "pre": frozenset({"class"}),
        "code": frozenset({"class"}),
        "td": frozenset({"colspan", "rowspan", "headers"}),
        "th": frozenset({"colspan", "rowspan", "headers", "scope", "abbr"}),
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "ol": frozenset({"start", "reversed", "type"}),
        "li": frozenset({"value"}),
        "time": frozenset({"datetime"}),
        "details": frozenset({"open"}),
    }
)

#: The same, as the plain dict nh3 insists on.
_NH3_ATTRIBUTES = dict(ALLOWED_ATTRIBUTES)

#: URL schemes allowed in href/src/poster (join_url enforces the same list).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Elements removed together with everything inside them (their text must not leak).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    {
        "applet", "button", "embed", "frame", "frameset", "head", "iframe", "math",
        "noembed", "noframes", "noscript", "object", "script", "select", "style",
        "svg", "template", "textarea", "title",
    }
)  # fmt: skip

#: Attributes holding a URL that :func:`_filter_attribute` resolves.
_URL_ATTRIBUTES = frozenset({"href", "src", "poster"})

#: Removed elements worth a note (others, such as <font> or <center>, go quietly).
_NOTABLE_TAGS = CLEAN_CONTENT_TAGS - {"head", "title"} | {
    "base", "form", "input", "link", "meta", "param", "plaintext", "xmp",
}  # fmt: skip

#: Where an element may hide an unsafe URL (checked for notes only).
_NOTABLE_URL_ATTRIBUTES = frozenset(
    {"href", "src", "poster", "action", "formaction", "data", "xlink:href", "background"}
)

#: Cheap tests (on the ASCII-lower-cased UTF-8 bytes): could this body hold anything
#: dangerous? Only then is it inventoried for notes. A superset of what
#: :class:`_Inventory` reports: a false hit only costs time.
_SUSPICIOUS_WORDS = (b"script", b"data:")
_SUSPICIOUS = (
    re.compile(rb"<(?:" + "|".join(sorted(_NOTABLE_TAGS)).encode() + rb")\b"),
    re.compile(rb"&(?:#|tab;|newline;|colon;)"),
    re.compile(rb"on[a-z]+\s*="),
    re.compile(rb"href\s*=\s*[\"']?(?!\s*(?:https?|mailto):)[a-z0-9+.\-\s]*:"),
    # src and poster apart: a pattern opening on a literal is searched for that literal
    # first, one opening on an alternation is tried at every position (8 times slower).
    re.compile(rb"src\s*=\s*[\"']?(?!\s*(?:https?|mailto):)[a-z0-9+.\-\s]*:"),
    re.compile(rb"poster\s*=\s*[\"']?(?!\s*(?:https?|mailto):)[a-z0-9+.\-\s]*:"),
)


def _suspicious(html: str) -> bool:
    """True when ``html`` may hold something sanitizing removes and notes."""
    low = html.encode("utf-8", "surrogatepass").lower()
    if any(word in low for word in _SUSPICIOUS_WORDS):
        return True
    return any(pattern.search(low) is not None for pattern in _SUSPICIOUS)


#: Lazy-loading attributes, in order of preference; the last one is a srcset.
_LAZY_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-srcset", "srcset")
_LAZY_HINT = re.compile(r"<img\b[^>]*\b(?:data-src|data-original|data-lazy-src|srcset)", re.I)

#: File names of the spinners and blank GIFs that lazy-loading plugins put in ``src``.
_PLACEHOLDER = re.compile(
    r"(?:^|[/_\-])(?:loading|loader|lazy|lazyload|blank|spacer|pixel|transparent|"
    r"placeholder|grey|gray|empty|1x1)\.(?:gif|png|svg|webp)$",
    re.IGNORECASE,
)

#: Elements whose text is not text (never part of a summary).
_NO_TEXT = frozenset(CLEAN_CONTENT_TAGS | {"head"})

#: Elements that break a line: their text is never glued to the text around them.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
        "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip

#: HTML elements that have no end tag (they never deepen the tree).
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr",
    }
)  # fmt: skip

#: Elements whose end tag may be left out: html5ever and libxml2 close them on their
#: next sibling, so they are not counted when guessing the depth.
_OPTIONAL_END = frozenset(
    {
        "caption", "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp",
        "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
    }
)  # fmt: skip

_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")

#: How far back summarize() looks for a word break before cutting inside a word.
_WORD_BREAK_WINDOW = 20

#: At most this many extra sanitizing passes to reach a fixed point.
_MAX_PASSES = 3

#: markdown-it's nesting limit: block content past it is dropped by markdown-it.
_MAX_MARKDOWN_NESTING = 20


# ---------------------------------------------------------------------------
# Markdown


@functools.cache
def _markdown() -> MarkdownIt:
    """The one Markdown parser: CommonMark with tables and strikethrough, raw HTML on."""
    md = MarkdownIt("commonmark", {"maxNesting": _MAX_MARKDOWN_NESTING})
    return md.enable(["table", "strikethrough"])


def _plain_paragraphs(text: str) -> str:
    """Text as escaped paragraphs, split at blank lines."""
    parts = (p.strip() for p in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{html_lib.escape(p, quote=False)}</p>\n" for p in parts if p)


def _lines_as_paragraphs(text: str) -> str:
    """Each line of plain text as an escaped paragraph."""
    return "".join(_paragraph(line) for line in text.splitlines() if line.strip())


#: The start of a CommonMark HTML block of type 6 (a block-level tag), as markdown-it
#: matches it: such a block runs to the first blank line.
_HTML_BLOCK_START = re.compile(
    "</?(?a:(?:" + "|".join(block_names) + r"))(?=\s|/?>|$)", re.IGNORECASE
)
#: A line markdown-it counts as blank (spaces and tabs only).
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|\Z)")
#: A second line that could make the first one a table header (the table rule runs first).
_TABLE_DELIMITER = re.compile(r"[ \t]*[|:\-]")


def _single_html_block(text: str) -> str | None:
    """markdown-it's output for a body that is one HTML block of type 6, else None.

    Such a body starts with a block-level tag and holds no blank line: markdown-it
    passes it through verbatim (leading empty lines dropped, one final newline kept).
    """
    body = text.lstrip("\n")
    core = body.rstrip("\n")
    if not core or "\r" in core or _HTML_BLOCK_START.match(core) is None:
        return None
    if _BLANK_LINE.search(core) is not None:
        return None
    first_end = core.find("\n")
    if first_end >= 0 and _TABLE_DELIMITER.match(core, first_end + 1) is not None:
        return None
    return core + "\n" if len(body) > len(core) else core


def markdown_to_html(text: str) -> str:
    """Render Markdown to (unsanitized) HTML.

    Markdown nested deeper than markdown-it allows would lose its inner blocks; such a
    body is rendered as escaped plain-text paragraphs instead, so no text is lost.
    """
    if not isinstance(text, str):
        return ""
    text = strip_forbidden(text)[0]
    verbatim = _single_html_block(text)
    if verbatim is not None:
        return verbatim
    md = _markdown()
    try:
        tokens = md.parse(text)
    except (RecursionError, RuntimeError, ValueError):
        return _plain_paragraphs(text)
    if any(token.level >= _MAX_MARKDOWN_NESTING - 1 for token in tokens):
        return _plain_paragraphs(text)
    return str(md.renderer.render(tokens, md.options, {}))


# ---------------------------------------------------------------------------
# Depth guard and plain-text fallback


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
        if name in _VOID or name in _OPTIONAL_END:
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


def _too_deep(html: str) -> bool:
    return _depth_estimate(html) > MAX_DEPTH


class _TextCollector(HTMLParser):
    """A tokenizer (no tree, so no depth limit) that keeps the text of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NO_TEXT and tag not in _VOID:
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


def _tokenize(parser: HTMLParser, html: str) -> None:
    """Feed ``html`` to a stdlib tokenizer, which is lenient but may still raise."""
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - the tokenizer is lenient
        pass


def _tokenized_text(html: str) -> str:
    collector = _TextCollector()
    _tokenize(collector, html)
    return "".join(collector.parts)


# ---------------------------------------------------------------------------
# Lazy-loaded images


def _lxml_parser() -> lxml.html.HTMLParser:
    """A new libxml2 HTML parser (parsers are not shared between threads), allowed 2048
    levels instead of 256 (bodies deeper than MAX_DEPTH never get here)."""
    import lxml.html

    return lxml.html.HTMLParser(huge_tree=True)


def _is_placeholder(src: str | None) -> bool:
    """True when ``src`` is missing, empty, a data: URI or a known spinner/blank GIF."""
    if src is None:
        return True
    value = src.strip()
    if not value or value[:5].lower() == "data:":
        return True
    path = value.split("?", 1)[0].split("#", 1)[0]
    return _PLACEHOLDER.search(path) is not None


def _lazy_source(img: lxml.html.HtmlElement) -> str | None:
    """The real image URL a lazy-loading plugin hid in a data attribute, if any."""
    for name in _LAZY_ATTRIBUTES:
        value = (img.get(name) or "").strip()
        if name.endswith("srcset"):
            value = value.split(",", 1)[0].strip().split(" ", 1)[0]
        if value and value[:5].lower() != "data:":
            return value
    return None


def _fix_lazy_images(html: str) -> str:
    """Give lazy-loaded images their real ``src``; ``html`` unchanged when none needs it."""
    if _LAZY_HINT.search(html) is None:
        return html
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_lxml_parser())
    except (lxml.etree.LxmlError, ValueError, AssertionError):
        return html
    changed = False
    for img in root.iter("img"):
        if not _is_placeholder(img.get("src")):
            continue
        real = _lazy_source(img)
        if real is not None:
            img.set("src", real)
            changed = True
    if not changed:
        return html
    out = str(lxml.html.tostring(root, encoding="unicode"))
    return out[len("<div>") : -len("</div>")] if out.startswith("<div>") else out


# ---------------------------------------------------------------------------
# Notes: what sanitizing removed


def _unsafe_url(value: str) -> bool:
    """True when an attribute value, as a browser reads it, names a disallowed scheme."""
    text = re.sub(r"[\x00-\x20\x7f]", "", html_lib.unescape(value))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", text)
    return match is not None and match.group(1).lower() not in URL_SCHEMES


class _Inventory(HTMLParser):
    """Lists the dangerous things a body holds, in order: what nh3 will remove."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.notes: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOTABLE_TAGS:
            self.notes[f"removed <{tag}>"] = None
        for name, value in attrs:
            if name.startswith("on"):
                self.notes[f"removed event handler {name} on <{tag}>"] = None
            elif name in _NOTABLE_URL_ATTRIBUTES and value is not None and _unsafe_url(value):
                self.notes[f"removed unsafe URL in <{tag} {name}>"] = None
            elif name == "srcdoc":
                self.notes[f"removed <{tag} srcdoc>"] = None


def _inventory(html: str) -> Iterator[str]:
    """Notes on the dangerous elements and attributes in ``html`` (cheap when none)."""
    if not _suspicious(html):
        return iter(())
    inventory = _Inventory()
    _tokenize(inventory, html)
    return iter(inventory.notes)


# ---------------------------------------------------------------------------
# Sanitizing


def _safe_link(url: str | None) -> str | None:
    """Defence in depth: only absolute http(s) and mailto URLs leave this module."""
    if url is None:
        return None
    scheme = url.partition(":")[0].lower()
    return url if scheme in URL_SCHEMES else None


#: join_url results by (base, ref, unwrap); a URL it returned maps to itself, so the
#: stabilizing passes and the excerpt cost no second resolution.
_JOINED: dict[tuple[str, str, bool], str | None] = {}
_JOINED_MAX = 20_000


def _unwrapped(url: str | None) -> str | None:
    """The inner URL of a CORS-proxy wrapped URL when it is safe to publish, else ``url``."""
    inner = proxy_inner_url(url) if url else None
    if inner is None:
        return url
    try:
        normalized = normalize_url(inner)
    except FieldError:
        return url
    return normalized if is_safe_public_url(normalized) is None else url


def _join(base_url: str, ref: str, unwrap: bool = False) -> str | None:
    """:func:`join_url`, remembered, limited to the allowed schemes, proxies unwrapped."""
    key = (base_url, ref, unwrap)
    if key in _JOINED:
        return _JOINED[key]
    try:
        url = _safe_link(join_url(base_url, ref))
        if unwrap:
            url = _unwrapped(url)
    except Exception:  # a raising filter must not reach nh3
        url = None
    if len(_JOINED) >= _JOINED_MAX:
        _JOINED.clear()
    _JOINED[key] = url
    if url is not None:
        _JOINED[(base_url, url, unwrap)] = url
    return url


def _resolver(
    base_url: str, dropped: dict[str, None], unwrap: bool = False
) -> Callable[[str, str, str], str | None]:
    """The nh3 attribute filter: absolute URLs against ``base_url``; notes what it drops."""

    def resolve(element: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value
        if attribute != "href" and not value.strip():
            return None  # an empty src would load the page itself
        url = _join(base_url, value, unwrap)
        if url is None:
            dropped[f"removed unsafe URL in <{element} {attribute}>"] = None
        return url

    return resolve


#: The attribute filter of the :func:`_clean` call running in this thread.
_FILTER: contextvars.ContextVar[Callable[[str, str, str], str | None]] = contextvars.ContextVar(
    "laojia_feed_html_filter"
)


def _current_filter(element: str, attribute: str, value: str) -> str | None:
    """The attribute filter :func:`_cleaner` calls: the one its caller set in :data:`_FILTER`."""
    return _FILTER.get()(element, attribute, value)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """One nh3 cleaner for every pass, so that its allow-lists are converted once.

    ``nh3.clean(html, **options)`` builds an ammonia ``Builder`` from its options and
    cleans with it, which costs about as much again as the cleaning of a typical body.
    ``nh3.Cleaner(**options)`` builds the same ``Builder`` once and ``clean`` uses it;
    the filter it holds forwards to the one :func:`_clean` set for the call (a context
    variable, so threads do not mix). Same options and same filter, same output: the
    tests compare both on generated and hostile HTML.
    """
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=_NH3_ATTRIBUTES,
        attribute_filter=_current_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=URL_SCHEMES,
    )


def _clean(html: str, base_url: str, dropped: dict[str, None], unwrap: bool = False) -> str:
    token = _FILTER.set(_resolver(base_url, dropped, unwrap))
    try:
        cleaned = _cleaner().clean(html)
    finally:
        _FILTER.reset(token)
    return strip_forbidden(cleaned)[0]


# ---------------------------------------------------------------------------
# When one sanitizing pass is enough

#: One tag of serialized output and the text after it up to the next tag. In html5ever's
#: serialization ``<`` and ``>`` only delimit tags (text and attribute values escape them)
#: and attribute values are double-quoted (``"`` is escaped), so this tokenizes the
#: output exactly as the HTML tokenizer does whenever every ``<`` starts a match.
_SERIAL_TOKEN = re.compile(r'<(/?)([a-z][a-z0-9]*)(?: [a-z]+="[^"<>]*")*>([^<]*)')

#: A reference html5ever never writes (``&quot;`` only in attribute values): the
#: tokenizer would read it as text that is written back differently.
_ODD_REFERENCE = re.compile(r"&(?:(?!(?:amp|lt|gt|quot|nbsp);)|quot;[^<>]*(?:<|\Z))")

#: Where each table part must sit; anywhere else the tree builder ignores it, adds a
#: missing <tbody>/<tr>/<colgroup>, or closes the cell or caption around it.
_TABLE_PARENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "caption": frozenset({"table"}),
        "colgroup": frozenset({"table"}),
        "thead": frozenset({"table"}),
        "tbody": frozenset({"table"}),
        "tfoot": frozenset({"table"}),
        "col": frozenset({"colgroup"}),
        "tr": frozenset({"thead", "tbody", "tfoot"}),
        "td": frozenset({"tr"}),
        "th": frozenset({"tr"}),
    }
)

#: Table elements whose only children are table parts and white space (any other child
#: is foster-parented out of the table, or closes the column group).
_TABLE_CONTAINERS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})

#: Allowed elements whose start tag closes an open <p> (WHATWG "in body": "close a p
#: element" when a p is in button scope).
_CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "ol", "p", "pre", "section", "summary", "table", "ul",
    }
)  # fmt: skip

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

#: Allowed elements in the "special" category that stop the search for an open
#: <li>/<dd>/<dt> to close (address, div and p do not stop it).
_LIST_ITEM_BARRIERS = frozenset(
    {
        "article", "aside", "blockquote", "caption", "colgroup", "dd", "details", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "li", "ol", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

#: Allowed elements that "generate implied end tags" pops before an <rp>/<rt>.
_IMPLIED_END = frozenset({"dd", "dt", "li", "p", "rp", "rt"})

#: Allowed elements whose start tag has no rule of its own in "in body": the tree
#: builder inserts them into the current element (after reconstructing formatting
#: elements, which adds nothing when every open one is on the stack).
_ORDINARY = ALLOWED_TAGS - _CLOSES_P - _TABLE_PARENTS.keys() - {"a", "rp", "rt"}


def _moves_on_reparse(name: str, parent: str, stack: list[str], text: str) -> bool:
    """True when the start tag ``<name>`` (not ordinary), read inside the open elements
    ``stack`` (``parent`` on top) and followed by ``text``, is not simply inserted into
    ``parent`` by the tree builder."""
    places = _TABLE_PARENTS.get(name)
    if places is not None:
        return parent not in places
    if parent in _TABLE_CONTAINERS or (name in _CLOSES_P and "p" in stack):
        return True
    if name in _HEADINGS:
        return parent in _HEADINGS
    if name == "li" or name == "dd" or name == "dt":
        items = ("li",) if name == "li" else ("dd", "dt")
        for node in reversed(stack):  # the search for an open item stops at a barrier
            if node in items:
                return True
            if node in _LIST_ITEM_BARRIERS:
                return False
        return False
    if name == "a":
        return "a" in stack
    if name == "rp" or name == "rt":
        return parent in _IMPLIED_END
    return name == "pre" and text[:1] == "\n"


def _reparses_the_same(html: str) -> bool:
    """True only when ``html``, one :func:`_clean` output, is its own :func:`_clean`.

    Another pass parses ``html`` and serializes the tree again, with the same filters.
    The filters change nothing: only allowed elements and attributes are left, and each
    URL is one :func:`_join` returned, which it maps to itself (see :data:`_JOINED`; the
    tests check that join_url does too, and that nh3's own URL check accepts what it
    writes). So the output is the same exactly when the tree built from ``html``
    serializes to ``html``. That holds when:

    * the text reads back as written: no CR (read as LF), no bare no-break space, only
      the references html5ever writes, every ``<`` and ``>`` a tag of the expected form;
    * the tags nest: every start tag but a void one is closed, in order, and no end tag
      is stray. For such a token stream the WHATWG tree builder ("in body", the fragment
      context is a <div>) inserts each element into the current one and pops it at its
      end tag (formatting elements too: each is on the stack while listed as active),
      except in the cases :func:`_moves_on_reparse` refuses, which reparent or close
      elements: a block (:data:`_CLOSES_P`, tables included) inside an open <p>; a
      heading directly inside a heading; an <li> (a <dd>/<dt>) below an open <li>
      (<dd>/<dt>) with no list or other barrier between; an <a> inside an open <a>; an
      <rp>/<rt> directly in an element that implied end tags close; a <pre> whose text
      starts with a newline (the parser drops it); a table part outside its place; and
      a table, row group, row or column group holding anything but its parts and white
      space (foster parenting).

    Anything else (a disallowed or unknown tag, an odd reference) answers False: the
    caller then cleans again, as before.
    """
    if "\r" in html or "\xa0" in html:  # CR reads as LF; a no-break space becomes &nbsp;
        return False
    if "&" in html and _ODD_REFERENCE.search(html):
        return False
    tokens = _SERIAL_TOKEN.findall(html)
    if len(tokens) != html.count("<") or len(tokens) != html.count(">"):
        return False
    stack = [""]  # the open elements; "" stands for the context <div>
    for slash, name, text in tokens:
        if slash:
            if name != stack.pop():
                return False
        elif name in _ORDINARY:
            if stack[-1] in _TABLE_CONTAINERS:
                return False
            if name not in _VOID:
                stack.append(name)
        elif name not in ALLOWED_TAGS or _moves_on_reparse(name, stack[-1], stack, text):
            return False
        elif name not in _VOID:
            stack.append(name)
        if text and stack[-1] in _TABLE_CONTAINERS and text.strip(" \t\n\f"):
            return False
    return stack == [""]


def _stable(cleaned: str, base_url: str, unwrap: bool = False) -> str:
    """Clean again until nothing changes (at most a few passes).

    html5ever's output does not always parse back to the same tree (``<a><table><a>``,
    ``<h1><center><h1>`` once <center> is gone), so one pass is not idempotent. Its URLs
    are already resolved (see :data:`_JOINED`); :func:`sanitize` skips this loop when
    :func:`_reparses_the_same` shows that it would change nothing (nearly always).
    """
    for _ in range(_MAX_PASSES):
        again = _clean(cleaned, base_url, {}, unwrap)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def sanitize(
    html: str, base_url: str, *, unwrap_proxies: bool = False
) -> tuple[str, tuple[str, ...]]:
    """Clean HTML with absolute URLs, and short notes on what was removed.

    With ``unwrap_proxies``, CORS-proxy wrapped URLs become their (safe) inner URL.
    Sanitizing twice changes nothing. Never raises; a non-string gives ``""``.
    """
    if not isinstance(html, str):
        return "", ()
    if not isinstance(base_url, str):
        base_url = ""
    html = strip_forbidden(html)[0]
    if _too_deep(html):
        text = _tokenized_text(html)
        note = f"body nests more than {MAX_DEPTH} elements deep; published as plain text"
        return _lines_as_paragraphs(_normalize_text(text)), (note,)
    html = _fix_lazy_images(html)
    notes = dict.fromkeys(_inventory(html))
    cleaned = _clean(html, base_url, notes, unwrap_proxies)
    if cleaned != html and not _reparses_the_same(cleaned):
        cleaned = _stable(cleaned, base_url, unwrap_proxies)
    return cleaned, tuple(notes)


# ---------------------------------------------------------------------------
# Plain text


def _normalize_text(text: str) -> str:
    """Collapse white space: one space inside a line, one newline between blocks."""
    text = strip_forbidden_references(strip_forbidden(text)[0])
    lines = (_SPACES.sub(" ", line).strip() for line in _NEWLINES.split(text))
    return "\n".join(line for line in lines if line)


def _element_text(root: lxml.etree._Element) -> Iterable[str]:
    """The text of a parsed tree in document order, with newlines around blocks."""
    import lxml.etree

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
    """``lxml.html.document_fromstring(html, parser=_lxml_parser())``, as a plain tree;
    None where that raises.

    ``lxml.html.HTMLParser`` is ``lxml.etree.HTMLParser`` (same options) plus a Python
    lookup that gives each element an ``HtmlElement`` proxy; ``document_fromstring``
    calls ``etree.fromstring`` and refuses a None root. The text walk reads only tags,
    text and tails, which libxml2 builds alike for both, so the plain parser gives the
    same text without a Python call per element (a third of the parse and walk).
    """
    import lxml.etree

    try:
        return lxml.etree.fromstring(html, parser=lxml.etree.HTMLParser(huge_tree=True))
    except (lxml.etree.LxmlError, ValueError, AssertionError):
        return None


def _parsed_text(html: str) -> str | None:
    """The text of ``html`` (not too deep) through libxml2; None when it cannot parse it."""
    root = _parsed_document(html)
    return None if root is None else _normalize_text("".join(_element_text(root)))


def html_to_text(html: str) -> str:
    """The plain text of HTML: entities decoded, blocks on their own lines, spaces collapsed.

    Script, style and similar contents are not text. Never raises.
    """
    if not isinstance(html, str):
        return ""
    html = strip_forbidden(html)[0]
    if not html.strip():
        return ""
    if _too_deep(html):
        return _normalize_text(_tokenized_text(html))
    text = _parsed_text(html)
    return _normalize_text(_tokenized_text(html)) if text is None else text


#: Where a ``<`` of serialized HTML may not start a tag: inside an attribute value.
_BRACKET_IN_VALUE = re.compile(r'="[^"]*<')

#: HTML characters parsed first per summary character (grown fourfold when too few).
_PREFIX_PER_CHARACTER = 4
_MIN_PREFIX = 512


def _content_summary(content: str, length: int) -> str:
    """``summarize(html_to_text(content), length)`` for sanitized ``content``, parsing
    only a prefix of it when that prefix holds enough text.

    The prefix ends just before a tag, so its text is the beginning of the whole text
    (libxml2 keeps document order); once that text is longer than ``length`` + 1
    characters, the cut (which looks at ``length`` + 1 characters) is the same.
    """
    if length < 1 or _BRACKET_IN_VALUE.search(content) or _too_deep(content):
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

    :func:`_normalize_text` removes forbidden characters and references, then only
    rewrites runs of white space: each run becomes one space or one newline, or goes at
    the ends of the text (a run between two other characters always leaves one). So
    :func:`one_line`, which turns each run into one space and trims, gives the same
    line from its output as from the text with only those removals; and
    ``" ".join(text.split())`` is that ``one_line`` (``\s`` and ``str.split`` both split
    on ``str.isspace`` characters).
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


# ---------------------------------------------------------------------------
# Rendering an article


def _kib(size: int) -> str:
    """A byte count in KiB, rounded up to a tenth: ``512``, ``600.5``."""
    return f"{math.ceil(size * 10 / 1024) / 10:.1f}".removesuffix(".0")


def _paragraph(text: str) -> str:
    return f"<p>{html_lib.escape(text, quote=False)}</p>" if text else ""


def _read_more(url: str) -> str:
    href = _safe_link(join_url(url, url)) if isinstance(url, str) else None
    if href is None:
        return ""
    return f'<p><a href="{html_lib.escape(href, quote=True)}">Read more</a></p>'


def _within_budget(candidates: Iterable[str], tail: str, budget: int) -> str:
    """The first candidate that, with ``tail``, fits ``budget`` bytes ('' if none does)."""
    for candidate in candidates:
        if candidate and len((candidate + tail).encode("utf-8")) <= budget:
            return candidate
    return ""


def render(article: Article, site: Site) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings."""
    source = article.body if isinstance(article.body, str) else ""
    # Far over the item budget whatever sanitizing removes: the feed will carry the summary,
    # so only the beginning is rendered (a 6 MB Markdown body would take seconds).
    oversized = len(source) > 4 * site.item_budget
    if oversized:
        cut = source.rfind("\n", 0, site.item_budget)
        source = source[: cut if cut > 0 else site.item_budget]
    markdown = article.body_format is BodyFormat.MARKDOWN
    body = markdown_to_html(source) if markdown else source
    unwrap = site.unwrap_proxies
    content, notes = sanitize(body, article.url, unwrap_proxies=unwrap)
    marker = MORE_MARKER.search(body)
    excerpt = (
        sanitize(body[: marker.start()], article.url, unwrap_proxies=unwrap)[0] if marker else ""
    )
    excerpt_text = one_line(html_to_text(excerpt)) if excerpt else ""
    if article.summary:
        summary = one_line(strip_forbidden(article.summary)[0])
    elif excerpt_text:
        summary = excerpt_text
    else:  # no marker, or nothing before it
        summary = _content_summary(content, site.summary_length)
    short = excerpt.strip() or _paragraph(summary)
    content_html = content if site.full_content else short
    size = max(
        len(content_html.encode("utf-8")), len(article.body) if source is not article.body else 0
    )
    if size > site.item_budget:
        tail = _read_more(article.url)
        room = max(0, site.item_budget // 4 - len(tail))
        candidates = (short, _paragraph(summary), _paragraph(summarize(summary, room)))
        content_html = _within_budget(candidates, tail, site.item_budget) + tail
        notes += (
            f"content is {_kib(size)} KiB, over the item budget of {_kib(site.item_budget)} "
            "KiB; the feed carries the summary",
        )
    return Rendered(content_html=content_html, summary=summary, notes=notes)
