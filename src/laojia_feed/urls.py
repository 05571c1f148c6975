"""Absolute URLs, thumbnails, proxy unwrapping and the public-address guard.

Pure functions, no network. Everything a post links to goes through here:

* :func:`normalize_url` writes an absolute URL the one way readers expect
  (lower-case scheme and host, punycode, percent-encoding, no dot segments,
  no default port), parsing hosts the way browsers do (backslashes, legacy
  numeric IPv4, full-width dots) so that what we check is what they fetch.
* :func:`join_url` resolves an ``href``/``src`` against a page and keeps only
  ``http``, ``https`` and ``mailto`` links.
* :func:`check_image_url` validates a thumbnail-like front-matter value with
  :func:`is_safe_public_url`: no private, loopback or link-local address, no
  local-only host name, no credentials, and the same rules for the URL inside
  a CORS-proxy wrapper (:func:`proxy_inner_url`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TypeAlias
from urllib.parse import unquote, urljoin

import idna

from laojia_feed.model import FieldError, Warn

#: An IP address of either family.
IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

#: A scheme at the start of a reference (RFC 3986 ``ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )``).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

#: Schemes parsed like the web parses them: backslashes are slashes, a host is required.
_SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp"})

#: Ports dropped because they are the scheme's default.
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

#: Schemes a link in a post may use.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: Schemes an image (or anything fetched) may use.
WEB_SCHEMES = frozenset({"http", "https"})

#: Characters RFC 3986 allows unencoded, besides letters, digits and ``_.-~``.
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = _SUB_DELIMS + ":@/"
_QUERY_SAFE = _PATH_SAFE + "?"
_USERINFO_SAFE = _SUB_DELIMS + ":"
_UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")

#: Characters that can never be part of a host name (WHATWG forbidden domain code points).
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|\x7f*\"'`{}") | frozenset(map(chr, range(0x21)))

#: Leading and trailing junk around an attribute value: C0 controls, space, Unicode spaces.
_EDGES = re.compile(r"^[\x00-\x20\s]+|[\x00-\x20\s]+$")

#: Tabs and newlines, which browsers remove anywhere in a URL.
_TAB_NEWLINE = re.compile("[\t\n\r]")

#: Lone surrogates, which cannot be encoded; replaced by U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: A ``%`` that does not start a ``%XX`` escape.
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

#: A ``..`` segment left in a query, fragment or opaque path.
_DOT_DOT = re.compile(r"(?<=/)\.\.(?=/|$)")

#: Host names that only mean something on a local network (RFC 6761, RFC 6762 appendix G, RFC 8375).
_LOCAL_SUFFIXES = (
    "localhost",
    "local",
    "internal",
    "lan",
    "home.arpa",
    "home",
    "corp",
    "intranet",
    "private",
)

#: Which IPv6 prefixes embed an IPv4 address in their last 32 bits (RFC 6052 NAT64).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")

#: How deep proxy wrappers are followed before giving up.
_MAX_PROXY_DEPTH = 3

#: An absolute http(s) URL inside a query or path, as proxies take it.
_INNER = re.compile(r"(?i)https?:")
_INNER_IN_PATH = re.compile(r"(?i)/(https?(?::|%3a)/.*)$")


def _show(value: str, limit: int = 100) -> str:
    """A value shortened and with control characters escaped, for a message."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return short.encode("unicode_escape").decode("ascii") if not short.isprintable() else short


def _clean(raw: str) -> str:
    """Remove what browsers ignore: surrounding spaces and controls, tabs and newlines.

    Fast path: most values need nothing removed. Printable text has no lone surrogate
    (category Cs), tab or newline, so the first two substitutions of :func:`_clean_slow`
    change nothing; the only printable character in the class of ``_EDGES`` (C0
    controls, space, Unicode white space) is the space itself, so with no space at either
    end the edge pattern finds no run to remove and the slow path returns ``raw``.
    """
    if raw.isprintable() and not raw.startswith(" ") and not raw.endswith(" "):
        return raw
    return _clean_slow(raw)


