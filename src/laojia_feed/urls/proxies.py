"""CORS-proxy wrappers: finding the URL a wrapper carries, unwrapping it, wrapping one.

A wrapper is any URL that carries an absolute URL in its query (``?http://…``,
``?url=http%3A%2F%2F…``) or an http(s) URL in its path (``https://proxy/https://…``).
Whatever the carried value is (``javascript:``, ``data:``, ``file:``, another
wrapper), :func:`inner_candidates` finds it, so that the safety check
(:mod:`laojia_feed.urls.safety`) judges it. :func:`apply_proxy` puts a URL into an
image-proxy template; :func:`through_proxy` does so once (never twice).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from laojia_feed.model import FieldError
from laojia_feed.urls.escapes import clean, show
from laojia_feed.urls.normalize import normalize_url

#: How deep proxy wrappers are followed before giving up.
MAX_PROXY_DEPTH = 3

#: A value that reads as an absolute URL handed to a proxy: http(s), any scheme followed
#: by a slash (``file:/``, ``ftp://``), or a scheme whose URLs run or carry content
#: (``javascript:``, ``data:``). Other ``word:`` values (``crop:center``,
#: ``title=File:Example.jpg``) are ordinary parameters.
_WRAPPED = re.compile(
    r"(?i)(?:https?:|[a-z][a-z0-9+.\-]*:/"
    r"|(?:javascript|vbscript|data|blob|about|view-source|jar|filesystem|mhtml):)"
)

#: An http(s) URL in a path, as path-style proxies take it.
_INNER_IN_PATH = re.compile(r"(?i)/(https?(?::|%3a)/.*)$")

#: What a proxy template holds where the URL goes.
PLACEHOLDER = "{url}"


def _decode_inner(piece: str) -> str | None:
    """``piece`` as an absolute URL (see ``_WRAPPED``), percent-decoding up to three times."""
    text = piece
    for _ in range(4):
        stripped = clean(text)
        if _WRAPPED.match(stripped):
            return stripped
        decoded = unquote(text)
        if decoded == text:
            return None
        text = decoded
    return None


def candidates_in(query: str, path: str) -> list[str]:
    """The absolute URLs carried by a query (whole, each parameter, each value) and a path."""
    pieces = [query]
    for param in query.split("&"):
        pieces.extend((param, param.partition("=")[2]))
    found: list[str] = []
    for piece in dict.fromkeys(pieces):  # ``?http://…`` is the query, its param and value
        inner = _decode_inner(piece)
        if inner is not None and inner not in found:
            found.append(inner)
    path_match = _INNER_IN_PATH.search("/" + path)
    if path_match is not None:
        inner = _decode_inner(path_match.group(1) + ("?" + query if query else ""))
        if inner is not None and inner not in found:
            found.append(inner)
    return found


def inner_candidates(url: str) -> list[str]:
    """Absolute URLs a proxy wrapper carries: whole query, parameter values, path.

    Fast path (1.2 % of a default 10k build: most URLs wrap nothing): with no query,
    every piece is empty, and a path without ``:`` or ``%`` cannot hold
    ``http:``/``http%3a`` for the path pattern, so :func:`candidates_in` finds nothing.
    """
    head, _, query = url.partition("#")[0].partition("?")
    path = head.partition("://")[2].partition("/")[2]
    if not query and ":" not in path and "%" not in path:
        return []
    return candidates_in(query, path)


def proxy_inner_url(url: str) -> str | None:
    """The URL a CORS-proxy wrapper carries, as written (decoded, not normalized), or None.

    Looks at the whole query (``?http://…``), then each parameter value
    (``?url=http%3A%2F%2F…``), then a path that carries a URL
    (``https://proxy/https://…``). The value may have any scheme
    (``?javascript:…`` gives ``javascript:…``): callers check it.
    """
    if not isinstance(url, str):
        return None
    candidates = inner_candidates(clean(url))
    return candidates[0] if candidates else None


def unwrap(url: str) -> str:
    """The innermost URL of (already validated) proxy wrappers, normalized."""
    for _ in range(MAX_PROXY_DEPTH):
        inner = proxy_inner_url(url)
        if inner is None:
            break
        try:
            url = normalize_url(inner)
        except FieldError:
            break
    return url


def apply_proxy(template: str, url: str) -> str:
    """``url`` put into an image-proxy ``template`` at ``{url}``, percent-encoded; normalized.

    ``apply_proxy("https://img.example.org/?url={url}", "https://a.cn/中.jpg")`` gives
    ``https://img.example.org/?url=https%3A%2F%2Fa.cn%2F%E4%B8%AD.jpg``: every character
    but letters, digits and ``_.-~`` is escaped, so the proxy gets ``url`` back by decoding
    the parameter once, whatever ``&``, ``#`` or ``%`` it holds. Raises
    :class:`FieldError` when the template has no ``{url}`` or is not an absolute URL.
    """
    if PLACEHOLDER not in template:
        raise FieldError(f"{show(template)} has no {PLACEHOLDER} placeholder for the image URL")
    return normalize_url(template.replace(PLACEHOLDER, quote(url, safe="")))


def through_proxy(template: str, url: str) -> str:
    """``url`` through the image proxy ``template`` (:func:`apply_proxy`), unless it already
    goes through it: what a template gives is returned as it is, so applying twice changes
    nothing (sanitizing twice must not wrap an image twice)."""
    for inner in inner_candidates(url):
        try:
            if apply_proxy(template, inner) == url:
                return url
        except FieldError:
            break
    return apply_proxy(template, url)
