"""Headless Chromium for the tests that look at pages in a real browser.

- :func:`chromium` finds the browser (None: the test skips; Debian: ``apt-get install
  chromium``).
- :func:`serving` serves a folder on 127.0.0.1 as a static host does (``.xml`` as
  ``application/xml``): browsers apply XSLT only over HTTP, and pages load their covers.
- :func:`run_chromium` runs one headless command (``--dump-dom``, ``--screenshot``) and
  gives back what it printed, failing the test when the browser fails.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def chromium() -> str | None:
    """The Chromium executable, when one is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class StaticHost(SimpleHTTPRequestHandler):
    """Serves files as a static host does: ``.xml`` as application/xml, quietly."""

    extensions_map = {  # noqa: RUF012 - http.server's class attribute
        ".xml": "application/xml",
        ".xsl": "application/xslt+xml",
        ".json": "application/json",
        ".html": "text/html; charset=utf-8",
        ".png": "image/png",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free loopback port; yields its base URL (ending in ``/``)."""
    handler = functools.partial(StaticHost, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium with ``args`` (a fresh profile in ``profile``); its stdout."""
    browser = chromium()
    assert browser is not None
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
