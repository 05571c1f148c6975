"""Resolving a reference (``href``, ``src``, a front-matter value) against a page URL.

:func:`join_url` keeps only ``http``, ``https`` and ``mailto`` links and never raises;
:func:`resolve` is the same with the allowed schemes given and a :class:`FieldError`
saying why a value cannot be used.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from laojia_feed.model import FieldError
from laojia_feed.urls.escapes import clean, show
from laojia_feed.urls.normalize import (
    SCHEME,
    in_normal_form,
    normalize_url,
    scheme_of,
    slashes_for_backslashes,
)

#: Schemes a link in a post may use.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: Schemes an image (or anything fetched) may use.
WEB_SCHEMES = frozenset({"http", "https"})

#: A relative reference that is only a path: no scheme, query, fragment, parameters,
#: backslash, space or control, and no empty segment (a leading ``/`` is allowed).
_PLAIN_PATH = re.compile(r"/?(?:[^\x00-\x20\x7f:?#;\\/]+/)*[^\x00-\x20\x7f:?#;\\/]*")

#: A ``.`` or ``..`` segment in a reference.
_DOT_SEGMENT = re.compile(r"(?:\A|/)\.\.?(?=/|\Z)")


def join_url(base: str, ref: str) -> str | None:
    """Resolve an ``href``/``src`` value against the page URL ``base``.

    Returns a normalized absolute ``http``, ``https`` or ``mailto`` URL, or None
    for any other scheme (however it is spelled) or an unusable value. A
    protocol-relative ``//host/x`` becomes ``https``; an empty value is the page
    itself. Never raises.
    """
    try:
        return resolve(base, ref, LINK_SCHEMES)
    except ValueError:
        return None


def resolve(base: str, ref: str, schemes: frozenset[str]) -> str:
    """Resolve ``ref`` against ``base``; FieldError says why it cannot be used."""
    if not isinstance(ref, str):
        raise FieldError("is not text")
    text = clean(ref)
    match = SCHEME.match(text)
    base_url = normalize_url(base) if isinstance(base, str) and SCHEME.match(base.strip()) else ""
    if match is not None:
        scheme = match.group()[:-1].lower()
        rest = text[match.end() :]
        if base_url and scheme == scheme_of(base_url) and not rest.startswith(("/", "\\")):
            text = rest
        elif scheme not in schemes:
            raise FieldError(f"{show(text)} uses the {scheme}: scheme, which is not allowed")
        else:
            return normalize_url(text)
    if text[:2].replace("\\", "/") == "//":
        return normalize_url("https:" + text)
    if scheme_of(base_url) not in WEB_SCHEMES:
        raise FieldError(f"{show(text)} is relative and there is no http(s) base URL to resolve it")
    if not text:
        return base_url.partition("#")[0]
    return normalize_url(_join_path(base_url, text))


def _join_path(base_url: str, text: str) -> str:
    """``urljoin(base_url, text)`` after backslashes become slashes (see :func:`_join_slow`).

    Fast path (1.3 % of a default 10k build: every permalink) for a plain, non-empty
    path (``2021/12/09/slug/``, ``/images/a.jpg``) against a base in normal form (host
    only, see :func:`in_normal_form`), done by concatenation. Why it is what
    :func:`urllib.parse.urljoin` does: the reference has no scheme, ``//``, query,
    fragment or ``;`` parameters, so only its path counts, the base's query and fragment
    are dropped and the host is kept; urljoin then drops the base's last segment (or
    keeps all of an absolute path), removes empty middle segments (there are none in the
    reference, and the base's directory is checked for ``//``) and resolves ``.`` and
    ``..`` segments (there are none: the reference is checked, the base is in normal form).
    """
    if (
        not text
        or _PLAIN_PATH.fullmatch(text) is None
        or _DOT_SEGMENT.search(text) is not None
        or not in_normal_form(base_url)
    ):
        return _join_slow(base_url, text)
    origin_end = base_url.find("/", base_url.find("//") + 2)
    origin = base_url[:origin_end]
    if text.startswith("/"):
        return origin + text
    path = base_url[origin_end:].partition("#")[0].partition("?")[0]
    folder = path[: path.rfind("/") + 1]
    if ";" in folder or "//" in folder:
        return _join_slow(base_url, text)
    return origin + folder + text


def _join_slow(base_url: str, text: str) -> str:
    """:func:`_join_path` by urljoin itself, with backslashes read as slashes first."""
    try:
        return urljoin(base_url, slashes_for_backslashes(text))
    except ValueError:  # urlsplit refuses a host with an unbalanced [ or ]
        raise FieldError(f"{show(text)} is not a valid URL") from None
