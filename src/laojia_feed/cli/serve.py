"""Preview the output folder over HTTP on localhost, optionally rebuilding when posts change.

Only regular files inside the output folder are served, with the media types feed
readers expect (``application/rss+xml``, ``application/atom+xml``,
``application/feed+json``), a strong ``ETag``, ``Last-Modified`` and ``304 Not
Modified`` answers, so a reader pointed at the preview behaves as it will against
the real site. ``/`` is the one generated page: links to the feed files (``.xml``,
``.json``, ``.opml``, ``.xsl``, ``.xslt``) found in the folder and its sub-folders. No
folder is ever listed: any other file is served only when asked for by its exact path.
Anything else (``..``, encoded dots, empty or hidden segments, links leading out of the
folder, folders, pipes) is a plain 404.

The server listens on 127.0.0.1 unless told otherwise: ``host="0.0.0.0"`` exposes the
preview to every machine that can reach this one. At most ``workers`` connections are
served at once (each by its own thread); the others wait in the listen queue, and an
idle or half-open connection is dropped after ``idle_timeout`` seconds.

This module is the server; the handler is in :mod:`.serve_http`, what is served in
:mod:`.serve_files` and the watcher in :mod:`.watch`.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from laojia_feed.cli.serve_http import PreviewHandler
from laojia_feed.cli.watch import MAX_DELAY, Log, Watcher, one_line, to_stderr
from laojia_feed.errors import ServerError

__all__ = ["PreviewServer", "exposure_warning", "make_server"]

#: Connections served at once.
WORKERS = 32

#: Seconds an idle (keep-alive or half-open) connection may hold a worker.
IDLE_TIMEOUT = 5.0

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "ip6-localhost"})


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server over one output folder, with an optional watcher.

    ``serve_forever()`` starts the watcher and serves; ``shutdown()`` (from any thread,
    whether or not serving started) stops both and closes the socket.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        out: Path,
        address: tuple[str, int],
        *,
        watcher: Watcher | None = None,
        quiet: bool = False,
        log: Log | None = None,
        workers: int = WORKERS,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.out = out
        self.watcher = watcher
        self.quiet = quiet
        self.log: Log = log or to_stderr
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max(1, workers))
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

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread once a worker slot is free (until then the
        accept loop waits, and new connections wait in the listen queue)."""
        while not self._slots.acquire(timeout=0.1):
            if self._closing:
                self.shutdown_request(request)
                return
        thread = threading.Thread(
            target=self._work, args=(request, client_address), name="laojia-feed-http"
        )
        thread.daemon = True
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: drop this connection, keep serving
            self._slots.release()
            self.shutdown_request(request)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is not an error; anything else is one line, no traceback."""
        problem = sys.exc_info()[1]
        if problem is None or isinstance(problem, (ConnectionError, TimeoutError)):
            return
        self.log(f"request failed: {type(problem).__name__}: {one_line(str(problem))}")

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
    max_delay: float = MAX_DELAY,
    quiet: bool = False,
    log: Log | None = None,
    workers: int = WORKERS,
    idle_timeout: float = IDLE_TIMEOUT,
) -> PreviewServer:
    """A preview server for the folder ``out``, bound but not yet serving.

    With ``rebuild`` and ``watch``, ``rebuild()`` is called after a change under
    ``watch`` (checked every ``poll`` seconds; at least every ``max_delay`` seconds while
    changes continue). ``log`` receives request lines (none when ``quiet``) and rebuild
    failures; it defaults to stderr. ``workers`` bounds the connections served at once.
    Raises :class:`~laojia_feed.errors.ServerError` when ``out`` is not a folder or the
    address cannot be bound.
    """
    try:
        root = Path(out).resolve(strict=True)
    except (OSError, RuntimeError) as problem:
        raise ServerError(f"{out} cannot be served: {_reason(problem)}") from problem
    if not root.is_dir():
        raise ServerError(f"{out} is not a folder")
    if not 0 <= port <= 65535:
        raise ServerError(f"port {port} is not between 0 and 65535")
    watcher = None
    if rebuild is not None and watch is not None:
        watcher = Watcher(Path(watch), rebuild, poll=poll, max_delay=max_delay, skip=root, log=log)
    try:
        return PreviewServer(
            root,
            (host, port),
            watcher=watcher,
            quiet=quiet,
            log=log,
            workers=workers,
            idle_timeout=idle_timeout,
        )
    except (OSError, OverflowError, UnicodeError) as problem:
        raise ServerError(f"cannot listen on {host}:{port}: {_reason(problem)}") from problem


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
