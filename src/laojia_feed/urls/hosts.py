"""The authority of a URL in normal form: host (IDN, IPv4, IPv6 literal), port, credentials.

Hosts are parsed the way browsers parse them (percent-decoded, UTS 46 mapped,
legacy numeric IPv4 recognized by :mod:`laojia_feed.net.addresses`), so that what
is checked is what a browser fetches. Every problem is a :class:`FieldError`.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import unquote

from laojia_feed.model import FieldError
from laojia_feed.net.addresses import ends_in_number, parse_ipv4, to_ascii
from laojia_feed.urls.escapes import USERINFO_SAFE, encode, show

#: Ports dropped because they are the scheme's default.
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

#: Characters that can never be part of a host name (WHATWG forbidden domain code points).
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|\x7f*\"'`{}") | frozenset(map(chr, range(0x21)))


def normalize_host(raw: str) -> str:
    """Decode, map, lower-case and check a host (not bracketed)."""
    host = unquote(raw)
    if not host.isascii():
        mapped = to_ascii(host)
        if mapped is None:
            raise FieldError(f"{show(host)} is not a valid host name")
        host = mapped
    host = host.lower()
    if not host:
        raise FieldError(f"{show(raw)} is not a valid host name")
    if any(char in _FORBIDDEN_HOST for char in host) or "" in host.removesuffix(".").split("."):
        raise FieldError(f"{show(host)} is not a valid host name")
    if ends_in_number(host) and parse_ipv4(host) is None:
        raise FieldError(f"{show(host)} is not a valid IPv4 address")
    return host


def _normalize_ipv6(raw: str) -> str:
    """A bracketed IPv6 literal in its compressed form."""
    inside = raw[1:-1]
    if "%" in inside:
        raise FieldError(f"{show(raw)} has a zone index, which URLs do not allow")
    try:
        return f"[{ipaddress.IPv6Address(inside)}]"
    except ValueError:
        raise FieldError(f"{show(raw)} is not a valid IPv6 address") from None


def _port(scheme: str, port_text: str | None) -> str:
    """``:port`` as written in normal form: empty when absent or the scheme's default."""
    if not port_text:
        return ""
    if not (port_text.isascii() and port_text.isdigit()) or len(port_text) > 10:
        raise FieldError(f"{show(port_text)} is not a valid port")
    number = int(port_text)
    if number > 65535:
        raise FieldError(f"{number} is not a valid port")
    return "" if number == _DEFAULT_PORTS.get(scheme) else f":{number}"


def normalize_authority(scheme: str, authority: str) -> str:
    """``userinfo@host:port`` with the host normalized and the default port dropped."""
    userinfo, at, hostport = authority.rpartition("@")
    port_text: str | None
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise FieldError(f"{show(hostport)} is an unterminated IPv6 address")
        host = _normalize_ipv6(hostport[: end + 1])
        after = hostport[end + 1 :]
        if after and not after.startswith(":"):
            raise FieldError(f"{show(hostport)} is not a valid host")
        port_text = after[1:] if after else None
    else:
        host_text, colon, port_text = hostport.partition(":")
        host = normalize_host(host_text)
        if not colon:
            port_text = None
    credentials = encode(userinfo, USERINFO_SAFE) + "@" if at else ""
    return f"{credentials}{host}{_port(scheme, port_text)}"
