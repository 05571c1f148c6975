"""The preview server's HTTP handler: GET and HEAD of files in the output folder.

Small answers (headers and body) leave in one write, with Nagle's algorithm off, so
keep-alive clients are not held up by delayed ACKs; larger files are streamed from their
descriptor (``sendfile``), never read whole. HTTP/1.0 clients asking for keep-alive get
``Connection: keep-alive``; the others are closed after the answer. A request line that
cannot be parsed gets its 400, 414 or 505 and one log line, never a traceback.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.parse
from collections.abc import Mapping
from contextlib import nullcontext
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, ClassVar

from laojia_feed._version import __version__
from laojia_feed.cli.serve_files import (
    Served,
    content_type,
    entity_tag,
    for_browser,
    index_page,
    is_not_modified,
    last_modified,
    resolve_target,
    served_file,
)
from laojia_feed.cli.watch import one_line

if TYPE_CHECKING:
    from laojia_feed.cli.serve import PreviewServer

#: Bodies up to this size are read and sent with the headers in one write.
SMALL_BODY = 64 * 1024

#: Bytes of an unread request drained after an error answer, so that closing the
#: connection does not reset it before the client has read the answer.
DRAIN_BYTES = 1024 * 1024

#: Longest request line kept in a log line.
LOGGED_CHARS = 200


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD of files in the server's output folder; everything else 404 or 501."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    #: A request line without a version is not answered as HTTP/0.9 (a bare body).
    default_request_version = "HTTP/1.0"
    server_version = f"laojia-feed/{__version__}"
    sys_version = ""
    #: Headers and small bodies are buffered and leave together (see :data:`SMALL_BODY`).
    wbufsize: ClassVar[int] = SMALL_BODY + 8192
    #: TCP_NODELAY: the last segment of an answer is not held back until an ACK.
    disable_nagle_algorithm: ClassVar[bool] = True

    def setup(self) -> None:
        """Apply the server's idle timeout to the connection."""
        self._drain = False
        super().setup()
        self.connection.settimeout(self.server.idle_timeout)

    def handle(self) -> None:
        """Answer requests until the connection closes; after an error answer, let the
        client read it before the connection is closed."""
        super().handle()
        if self._drain:
            self._linger()

    def version_string(self) -> str:
        """``laojia-feed/0.1.0`` (no Python version)."""
        return self.server_version

    def do_GET(self) -> None:
        """Send the file (or the index page)."""
        self._respond(head=False)

    def do_HEAD(self) -> None:
        """Send the headers GET would send."""
        self._respond(head=True)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard error answer; the connection is closed after it."""
        if code != HTTPStatus.NOT_FOUND:  # a 404 follows a request read whole
            self._drain = True
        super().send_error(code, message, explain)

    def _respond(self, *, head: bool) -> None:
        out = self.server.out
        path = urllib.parse.urlsplit(self.path).path if "://" in self.path else self.path
        if path.split("?", 1)[0] in {"/", ""}:
            self._start(HTTPStatus.OK, "text/html; charset=utf-8", {})
            self._finish(index_page(out), head=head)
            return
        found = resolve_target(out, self.path)
        with served_file(found) if found is not None else nullcontext() as served:
            if found is None or served is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            self._send_file(found.name, served, head=head)

    def _send_file(self, name: str, served: Served, *, head: bool) -> None:
        status = served.status
        etag = entity_tag(status)
        modified = last_modified(status.st_mtime_ns, time.time())
        validators = {"ETag": etag} | ({"Last-Modified": modified} if modified else {})
        since = self.headers.get("If-Modified-Since") if modified else None
        if is_not_modified(self.headers.get("If-None-Match"), since, etag, status.st_mtime):
            self._start(HTTPStatus.NOT_MODIFIED, None, validators)
            self._finish(b"", head=True, length=False)
            return
        media = for_browser(
            content_type(name, served.head), self.headers.get("Accept"), served.head
        )
        headers = {**validators, "Vary": "Accept"}
        self._start(HTTPStatus.OK, media, headers)
        if status.st_size <= SMALL_BODY:
            data = served.head + _read_rest(served)
            self._finish(data, head=head)
            return
        self.send_header("Content-Length", str(status.st_size))
        self.end_headers()
        if not head:
            self._stream(served)

    def _stream(self, served: Served) -> None:
        """Send the file from its descriptor; close the connection if it came up short."""
        self.wfile.flush()
        size = served.status.st_size
        with open(served.fd, "rb", buffering=0, closefd=False) as handle:
            sent = self.connection.sendfile(handle, 0, size)
        if sent < size:  # the file was truncated meanwhile: the framing is broken
            self.close_connection = True

    def _start(self, code: HTTPStatus, media: str | None, extra: Mapping[str, str]) -> None:
        """The status line and every header but Content-Length."""
        self.send_response(code)
        if self.request_version == "HTTP/1.0" and not self.close_connection:
            self.send_header("Connection", "keep-alive")
        if media is not None:
            self.send_header("Content-Type", media)
        for header, value in extra.items():
            self.send_header(header, value)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _finish(self, data: bytes, *, head: bool, length: bool = True) -> None:
        """Content-Length, the end of the headers and the body, in one buffered write."""
        if length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _linger(self) -> None:
        """Send what is buffered, stop sending, and read (at most :data:`DRAIN_BYTES` of)
        what the client still sends, until it closes or goes quiet."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(min(self.server.idle_timeout, 1.0))
            left = DRAIN_BYTES
            while left > 0 and (chunk := self.connection.recv(min(left, 65536))):
                left -= len(chunk)
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request: ``GET /rss.xml 200``, control characters escaped; a
        request line that could not be parsed is shown as received (shortened)."""
        if self.server.quiet:
            return
        status = code.value if isinstance(code, HTTPStatus) else code
        path = getattr(self, "path", None)
        if self.command and path is not None:
            label = f"{self.command} {path}"
        else:
            raw = getattr(self, "requestline", "")
            label = raw[:LOGGED_CHARS] + ("…" if len(raw) > LOGGED_CHARS else "") or "-"
        self.server.log(one_line(f"{label} {status}"))

    def log_error(self, format: str, *args: object) -> None:
        """Errors are already visible as a status in the request line."""

    def log_message(self, format: str, *args: object) -> None:
        """Nothing else is printed."""


def _read_rest(served: Served) -> bytes:
    """The bytes of a small file after its head (as many as there are now)."""
    chunks: list[bytes] = []
    offset = len(served.head)
    while offset < served.status.st_size and (chunk := _pread(served.fd, offset)):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _pread(fd: int, offset: int) -> bytes:
    try:
        return os.pread(fd, SMALL_BODY, offset)
    except OSError:
        return b""
