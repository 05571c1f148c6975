"""The public-address policy: which hosts and IP addresses readers may be sent to.

Pure functions, no network. :func:`host_address` reads an IP literal the way
browsers do (``127.1``, ``0x7f000001``, bracketed IPv6, IPv4-mapped IPv6);
:func:`is_public_address` says whether an address is globally routable unicast;
:func:`host_problem` is the verdict on a normalized URL host (numeric spellings
that hide an address and local-only names included). The connection guard
(:mod:`laojia_feed.net.guard`) and the URL checks (:mod:`laojia_feed.urls`)
apply this one rule.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import TypeAlias

import idna

#: An IP address of either family.
IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

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


def to_ascii(host: str) -> str | None:
    """An internationalized host name in punycode (UTS 46 mapping, like browsers), or None."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (UnicodeError, ValueError):
        pass
    try:
        return host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None


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


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
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


def ends_in_number(host: str) -> bool:
    """True when the last label is numeric: browsers then parse the host as IPv4 or fail."""
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    last = labels[-1].lower()
    if last.isascii() and last.isdigit():
        return True
    return last.startswith("0x") and all(char in "0123456789abcdef" for char in last[2:])


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
        mapped = to_ascii(text)
        if mapped is None:
            return None
        text = mapped.lower()
    return parse_ipv4(text)


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


# A blog's images come from a few hosts thousands of times: the verdict is remembered
# (a pure function of the host text; 1.9 % of a default 10k build without it).
@functools.lru_cache(maxsize=4096)
def host_problem(host: str) -> str | None:
    """Why a normalized URL host cannot be published, or None.

    The sentence continues the URL it is about: ``… points to 10.0.0.1, which is
    not a public address``.
    """
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
