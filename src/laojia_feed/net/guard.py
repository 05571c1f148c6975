"""Connect only to vetted public addresses: the one guard every outgoing request goes through.

:func:`vetted_address` resolves a host once and refuses it when any address it
resolves to fails the ``allow`` policy (by default: not public), or when the host
is a legacy numeric IPv4 spelling (``127.1``, ``0x7f000001``). The connection
classes then go to that checked address itself, never through a second DNS
lookup (no DNS rebinding), with the host name in ``Host`` and, for https, SNI and
the certificate verified against the host name. A refusal is a :class:`Refused`
whose reason is a user-facing sentence. Standard library only.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from laojia_feed.net.addresses import IPAddress, host_address, is_legacy_numeric_host

#: Host name and port → the addresses it resolves to (as strings).
Resolver = Callable[[str, int], list[str]]

#: Whether a connection to this address is allowed.
Allow = Callable[[IPAddress], bool]

#: IP address, port and timeout → a connected TCP socket.
Connect = Callable[[str, int, float], socket.socket]


class Refused(Exception):  # noqa: N818 - an expected outcome (a policy said no), not a fault
    """A host that must not be contacted; ``reason`` says why, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        #: Why, as a sentence.
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Wording:
    """How refusals are phrased (``str.format`` templates), so each caller keeps its voice."""

    #: A resolver answer that is not an IP address; ``{answer}`` is the answer.
    not_an_address: str = "the resolver answered {answer!r}, which is not an IP address"
    #: An IP-literal host the policy refuses; ``{host}``, ``{address}``.
    refused_literal: str = "{address} is not a public address; refused"
    #: A host name resolving to an address the policy refuses; ``{host}``, ``{address}``.
    refused_resolved: str = "{host} resolves to {address}, which is not a public address; refused"


#: The wording unless a caller gives its own.
PLAIN = Wording()


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _parse_answer(text: str, wording: Wording) -> IPAddress:
    """A resolver's answer as an address (scope ids dropped, IPv4-mapped unwrapped)."""
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        raise Refused(wording.not_an_address.format(answer=text)) from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def vetted_address(
    host: str, port: int, *, resolve: Resolver, allow: Allow, wording: Wording = PLAIN
) -> str:
    """The address to connect to for ``host``, after checking every address it has.

    An IP-literal host is checked as it is, without resolving. Raises
    :class:`Refused` when the host must not be contacted.
    """
    literal = host_address(host)
    if literal is not None:
        if not allow(literal):
            raise Refused(wording.refused_literal.format(host=host, address=literal))
        if is_legacy_numeric_host(host):
            raise Refused(f"{host} is a numeric form of {literal}; refused")
        return str(literal)
    try:
        answers = list(resolve(host, port))
    except (OSError, UnicodeError, ValueError) as error:
        raise Refused(f"cannot resolve {host}: {error}") from None
    if not answers:
        raise Refused(f"{host} does not resolve to any address")
    addresses = [_parse_answer(answer, wording) for answer in answers]
    for address in addresses:
        if not allow(address):
            raise Refused(wording.refused_resolved.format(host=host, address=address))
    return str(addresses[0])


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to exactly this IP address (no name lookup)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a vetted address, with the original host name in ``Host``."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, connect: Connect = open_socket
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._connect = connect

    def _open(self) -> socket.socket:
        return self._connect(self._address, self.port, float(self.timeout or 5.0))

    def connect(self) -> None:
        self.sock = self._open()


class PinnedHTTPS(PinnedHTTP):
    """HTTPS to a vetted address: SNI and the certificate are checked against the host name."""

    default_port = http.client.HTTPS_PORT

    def __init__(
        self, host: str, port: int, address: str, timeout: float, connect: Connect = open_socket
    ) -> None:
        super().__init__(host, port, address, timeout, connect)
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        sock = self._open()
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def pinned_connection(
    scheme: str, host: str, port: int, address: str, timeout: float, connect: Connect = open_socket
) -> PinnedHTTP:
    """An unopened HTTP(S) connection for ``scheme`` to ``host`` at the vetted ``address``."""
    kind = PinnedHTTPS if scheme == "https" else PinnedHTTP
    return kind(host, port, address, timeout, connect)