def _clean_slow(raw: str) -> str:
    """:func:`_clean` by its definition: three substitutions."""
    text = _SURROGATE.sub("\ufffd", raw)
    text = _TAB_NEWLINE.sub("", text)
    return _EDGES.sub("", text)


#: Per ``safe`` set: a match means ``part`` needs no encoding at all (the common case).
_ALREADY_ENCODED: dict[str, re.Pattern[str]] = {}


def _already_encoded(safe: str) -> re.Pattern[str]:
    """A pattern matching text made only of unreserved, ``safe`` and ``%XX`` escapes."""
    pattern = _ALREADY_ENCODED.get(safe)
    if pattern is None:
        allowed = re.escape("".join(sorted(_UNRESERVED)) + safe)
        pattern = re.compile(f"(?:[{allowed}]|%[0-9A-Fa-f]{{2}})*")
        _ALREADY_ENCODED[safe] = pattern
    return pattern


def _encode(part: str, safe: str) -> str:
    """Percent-encode what is not allowed in ``part``, keeping existing ``%XX`` escapes."""
    if _already_encoded(safe).fullmatch(part) is not None:
        return part
    return _percent_encode_runs(part, safe)


#: Per ``safe`` set: a run of characters :func:`_percent_encode` writes as escapes.
_TO_ESCAPE: dict[str, re.Pattern[str]] = {}


def _to_escape(safe: str) -> re.Pattern[str]:
    """A pattern matching a run of characters neither unreserved, ``safe`` nor ``%``."""
    pattern = _TO_ESCAPE.get(safe)
    if pattern is None:
        allowed = re.escape("".join(sorted(_UNRESERVED)) + safe + "%")
        pattern = re.compile(f"[^{allowed}]+")
        _TO_ESCAPE[safe] = pattern
    return pattern


def _escape_run(match: re.Match[str]) -> str:
    """``%XX`` for every UTF-8 byte of the run, upper-case (``中`` → ``%E4%B8%AD``)."""
    return "%" + match[0].encode("utf-8").hex("%").upper()


def _percent_encode_runs(part: str, safe: str) -> str:
    """:func:`_percent_encode` one run of characters to escape at a time.

    Why it is equivalent: after the same lone-``%`` fix, the slow path keeps each
    unreserved, ``safe`` or ``%`` character and replaces every other one by the escapes
    of its UTF-8 bytes; the characters to replace are exactly those ``_to_escape``'s
    runs hold, and since UTF-8 encodes a string character by character, the escapes of
    a run's bytes are the escapes of its characters one after the other (``bytes.hex``
    with ``%`` between bytes, plus one in front, upper-cased: only ``a``–``f`` change).
    A lone surrogate makes the UTF-8 encoding fail in both; then the slow path runs and
    raises its own error.
    """
    fixed = _LONE_PERCENT.sub("%25", part)
    try:
        return _to_escape(safe).sub(_escape_run, fixed)
    except UnicodeEncodeError:
        return _percent_encode(part, safe)


def _percent_encode(part: str, safe: str) -> str:
    """:func:`_encode` character by character."""
    fixed = _LONE_PERCENT.sub("%25", part)
    out: list[str] = []
    for char in fixed:
        if char in _UNRESERVED or char in safe or char == "%":
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


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
    return _DOT_DOT.sub("%2E%2E", _encode(text, _QUERY_SAFE))


def _ipv4_number(part: str) -> int | None:
    """One part of a (possibly legacy) IPv4 address: decimal, ``0x`` hex or ``0`` octal."""
    if not part or not part.isascii():
        return None
    lower = part.lower()
    if lower.startswith("0x"):
        digits, base, allowed = lower[2:], 16, "0123456789abcdef"
    elif len(part) > 1 and part.startswith("0"):
        digits, base, allowed = part[1:], 8, "01234567"
    else:
        digits, base, allowed = part, 10, "0123456789"
    if not digits:
        return 0
    if len(digits) > 40 or any(char not in allowed for char in digits):
        return None
    return int(digits, base)


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse an IPv4 host the way browsers and ``inet_aton`` do (``127.1``, ``0x7f000001``)."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(number > 255 for number in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ends_in_number(host: str) -> bool:
    """True when the last label is numeric: browsers then parse the host as IPv4 or fail."""
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    last = labels[-1].lower()
    if last.isascii() and last.isdigit():
        return True
    return last.startswith("0x") and all(char in "0123456789abcdef" for char in last[2:])


