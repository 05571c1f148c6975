"""Opt-in reachability check of image URLs (``--check-thumbnails``) that cannot become SSRF.

Every host is resolved once, by :mod:`~laojia_feed.net.guard`; the URL is refused
without connecting when any address it resolves to is not allowed (by default: not
public), or when the host is a legacy numeric IPv4 spelling. The connection then goes
to the checked address itself, never through a second DNS lookup (no DNS rebinding),
with the right ``Host`` header and, for https, TLS verified against the host name.
Redirects are followed by hand, each hop checked by the same rules. Stdlib only.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from laojia_feed.model import FieldError
from laojia_feed.net import guard
from laojia_feed.net.addresses import is_public_address
from laojia_feed.net.guard import Allow as Allow
from laojia_feed.net.guard import Refused
from laojia_feed.net.guard import Resolver as Resolver
from laojia_feed.net.guard import resolve_host as resolve_host
from laojia_feed.urls import join_url, normalize_url, proxy_inner_url

#: Statuses that send us elsewhere.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

#: Statuses after which a HEAD request is retried as a ranged GET.
_HEAD_REFUSED = frozenset({403, 405, 501})

#: At most this many body bytes are read from a GET.
_MAX_BODY = 4096

#: Proxy wrappers are unwrapped at most this deep.
_MAX_DEPTH = 3

_HEADERS = {
    "User-Agent": "laojia-feed thumbnail check",
    "Accept": "image/*,*/*;q=0.5",
}

#: Opens every TCP connection of a check (a module name, so tests can watch it).
_connect: guard.Connect = guard.open_socket


@dataclass(frozen=True)
class CheckResult:
    """What checking one URL found."""

    #: The URL as given.
    url: str
    #: True when the image answered 2xx.
    ok: bool
    #: The last HTTP status received, if any.
    status: int | None
    #: ``OK``, or why the check failed (refused address, timeout, HTTP status...).
    reason: str


@dataclass(frozen=True)
class _Settings:
    timeout: float
    max_redirects: int
    resolve: Resolver
    allow: Allow


def _split(url: str) -> tuple[str, str, int, str]:
    """Scheme, host (no brackets), port and request target of a normalized URL."""
    scheme, _, rest = url.partition("://")
    rest = rest.partition("#")[0]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, target = rest[:cut], rest[cut:]
    if not target.startswith("/"):
        target = "/" + target
    if "@" in authority:
        raise Refused("the URL contains a user name or password")
    if authority.startswith("["):
        host, _, port_text = authority[1:].partition("]")
        port_text = port_text.removeprefix(":")
    else:
        host, _, port_text = authority.partition(":")
    port = int(port_text) if port_text else (443 if scheme == "https" else 80)
    return scheme, host, port, target


def _request(
    connection: http.client.HTTPConnection, method: str, target: str
) -> tuple[int, str | None]:
    """Send one request; the status and Location header (the body is barely read)."""
    headers = dict(_HEADERS)
    if method == "GET":
        headers["Range"] = "bytes=0-0"
    connection.request(method, target, headers=headers)
    response = connection.getresponse()
    if method == "GET":
        response.read(_MAX_BODY)
    return response.status, response.getheader("Location")


def _fetch(url: str, settings: _Settings) -> tuple[int, str | None]:
    """HEAD (then ranged GET if refused) one normalized URL at a vetted address."""
    scheme = url.partition(":")[0]
    if scheme not in ("http", "https"):
        raise Refused(f"only http and https are checked, not {scheme}:")
    _, host, port, target = _split(url)
    address = guard.vetted_address(host, port, resolve=settings.resolve, allow=settings.allow)

    def pinned() -> http.client.HTTPConnection:
        return guard.pinned_connection(scheme, host, port, address, settings.timeout, _connect)

    connection = pinned()
    try:
        status, location = _request(connection, "HEAD", target)
        if status in _HEAD_REFUSED:
            connection.close()
            connection = pinned()
            status, location = _request(connection, "GET", target)
        return status, location
    finally:
        connection.close()


def _check(url: str, settings: _Settings, depth: int) -> tuple[int | None, str | None]:
    """Check ``url`` (inner proxied URL first, redirects followed); (status, failure)."""
    try:
        current = normalize_url(url)
    except FieldError as error:
        return None, str(error)
    inner = proxy_inner_url(current)
    if inner is not None:
        if depth >= _MAX_DEPTH:
            return None, "too many nested proxy URLs"
        inner_status, problem = _check(inner, settings, depth + 1)
        if problem is not None:
            return inner_status, f"the proxied URL {inner} failed: {problem}"
    status: int | None = None
    for hop in range(settings.max_redirects + 1):
        try:
            status, location = _fetch(current, settings)
        except Refused as refused:
            return None, refused.reason if hop == 0 else f"{current}: {refused.reason}"
        if status not in _REDIRECTS:
            return status, None if 200 <= status < 300 else f"HTTP status {status}"
        if location is None:
            return status, f"HTTP status {status} without a Location"
        target = join_url(current, location)
        if target is None or not target.startswith(("http://", "https://")):
            return status, f"redirects to an unusable location {location!r}"
        current = target
    return status, f"more than {settings.max_redirects} redirects"


def _failure_reason(error: BaseException) -> str:
    """A short sentence for a network error."""
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate rejected: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response: {type(error).__name__}"
    if isinstance(error, OSError):
        return f"connection failed: {error.strerror or error}"
    return f"check failed: {type(error).__name__}"


def _check_one(url: object, settings: _Settings) -> CheckResult:
    """Check one URL; never raises."""
    text = url if isinstance(url, str) else repr(url)
    if not isinstance(url, str):
        return CheckResult(text, False, None, "is not text")
    try:
        status, problem = _check(url, settings, 0)
    except Exception as error:  # a failed check is a result, never a crash
        return CheckResult(url, False, None, _failure_reason(error))
    return CheckResult(url, problem is None, status, problem or "OK")


def _bounded(value: object, low: float, high: float, default: float) -> float:
    """``value`` as a number within [low, high], or ``default`` when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return default
    return min(max(float(value), low), high)


def check_urls(
    urls: Iterable[str],
    *,
    timeout: float = 5.0,
    concurrency: int = 8,
    max_redirects: int = 3,
    resolve: Resolver = resolve_host,
    allow: Allow = is_public_address,
) -> dict[str, CheckResult]:
    """Check that each image URL answers 2xx, without ever reaching a non-public address.

    Returns one result per distinct URL (a non-text item is keyed by its
    ``repr``). Never raises: every failure is a ``CheckResult(ok=False)``.
    """
    settings = _Settings(
        timeout=_bounded(timeout, 0.05, 60.0, 5.0),
        max_redirects=int(_bounded(max_redirects, 0, 20, 3)),
        resolve=resolve,
        allow=allow,
    )
    items: dict[str, object] = {}
    try:
        for item in urls:
            items.setdefault(item if isinstance(item, str) else repr(item), item)
    except Exception as error:  # a broken iterable is reported, not raised
        return {"": CheckResult("", False, None, f"cannot read the URLs: {error}")}
    workers = int(_bounded(concurrency, 1, 64, 8))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="thumbcheck") as pool:
        results = list(pool.map(lambda item: _check_one(item, settings), items.values()))
    return {result.url: result for result in results}
