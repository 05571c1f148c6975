"""Preview the output folder over HTTP on localhost, optionally rebuilding when posts change.

Only regular files inside the output folder are served, with the media types feed
readers expect (``application/rss+xml``, ``application/atom+xml``,
``application/feed+json``), a strong ``ETag``, ``Last-Modified`` and ``304 Not
Modified`` answers, so a reader pointed at the preview behaves as it will against
the real site. ``/`` is a small generated page linking the feeds; no folder is ever
listed. Anything else (``..``, encoded dots, empty or hidden segments, links leading
out of the folder, folders, pipes) is a plain 404.

The server listens on 127.0.0.1 unless told otherwise: ``host="0.0.0.0"`` exposes the
preview to every machine that can reach this one.

Rebuilding is a polling watcher (no third-party dependency): every ``poll`` seconds it
takes a snapshot of the watched folder's ``(path, mtime_ns, size)`` entries, and when
the snapshot changed and then stayed the same for one more poll, calls ``rebuild()``.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import mimetypes
import os
import re
import socket
import stat
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from laojia_feed import __version__, fileflags
from laojia_feed.model import FieldError

__all__ = [
    "PreviewServer",
    "Snapshot",
    "Watcher",
    "content_type",
    "entity_tag",
    "exposure_warning",
    "index_page",
    "is_not_modified",
    "make_server",
    "resolve_target",
    "snapshot",
]

#: How a message (a request line, a rebuild failure) is printed.
Log = Callable[[str], None]

#: What a watched folder looks like: ``(relative path, mtime_ns, size)`` of every entry.
Snapshot = frozenset[tuple[str, int, int]]

#: Largest file served, in bytes (feeds are far smaller; this only bounds memory).
MAX_SERVED_BYTES = 64 * 1024 * 1024

#: Bytes looked at to tell RSS from Atom from other XML.
SNIFF_BYTES = 4096

#: Suffixes of the files the index page links.
FEED_SUFFIXES = frozenset({".xml", ".json", ".opml", ".xsl", ".xslt"})

#: Most files listed on the index page, and most entries a watcher snapshot holds.
MAX_LISTED = 1000
MAX_WATCHED = 200_000

#: Folder names a watcher never enters (besides hidden ones).
UNWATCHED_FOLDERS = frozenset({"node_modules"})

#: Media types by XML root element (local name, lower case).
XML_ROOTS: Mapping[str, str] = {
    "rss": "application/rss+xml",
    "feed": "application/atom+xml",
    "rdf": "application/rdf+xml",
    "opml": "text/x-opml",
    "stylesheet": "text/xsl",
    "transform": "text/xsl",
}

#: Media types by suffix, before ``mimetypes`` is asked.
SUFFIX_TYPES: Mapping[str, str] = {
    ".opml": "text/x-opml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".xslt": "text/xsl; charset=utf-8",
    ".json": "application/json",
}

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "ip6-localhost"})
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(r"\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# --- what is served --------------------------------------------------------------------


def resolve_target(out: Path, target: str) -> Path | None:
    """The file inside the resolved folder ``out`` that a request target names, or None.

    ``target`` is the raw request target (``/rss.xml?x=1``, or an absolute URL). None for
    anything that is not a plain path of visible names to an existing regular file whose
    real location is inside ``out``. Never raises.
    """
    try:
        return _resolve(out, target)
    except (OSError, RuntimeError, ValueError):
        return None


def _resolve(out: Path, target: str) -> Path | None:
    if target.lower().startswith(("http://", "https://")):
        target = urllib.parse.urlsplit(target).path or "/"
    path = target.split("?", 1)[0].split("#", 1)[0]
    decoded = urllib.parse.unquote(path, errors="strict")
    if not decoded.startswith("/") or "\\" in decoded or "\x00" in decoded:
        return None
    parts = decoded[1:].split("/")
    if not _visible(parts):
        return None
    real = out.joinpath(*parts).resolve(strict=True)
    if not real.is_relative_to(out) or not _visible(real.relative_to(out).parts):
        return None
    return real if real.is_file() else None


def _visible(parts: tuple[str, ...] | list[str]) -> bool:
    """Every segment is a plain visible name (no empty, ``.``, ``..`` or hidden names)."""
    return bool(parts) and all(p and not p.startswith(".") for p in parts)


def read_served(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes and status of a regular file, opened without following a final link."""
    try:
        fd = os.open(path, fileflags.READ_FILE)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_SERVED_BYTES:
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1024 * 1024):
            size += len(chunk)
            if size > MAX_SERVED_BYTES:
                return None
            chunks.append(chunk)
        return b"".join(chunks), status
    except OSError:
        return None
    finally:
        os.close(fd)


