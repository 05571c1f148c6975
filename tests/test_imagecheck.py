"""imagecheck: the reachability check never reaches a non-public address.

Every listener here is one the test starts on a loopback address. With the
default ``allow`` the loopback addresses are forbidden, so the listeners must
see no connection at all; with a test-only ``allow`` permitting 127.0.0.1 the
HTTP behaviour (HEAD→GET fallback, redirects, timeouts, Host header) is checked.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from laojia_feed.net import imagecheck as thumbcheck
from laojia_feed.net.addresses import IPAddress
from laojia_feed.net.imagecheck import CheckResult, check_urls

LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


def only_loopback(ip: IPAddress) -> bool:
    """Test-only policy: 127.0.0.1 and nothing else."""
    return ip == LOOPBACK


class Recorder:
    """A raw TCP listener that records every accepted connection and its first bytes."""

    def __init__(self, host: str, *, silent: bool = False) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(16)
        self.listener.settimeout(0.05)
        self.port: int = self.listener.getsockname()[1]
        self.silent = silent
        self.received: list[bytes] = []
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _handle(self, conn: socket.socket) -> None:
        if self.silent:
            self.received.append(b"")
            self.held.append(conn)
            return
        conn.settimeout(2.0)
        try:
            self.received.append(conn.recv(4096))
        except OSError:
            self.received.append(b"")
        finally:
            conn.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._handle(conn)

    def accepted(self) -> int:
        """How many connections were accepted, including any still in the backlog."""
        self._stop.set()
        self._thread.join()
        self.listener.setblocking(False)
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                break
            self.received.append(b"")
            conn.close()
        return len(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.held:
            conn.close()
        self.listener.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def recorder6() -> Iterator[Recorder]:
    try:
        server = Recorder("::1")
    except OSError:
        pytest.skip("no IPv6 loopback")
    yield server
    server.close()


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection thumbcheck opens; only loopback ones really happen."""
    calls: list[tuple[str, int]] = []
    real = thumbcheck._connect

    def spy(address: str, port: int, timeout: float) -> socket.socket:
        calls.append((address, port))
        if not ipaddress.ip_address(address).is_loopback:
            raise OSError("the test blocks connections that leave this machine")
        return real(address, port, timeout)

    monkeypatch.setattr(thumbcheck, "_connect", spy)
    return calls


