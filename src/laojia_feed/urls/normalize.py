"""The normal form of an absolute URL, and the quick check that a URL is already in it.

:func:`normalize_url` writes an absolute URL the one way readers expect: trimmed,
lower-case scheme and host, punycode, percent-encoding, no dot segments, no
default port; web URLs are parsed the way browsers parse them (backslashes are
slashes). Most URLs a blog holds are already in normal form: :func:`in_normal_form`
recognizes them in one regular expression (the guard clause of :func:`_normalized`).
"""

from __future__ import annotations

import functools
import re

from laojia_feed.model import FieldError
from laojia_feed.urls.escapes import PATH_SAFE, QUERY_SAFE, UNRESERVED, clean, encode, show
from laojia_feed.urls.hosts import normalize_authority

#: A scheme at the start of a reference (RFC 3986 ``ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )``).
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

#: Schemes parsed like the web parses them: backslashes are slashes, a host is required.
_SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})

#: A ``..`` segment left in a query, fragment or opaque path.
_DOT_DOT = re.compile(r"(?<=/)\.\.(?=/|$)")

#: Characters a normalized path / query or fragment holds unencoded (and ``%`` of escapes).
_PATH_CHARS = re.escape("".join(sorted(UNRESERVED)) + PATH_SAFE + "%")
_TAIL_CHARS = re.escape("".join(sorted(UNRESERVED)) + QUERY_SAFE + "%")

#: The shape of an http(s) URL that is already in normal form: lower-case scheme, a
#: lower-case ASCII host name whose last label starts with a letter (so it is not numeric),
#: no credentials or port, a path, then an optional query and fragment, all made of
#: characters that need no encoding.
_NORMAL_SHAPE = re.compile(
    r"https?://(?:[a-z0-9_\-]+\.)*[a-z][a-z0-9_\-]*"
    rf"/[{_PATH_CHARS}]*(?:\?[{_TAIL_CHARS}]*)?(?:#[{_TAIL_CHARS}]*)?"
)

#: What normalizing would still change in a URL of that shape: a ``%`` that is not an
#: escape, or a segment made of one or two dots (``.`` or ``%2e``) anywhere after a ``/``.
_NOT_NORMAL = re.compile(r"%(?![0-9A-Fa-f]{2})|/(?:\.|%2[eE]){1,2}(?=[/?#]|\Z)")


def scheme_of(url: str) -> str:
    """The scheme of a normalized URL."""
    return url.partition(":")[0]


def normalize_url(raw: str) -> str:
    """Write an absolute URL in normal form, or raise :class:`FieldError`.

    Trims, lower-cases scheme and host, turns an IDN host into punycode,
    percent-encodes what URLs may not hold (existing ``%XX`` escapes are kept),
    removes dot segments, drops a default port. The query is kept as written
    apart from encoding (CORS proxies such as ``https://p.dev/?http://x/a.jpg``
    keep working) and any ``/../`` in it is escaped as ``/%2E%2E/``.
    """
    if not isinstance(raw, str):
        raise FieldError("is not text")
    return _normalized(raw)


def in_normal_form(text: str) -> bool:
    """True when :func:`_normalized_slow` would return ``text`` unchanged (a sufficient test).

    Why: no character of the shape is a space, control, tab, newline or surrogate, so
    cleaning keeps it; the scheme is already lower-case and has no backslash to turn into
    a slash; the host has no ``%``, is ASCII and lower-case, has no empty label and does
    not end in a numeric label, so the host is kept as is, and without ``@`` or ``:``
    there are no credentials and no port to drop; path, query and fragment hold only
    characters :func:`encode` keeps and well-formed escapes; no path segment is
    ``.``/``..`` in any spelling and no ``/..`` ends a query or fragment, so neither dot
    removal nor ``..`` escaping changes anything; the path starts with ``/``, which the
    slow path would otherwise add.
    """
    return _NORMAL_SHAPE.fullmatch(text) is not None and _NOT_NORMAL.search(text) is None


# Bases and images are normalized repeatedly: remembered (1.2 % of a default 10k build);
# lru_cache keeps valid results only: a refused URL raises again every time.
@functools.lru_cache(maxsize=4096)
def _normalized(raw: str) -> str:
    """:func:`normalize_url` for text: a URL already in normal form comes back as is.

    The normal-form check is the fast path (it skips about 80 % of the work on a
    typical URL); the tests compare it with :func:`_normalized_slow` on hostile input.
    """
    if in_normal_form(raw):
        return raw
    return _normalized_slow(raw)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 on a path starting with ``/``; ``%2e`` counts as a dot."""
    segments = path.split("/")[1:]
    out: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        kind = segment.lower().replace("%2e", ".")
        if kind in (".", ".."):
            if kind == ".." and out:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def _encode_tail(text: str) -> str:
    """Encode a query, fragment or opaque path; ``..`` segments in it are escaped."""
    return _DOT_DOT.sub("%2E%2E", encode(text, QUERY_SAFE))


def _split_tail(text: str) -> tuple[str, str, str]:
    """Split off ``?query`` and ``#fragment`` (each kept with its marker, or empty)."""
    head, hash_mark, fragment = text.partition("#")
    head, question, query = head.partition("?")
    tail_query = question + _encode_tail(query) if question else ""
    tail_fragment = hash_mark + _encode_tail(fragment) if hash_mark else ""
    return head, tail_query, tail_fragment


def slashes_for_backslashes(text: str) -> str:
    """Turn backslashes into slashes before the query, as browsers do for web URLs."""
    end = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=len(text))
    return text[:end].replace("\\", "/") + text[end:]


def _normalized_slow(raw: str) -> str:
    """:func:`normalize_url` for text, step by step."""
    text = clean(raw)
    if not text:
        raise FieldError("is empty")
    match = SCHEME.match(text)
    if match is None:
        raise FieldError(f"{show(text)} is not an absolute URL")
    scheme = match.group()[:-1].lower()
    rest = text[match.end() :]
    if scheme in _SPECIAL:
        rest = slashes_for_backslashes(rest)
    head, query, fragment = _split_tail(rest)
    if scheme in _SPECIAL:
        head = head.lstrip("/")
        authority, slash, path = head.partition("/")
        if not authority:
            raise FieldError(f"{show(text)} has no host")
        netloc = normalize_authority(scheme, authority)
        encoded = _remove_dot_segments(slash + encode(path, PATH_SAFE))
        return f"{scheme}://{netloc}{encoded}{query}{fragment}"
    if head.startswith("//"):
        authority, slash, path = head[2:].partition("/")
        netloc = normalize_authority(scheme, authority) if authority else ""
        encoded = _remove_dot_segments(slash + encode(path, PATH_SAFE)) if slash else ""
        return f"{scheme}://{netloc}{encoded}{query}{fragment}"
    return f"{scheme}:{_encode_tail(head)}{query}{fragment}"