def _to_ascii(host: str) -> str:
    """An internationalized host name in punycode (UTS 46 mapping, like browsers)."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (UnicodeError, ValueError):
        pass
    try:
        return host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        raise FieldError(f"{_show(host)} is not a valid host name") from None


# Hosts are remembered (a blog links to a few hosts thousands of times); lru_cache keeps
# valid results only: a refused host raises again every time.
@functools.lru_cache(maxsize=4096)
def _normalize_host(raw: str) -> str:
    """Decode, map, lower-case and check a host (not bracketed)."""
    host = unquote(raw)
    if not host.isascii():
        host = _to_ascii(host)
    host = host.lower()
    if not host:
        raise FieldError(f"{_show(raw)} is not a valid host name")
    if any(char in _FORBIDDEN_HOST for char in host) or "" in host.removesuffix(".").split("."):
        raise FieldError(f"{_show(host)} is not a valid host name")
    if _ends_in_number(host) and _parse_ipv4(host) is None:
        raise FieldError(f"{_show(host)} is not a valid IPv4 address")
    return host


def _normalize_ipv6(raw: str) -> str:
    """A bracketed IPv6 literal in its compressed form."""
    inside = raw[1:-1]
    if "%" in inside:
        raise FieldError(f"{_show(raw)} has a zone index, which URLs do not allow")
    try:
        return f"[{ipaddress.IPv6Address(inside)}]"
    except ValueError:
        raise FieldError(f"{_show(raw)} is not a valid IPv6 address") from None


def _normalize_authority(scheme: str, authority: str) -> str:
    """``userinfo@host:port`` with the host normalized and the default port dropped."""
    userinfo, at, hostport = authority.rpartition("@")
    port_text: str | None
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise FieldError(f"{_show(hostport)} is an unterminated IPv6 address")
        host = _normalize_ipv6(hostport[: end + 1])
        after = hostport[end + 1 :]
        if after and not after.startswith(":"):
            raise FieldError(f"{_show(hostport)} is not a valid host")
        port_text = after[1:] if after else None
    else:
        host_text, colon, port_text = hostport.partition(":")
        host = _normalize_host(host_text)
        if not colon:
            port_text = None
    port = ""
    if port_text:
        if not (port_text.isascii() and port_text.isdigit()) or len(port_text) > 10:
            raise FieldError(f"{_show(port_text)} is not a valid port")
        number = int(port_text)
        if number > 65535:
            raise FieldError(f"{number} is not a valid port")
        if number != _DEFAULT_PORTS.get(scheme):
            port = f":{number}"
    credentials = _encode(userinfo, _USERINFO_SAFE) + "@" if at else ""
    return f"{credentials}{host}{port}"


def _split_tail(text: str) -> tuple[str, str, str]:
    """Split off ``?query`` and ``#fragment`` (each kept with its marker, or empty)."""
    head, hash_mark, fragment = text.partition("#")
    head, question, query = head.partition("?")
    tail_query = question + _encode_tail(query) if question else ""
    tail_fragment = hash_mark + _encode_tail(fragment) if hash_mark else ""
    return head, tail_query, tail_fragment


def _slashes_for_backslashes(text: str) -> str:
    """Turn backslashes into slashes before the query, as browsers do for web URLs."""
    end = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=len(text))
    return text[:end].replace("\\", "/") + text[end:]


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


