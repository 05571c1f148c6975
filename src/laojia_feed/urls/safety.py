"""Whether a URL may be published, and image URLs from front matter checked by that rule.

:func:`is_safe_public_url` refuses what readers must not be sent to: other schemes
than http(s), credentials, hosts the public-address policy refuses
(:func:`laojia_feed.net.addresses.host_problem`), and wrappers carrying such a URL
(``https://cors.example/?javascript:…``), however deep; :func:`wrapped_problem` applies
it to what a wrapper carries only. :func:`check_image_url` turns a thumbnail/headimg/cover
value into a URL (through the site's image proxy, if any) or None with a warning.
:func:`check_template` validates an image-proxy template.
"""

from __future__ import annotations

from laojia_feed.model import FieldError, Warn
from laojia_feed.net.addresses import host_problem
from laojia_feed.urls.escapes import clean, show
from laojia_feed.urls.join import WEB_SCHEMES, resolve
from laojia_feed.urls.normalize import normalize_url, scheme_of
from laojia_feed.urls.proxies import (
    MAX_PROXY_DEPTH,
    apply_proxy,
    inner_candidates,
    through_proxy,
    unwrap,
)
from laojia_feed.wording import describe_type


def _host_of(url: str) -> tuple[str, bool]:
    """The host of a normalized hierarchical URL, and whether it carries credentials."""
    authority = url.partition("://")[2]
    for end in "/?#":
        authority = authority.partition(end)[0]
    _, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        host = hostport.partition("]")[0] + "]"
    else:
        host = hostport.partition(":")[0]
    return host, bool(at)


def _unsafe_reason(url: str, depth: int) -> str | None:
    try:
        normalized = normalize_url(url)
    except FieldError as error:
        return str(error)
    scheme = scheme_of(normalized)
    if scheme not in WEB_SCHEMES:
        return f"{show(normalized)} uses the {scheme}: scheme; only http and https are allowed"
    host, has_credentials = _host_of(normalized)
    if has_credentials:
        return f"{show(normalized)} contains a user name or password"
    problem = host_problem(host)
    if problem is not None:
        return f"{show(normalized)} {problem}"
    return _carried_reason(normalized, depth)


def _carried_reason(normalized: str, depth: int) -> str | None:
    """Why a URL carried by the wrapper ``normalized`` cannot be published, or None."""
    for inner in inner_candidates(normalized):
        if depth >= MAX_PROXY_DEPTH:
            return f"{show(normalized)} wraps too many proxied URLs"
        reason = _unsafe_reason(inner, depth + 1)
        if reason is not None:
            return f"{show(normalized)} wraps a URL that cannot be used: {reason}"
    return None


def is_safe_public_url(url: str) -> str | None:
    """None when ``url`` may be published and fetched by readers, else why not.

    The URL must be absolute http(s), without credentials, on a public IP
    address written as four dotted decimals or a host name that resolves on the
    public internet (not ``localhost``, ``*.local``, ``*.internal``, ``*.lan``,
    ``*.home.arpa``, single labels...). A URL wrapped by a CORS proxy must obey
    the same rules, whatever its scheme (``?javascript:…``, ``?data:…``).
    """
    if not isinstance(url, str):
        return "is not text"
    return _unsafe_reason(url, 0)


def wrapped_problem(url: str) -> str | None:
    """Why a URL that the proxy wrapper ``url`` (normalized, absolute) carries cannot be
    published (:func:`is_safe_public_url`), or None; ``url`` itself is not judged.

    For body images: ``https://cors.example/?http://127.0.0.1/a.jpg`` is refused, a
    relative image of a site previewed on ``localhost`` is not.
    """
    return _carried_reason(url, 0)


#: The image URL an image-proxy template is tried with at config load.
_TEMPLATE_PROBE = "https://example.org/a.jpg"


def check_template(raw: str) -> str:
    """An image-proxy template, checked: it holds ``{url}`` and gives a URL that may be
    published (:func:`is_safe_public_url`). Raises :class:`FieldError` saying why not."""
    template = clean(raw)
    reason = is_safe_public_url(apply_proxy(template, _TEMPLATE_PROBE))
    if reason is not None:
        raise FieldError(f"{show(template)} gives URLs that cannot be used: {reason}")
    return template


def _pick_text(raw: object, warn: Warn) -> str | None:
    """The string to use from a front-matter value: a string, or a list's first string."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list | tuple):
        texts = [item for item in raw if isinstance(item, str) and clean(item)]
        if not raw:
            return None
        if not texts:
            warn("is a list without any URL in it; dropped")
            return None
        warn(f"is a list; using its first URL {show(texts[0])}")
        return texts[0]
    warn(f"is {describe_type(raw)}, not a URL; dropped")
    return None


def check_image_url(
    raw: object,
    site_url: str,
    warn: Warn,
    *,
    unwrap_proxies: bool = False,
    image_proxy: str | None = None,
) -> str | None:
    """Validate a thumbnail/headimg/cover value: a normalized absolute http(s) URL, or None.

    Relative values are resolved against ``site_url``. A value that cannot be
    published (see :func:`is_safe_public_url`) is dropped with a warning; an
    empty one is None silently. With ``unwrap_proxies`` the URL inside a
    CORS-proxy wrapper is returned instead of the wrapper. With an ``image_proxy``
    template (see :func:`check_template`) the URL, checked and unwrapped, goes through it.
    """
    try:
        text = _pick_text(raw, warn)
        if text is None or not clean(text):
            return None
        url = resolve(site_url, text, WEB_SCHEMES)
    except FieldError as error:
        warn(f"{error}; dropped")
        return None
    reason = is_safe_public_url(url)
    if reason is not None:
        warn(f"{reason}; dropped")
        return None
    url = unwrap(url) if unwrap_proxies else url
    if image_proxy is None:
        return url
    try:
        return through_proxy(image_proxy, url)
    except FieldError as error:
        warn(f"image_proxy: {error}; dropped")
        return None
