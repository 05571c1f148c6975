"""What the preview server serves: which file a request names, opened safely, and how it is
described (media type, validators), plus the generated page at ``/``.

Only regular files inside the output folder are served; anything else (``..``, encoded
dots, empty or hidden segments, links leading out of the folder, folders, pipes) is
refused. Files are never read whole: :func:`served_file` opens one descriptor and looks
at its first few KiB; the ``ETag`` comes from what identifies the file version on disk.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import mimetypes
import os
import re
import stat
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from laojia_feed import fileflags
from laojia_feed.cli.watch import walk_files

#: Bytes looked at to tell RSS from Atom from other XML.
SNIFF_BYTES = 4096

#: Suffixes of the files the page at ``/`` links.
FEED_SUFFIXES = (".xml", ".json", ".opml", ".xsl", ".xslt")

#: Most files looked at for the page at ``/``.
MAX_LISTED = 1000

#: Seconds after the end of a file's modification second before ``Last-Modified`` is given:
#: a rebuild within the same second would otherwise carry the same date (and the file
#: system clock may lag the wall clock by a tick).
SETTLED = 1.05

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

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(r"\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')


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


@dataclass(frozen=True)
class Served:
    """An open regular file about to be sent."""

    #: The open descriptor (closed when :func:`served_file` ends).
    fd: int
    #: Its status, taken from the descriptor.
    status: os.stat_result
    #: Its first :data:`SNIFF_BYTES` bytes (to tell its media type).
    head: bytes


@contextmanager
def served_file(path: Path) -> Iterator[Served | None]:
    """The open regular file at ``path`` (a final link is not followed), or None."""
    try:
        fd = os.open(path, fileflags.READ_FILE)
    except OSError:
        yield None
        return
    try:
        try:
            status = os.fstat(fd)
            head = os.pread(fd, SNIFF_BYTES, 0) if stat.S_ISREG(status.st_mode) else None
        except OSError:
            head = None
        yield Served(fd, status, head) if head is not None else None
    finally:
        os.close(fd)


def content_type(name: str, data: bytes) -> str:
    """The ``Content-Type`` of a file from its name and first bytes: sniffed for XML and
    JSON, else by its suffix."""
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


def entity_tag(status: os.stat_result) -> str:
    """A strong ``ETag`` for one version of a file: from its device, inode, size and
    modification time in nanoseconds (a rebuild replaces the file: a new inode)."""
    version = f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"
    return '"' + hashlib.blake2b(version.encode(), digest_size=16).hexdigest() + '"'


def last_modified(mtime_ns: int, now: float) -> str | None:
    """The ``Last-Modified`` date of a file, or None while its modification second is not
    over (by :data:`SETTLED`): a second-precision date only identifies a version once no
    other version can share its second."""
    second = mtime_ns // 1_000_000_000
    return http_date(second) if now >= second + SETTLED else None


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
    for relative, path in walk_files(out, limit=MAX_LISTED):
        if relative.lower().endswith(FEED_SUFFIXES):
            head = _head(path)
            found.append((relative, content_type(Path(relative).name, head).split(";")[0]))
    return sorted(found)


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - a plain read of a few bytes
            return handle.read(SNIFF_BYTES)
    except OSError:
        return b""


#: What the page at ``/`` says it shows (it is the only generated page).
INDEX_NOTE = (
    "Feed files (" + ", ".join(FEED_SUFFIXES) + ") found in the output folder and its "
    "sub-folders; hidden files and links are left out. No folder is listed: any other "
    "file is served only when asked for by its exact path."
)


def index_page(out: Path) -> bytes:
    """The page at ``/``: links to the feed files (:data:`FEED_SUFFIXES`) found in ``out``
    and its sub-folders, with their media types, and a sentence saying so."""
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
        f"<h1>laojia-feed preview</h1>\n<p>{html.escape(INDEX_NOTE)}</p>\n{body}\n</body></html>\n"
    )
    return page.encode("utf-8", errors="replace")