def content_type(name: str, data: bytes) -> str:
    """The ``Content-Type`` of a file: sniffed for XML and JSON, else by its suffix."""
    suffix = Path(name).suffix.lower()
    if suffix in {".xml", ".rss", ".atom"}:
        return _xml_type(data)
    if suffix == ".json" and (name.lower() == "feed.json" or _JSON_FEED.search(data)):
        return "application/feed+json; charset=utf-8"
    if suffix == ".json":
        return "application/json"
    known = SUFFIX_TYPES.get(suffix)
    if known:
        return known
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


#: Feed media types that browsers show as raw text instead of applying an XSL stylesheet.
_STYLED_FEEDS = ("application/rss+xml", "application/atom+xml")


def for_browser(media: str, accept: str | None, data: bytes) -> str:
    """``application/xml`` for a styled feed asked for by a browser, so it applies the XSL.

    Browsers (which ask for ``text/html``) run an ``<?xml-stylesheet?>`` only on feeds
    served as XML; feed readers keep getting the feed media type.
    """
    styled = b"<?xml-stylesheet" in data[:SNIFF_BYTES]
    if styled and media.startswith(_STYLED_FEEDS) and accept and "text/html" in accept:
        return "application/xml; charset=utf-8"
    return media


def _xml_type(data: bytes) -> str:
    """RSS, Atom, OPML, XSL or plain XML, by the root element; charset from BOM or prolog."""
    head = data[:SNIFF_BYTES]
    charset = "utf-8"
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head, charset = head[len(bom) :], encoding
            break
    else:
        declared = _DECLARED.match(head)
        if declared:
            charset = declared.group(1).decode("ascii").lower()
    text = head.decode(charset if charset.startswith("utf-16") else "latin-1", errors="replace")
    position = 0
    while prolog := _PROLOG.match(text, position):
        position = prolog.end()
    root = _ROOT.match(text, position)
    media = XML_ROOTS.get(root.group(1).lower(), "application/xml") if root else "application/xml"
    return f"{media}; charset={'utf-16' if charset.startswith('utf-16') else charset}"