#: Characters a normalized path / query or fragment holds unencoded (and ``%`` of escapes).
_PATH_CHARS = re.escape("".join(sorted(_UNRESERVED)) + _PATH_SAFE + "%")
_TAIL_CHARS = re.escape("".join(sorted(_UNRESERVED)) + _QUERY_SAFE + "%")

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


def _in_normal_form(text: str) -> bool:
    """True when :func:`_normalized_slow` would return ``text`` unchanged (a sufficient test).

    Why: no character of the shape is a space, control, tab, newline or surrogate, so
    cleaning keeps it; the scheme is already lower-case and has no backslash to turn into
    a slash; the host has no ``%``, is ASCII and lower-case, has no empty label and does
    not end in a numeric label, so :func:`_normalize_host` returns it as is, and without
    ``@`` or ``:`` there are no credentials and no port to drop; path, query and fragment
    hold only characters :func:`_encode` keeps and well-formed escapes; no path segment is
    ``.``/``..`` in any spelling and no ``/..`` ends a query or fragment, so neither dot
    removal nor ``..`` escaping changes anything; the path starts with ``/``, which the
    slow path would otherwise add.
    """
    if _NORMAL_SHAPE.fullmatch(text) is None:
        return False
    # Both cases of the pattern need a "%" or a "/." (most URLs have neither).
    return ("%" not in text and "/." not in text) or _NOT_NORMAL.search(text) is None


# Bases and images are normalized repeatedly: remembered (valid results only, see above).
@functools.lru_cache(maxsize=4096)
def _normalized(raw: str) -> str:
    """:func:`normalize_url` for text: a URL already in normal form comes back as is."""
    if _in_normal_form(raw):
        return raw
    return _normalized_slow(raw)


def _normalized_slow(raw: str) -> str:
    """:func:`normalize_url` for text, step by step."""
    text = _clean(raw)
    if not text:
        raise FieldError("is empty")
    match = _SCHEME.match(text)
    if match is None:
        raise FieldError(f"{_show(text)} is not an absolute URL")
    scheme = match.group()[:-1].lower()
    rest = text[match.end() :]
    if scheme in _SPECIAL:
        rest = _slashes_for_backslashes(rest)
    head, query, fragment = _split_tail(rest)
    if scheme in _SPECIAL:
        head = head.lstrip("/")
        authority, slash, path = head.partition("/")
        if not authority:
            raise FieldError(f"{_show(text)} has no host")
        netloc = _normalize_authority(scheme, authority)
        encoded = _remove_dot_segments(slash + _encode(path, _PATH_SAFE))
        return f"{scheme}://{netloc}{encoded}{query}{fragment}"
    if head.startswith("//"):
        authority, slash, path = head[2:].partition("/")
        netloc = _normalize_authority(scheme, authority) if authority else ""
        encoded = _remove_dot_segments(slash + _encode(path, _PATH_SAFE)) if slash else ""
        return f"{scheme}://{netloc}{encoded}{query}{fragment}"
    return f"{scheme}:{_encode_tail(head)}{query}{fragment}"


def _scheme_of(url: str) -> str:
    """The scheme of a normalized URL."""
    return url.partition(":")[0]


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]


def _resolve(base: str, ref: str, schemes: frozenset[str]) -> str:
    """Resolve ``ref`` against ``base``; FieldError says why it cannot be used."""
    if not isinstance(ref, str):
        raise FieldError("is not text")
    text = _clean(ref)
    match = _SCHEME.match(text)
    base_url = normalize_url(base) if isinstance(base, str) and _SCHEME.match(base.strip()) else ""
    if match is not None:
        scheme = match.group()[:-1].lower()
        rest = text[match.end() :]
        if base_url and scheme == _scheme_of(base_url) and not rest.startswith(("/", "\\")):
            text = rest
        elif scheme not in schemes:
            raise FieldError(f"{_show(text)} uses the {scheme}: scheme, which is not allowed")
        else:
            return normalize_url(text)
    if text[:2].replace("\\", "/") == "//":
        return normalize_url("https:" + text)
    if _scheme_of(base_url) not in WEB_SCHEMES:
        raise FieldError(
            f"{_show(text)} is relative and there is no http(s) base URL to resolve it"
        )
    if not text:
        return _without_fragment(base_url)
    return normalize_url(_join_path(base_url, text))


