"""serve.py: the preview server through a real HTTP client on a real socket, and its watcher."""

from __future__ import annotations

import email.utils
import http.client
import io
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import Site, __version__, build
from laojia_feed.cli import serve_files as files
from laojia_feed.cli.serve import PreviewServer, exposure_warning, make_server
from laojia_feed.cli.watch import Watcher, snapshot
from laojia_feed.errors import ServerError

SITE = Site(title="老家", url="https://blog.example.org/")
SECRET = "TOP-SECRET-4242"
POST = """---
title: {title}
date: 2021-12-0{day} 11:10:27
categories: [生活]
---
<p>正文 {day}</p>
"""

#: Path segments the property test combines into request targets.
SEGMENTS = ["..", ".", "", "rss.xml", "up", "out", "secret.txt", ".hidden", "%2e%2e", "%2f", "%00"]

Response = tuple[int, http.client.HTTPMessage, bytes]


def write_post(folder: Path, name: str, title: str, day: int) -> None:
    (folder / name).write_text(POST.format(title=title, day=day), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A posts folder with two posts, built into ``out``; a secret file beside ``out``."""
    posts = tmp_path / "posts"
    posts.mkdir()
    write_post(posts, "first.md", "第一篇", 1)
    write_post(posts, "second.md", "第二篇", 2)
    out = tmp_path / "out"
    assert build(posts, out, SITE).ok
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return posts, out


@pytest.fixture
def serve() -> Iterator[Callable[..., PreviewServer]]:
    """Start preview servers on port 0 in threads; shut every one down afterwards."""
    started: list[tuple[PreviewServer, threading.Thread]] = []

    def start(out: Path, **options: object) -> PreviewServer:
        options.setdefault("quiet", True)
        server = make_server(out, port=0, **options)  # type: ignore[arg-type]
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.shutdown()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture
def served(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> tuple[PreviewServer, Path]:
    """The built output folder, served with the default options."""
    _posts, out = site
    return serve(out), out


def request(
    server: PreviewServer,
    target: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> Response:
    """One request with the target sent exactly as given."""
    host, port = server.server_address[0], server.server_address[1]
    connection = http.client.HTTPConnection(str(host), port, timeout=5)
    try:
        connection.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw_request(server: PreviewServer, line: bytes) -> bytes:
    """Send a hand-written request line (no client-side validation); return the whole answer."""
    host, port = server.server_address[0], server.server_address[1]
    with socket.create_connection((str(host), port), timeout=5) as sock:
        sock.sendall(line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- over HTTP -------------------------------------------------------------------------


def test_feeds_are_served_with_their_media_types(served: tuple[PreviewServer, Path]) -> None:
    server, out = served
    expected = {
        "/rss.xml": "application/rss+xml; charset=utf-8",
        "/atom.xml": "application/atom+xml; charset=utf-8",
        "/feed.json": "application/feed+json; charset=utf-8",
    }
    bodies = {}
    for target, media in expected.items():
        status, headers, body = request(server, target)
        assert status == 200
        assert headers["Content-Type"] == media
        assert headers["Content-Length"] == str(len(body))
        assert body == (out / target[1:]).read_bytes()
        bodies[target] = body
    assert parse_rss(bodies["/rss.xml"]).entries[0].title == "第二篇"
    assert parse_atom(bodies["/atom.xml"]).entries[1].title == "第一篇"
    assert parse_json(bodies["/feed.json"])["items"][0]["title"] == "第二篇"


def test_validators_and_cache_headers(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    os.utime(out / "rss.xml", (1_638_000_000, 1_638_000_000))
    status, headers, _body = request(serve(out), "/rss.xml")
    assert status == 200
    assert headers["ETag"] == files.entity_tag(os.stat(out / "rss.xml"))
    assert headers["ETag"].startswith('"') and not headers["ETag"].startswith('W/"')
    assert headers["Last-Modified"] == "Sat, 27 Nov 2021 08:00:00 GMT"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Server"] == f"laojia-feed/{__version__}"


def test_conditional_requests_get_304_without_a_body(served: tuple[PreviewServer, Path]) -> None:
    server, out = served
    os.utime(out / "atom.xml", (1_638_000_000.5, 1_638_000_000.5))  # a file built a while ago
    _status, first, _body = request(server, "/atom.xml")
    etag, modified = first["ETag"], first["Last-Modified"]
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"},
    ):
        status, answer, body = request(server, "/atom.xml", headers=headers)
        assert (status, body) == (304, b""), headers
        assert answer["ETag"] == etag
        assert answer["Last-Modified"] == modified
        assert "Content-Type" not in answer
    for headers in (
        {"If-None-Match": '"stale"'},
        {"If-None-Match": '"stale"', "If-Modified-Since": modified},  # If-None-Match wins
        {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
        {"If-Modified-Since": "not a date"},
    ):
        status, _answer, body = request(server, "/atom.xml", headers=headers)
        assert status == 200, headers
        assert body == (out / "atom.xml").read_bytes()


def test_a_changed_file_gets_a_new_etag(served: tuple[PreviewServer, Path]) -> None:
    server, out = served
    _status, before, _body = request(server, "/feed.json")
    (out / "feed.json").write_bytes(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}')
    status, after, body = request(server, "/feed.json", headers={"If-None-Match": before["ETag"]})
    assert status == 200
    assert after["ETag"] != before["ETag"]
    assert b'"items": []' in body


def test_head_sends_headers_only_and_keeps_the_connection_usable(
    served: tuple[PreviewServer, Path],
) -> None:
    server, _out = served
    host, port = server.server_address[0], server.server_address[1]
    connection = http.client.HTTPConnection(str(host), port, timeout=5)
    try:
        connection.request("HEAD", "/rss.xml")
        head = connection.getresponse()
        assert head.read() == b""
        connection.request("GET", "/rss.xml")  # same connection: the HEAD framing was right
        get = connection.getresponse()
        body = get.read()
    finally:
        connection.close()
    assert head.status == get.status == 200
    assert head.headers["Content-Length"] == str(len(body)) == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert head.headers["ETag"] == get.headers["ETag"]


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/x/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/link.txt",
        "/linked/secret.txt",
        "/loop",
        "/.hidden",
        "/sub/../../secret.txt",
        "/sub/",
        "/sub",
        "/rss.xml/",
        "/rss.xml%00.txt",
        "/%ff%fe",
        "/..\\secret.txt",
        "http://127.0.0.1/../secret.txt",
        "/./rss.xml",
        pytest.param("/" + "a" * 5000, id="very-long-name"),
    ],
)
def test_nothing_outside_the_folder_is_reachable(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer], target: str
) -> None:
    _posts, out = site
    secret = out.parent / "secret.txt"
    (out / "link.txt").symlink_to(secret)
    (out / "linked").symlink_to(out.parent, target_is_directory=True)
    (out / "loop").symlink_to(out / "loop")
    (out / ".hidden").write_text(SECRET, encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "inner.xml").write_text("<rss/>", encoding="utf-8")
    server = serve(out)
    answer = raw_request(server, f"GET {target} HTTP/1.1".encode())
    assert answer.startswith(b"HTTP/1.1 404 "), answer[:200]
    assert SECRET.encode() not in answer
    assert b"root:" not in answer
    assert b"inner.xml" not in answer  # no folder listing


def test_links_that_stay_inside_are_followed(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    (out / "alias.xml").symlink_to(out / "rss.xml")
    (out / "sub").mkdir()
    (out / "sub" / "生活.xml").write_bytes((out / "atom.xml").read_bytes())
    server = serve(out)
    status, headers, body = request(server, "/alias.xml")
    assert (status, body) == (200, (out / "rss.xml").read_bytes())
    assert headers["Content-Type"].startswith("application/rss+xml")
    status, headers, _body = request(server, "/sub/%E7%94%9F%E6%B4%BB.xml?utm=1")
    assert status == 200
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"


def test_index_page_links_the_feeds_escaped(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    (out / "<b>&x.xml").write_text("<rss/>", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "生活.opml").write_text("<opml/>", encoding="utf-8")
    (out / "notes.txt").write_text("not a feed", encoding="utf-8")
    (out / ".hidden.xml").write_text("<rss/>", encoding="utf-8")
    status, headers, body = request(serve(out), "/")
    page = body.decode("utf-8")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert f'href="/{name}"' in page
    assert 'href="/sub/%E7%94%9F%E6%B4%BB.opml">sub/生活.opml' in page
    assert 'href="/%3Cb%3E%26x.xml">&lt;b&gt;&amp;x.xml</a>' in page
    assert "<b>" not in page
    assert "notes.txt" not in page
    assert ".hidden" not in page
    assert "application/feed+json" in page


def test_other_methods_are_refused(served: tuple[PreviewServer, Path]) -> None:
    server, out = served
    status, _headers, _body = request(server, "/rss.xml", method="POST")
    assert status == 501
    assert (out / "rss.xml").exists()


def test_requests_are_logged_one_line_each(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    lines: list[str] = []
    server = serve(out, quiet=False, log=lines.append)
    request(server, "/rss.xml")
    request(server, "/missing%0a.xml")
    raw_request(server, b"GET /\x1b[31mred HTTP/1.1")
    assert lines[:2] == ["GET /rss.xml 200", "GET /missing%0a.xml 404"]
    assert lines[2] == "GET /\\u001b[31mred 404"
    silent: list[str] = []
    request(serve(out, quiet=True, log=silent.append), "/rss.xml")
    assert silent == []


def test_rebuilds_when_a_post_changes(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    posts, out = site
    server = serve(out, rebuild=lambda: build(posts, out, SITE), watch=posts, poll=0.1)
    assert "改过的标题" not in request(server, "/rss.xml")[2].decode()
    write_post(posts, "second.md", "改过的标题 (edited)", 2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status, _headers, body = request(server, "/rss.xml")
        if "改过的标题" in body.decode():
            break
        time.sleep(0.05)
    assert status == 200
    assert parse_rss(body).entries[0].title == "改过的标题 (edited)"


def test_a_failing_rebuild_is_one_line_and_the_server_keeps_serving(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    posts, out = site
    lines: list[str] = []
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise RuntimeError("disk on fire\nsecond line")

    server = serve(out, rebuild=broken, watch=posts, poll=0.05, log=lines.append)
    write_post(posts, "third.md", "第三篇", 3)
    deadline = time.monotonic() + 5
    while not lines and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lines[0] == "rebuild failed: RuntimeError: disk on fire\\nsecond line"
    assert calls
    assert request(server, "/rss.xml")[0] == 200


def test_shutdown_before_serving_and_twice_does_not_hang(site: tuple[Path, Path]) -> None:
    _posts, out = site
    server = make_server(out, port=0, quiet=True)
    server.shutdown()
    server.shutdown()
    server.serve_forever()  # returns at once: the server is closed


def test_url_and_default_host(site: tuple[Path, Path]) -> None:
    _posts, out = site
    server = make_server(out, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_unusable_folder_or_address_is_a_field_error(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    _posts, out = site
    with pytest.raises(ServerError, match="cannot be served"):
        make_server(tmp_path / "missing", port=0)
    with pytest.raises(ServerError, match="is not a folder"):
        make_server(out / "rss.xml", port=0)
    with pytest.raises(ServerError, match="between 0 and 65535"):
        make_server(out, port=70000)
    first = make_server(out, port=0)
    try:
        with pytest.raises(ServerError, match=r"cannot listen on 127\.0\.0\.1"):
            make_server(out, port=first.server_address[1])
    finally:
        first.shutdown()


def test_exposure_warning_only_off_loopback() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "every machine" in warning


# --- pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("rss.xml", b'<?xml version="1.0"?>\n<rss version="2.0">', "application/rss+xml"),
        (
            "x.xml",
            b'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet href="s.xsl"?>\n'
            b"<!-- a comment with <feed> in it -->\n<!DOCTYPE rss>\n<rss>",
            "application/rss+xml; charset=utf-8",
        ),
        ("a.xml", b'<feed xmlns="http://www.w3.org/2005/Atom">', "application/atom+xml"),
        ("a.xml", b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>", "application/atom+xml"),
        ("a.xml", "\ufeff<feed>".encode(), "application/atom+xml; charset=utf-8"),
        ("a.xml", "<rss>".encode("utf-16"), "application/rss+xml; charset=utf-16"),
        (
            "a.xml",
            b"<?xml version='1.0' encoding='GB18030'?><rss>",
            "application/rss+xml; charset=gb18030",
        ),
        ("sitemap.xml", b"<urlset>", "application/xml; charset=utf-8"),
        ("empty.xml", b"", "application/xml; charset=utf-8"),
        ("rdf.xml", b"<rdf:RDF>", "application/rdf+xml"),
        ("s.xml", b"<xsl:stylesheet version='1.0'>", "text/xsl"),
        ("feeds.opml", b"<opml/>", "text/x-opml; charset=utf-8"),
        ("style.xsl", b"<xsl:stylesheet/>", "text/xsl; charset=utf-8"),
        ("feed.json", b"{}", "application/feed+json; charset=utf-8"),
        ("tag.json", b'{"version" : "https://jsonfeed.org/version/1.1"}', "application/feed+json"),
        ("data.json", b'{"version": "2"}', "application/json"),
        ("page.html", b"<p>", "text/html"),
        ("blob", b"\x00", "application/octet-stream"),
    ],
)
def test_content_type(name: str, data: bytes, expected: str) -> None:
    found = files.content_type(name, data)
    assert found == expected or found.startswith(expected + ";")


def test_is_not_modified_edge_cases() -> None:
    mtime = 1_638_000_000.7
    date = email.utils.formatdate(1_638_000_000, usegmt=True)
    assert files.is_not_modified(None, date, '"a"', mtime)  # sub-second part ignored
    assert files.is_not_modified(None, "Sat, 27 Nov 2021 08:00:00 -0000", '"a"', mtime)
    assert not files.is_not_modified(None, "Sat, 27 Nov 2021 07:59:59 GMT", '"a"', mtime)
    assert not files.is_not_modified(None, None, '"a"', mtime)
    assert not files.is_not_modified("", date, '"a"', mtime)
    for garbage in ("", "yesterday", "Sat, 99 Zzz 99999999999 99:99:99 GMT", "\x00"):
        assert not files.is_not_modified(None, garbage, '"a"', mtime)


@settings(max_examples=200, deadline=None)
@given(
    target=st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(SEGMENTS) | st.text(max_size=4), max_size=6).map(
            lambda parts: "/" + "/".join(parts)
        ),
    )
)
def test_resolve_target_never_leaves_the_folder(
    tmp_path_factory: pytest.TempPathFactory, target: str
) -> None:
    root = tmp_path_factory.getbasetemp() / "resolve-property"
    out = root / "out"
    if not out.exists():
        out.mkdir(parents=True)
        (out / "rss.xml").write_text("<rss/>", encoding="utf-8")
        (out / ".hidden").write_text(SECRET, encoding="utf-8")
        (root / "secret.txt").write_text(SECRET, encoding="utf-8")
        (out / "up").symlink_to(root, target_is_directory=True)
    found = files.resolve_target(out.resolve(), target)
    if found is not None:
        assert found.is_relative_to(out.resolve())
        assert found.is_file()
        assert found.name == "rss.xml"


@pytest.mark.parametrize(
    "target", ["/rss.xml", "/rss.xml?x=../y#z", "/rs%73.xml", "http://h/rss.xml"]
)
def test_resolve_target_accepts_plain_paths(tmp_path: Path, target: str) -> None:
    (tmp_path / "rss.xml").write_text("<rss/>", encoding="utf-8")
    assert files.resolve_target(tmp_path.resolve(), target) == tmp_path.resolve() / "rss.xml"


def test_index_page_with_no_feeds(tmp_path: Path) -> None:
    assert "No feed files here yet" in files.index_page(tmp_path).decode()


# --- watching --------------------------------------------------------------------------


def test_snapshot_sees_changes_but_not_through_links(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    (posts / "nested").mkdir(parents=True)
    (posts / "nested" / "a.md").write_text("a", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.md").write_text("b", encoding="utf-8")
    (posts / "elsewhere").symlink_to(outside, target_is_directory=True)
    (posts / ".git").mkdir()
    before = snapshot(posts)
    assert {path for path, _mtime, _size in before} == {"nested/a.md", "elsewhere"}
    (outside / "b.md").write_text("changed outside", encoding="utf-8")
    (posts / ".git" / "index").write_text("hidden", encoding="utf-8")
    assert snapshot(posts) == before
    (posts / "nested" / "a.md").write_text("longer a", encoding="utf-8")
    assert snapshot(posts) != before
    assert snapshot(tmp_path / "missing") == frozenset()


def test_snapshot_skips_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    before = snapshot(tmp_path, skip=tmp_path / "public")
    (tmp_path / "public" / "rss.xml").write_text("<rss/>", encoding="utf-8")
    assert snapshot(tmp_path, skip=tmp_path / "public") == before


def test_watcher_waits_for_the_folder_to_settle_then_rebuilds_once(tmp_path: Path) -> None:
    calls: list[int] = []
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    watcher = Watcher(tmp_path, lambda: calls.append(1), poll=1.0)
    assert not watcher.step()  # nothing changed
    (tmp_path / "a.md").write_text("ab", encoding="utf-8")
    assert not watcher.step()  # changed: wait for it to hold still
    (tmp_path / "b.md").write_text("b", encoding="utf-8")
    assert not watcher.step()  # still changing
    assert watcher.step()  # settled: one rebuild for the whole burst
    assert not watcher.step()
    assert calls == [1]


def test_watcher_reports_a_failed_rebuild_as_one_line(tmp_path: Path) -> None:
    lines: list[str] = []

    def broken() -> None:
        raise ValueError("bad\r\nthing")

    watcher = Watcher(tmp_path, broken, log=lines.append)
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    watcher.step()
    assert watcher.step()
    assert lines == ["rebuild failed: ValueError: bad\\r\\nthing"]


# --- the command (once cli.py declares it) ----------------------------------------------


def test_serve_command_previews_and_stops_on_interrupt(site: tuple[Path, Path]) -> None:
    from laojia_feed.cli.commands import cli

    if "serve" not in cli.commands:
        pytest.skip("cli.py has no serve command yet")
    posts, out = site
    process = subprocess.Popen(
        [sys.executable, "-m", "laojia_feed", "serve", str(out), "--port", "0",
         "--watch", str(posts), "--site-url", SITE.url, "--stylesheet", "default",
         "--poll", "0.1"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=out.parent,
    )  # fmt: skip
    reader: list[threading.Thread] = []
    try:
        url = _wait_for_url(process, reader)
        host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", "/atom.xml")
        answer = connection.getresponse()
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        assert parse_atom(answer.read()).entries[0].title == "第二篇"
        connection.close()
        write_post(posts, "second.md", "改过的标题", 2)
        rebuilt = _wait_for_feed(host, int(port), "改过的标题")
        assert b'<?xml-stylesheet type="text/xsl" href="feed.xsl"?>' in rebuilt  # flags kept
        assert f"<link>{SITE.url}</link>".encode() in rebuilt
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for thread in reader:
            thread.join(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def _wait_for_feed(host: str, port: int, text: str) -> bytes:
    """``/rss.xml`` once it holds ``text`` (within 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, port, timeout=5)
        connection.request("GET", "/rss.xml")
        body = connection.getresponse().read()
        connection.close()
        if text in body.decode():
            return body
        time.sleep(0.1)
    pytest.fail(f"/rss.xml never held {text}")


def _wait_for_url(process: subprocess.Popen[str], reader: list[threading.Thread]) -> str:
    """The ``http://host:port/`` the command prints on stderr (within 10 s)."""
    stderr = process.stderr
    assert stderr is not None
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stderr:
            lines.put(line)

    reader.append(threading.Thread(target=pump, daemon=True))
    reader[0].start()
    deadline = time.monotonic() + 10
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        for word in line.split():
            if word.startswith("http://"):
                return word
    pytest.fail("serve printed no URL")


@pytest.mark.parametrize(
    ("accept", "styled", "expected"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", True, "application/xml; charset=utf-8"),
        ("text/html", False, "application/rss+xml; charset=utf-8"),
        ("application/rss+xml, */*", True, "application/rss+xml; charset=utf-8"),
        (None, True, "application/rss+xml; charset=utf-8"),
    ],
)
def test_browsers_get_styled_feeds_as_xml(accept: str | None, styled: bool, expected: str) -> None:
    pi = b'<?xml-stylesheet type="text/xsl" href="feed.xsl"?>' if styled else b""
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + pi + b"<rss/>"
    assert files.for_browser("application/rss+xml; charset=utf-8", accept, data) == expected


# --- issue 12: bad requests, keep-alive, streaming, bounded threads, fresh files --------


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """The header block and the body (by its Content-Length) of one answer on ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data[:200]!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(http.client.parse_headers(_lines(head))["Content-Length"] or 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return head, body


def _lines(head: bytes) -> io.BytesIO:
    return io.BytesIO(head.split(b"\r\n", 1)[1] + b"\r\n\r\n")


def wait_for_threads(count: int) -> None:
    """Wait (at most 3 s) until no more than ``count`` threads are alive."""
    deadline = time.monotonic() + 3
    while threading.active_count() > count and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("line", "status"),
    [
        (b"GET / HTTP/9.9", b"505"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", b"414"),
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 \xff\xfe", b"400"),
        (b"\x16\x03\x01 \xa5\x01 \x00\xff", b"400"),
        (b"GET /rss.xml HTTP/one", b"400"),
        (b"GET /rss.xml HTTP/1.1 more", b"400"),
    ],
    ids=["version", "long", "garbage-2", "garbage-3", "bad-version", "four-words"],
)
def test_bad_request_lines_get_an_answer_and_one_log_line(
    site: tuple[Path, Path],
    serve: Callable[..., PreviewServer],
    capfd: pytest.CaptureFixture[str],
    line: bytes,
    status: bytes,
) -> None:
    _posts, out = site
    lines: list[str] = []
    server = serve(out, quiet=False, log=lines.append)
    baseline = threading.active_count()
    answer = raw_request(server, line)
    assert answer.startswith(b"HTTP/1.1 " + status + b" "), answer[:200]
    wait_for_threads(baseline)
    assert len(lines) == 1 and lines[0].endswith(" " + status.decode()), lines
    assert len(lines[0]) < 300
    assert "Traceback" not in capfd.readouterr().err
    assert request(server, "/rss.xml")[0] == 200


def test_a_client_resetting_mid_answer_prints_no_traceback(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer], capfd: pytest.CaptureFixture[str]
) -> None:
    _posts, out = site
    with (out / "big.xml").open("wb") as handle:
        handle.truncate(16 * 1024 * 1024)
    lines: list[str] = []
    server = serve(out, quiet=False, log=lines.append)
    baseline = threading.active_count()
    host, port = server.server_address[0], server.server_address[1]
    sock = socket.create_connection((str(host), port), timeout=5)
    sock.sendall(b"GET /big.xml HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # a reset, with megabytes still to send
    wait_for_threads(baseline)
    assert lines == ["GET /big.xml 200"]
    assert "Traceback" not in capfd.readouterr().err


def test_keep_alive_answers_leave_whole(served: tuple[PreviewServer, Path]) -> None:
    """Headers and body of a small answer arrive together: none waits for an ACK (Nagle)."""
    server, out = served
    expected = (out / "rss.xml").read_bytes()
    host, port = server.server_address[0], server.server_address[1]
    with socket.create_connection((str(host), port), timeout=5) as sock:
        for _ in range(5):
            sock.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(1 << 20)
            assert first.startswith(b"HTTP/1.1 200 ")
            assert first.endswith(expected), "the body came in a separate segment"


def test_http_1_0_keep_alive_is_answered_as_such(served: tuple[PreviewServer, Path]) -> None:
    server, out = served
    expected = (out / "atom.xml").read_bytes()
    host, port = server.server_address[0], server.server_address[1]
    with socket.create_connection((str(host), port), timeout=5) as sock:
        for _ in range(3):  # what ab -k sends
            sock.sendall(b"GET /atom.xml HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\n\r\n")
            head, body = read_response(sock)
            assert b"\r\nconnection: keep-alive" in head.lower()
            assert body == expected
    with socket.create_connection((str(host), port), timeout=5) as sock:
        sock.sendall(b"GET /atom.xml HTTP/1.0\r\nHost: x\r\n\r\n")
        head, body = read_response(sock)
        assert b"keep-alive" not in head.lower()
        assert body == expected
        assert sock.recv(10) == b""  # closed after the answer, not kept waiting


def test_large_files_are_streamed_not_read_whole(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    size = 65 * 1024 * 1024  # over the old 64 MiB limit
    with (out / "big.xml").open("wb") as handle:
        handle.write(b"<rss>")
        handle.truncate(size)
    server = serve(out)
    host, port = server.server_address[0], server.server_address[1]
    connection = http.client.HTTPConnection(str(host), port, timeout=5)
    tracemalloc.start()
    try:
        connection.request("GET", "/big.xml")
        answer = connection.getresponse()
        received = 0
        while chunk := answer.read(256 * 1024):
            received += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        connection.close()
    assert answer.status == 200
    assert answer.headers["Content-Length"] == str(size) and received == size
    assert answer.headers["Content-Type"].startswith("application/rss+xml")
    assert peak < 4 * 1024 * 1024


def test_connections_are_bounded_and_idle_ones_dropped(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    server = serve(out, workers=4, idle_timeout=0.5)
    baseline = threading.active_count()
    host, port = server.server_address[0], server.server_address[1]
    idle = [socket.create_connection((str(host), port), timeout=5) for _ in range(40)]
    try:
        time.sleep(0.2)  # time for a server to accept (and start threads for) them all
        assert threading.active_count() - baseline <= 4
        assert idle[0].recv(10) == b""  # a half-open connection is dropped after the timeout
    finally:
        for sock in idle:
            sock.close()
    assert request(server, "/rss.xml")[0] == 200


def test_a_rebuild_within_the_same_second_is_not_a_stale_304(
    served: tuple[PreviewServer, Path],
) -> None:
    server, out = served
    target = out / "feed.json"
    if time.time() % 1 > 0.5:  # both versions must land in one second
        time.sleep(1 - time.time() % 1)
    target.write_bytes(b'{"version": "https://jsonfeed.org/version/1.1", "items": [1]}')
    _status, first, _body = request(server, "/feed.json")
    replacement = out / "feed.json.new"
    replacement.write_bytes(b'{"version": "https://jsonfeed.org/version/1.1", "items": [2]}')
    os.replace(replacement, target)
    assert int(target.stat().st_mtime) == int(time.time())  # still within the same second
    since = first["Last-Modified"] or email.utils.formatdate(target.stat().st_mtime, usegmt=True)
    status, _headers, body = request(server, "/feed.json", headers={"If-Modified-Since": since})
    assert (status, body) == (200, target.read_bytes())


def test_last_modified_only_once_the_second_is_over() -> None:
    second = 1_638_000_000
    mtime_ns = second * 1_000_000_000 + 300_000_000
    assert files.last_modified(mtime_ns, second + 0.9) is None
    assert files.last_modified(mtime_ns, second + 1.0) is None
    assert files.last_modified(mtime_ns, second + 1.2) == "Sat, 27 Nov 2021 08:00:00 GMT"


def test_the_index_page_says_what_it_lists(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    _posts, out = site
    (out / "notes.txt").write_text("not a feed", encoding="utf-8")
    server = serve(out)
    page = request(server, "/")[2].decode()
    assert "Feed files (.xml, .json, .opml, .xsl, .xslt)" in page
    assert "No folder is listed" in page
    assert "notes.txt" not in page
    assert request(server, "/notes.txt")[2] == b"not a feed"  # served by its exact path


def test_watcher_rebuilds_while_edits_continue(tmp_path: Path) -> None:
    now = [0.0]
    calls: list[float] = []
    watcher = Watcher(tmp_path, lambda: calls.append(now[0]), max_delay=2.0, clock=lambda: now[0])
    for step in range(12):  # an edit every half second, for six seconds
        now[0] = step * 0.5
        (tmp_path / "a.md").write_text("x" * (step + 1), encoding="utf-8")
        watcher.step()
    assert calls == [2.0, 4.5]


def test_serve_rebuilds_while_a_post_keeps_changing(
    site: tuple[Path, Path], serve: Callable[..., PreviewServer]
) -> None:
    posts, out = site
    rebuild = lambda: build(posts, out, SITE)  # noqa: E731
    server = serve(out, rebuild=rebuild, watch=posts, poll=0.2, max_delay=0.5)
    deadline = time.monotonic() + 5
    edits = 0
    while time.monotonic() < deadline:
        edits += 1
        write_post(posts, "second.md", f"编辑 {edits}", 2)  # more often than polls: never settles
        if "编辑" in request(server, "/rss.xml")[2].decode():
            break
        time.sleep(0.03)
    assert "编辑" in request(server, "/rss.xml")[2].decode()
    assert time.monotonic() < deadline


def test_serve_help_says_what_watch_and_slash_do() -> None:
    from click.testing import CliRunner

    from laojia_feed.cli.commands import cli

    text = " ".join(CliRunner().invoke(cli, ["serve", "--help"]).output.split())
    assert "same site options as build" in text
    assert "--stylesheet" in text and "--site-url" in text
    assert "/ shows links to the feed files" in text
