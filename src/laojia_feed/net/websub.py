"""Tell a WebSub hub that feeds changed (``hub.mode=publish``), never raising.

After a build, :func:`ping` POSTs ``hub.mode=publish&hub.url=<feed URL>`` (form-encoded,
one request per feed, as every hub understands) for each subscribable feed whose bytes
changed (:func:`changed_topics`). The hub must be a public http(s) URL
(:func:`~laojia_feed.urls.is_safe_public_url`); :mod:`~laojia_feed.net.guard` resolves its
host once, requires every address to be public, and connects to the checked address (no
second lookup, TLS verified against the host name). Redirects are not followed. Every
outcome, good or bad, is a :class:`~laojia_feed.model.Diagnostic`: info when the hub
accepted, a warning otherwise (a hub that is down never fails a build). Standard library
only.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from laojia_feed import urls
from laojia_feed.feeds import archives
from laojia_feed.model import BuildResult, Diagnostic, Severity, Site
from laojia_feed.net import addresses, guard
from laojia_feed.net.guard import Refused
from laojia_feed.net.guard import resolve_host as resolve_host

#: The pseudo-field of ping diagnostics.
FIELD = "websub"

#: Longest hub answer quoted in a diagnostic, in characters.
_MAX_ANSWER = 200

_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "laojia-feed WebSub publisher",
}


@dataclass(frozen=True, slots=True)
class HubPolicy:
    """Which hubs may be contacted. The default allows public addresses only."""

    #: Why a hub URL must not be used, or None (default: a public http(s) URL).
    check_url: Callable[[str], str | None] = urls.is_safe_public_url
    #: Whether a resolved address may be connected to (default: public only).
    allow_address: guard.Allow = addresses.is_public_address
    #: Host name and port → addresses.
    resolve: guard.Resolver = resolve_host


#: Public hubs only: the policy of :func:`ping` unless another is given.
PUBLIC_ONLY = HubPolicy()


#: How a refused hub is described.
_WORDING = guard.Wording(
    not_an_address="the resolver answered {answer!r}, not an IP address",
    refused_literal="{host} is at {address}, which is not a public address; refused",
    refused_resolved="{host} is at {address}, which is not a public address; refused",
)


def _answer(response: http.client.HTTPResponse) -> str:
    body = response.read(4 * _MAX_ANSWER).decode("utf-8", "replace")
    text = " ".join(body.split())[:_MAX_ANSWER]
    return f": {text}" if text else ""


def _post(hub: str, topic: str, timeout: float, policy: HubPolicy) -> tuple[int, str]:
    """POST one publish notification; the status and the start of the hub's answer."""
    problem = policy.check_url(hub)
    if problem is not None:
        raise Refused(f"hub {problem}; not contacted")
    parts = urlsplit(urls.normalize_url(hub))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"hub {hub} is not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = guard.vetted_address(
        parts.hostname, port, resolve=policy.resolve, allow=policy.allow_address, wording=_WORDING
    )
    connection = guard.pinned_connection(parts.scheme, parts.hostname, port, address, timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = urlencode({"hub.mode": "publish", "hub.url": topic})
    try:
        connection.request("POST", target, body=body.encode("ascii"), headers=_HEADERS)
        response = connection.getresponse()
        return response.status, _answer(response)
    finally:
        connection.close()


def _failure(error: BaseException) -> str:
    if isinstance(error, Refused):
        return error.reason
    if isinstance(error, TimeoutError):
        return "the hub did not answer in time"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the hub's TLS certificate was rejected: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP answer from the hub: {type(error).__name__}"
    if isinstance(error, OSError):
        return f"cannot reach the hub: {error.strerror or error}"
    return f"ping failed: {type(error).__name__}: {error}"


def _ping_one(hub: str, topic: str, timeout: float, policy: HubPolicy) -> Diagnostic:
    try:
        status, answer = _post(hub, topic, timeout, policy)
    except Exception as error:  # a failed ping is a diagnostic, never a crash
        return Diagnostic(hub, FIELD, f"{topic}: {_failure(error)}", Severity.WARNING)
    if 200 <= status < 300:
        return Diagnostic(hub, FIELD, f"notified the hub of {topic} (HTTP {status})", Severity.INFO)
    message = f"{topic}: the hub answered HTTP {status}{answer}"
    return Diagnostic(hub, FIELD, message, Severity.WARNING)


def _timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 5.0
    return min(max(float(value), 0.05), 60.0)


def ping(
    hub: str,
    topics: Sequence[str],
    *,
    timeout: float = 5.0,
    policy: HubPolicy = PUBLIC_ONLY,
) -> list[Diagnostic]:
    """Notify ``hub`` that each of ``topics`` (feed URLs) changed; one diagnostic per topic.

    Info when the hub accepted (2xx), a warning otherwise. Never raises.
    """
    shown = hub if isinstance(hub, str) else repr(hub)
    try:
        wanted = list(dict.fromkeys(topics))
    except Exception as error:  # a broken sequence is reported, not raised
        return [Diagnostic(shown, FIELD, f"cannot read the feed URLs: {error}", Severity.WARNING)]
    if not isinstance(hub, str):
        return [Diagnostic(shown, FIELD, "the hub URL is not text", Severity.WARNING)]
    found: list[Diagnostic] = []
    for topic in wanted:
        if not isinstance(topic, str) or not topic:
            message = f"{topic!r} is not a feed URL"
            found.append(Diagnostic(shown, FIELD, message, Severity.WARNING))
            continue
        found.append(_ping_one(hub, topic, _timeout(timeout), policy))
    return found


def file_url(site: Site, name: str) -> str:
    """The public URL of the output file ``name`` (a path inside the output folder)."""
    relative = quote(name, safe="/")
    return urls.join_url(site.url, relative) or site.url + relative


def changed_topics(result: BuildResult, site: Site) -> tuple[str, ...]:
    """URLs of the feeds readers subscribe to that this build changed (archive pages,
    which readers only read once, are left out)."""
    prefix = archives.FOLDER + "/"
    return tuple(
        file_url(site, feed.name)
        for feed in result.feeds
        if feed.changed and not feed.name.startswith(prefix)
    )


def ping_changed(
    result: BuildResult,
    site: Site,
    *,
    timeout: float = 5.0,
    policy: HubPolicy = PUBLIC_ONLY,
) -> list[Diagnostic]:
    """Ping ``site.hub`` for the feeds ``result`` changed; nothing when no hub or no change."""
    topics = changed_topics(result, site)
    if not site.hub or not topics:
        return []
    return ping(site.hub, topics, timeout=timeout, policy=policy)
