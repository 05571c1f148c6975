"""Sanitizing as data: the allow-lists (frozensets) and the one nh3 Cleaner that applies them.

:func:`clean` is one pass of nh3 (ammonia, html5ever) with the allow-lists below; in the same
pass ``href``/``src``/``poster`` are made absolute against the post's permalink
(:func:`laojia_feed.urls.join_url`, which refuses every scheme but http, https and mailto),
and CORS-proxy wrapped URLs are unwrapped on request. What a site asks of a body's URLs and
images (:class:`Rules`) rides along: images whose proxy wrapper carries a URL that may not be
published are dropped, image URLs go through the site's image proxy, and every ``<img>``
gets the site's ``referrerpolicy``. The output never holds a character XML forbids.

``link_rel`` is None: no ``rel`` is added or kept. ``target`` is not allowed, so
``noopener`` protects nothing, and feed readers apply their own link policy.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import unquote

import nh3

from laojia_feed.model import FieldError
from laojia_feed.render.referrer import REFERRER_POLICIES
from laojia_feed.urls import (
    is_safe_public_url,
    join_url,
    normalize_url,
    proxy_inner_url,
    through_proxy,
    wrapped_problem,
)
from laojia_feed.xmlchars import strip_forbidden

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_ATTRIBUTE_VALUES",
    "ALLOWED_TAGS",
    "CLEAN_CONTENT_TAGS",
    "PLAIN",
    "URL_SCHEMES",
    "VOID",
    "Rules",
    "clean",
    "safe_link",
]

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

#: Attributes kept only with one of a few values, per element (never also in
#: :data:`ALLOWED_ATTRIBUTES`): ``<img referrerpolicy>`` with a W3C token (compared
#: without case, written in lower case).
ALLOWED_ATTRIBUTE_VALUES: Mapping[str, Mapping[str, frozenset[str]]] = MappingProxyType(
    {"img": MappingProxyType({"referrerpolicy": REFERRER_POLICIES})}
)

#: The same, as the plain dicts and sets nh3 insists on.
_NH3_ATTRIBUTE_VALUES = {
    tag: {name: set(values) for name, values in allowed.items()}
    for tag, allowed in ALLOWED_ATTRIBUTE_VALUES.items()
}

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

#: Attributes holding a URL that :func:`_resolver` resolves.
_URL_ATTRIBUTES = frozenset({"href", "src", "poster"})

#: URL attributes a reader's client fetches by itself: a proxy wrapper there is checked.
_FETCHED = frozenset({"src", "poster"})

#: The image URLs that go through the site's image proxy (links never do).
_IMAGES = frozenset({("img", "src"), ("source", "src"), ("video", "poster")})


@dataclass(frozen=True, slots=True)
class Rules:
    """What the site asks of a body's URLs and images (from :class:`~laojia_feed.model.Site`)."""

    #: Replace CORS-proxy wrapped URLs by their (safe) inner URL.
    unwrap: bool = False
    #: Image-proxy template holding ``{url}`` (validated at config load), or None.
    image_proxy: str | None = None
    #: ``referrerpolicy`` set on every ``<img>`` (one of :data:`REFERRER_POLICIES`), or
    #: ``""``: images keep the (allowed) value they were written with.
    referrer_policy: str = ""


#: No unwrapping, no proxy, images as written.
PLAIN = Rules()

#: HTML elements that have no end tag (they never deepen the tree).
VOID: frozenset[str] = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr",
    }
)  # fmt: skip


def safe_link(url: str | None) -> str | None:
    """Defence in depth: only absolute http(s) and mailto URLs leave this module."""
    if url is None:
        return None
    scheme = url.partition(":")[0].lower()
    return url if scheme in URL_SCHEMES else None


#: join_url results by (base, ref, unwrap); a URL it returned maps to itself, so the
#: stabilizing passes and the excerpt cost no second resolution (1.4 % of a 10k
#: everything build; the tests compare with join_url).
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
        url = safe_link(join_url(base_url, ref))
        if unwrap:
            url = _unwrapped(url)
    except Exception:  # a raising filter must not reach nh3
        url = None
    if len(_JOINED) >= _JOINED_MAX:
        _JOINED.clear()
    _JOINED[key] = url
    if url is not None and base_url.startswith(("http://", "https://")):
        # a published URL joins to itself against a page's http(s) URL (the cleaning pass
        # that follows meets it again); against anything else that is not sure
        _JOINED[(base_url, url, unwrap)] = url
    return url