#: A relative reference that is only a path: no scheme, query, fragment, parameters,
#: backslash, space or control, and no empty segment (a leading ``/`` is allowed).
_PLAIN_PATH = re.compile(r"/?(?:[^\x00-\x20\x7f:?#;\\/]+/)*[^\x00-\x20\x7f:?#;\\/]*")

#: A ``.`` or ``..`` segment in a reference.
_DOT_SEGMENT = re.compile(r"(?:\A|/)\.\.?(?=/|\Z)")


def _join_path(base_url: str, text: str) -> str:
    """``urljoin(base_url, text)`` after backslashes become slashes (see :func:`_join_slow`).

    Fast path for a plain, non-empty path (``2021/12/09/slug/``, ``/images/a.jpg``) against a base
    in normal form (host only, see :func:`_in_normal_form`), done by concatenation. Why
    it is what :func:`urllib.parse.urljoin` does: the reference has no scheme, ``//``,
    query, fragment or ``;`` parameters, so only its path counts, the base's query and
    fragment are dropped and the host is kept; urljoin then drops the base's last segment
    (or keeps all of an absolute path), removes empty middle segments (there are none in
    the reference, and the base's directory is checked for ``//``) and resolves ``.`` and
    ``..`` segments (there are none: the reference is checked, the base is in normal form).
    """
    if (
        not text
        or _PLAIN_PATH.fullmatch(text) is None
        or _DOT_SEGMENT.search(text) is not None
        or not _in_normal_form(base_url)
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
        return urljoin(base_url, _slashes_for_backslashes(text))
    except ValueError:  # urlsplit refuses a host with an unbalanced [ or ]
        raise FieldError(f"{_show(text)} is not a valid URL") from None


def join_url(base: str, ref: str) -> str | None:
    """Resolve an ``href``/``src`` value against the page URL ``base``.

    Returns a normalized absolute ``http``, ``https`` or ``mailto`` URL, or None
    for any other scheme (however it is spelled) or an unusable value. A
    protocol-relative ``//host/x`` becomes ``https``; an empty value is the page
    itself. Never raises.
    """
    try:
        return _resolve(base, ref, LINK_SCHEMES)
    except ValueError:
        return None


def _unwrap_ipv6(address: ipaddress.IPv6Address) -> IPAddress:
    """An IPv4-mapped IPv6 address as its IPv4 address; others unchanged."""
    mapped = address.ipv4_mapped
    return mapped if mapped is not None else address


def host_address(host: str) -> IPAddress | None:
    """The IP address a host literal means to a browser, or None for a host name.

    Accepts bracketed or bare IPv6 (an IPv4-mapped one gives its IPv4) and every
    IPv4 spelling ``inet_aton`` and browsers accept: ``127.1``, ``0x7f000001``,
    ``2130706433``, ``0177.0.0.1``, ``0x7f.1``, a trailing dot.
    """
    if not isinstance(host, str):
        return None
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return _unwrap_ipv6(ipaddress.IPv6Address(text))
        except ValueError:
            return None
    if not text.isascii():
        try:
            text = _to_ascii(text).lower()
        except FieldError:
            return None
    return _parse_ipv4(text)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a transition prefix (6to4, Teredo, NAT64) carries."""
    found: list[ipaddress.IPv4Address] = []
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public_address(ip: IPAddress) -> bool:
    """True when ``ip`` is a globally routable unicast address anyone may be sent to.

    False for loopback, private, link-local (cloud metadata included), shared,
    benchmarking, documentation, reserved, multicast and unspecified addresses,
    and for IPv6 transition addresses (IPv4-mapped, 6to4, Teredo, NAT64) whose
    IPv4 address is one of those.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        embedded = _embedded_ipv4(ip)
        if ip in _NAT64:
            return all(is_public_address(inner) for inner in embedded)
        if ip in _NAT64_LOCAL or ip.is_site_local:
            return False
        if not all(is_public_address(inner) for inner in embedded):
            return False
    elif not isinstance(ip, ipaddress.IPv4Address):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_legacy_numeric_host(host: str) -> bool:
    """True for an IPv4 host not written as four dotted decimals (``127.1``, ``0x7f000001``)."""
    address = host_address(host)
    return isinstance(address, ipaddress.IPv4Address) and str(address) != host.strip().lower()


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


# A blog's images come from a few hosts thousands of times: the verdict is remembered
# (a pure function of the host text).
@functools.lru_cache(maxsize=4096)
def _host_problem(host: str) -> str | None:
    """Why a normalized host cannot be published, or None."""
    if not host.startswith("[") and not host.strip("."):
        return "has no host"
    address = host_address(host)
    bare = host.strip("[]")
    if address is not None:
        if not is_public_address(address):
            return f"points to {address}, which is not a public address"
        if isinstance(address, ipaddress.IPv4Address) and str(address) != bare:
            return f"writes the address {address} as {host}, a numeric form that hides it"
        return None
    name = host.rstrip(".")
    if "." not in name:
        return f"points to {name}, a host name that only exists on a local network"
    for suffix in _LOCAL_SUFFIXES:
        if name == suffix or name.endswith("." + suffix):
            return f"points to {name}, a host name that only exists on a local network"
    return None


def _inner_candidates(url: str) -> list[str]:
    """Absolute http(s) URLs a proxy wrapper carries: whole query, parameter values, path.

    Does less than :func:`_inner_candidates_slow` for the same list: a piece met twice
    gives the same answer (:func:`_decode_inner` is pure, and duplicates are dropped
    anyway), an empty query only gives empty pieces, which are no URL, and a path
    without ``:`` or ``%`` cannot hold ``http:``/``http%3a`` for the path pattern.
    """
    head, _, query = url.partition("#")[0].partition("?")
    found: list[str] = []
    if query:
        pieces = [query]
        for param in query.split("&"):
            pieces.extend((param, param.partition("=")[2]))
        for piece in dict.fromkeys(pieces):
            inner = _decode_inner(piece)
            if inner is not None and inner not in found:
                found.append(inner)
    path = head.partition("://")[2].partition("/")[2]
    if ":" in path or "%" in path:
        path_match = _INNER_IN_PATH.search("/" + path)
        if path_match is not None:
            inner = _decode_inner(path_match.group(1) + ("?" + query if query else ""))
            if inner is not None and inner not in found:
                found.append(inner)
    return found


def _inner_candidates_slow(url: str) -> list[str]:
    """:func:`_inner_candidates` by its definition: every piece looked at."""
    head, _, query = url.partition("#")[0].partition("?")
    pieces = [query]
    for param in query.split("&"):
        pieces.extend((param, param.partition("=")[2]))
    path_match = _INNER_IN_PATH.search("/" + head.partition("://")[2].partition("/")[2])
    found: list[str] = []
    for piece in pieces:
        inner = _decode_inner_slow(piece)
        if inner is not None and inner not in found:
            found.append(inner)
    if path_match is not None:
        inner = _decode_inner(path_match.group(1) + ("?" + query if query else ""))
        if inner is not None and inner not in found:
            found.append(inner)
    return found


def _decode_inner(piece: str) -> str | None:
    """``piece`` as an absolute http(s) URL, percent-decoding up to three times; or None.

    Fast path: without ``%`` there is nothing to decode (``unquote`` returns the text
    itself), so :func:`_decode_inner_slow` stops after its first look at the cleaned piece.
    """
    if "%" not in piece:
        stripped = _clean(piece)
        return stripped if _INNER.match(stripped) else None
    return _decode_inner_slow(piece)


def _decode_inner_slow(piece: str) -> str | None:
    """:func:`_decode_inner` by its definition: clean, look, decode, up to four times."""
    text = piece
    for _ in range(4):
        stripped = _clean(text)
        if _INNER.match(stripped):
            return stripped
        decoded = unquote(text)
        if decoded == text:
            return None
        text = decoded
    return None


def proxy_inner_url(url: str) -> str | None:
    """The URL a CORS-proxy wrapper fetches, as written (decoded, not normalized), or None.

    Looks at the whole query (``?http://…``), then each parameter value
    (``?url=http%3A%2F%2F…``), then a path that carries a URL
    (``https://proxy/https://…``).
    """
    if not isinstance(url, str):
        return None
    candidates = _inner_candidates(_clean(url))
    return candidates[0] if candidates else None


def _unsafe_reason(url: str, depth: int) -> str | None:
    try:
        normalized = normalize_url(url)
    except FieldError as error:
        return str(error)
    scheme = _scheme_of(normalized)
    if scheme not in WEB_SCHEMES:
        return f"{_show(normalized)} uses the {scheme}: scheme; only http and https are allowed"
    host, has_credentials = _host_of(normalized)
    if has_credentials:
        return f"{_show(normalized)} contains a user name or password"
    problem = _host_problem(host)
    if problem is not None:
        return f"{_show(normalized)} {problem}"
    for inner in _inner_candidates(normalized):
        if depth >= _MAX_PROXY_DEPTH:
            return f"{_show(normalized)} wraps too many proxied URLs"
        reason = _unsafe_reason(inner, depth + 1)
        if reason is not None:
            return f"{_show(normalized)} wraps a URL that cannot be used: {reason}"
    return None


def is_safe_public_url(url: str) -> str | None:
    """None when ``url`` may be published and fetched by readers, else why not.

    The URL must be absolute http(s), without credentials, on a public IP
    address written as four dotted decimals or a host name that resolves on the
    public internet (not ``localhost``, ``*.local``, ``*.internal``, ``*.lan``,
    ``*.home.arpa``, single labels...). A URL wrapped by a CORS proxy must obey
    the same rules.
    """
    if not isinstance(url, str):
        return "is not text"
    return _unsafe_reason(url, 0)


def _describe(raw: object) -> str:
    """What a non-text front-matter value is, in words."""
    if isinstance(raw, bool):
        return "true/false"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, dict):
        return "a mapping"
    return f"a {type(raw).__name__} value"


