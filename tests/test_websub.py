"""WebSub: hub links in every feed, and publish pings to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import build
from laojia_feed.model import BuildResult, Severity, Site
from laojia_feed.net.websub import HubPolicy, changed_topics, ping, ping_changed

BASE = "https://blog.example.org/"
NOW = datetime(2030, 1, 1, tzinfo=UTC)

#: Loopback allowed: only these tests talk to their own server.
LOOPBACK_OK = HubPolicy(check_url=lambda url: None, allow_address=lambda address: True)


@dataclass
class Hub:
    """A recording hub: every request, and what it answers."""

    url: str
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 204
    answer: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def hub() -> Iterator[Hub]:
    recorder = Hub("")

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            recorder.requests.append((self.command, self.path, dict(self.headers), body))
            self.send_response(recorder.status)
            for name, value in recorder.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(recorder.answer)))
            self.end_headers()
            self.wfile.write(recorder.answer)

        do_POST = _record  # noqa: N815 - http.server's naming
        do_GET = _record  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/publish"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_ping_posts_one_form_encoded_publish_per_topic(hub: Hub) -> None:
    topics = [BASE + "rss.xml", BASE + "categories/%E7%94%9F%E6%B4%BB/atom.xml"]
    results = ping(hub.url, [*topics, topics[0]], policy=LOOPBACK_OK)
    assert [r.severity for r in results] == [Severity.INFO, Severity.INFO]
    assert all("HTTP 204" in r.message and r.field == "websub" for r in results)
    assert len(hub.requests) == 2
    for (method, path, headers, body), topic in zip(hub.requests, topics, strict=True):
        assert method == "POST" and path == "/publish"
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert parse_qs(body.decode("ascii"), strict_parsing=True) == {
            "hub.mode": ["publish"],
            "hub.url": [topic],
        }


def test_the_default_policy_never_contacts_a_loopback_hub(hub: Hub) -> None:
    (result,) = ping(hub.url, [BASE + "rss.xml"])
    assert result.severity is Severity.WARNING
    assert "not a public address" in result.message and "not contacted" in result.message
    assert hub.requests == []


def test_a_public_name_that_resolves_to_loopback_is_refused(hub: Hub) -> None:
    port = hub.url.split(":")[2].split("/")[0]
    lying = HubPolicy(resolve=lambda host, port: ["127.0.0.1"])
    (result,) = ping(f"http://hub.example.org:{port}/publish", [BASE + "rss.xml"], policy=lying)
    assert result.severity is Severity.WARNING and "127.0.0.1" in result.message
    assert hub.requests == []


def test_the_request_goes_to_the_checked_address_with_the_hub_host_name(hub: Hub) -> None:
    port = hub.url.split(":")[2].split("/")[0]
    pinned = HubPolicy(
        check_url=lambda url: None,
        allow_address=lambda address: True,
        resolve=lambda host, port: ["127.0.0.1"],
    )
    (result,) = ping(f"http://hub.example.org:{port}/p?x=1", [BASE + "rss.xml"], policy=pinned)
    assert result.severity is Severity.INFO
    ((_method, path, headers, _body),) = hub.requests
    assert path == "/p?x=1" and headers["Host"] == f"hub.example.org:{port}"


def test_a_refusing_hub_is_a_warning_quoting_its_answer(hub: Hub) -> None:
    hub.status = 400
    hub.answer = b"unknown topic\n" + b"x" * 5000
    (result,) = ping(hub.url, [BASE + "rss.xml"], policy=LOOPBACK_OK)
    assert result.severity is Severity.WARNING
    assert "HTTP 400: unknown topic" in result.message and len(result.message) < 400


def test_redirects_are_not_followed(hub: Hub) -> None:
    hub.status = 307
    hub.headers = {"Location": "http://169.254.169.254/"}
    (result,) = ping(hub.url, [BASE + "rss.xml"], policy=LOOPBACK_OK)
    assert result.severity is Severity.WARNING and "HTTP 307" in result.message
    assert len(hub.requests) == 1


def test_an_unreachable_hub_is_a_warning_never_an_exception(hub: Hub) -> None:
    closed = hub.url.rsplit(":", 1)[0] + ":9/publish"  # discard port, nothing listens
    (result,) = ping(closed, [BASE + "rss.xml"], timeout=0.5, policy=LOOPBACK_OK)
    assert result.severity is Severity.WARNING and "hub" in result.message


@pytest.mark.parametrize(
    ("hub_url", "topics"),
    [
        (None, ["https://a.example/"]),
        ("ftp://hub.example.org/", ["https://a.example/"]),
        ("https://user:pw@hub.example.org/", ["https://a.example/"]),
        ("\ud800://", ["https://a.example/"]),
        ("https://hub.example.org/", [None, 3, ""]),
    ],
)
def test_hostile_arguments_give_warnings(hub_url: object, topics: list[object]) -> None:
    results = ping(hub_url, topics)  # type: ignore[arg-type]
    assert results and all(r.severity is Severity.WARNING for r in results)


def test_a_broken_topic_sequence_is_reported() -> None:
    class Broken(list[str]):
        def __iter__(self) -> Iterator[str]:
            raise RuntimeError("boom")

    (result,) = ping("https://hub.example.org/", Broken())
    assert result.severity is Severity.WARNING and "boom" in result.message


# --- through a build -----------------------------------------------------------------------


def write(posts: Path, name: str, category: str, day: int, body: str = "正文") -> None:
    text = (
        f"---\ntitle: {name}\ndate: 2021-01-{day:02d} 10:00:00\ncategories: [{category}]\n"
        f"---\n{body}\n"
    )
    (posts / f"{name}.md").write_text(text, encoding="utf-8")


def run(posts: Path, out: Path, site: Site) -> BuildResult:
    result = build(posts, out, site, now=NOW)
    assert result.ok, result.all_diagnostics
    return result


def test_every_feed_advertises_the_hub(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for day in range(1, 5):
        write(posts, f"p{day}", "生活", day)
    site = Site(url=BASE, hub="https://hub.example.org/", category_feeds=True, tag_feeds=True,
                archives=True, limit=2)  # fmt: skip
    out = tmp_path / "public"
    result = run(posts, out, site)
    assert {f.name.rpartition("/")[0] for f in result.feeds} == {
        "",
        "archive/1",
        "categories/生活",
    }
    for feed in result.feeds:
        data = (out / feed.name).read_bytes()
        if feed.format == "json":
            assert parse_json(data)["hubs"] == [{"type": "WebSub", "url": site.hub}]
        else:
            parsed = (parse_rss if feed.format == "rss" else parse_atom)(data)
            assert [link.href for link in parsed.feed.links if link.rel == "hub"] == [site.hub]


def test_only_changed_subscribable_feeds_are_pinged(tmp_path: Path, hub: Hub) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for day in range(1, 6):
        write(posts, f"p{day}", "生活" if day % 2 else "技术", day)
    site = Site(url=BASE, hub=hub.url, category_feeds=True, archives=True, limit=2)
    out = tmp_path / "public"
    first = run(posts, out, site)
    assert BASE + "archive/1/rss.xml" not in changed_topics(first, site)
    assert len(changed_topics(first, site)) == 3 * 3  # main + two categories
    assert ping_changed(run(posts, out, site), site, policy=LOOPBACK_OK) == []
    assert hub.requests == []
    write(posts, "p6", "技术", 6)  # a new post in 技术: the main feed and 技术 change
    third = run(posts, out, site)
    results = ping_changed(third, site, policy=LOOPBACK_OK)
    pinged = [parse_qs(body.decode())["hub.url"][0] for _m, _p, _h, body in hub.requests]
    assert all(r.severity is Severity.INFO for r in results) and len(results) == len(pinged)
    tech = BASE + "categories/%E6%8A%80%E6%9C%AF/"
    expected = [
        root + name for root in (BASE, tech) for name in ("rss.xml", "atom.xml", "feed.json")
    ]
    assert sorted(pinged) == sorted(expected)
    assert any(f.name.startswith("archive/") and f.changed for f in third.feeds)


def test_no_hub_no_ping(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    write(posts, "p1", "生活", 1)
    site = Site(url=BASE)
    assert ping_changed(run(posts, tmp_path / "out", site), site) == []