def out_of_folder(value: str, folder: str) -> str:
    """``value`` without its first segment when that names ``folder`` (percent-encoded or
    not, after an optional ``./``): ``name/x.png`` → ``x.png`` for ``name``."""
    head, slash, rest = value.removeprefix("./").partition("/")
    return rest if slash and rest and unquote(head) == folder else value


def _fetched(url: str, element: str, attribute: str, rules: Rules) -> tuple[str | None, str]:
    """A resolved src/poster URL as published: (URL, "") or, when a proxy wrapper carries
    a URL that may not be published (:func:`wrapped_problem`), (None, why)."""
    problem = wrapped_problem(url)
    if problem is not None:
        return None, problem
    if rules.image_proxy is not None and (element, attribute) in _IMAGES:
        return through_proxy(rules.image_proxy, url), ""
    return url, ""


def _resolver(
    base_url: str, dropped: dict[str, None], rules: Rules = PLAIN, folder: str | None = None
) -> Callable[[str, str, str], str | None]:
    """The nh3 attribute filter: absolute URLs against ``base_url`` (addresses into the
    post's asset ``folder`` as if written inside it); notes what it drops."""

    def resolve(element: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value.lower() if attribute == "referrerpolicy" else value
        if attribute != "href" and not value.strip():
            return None  # an empty src would load the page itself
        if folder is not None:
            value = out_of_folder(value, folder)
        url = _join(base_url, value, rules.unwrap)
        problem = ""
        if url is not None and attribute in _FETCHED:
            try:
                url, problem = _fetched(url, element, attribute, rules)
            except Exception:  # a raising filter must not reach nh3
                url = None
        if url is None:
            why = f": {problem}" if problem else ""
            dropped[f"removed unsafe URL in <{element} {attribute}>{why}"] = None
        return url

    return resolve


#: The attribute filter of the :func:`clean` call running in this thread.
_FILTER: contextvars.ContextVar[Callable[[str, str, str], str | None]] = contextvars.ContextVar(
    "laojia_feed_html_filter"
)


def _current_filter(element: str, attribute: str, value: str) -> str | None:
    """The attribute filter :func:`_cleaner` calls: the one its caller set in :data:`_FILTER`."""
    return _FILTER.get()(element, attribute, value)


@functools.cache
def _cleaner(referrer_policy: str = "") -> nh3.Cleaner:
    """One nh3 cleaner for every pass (per referrer policy), so that its allow-lists are
    converted once.

    ``nh3.clean(html, **options)`` builds an ammonia ``Builder`` from its options and
    cleans with it, which costs about as much again as the cleaning of a typical body.
    ``nh3.Cleaner(**options)`` builds the same ``Builder`` once and ``clean`` uses it;
    the filter it holds forwards to the one :func:`clean` set for the call (a context
    variable, so threads do not mix). Same options and same filter, same output: the
    tests compare both on generated and hostile HTML.

    A ``referrer_policy`` is set on every ``<img>`` by ammonia itself
    (``set_tag_attribute_values``: added where missing, replacing what was written).
    """
    forced = {"img": {"referrerpolicy": referrer_policy}} if referrer_policy else None
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=_NH3_ATTRIBUTES,
        tag_attribute_values=_NH3_ATTRIBUTE_VALUES,
        set_tag_attribute_values=forced,
        attribute_filter=_current_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=URL_SCHEMES,
    )


def clean(
    html: str,
    base_url: str,
    dropped: dict[str, None],
    rules: Rules = PLAIN,
    folder: str | None = None,
) -> str:
    """One nh3 pass over ``html``; what the URL filter drops is noted in ``dropped``
    (``folder``: the post's asset folder, see :func:`out_of_folder`)."""
    token = _FILTER.set(_resolver(base_url, dropped, rules, folder))
    try:
        cleaned = _cleaner(rules.referrer_policy).clean(html)
    finally:
        _FILTER.reset(token)
    return strip_forbidden(cleaned)[0]
