"""net.addresses: IP literals read the way browsers read them, and which addresses are public."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.net.addresses import host_address, host_problem, is_public_address


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("10.0.258", "10.0.1.2"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "127.0.0.1"),
        ("::ffff:7f00:1", "127.0.0.1"),
        ("[2001:4860:4860::8888]", "2001:4860:4860::8888"),
        ("１２７.０.０.１", "127.0.0.1"),
    ],
)
def test_host_address_parses_literals(host: str, expected: str) -> None:
    assert host_address(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize(
    "host",
    ["example.com", "localhost", "1.2.3.4.5", "256.0.0.1", "0x", "08.0.0.1", "[zz]", "", "1e3"],
)
def test_host_address_none_for_names(host: str) -> None:
    # "0x" alone is a valid (zero) part for browsers; it is the only odd one out.
    expected = ipaddress.IPv4Address("0.0.0.0") if host == "0x" else None
    assert host_address(host) == expected


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "64:ff9b::a00:1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::808:808",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_host_address_never_raises(host: str) -> None:
    address = host_address(host)
    if address is not None:
        assert isinstance(is_public_address(address), bool)


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("", "has no host"),
        ("10.0.0.1", "not a public address"),
        ("[::1]", "not a public address"),
        ("8.8.2056", "a numeric form that hides it"),
        ("intranet", "only exists on a local network"),
        ("printer.local", "only exists on a local network"),
        ("nas.home.arpa.", "only exists on a local network"),
    ],
)
def test_host_problem_names_the_reason(host: str, words: str) -> None:
    problem = host_problem(host)
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "host", ["example.com", "8.8.8.8", "[2606:4700:4700::1111]", "localhost.example.com"]
)
def test_host_problem_none_for_public_hosts(host: str) -> None:
    assert host_problem(host) is None