def _pick_text(raw: object, warn: Warn) -> str | None:
    """The string to use from a front-matter value: a string, or a list's first string."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, list | tuple):
        texts = [item for item in raw if isinstance(item, str) and _clean(item)]
        if not raw:
            return None
        if not texts:
            warn("is a list without any URL in it; dropped")
            return None
        warn(f"is a list; using its first URL {_show(texts[0])}")
        return texts[0]
    warn(f"is {_describe(raw)}, not a URL; dropped")
    return None


def check_image_url(
    raw: object, site_url: str, warn: Warn, *, unwrap_proxies: bool = False
) -> str | None:
    """Validate a thumbnail/headimg/cover value: a normalized absolute http(s) URL, or None.

    Relative values are resolved against ``site_url``. A value that cannot be
    published (see :func:`is_safe_public_url`) is dropped with a warning; an
    empty one is None silently. With ``unwrap_proxies`` the URL inside a
    CORS-proxy wrapper is returned instead of the wrapper.
    """
    try:
        text = _pick_text(raw, warn)
        if text is None or not _clean(text):
            return None
        url = _resolve(site_url, text, WEB_SCHEMES)
    except FieldError as error:
        warn(f"{error}; dropped")
        return None
    reason = is_safe_public_url(url)
    if reason is not None:
        warn(f"{reason}; dropped")
        return None
    return _unwrap(url) if unwrap_proxies else url


def _unwrap(url: str) -> str:
    """The innermost URL of (already validated) proxy wrappers, normalized."""
    for _ in range(_MAX_PROXY_DEPTH):
        inner = proxy_inner_url(url)
        if inner is None:
            break
        try:
            url = normalize_url(inner)
        except FieldError:
            break
    return url