@dataclass
class Seen:
    """What the HTTP test server received."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


class HTTPTestServer:
    """A small HTTP server on 127.0.0.1 with the routes the tests need."""

    def __init__(self, forbidden_port: int = 0) -> None:
        seen = Seen()
        self.seen = seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self, status: int, location: str | None = None) -> None:
                self.send_response(status)
                if location is not None:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "1")
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(b"x")

            def _route(self) -> None:
                seen.requests.append((self.command, self.path, dict(self.headers.items())))
                path = self.path.partition("?")[0]
                if path in ("/ok", "/proxy"):
                    self._answer(200)
                elif path == "/nohead":
                    if self.command == "HEAD":
                        self._answer(405)
                    else:
                        ranged = self.headers.get("Range") == "bytes=0-0"
                        self._answer(206 if ranged else 200)
                elif path.startswith("/r/"):
                    left = int(path[3:])
                    if left == 0:
                        self._answer(200)
                    else:
                        self._answer(302, f"/r/{left - 1}")
                elif path == "/away":
                    self._answer(302, f"http://127.0.0.2:{forbidden_port}/x")
                elif path == "/js":
                    self._answer(301, "javascript:alert(1)")
                else:
                    self._answer(404)

            do_HEAD = _route  # noqa: N815
            do_GET = _route  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.seen.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


@pytest.fixture
def web() -> Iterator[HTTPTestServer]:
    server = HTTPTestServer()
    yield server
    server.close()


def check_one(url: str, **options: object) -> CheckResult:
    results = check_urls([url], timeout=2.0, **options)  # type: ignore[arg-type]
    assert list(results) == [url]
    return results[url]


def assert_refused_unseen(
    result: CheckResult,
    connects: list[tuple[str, int]],
    part: str = "",
    listener: Recorder | None = None,
) -> None:
    """The check failed (with ``part`` in its reason) and no connection was even attempted."""
    assert not result.ok
    assert part in result.reason
    assert connects == []
    if listener is not None:
        assert listener.accepted() == 0


def fixed_resolver(table: dict[str, list[str]]) -> thumbcheck.Resolver:
    def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


# --- the guard, with the default policy -------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://0x7f000001:{port}/",
        "http://2130706433:{port}/",
        "http://127.1:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://[::ffff:7f00:1]:{port}/",
        "http://evil.example:{port}/",
        "http://mixed.example:{port}/",
        "http://mapped.example:{port}/",
        "https://cors.example/?http://127.0.0.1:{port}/a.png",
    ],
)
def test_default_guard_refuses_loopback_forms(
    recorder: Recorder, connects: list[tuple[str, int]], template: str
) -> None:
    resolver_table = {
        "evil.example": ["127.0.0.1"],
        "mixed.example": ["93.184.216.34", "127.0.0.1"],
        "mapped.example": ["::ffff:127.0.0.1"],
        "cors.example": ["93.184.216.34"],
    }

    def resolve(host: str, port: int) -> list[str]:
        if host == "localhost":
            return thumbcheck.resolve_host(host, port)
        return resolver_table[host]

    url = template.format(port=recorder.port)
    result = check_urls([url], timeout=1.0, resolve=resolve)[url]
    assert result.status is None
    assert_refused_unseen(result, connects, "127.0.0.1", recorder)


def test_default_guard_refuses_ipv6_loopback(
    recorder6: Recorder, connects: list[tuple[str, int]]
) -> None:
    url = f"http://[::1]:{recorder6.port}/"
    result = check_urls([url], timeout=1.0)[url]
    assert_refused_unseen(result, connects, "::1", recorder6)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/",
        "http://10.0.0.1/",
        "http://0/",
        "http://[::]/",
    ],
)
def test_default_guard_refuses_without_resolving_literals(
    connects: list[tuple[str, int]], url: str
) -> None:
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    result = check_urls([url], resolve=resolve)[url]
    assert_refused_unseen(result, connects, "not a public address")
    assert asked == []


def test_legacy_numeric_form_of_an_allowed_address_is_refused(
    recorder: Recorder, connects: list[tuple[str, int]]
) -> None:
    url = f"http://127.0.0.01:{recorder.port}/"
    result = check_one(url, allow=only_loopback)
    assert_refused_unseen(result, connects, "numeric form", recorder)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a.png", "javascript:alert(1)", "file:///etc/passwd", "/relative.png"],
)
def test_only_http_and_https(connects: list[tuple[str, int]], url: str) -> None:
    assert_refused_unseen(check_one(url, allow=only_loopback), connects)


# --- HTTP behaviour, with a test-only policy allowing 127.0.0.1 -------------------------


def test_success_with_head(web: HTTPTestServer) -> None:
    result = check_one(web.url("/ok"), allow=only_loopback)
    assert result == CheckResult(web.url("/ok"), True, 200, "OK")
    assert web.paths() == [("HEAD", "/ok")]


def test_head_refused_falls_back_to_ranged_get(web: HTTPTestServer) -> None:
    result = check_one(web.url("/nohead"), allow=only_loopback)
    assert result.ok
    assert result.status == 206
    assert web.paths() == [("HEAD", "/nohead"), ("GET", "/nohead")]
    assert web.seen.requests[1][2]["Range"] == "bytes=0-0"


def test_not_found(web: HTTPTestServer) -> None:
    result = check_one(web.url("/missing.png"), allow=only_loopback)
    assert not result.ok
    assert result.status == 404
    assert "404" in result.reason


def test_redirect_chain_within_the_cap(web: HTTPTestServer) -> None:
    result = check_one(web.url("/r/3"), allow=only_loopback, max_redirects=3)
    assert result.ok
    assert [path for _, path in web.paths()] == ["/r/3", "/r/2", "/r/1", "/r/0"]


def test_redirect_chain_over_the_cap(web: HTTPTestServer) -> None:
    result = check_one(web.url("/r/5"), allow=only_loopback, max_redirects=3)
    assert not result.ok
    assert result.status == 302
    assert "more than 3 redirects" in result.reason
    assert len(web.seen.requests) == 4


def test_redirect_to_a_forbidden_host_is_not_followed() -> None:
    forbidden = Recorder("127.0.0.2")
    web = HTTPTestServer(forbidden_port=forbidden.port)
    try:
        result = check_one(web.url("/away"), allow=only_loopback)
        assert not result.ok
        assert "127.0.0.2" in result.reason
        assert web.paths() == [("HEAD", "/away")]
        assert forbidden.accepted() == 0
    finally:
        web.close()
        forbidden.close()


def test_redirect_to_another_scheme_is_not_followed(web: HTTPTestServer) -> None:
    result = check_one(web.url("/js"), allow=only_loopback)
    assert not result.ok
    assert "unusable location" in result.reason


def test_silent_server_times_out() -> None:
    silent = Recorder("127.0.0.1", silent=True)
    try:
        url = f"http://127.0.0.1:{silent.port}/a.png"
        result = check_urls([url], timeout=0.5, allow=only_loopback)[url]
        assert not result.ok
        assert result.reason == "timed out"
        assert silent.accepted() == 1
    finally:
        silent.close()


def test_connection_goes_to_the_resolved_address_with_the_host_header(
    web: HTTPTestServer, connects: list[tuple[str, int]]
) -> None:
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["127.0.0.1"]

    url = f"http://fakehost:{web.port}/ok"
    result = check_one(url, allow=only_loopback, resolve=resolve)
    assert result.ok
    assert asked == [("fakehost", web.port)]
    assert connects == [("127.0.0.1", web.port)]
    assert web.seen.requests[0][2]["Host"] == f"fakehost:{web.port}"


def test_https_sends_the_host_name_for_tls(recorder: Recorder) -> None:
    url = f"https://fakehost:{recorder.port}/a.png"
    resolve = fixed_resolver({"fakehost": ["127.0.0.1"]})
    result = check_one(url, allow=only_loopback, resolve=resolve)
    assert not result.ok
    assert recorder.accepted() == 1
    hello = recorder.received[0]
    assert hello[:1] == b"\x16"  # a TLS handshake record
    assert b"fakehost" in hello  # server_name (SNI) is the host, not the address


def test_proxy_wrapped_url_checks_the_inner_url_first(web: HTTPTestServer) -> None:
    inner = web.url("/ok")
    url = web.url("/proxy?url=" + inner.replace(":", "%3A").replace("/", "%2F"))
    result = check_one(url, allow=only_loopback)
    assert result.ok
    assert web.paths() == [("HEAD", "/ok"), ("HEAD", url.partition(str(web.port))[2])]


def test_proxy_wrapped_url_fails_when_the_inner_url_is_forbidden(
    web: HTTPTestServer,
) -> None:
    url = web.url("/ok?http://inner.example/a.png")
    resolve = fixed_resolver({"inner.example": ["10.0.0.1"]})
    result = check_one(url, allow=only_loopback, resolve=resolve)
    assert not result.ok
    assert "10.0.0.1" in result.reason
    assert web.seen.requests == []


# --- never raises -----------------------------------------------------------------------


def test_hostile_inputs_become_failed_results() -> None:
    def broken_resolver(host: str, port: int) -> list[str]:
        raise RuntimeError("boom")

    urls: list[object] = [
        None,
        3,
        ["x"],
        "",
        "http://[::1",
        "http://exa mple.com/",
        "http://a.example/",
    ]
    results = check_urls(urls, resolve=broken_resolver)  # type: ignore[arg-type]
    assert len(results) == len(urls)
    assert not any(result.ok for result in results.values())
    assert results["http://a.example/"].reason == "check failed: RuntimeError"


def test_resolver_garbage_and_empty_answers_are_refused(connects: list[tuple[str, int]]) -> None:
    resolve = fixed_resolver({"garbage.example": ["not-an-ip"], "empty.example": []})
    results = check_urls(
        ["http://garbage.example/", "http://empty.example/"], resolve=resolve, allow=only_loopback
    )
    assert not results["http://garbage.example/"].ok
    assert "not an IP address" in results["http://garbage.example/"].reason
    assert not results["http://empty.example/"].ok
    assert connects == []


def test_a_failing_allow_policy_is_a_failed_result(connects: list[tuple[str, int]]) -> None:
    def allow(ip: IPAddress) -> bool:
        raise ValueError("policy broken")

    assert_refused_unseen(check_one("http://127.0.0.1:9/", allow=allow), connects)


def test_broken_iterable_is_reported() -> None:
    def urls() -> Iterator[str]:
        yield "http://a.example/"
        raise RuntimeError("disk gone")

    results = check_urls(urls())
    assert [result.ok for result in results.values()] == [False]


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://cors.example.org/?javascript:alert(1)", "javascript"),
        ("https://cors.example.org/?url=data%3A%2Cx", "data"),
        ("https://cors.example.org/?file:///etc/passwd", "file"),
    ],
)
def test_a_wrapped_value_of_another_scheme_fails_without_a_connection(
    url: str, scheme: str
) -> None:
    def no_lookup(host: str, port: int) -> list[str]:
        raise AssertionError(f"{host} must not be resolved")

    result = check_urls([url], resolve=no_lookup)[url]
    assert not result.ok
    assert result.reason is not None
    assert result.reason.endswith(f"only http and https are checked, not {scheme}:")
