"""guard: the one SSRF guard, tested directly (imagecheck and websub test it through use)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from laojia_feed.net import guard as netguard
from laojia_feed.net.addresses import IPAddress, is_public_address
from laojia_feed.net.guard import PinnedHTTP, PinnedHTTPS, Refused, Wording, vetted_address


def allow_all(address: IPAddress) -> bool:
    return True


def no_lookup(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} must not be resolved")


def table(answers: list[str]) -> netguard.Resolver:
    return lambda host, port: answers


def refusal(host: str, resolve: netguard.Resolver, **kwargs: Wording) -> str:
    with pytest.raises(Refused) as caught:
        vetted_address(host, 80, resolve=resolve, allow=is_public_address, **kwargs)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def test_a_public_name_gives_its_first_address() -> None:
    answers = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    address = vetted_address("example.com", 80, resolve=table(answers), allow=is_public_address)
    assert address == "93.184.216.34"


def test_one_refused_address_refuses_the_host() -> None:
    reason = refusal("mixed.example", table(["93.184.216.34", "10.0.0.1"]))
    assert reason == "mixed.example resolves to 10.0.0.1, which is not a public address; refused"


def test_ipv4_mapped_answers_are_judged_as_ipv4() -> None:
    assert "resolves to 127.0.0.1," in refusal("m.example", table(["::ffff:127.0.0.1"]))
    mapped = vetted_address("m.example", 80, resolve=table(["::ffff:8.8.8.8"]), allow=allow_all)
    assert mapped == "8.8.8.8"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (["not-an-ip"], "the resolver answered 'not-an-ip', which is not an IP address"),
        ([], "nowhere.example does not resolve to any address"),
    ],
)
def test_unusable_answers_are_refused(answers: list[str], expected: str) -> None:
    assert refusal("nowhere.example", table(answers)) == expected


def test_a_failing_resolver_is_a_refusal() -> None:
    def broken(host: str, port: int) -> list[str]:
        raise OSError("no network")

    assert refusal("down.example", broken) == "cannot resolve down.example: no network"


def test_literals_are_checked_without_resolving() -> None:
    assert refusal("127.0.0.1", no_lookup) == "127.0.0.1 is not a public address; refused"
    assert vetted_address("[::1]", 80, resolve=no_lookup, allow=allow_all) == "::1"


@pytest.mark.parametrize("host", ["127.1", "0x7f000001", "2130706433", "0177.0.0.1"])
def test_legacy_numeric_hosts_are_refused_even_when_allowed(host: str) -> None:
    with pytest.raises(Refused) as caught:
        vetted_address(host, 80, resolve=no_lookup, allow=allow_all)
    assert caught.value.reason == f"{host} is a numeric form of 127.0.0.1; refused"


def test_a_caller_keeps_its_own_wording() -> None:
    wording = Wording(
        not_an_address="odd answer {answer!r}",
        refused_literal="{host}={address} no",
        refused_resolved="{host}@{address} no",
    )
    assert refusal("x.example", table(["?"]), wording=wording) == "odd answer '?'"
    assert refusal("10.1.2.3", no_lookup, wording=wording) == "10.1.2.3=10.1.2.3 no"
    assert refusal("x.example", table(["10.1.2.3"]), wording=wording) == "x.example@10.1.2.3 no"


def test_the_pinned_connection_uses_the_address_and_sends_the_host_name() -> None:
    ours, theirs = socket.socketpair()
    opened: list[tuple[str, int]] = []

    def connect(address: str, port: int, timeout: float) -> socket.socket:
        opened.append((address, port))
        return ours

    connection = netguard.pinned_connection("http", "img.example", 8080, "192.0.2.7", 1.0, connect)
    assert type(connection) is PinnedHTTP
    try:
        connection.request("HEAD", "/a.png")
        sent = theirs.recv(4096)
    finally:
        connection.close()
        theirs.close()
    assert opened == [("192.0.2.7", 8080)]
    assert sent.startswith(b"HEAD /a.png HTTP/1.1\r\n")
    assert b"\r\nHost: img.example:8080\r\n" in sent


def test_https_is_pinned_too_and_443_is_its_default_port() -> None:
    connection = netguard.pinned_connection("https", "img.example", 443, "192.0.2.7", 1.0)
    assert type(connection) is PinnedHTTPS and connection.default_port == 443


def test_open_socket_reaches_exactly_the_given_address() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        sock = netguard.open_socket("127.0.0.1", listener.getsockname()[1], 2.0)
        peer = ipaddress.ip_address(sock.getpeername()[0])
        sock.close()
    finally:
        listener.close()
    assert peer == ipaddress.IPv4Address("127.0.0.1")