def entity_tag(data: bytes) -> str:
    """A strong ``ETag`` for these bytes."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def is_not_modified(none_match: str | None, since: str | None, etag: str, mtime: float) -> bool:
    """Whether ``If-None-Match``/``If-Modified-Since`` match (RFC 9110 §13.2.2: the first wins)."""
    if none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in none_match.split(",")}
        return "*" in tags or etag in tags
    if since is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return int(mtime) <= when.timestamp()
    except (OverflowError, ValueError):
        return False


def http_date(mtime: float) -> str:
    """An HTTP-date (``Thu, 09 Dec 2021 03:10:27 GMT``)."""
    return email.utils.formatdate(mtime, usegmt=True)


def feed_files(out: Path) -> list[tuple[str, str]]:
    """``(relative path, media type)`` of the feed files in ``out``, sorted; links not followed."""
    found: list[tuple[str, str]] = []
    for relative, path in _walk_files(out, limit=MAX_LISTED):
        if Path(relative).suffix.lower() in FEED_SUFFIXES:
            head = _head(path)
            found.append((relative, content_type(Path(relative).name, head).split(";")[0]))
    return sorted(found)


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - a plain read of a few bytes
            return handle.read(SNIFF_BYTES)
    except OSError:
        return b""


def index_page(out: Path) -> bytes:
    """The page at ``/``: a list of links to the feed files found in ``out``."""
    files = feed_files(out)
    items = "\n".join(
        f'<li><a href="/{html.escape(urllib.parse.quote(name))}">{html.escape(name)}</a>'
        f" <small>{html.escape(media)}</small></li>"
        for name, media in files
    )
    body = f"<ul>\n{items}\n</ul>" if files else "<p>No feed files here yet.</p>"
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        "<title>laojia-feed preview</title></head>\n<body>\n"
        f"<h1>laojia-feed preview</h1>\n{body}\n</body></html>\n"
    )
    return page.encode("utf-8", errors="replace")


# --- watching --------------------------------------------------------------------------


def snapshot(folder: Path, *, skip: Path | None = None) -> Snapshot:
    """``(relative path, mtime_ns, size)`` of every visible file (or link) under ``folder``.

    Links are recorded as links (their own mtime), never followed. Folders themselves
    are not recorded (a hidden editor swap file changes its folder's mtime); hidden names and
    ``node_modules`` are skipped, and so is the folder ``skip`` (the output folder when
    it lives inside the posts folder). An unreadable folder counts as empty.
    """
    skipped = os.path.realpath(skip) if skip is not None else None
    entries: set[tuple[str, int, int]] = set()
    for relative, status in _walk(str(folder), "", skipped, MAX_WATCHED):
        entries.add((relative, status.st_mtime_ns, status.st_size))
    return frozenset(entries)


def _walk(
    top: str, prefix: str, skipped: str | None, limit: int
) -> Iterator[tuple[str, os.stat_result]]:
    """Every visible non-folder entry below ``top`` (links not followed), at most ``limit``."""
    stack = [(top, prefix)]
    count = 0
    while stack:
        folder, base = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in UNWATCHED_FOLDERS:
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            relative = f"{base}{entry.name}"
            count += 1
            if count > limit:
                return
            if not stat.S_ISDIR(status.st_mode):
                yield relative, status
            elif skipped is None or os.path.realpath(entry.path) != skipped:
                stack.append((entry.path, relative + "/"))


def _walk_files(top: Path, limit: int) -> Iterator[tuple[str, str]]:
    """``(relative path, path)`` of regular files below ``top``, links not followed."""
    for relative, status in _walk(str(top), "", None, limit):
        if stat.S_ISREG(status.st_mode):
            yield relative, os.path.join(top, relative)  # noqa: PTH118 - cheap string join


class Watcher:
    """Calls ``rebuild()`` once the watched folder changed and then held still for a poll.

    :meth:`step` is one poll, done synchronously (what the thread repeats, and what
    tests drive). A failing ``rebuild`` is reported as one line through ``log``.
    """

    def __init__(
        self,
        folder: Path,
        rebuild: Callable[[], object],
        *,
        poll: float = 1.0,
        skip: Path | None = None,
        log: Log | None = None,
    ) -> None:
        self.folder = folder
        self.rebuild = rebuild
        self.poll = max(0.01, poll)
        self.skip = skip
        self.log: Log = log or _stderr
        self.last = snapshot(folder, skip=skip)
        self.pending = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> bool:
        """One poll; True when it called ``rebuild``."""
        current = snapshot(self.folder, skip=self.skip)
        if current != self.last:
            self.last, self.pending = current, True
            return False
        if not self.pending:
            return False
        self.pending = False
        try:
            self.rebuild()
        except Exception as problem:  # a failed rebuild must never stop the preview
            self.log(f"rebuild failed: {type(problem).__name__}: {_one_line(str(problem))}")
        return True

    def start(self) -> None:
        """Poll in a daemon thread until :meth:`stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="laojia-feed-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for a rebuild in progress to finish."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self.step()
            except Exception as problem:  # never let the watcher die silently
                self.log(f"watch failed: {type(problem).__name__}: {_one_line(str(problem))}")


# --- the server ------------------------------------------------------------------------


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD of files in the server's output folder; everything else 404 or 501."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = f"laojia-feed/{__version__}"
    sys_version = ""
    #: Seconds an idle (keep-alive) connection may hold its thread.
    timeout = 60

    def version_string(self) -> str:
        """``laojia-feed/0.1.0`` (no Python version)."""
        return self.server_version

    def do_GET(self) -> None:
        """Send the file (or the index page)."""
        self._respond(head=False)

    def do_HEAD(self) -> None:
        """Send the headers GET would send."""
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        out = self.server.out
        path = urllib.parse.urlsplit(self.path).path if "://" in self.path else self.path
        if path.split("?", 1)[0] in {"/", ""}:
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", index_page(out), head=head)
            return
        found = resolve_target(out, self.path)
        served = read_served(found) if found is not None else None
        if found is None or served is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data, status = served
        etag = entity_tag(data)
        validators = {"ETag": etag, "Last-Modified": http_date(status.st_mtime)}
        conditions = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if is_not_modified(*conditions, etag, status.st_mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._common_headers(validators)
            self.end_headers()
            return
        media = for_browser(content_type(found.name, data), self.headers.get("Accept"), data)
        self._send(HTTPStatus.OK, media, data, head=head, extra={**validators, "Vary": "Accept"})

    def _send(
        self,
        code: HTTPStatus,
        media: str,
        data: bytes,
        *,
        head: bool,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers(extra or {})
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _common_headers(self, extra: Mapping[str, str]) -> None:
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request: ``GET /rss.xml 200``, control characters escaped."""
        if not self.server.quiet:
            status = code.value if isinstance(code, HTTPStatus) else code
            line = _one_line(f"{self.command} {self.path} {status}")
            self.server.log(line)

    def log_error(self, format: str, *args: object) -> None:
        """Errors are already visible as a status in the request line."""

    def log_message(self, format: str, *args: object) -> None:
        """Nothing else is printed."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server over one output folder, with an optional watcher.

    ``serve_forever()`` starts the watcher and serves; ``shutdown()`` (from any thread,
    whether or not serving started) stops both and closes the socket.
    """

    daemon_threads = True

    def __init__(
        self,
        out: Path,
        address: tuple[str, int],
        *,
        watcher: Watcher | None = None,
        quiet: bool = False,
        log: Log | None = None,
    ) -> None:
        self.out = out
        self.watcher = watcher
        self.quiet = quiet
        self.log: Log = log or _stderr
        self._state = threading.Lock()
        self._started = False
        self._closing = False
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:8000/``: where the preview answers."""
        host, port = self.server_address[0], self.server_address[1]
        text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{text}]:{port}/" if ":" in text else f"http://{text}:{port}/"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve (and watch) until :meth:`shutdown`."""
        with self._state:
            if self._closing:
                return
            self._started = True
        if self.watcher is not None:
            self.watcher.start()
        super().serve_forever(poll_interval)

    def shutdown(self) -> None:
        """Stop serving and watching, and close the socket. Safe to call more than once."""
        with self._state:
            if self._closing:
                return
            self._closing = True
            started = self._started
        if started:
            super().shutdown()
        if self.watcher is not None:
            self.watcher.stop()
        self.server_close()


def make_server(
    out: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    rebuild: Callable[[], object] | None = None,
    watch: Path | None = None,
    poll: float = 1.0,
    quiet: bool = False,
    log: Log | None = None,
) -> PreviewServer:
    """A preview server for the folder ``out``, bound but not yet serving.

    With ``rebuild`` and ``watch``, ``rebuild()`` is called after a change under
    ``watch`` (checked every ``poll`` seconds). ``log`` receives request lines (none when
    ``quiet``) and rebuild failures; it defaults to stderr.
    Raises :class:`FieldError` when ``out`` is not a folder or the address cannot be bound.
    """
    try:
        root = Path(out).resolve(strict=True)
    except (OSError, RuntimeError) as problem:
        raise FieldError(f"{out} cannot be served: {_reason(problem)}") from problem
    if not root.is_dir():
        raise FieldError(f"{out} is not a folder")
    if not 0 <= port <= 65535:
        raise FieldError(f"port {port} is not between 0 and 65535")
    watcher = None
    if rebuild is not None and watch is not None:
        watcher = Watcher(Path(watch), rebuild, poll=poll, skip=root, log=log)
    try:
        return PreviewServer(root, (host, port), watcher=watcher, quiet=quiet, log=log)
    except (OSError, OverflowError, UnicodeError) as problem:
        raise FieldError(f"cannot listen on {host}:{port}: {_reason(problem)}") from problem


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` makes the preview reachable from other machines."""
    if host in _LOOPBACK or host.startswith("127."):
        return None
    return (
        f"listening on {host}: every machine that can reach this one can read the files "
        "in the output folder"
    )


def _reason(problem: BaseException) -> str:
    if isinstance(problem, OSError) and problem.strerror:
        return problem.strerror
    return str(problem) or type(problem).__name__


def _one_line(text: str) -> str:
    return _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
