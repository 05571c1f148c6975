"""The opt-in incremental build cache (``--cache-dir`` / ``cache_dir``): skip work already done.

Three files per site in the cache folder, each written atomically:

* ``posts-<key>.marshal``: each post's load outcome without its body (the body is read
  from the post when it is rendered, checked against the size and CRC-32 recorded here),
  keyed by its file identity (relative path, size, mtime in ns, inode) and the hash of
  its bytes. A post whose
  identity changed but whose bytes did not (a ``touch``, a checkout) is not parsed again.
* ``build-<key>.json``: the digest of every input of the last build and the hash of
  every file it wrote. When the inputs are the same and the output folder still holds
  those bytes, nothing is rendered, serialized or written.
* ``run-<key>.json`` (the command line only): what the last ``laojia-feed build``
  printed, the digest of its inputs from file identities alone, and the identity of
  every file it left in the output folder. When nothing changed, the command prints
  it again without reading a post (see :func:`replay_run`).

The digest covers laojia-feed's version, every site setting, and every post's bytes
and outcome. Posts excluded as future are never cached: they are parsed on every
build, so the day one becomes due, the digest changes and the feeds are rebuilt.

Plain data only (marshal of tuples, strings and numbers; JSON for the manifest and
the run record):
never pickle, which would run code from a folder someone else might write. Cache
files are read only when this user owns them and nobody else may write them (nor
their folder); anything unreadable, foreign, corrupt or of another version is
ignored and rebuilt, never trusted and never fatal.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from laojia_feed import __version__
from laojia_feed.model import (
    Article,
    Author,
    BodyFormat,
    Diagnostic,
    Exclusion,
    JSONValue,
    LoadResult,
    Severity,
    Site,
    WrittenFeed,
)
from laojia_feed.read import discover
from laojia_feed.read.load import BodySpan, Outcome, collector_paused
from laojia_feed.write import output

#: First bytes of a posts cache file; bumped whenever its layout changes.
MAGIC = b"laojia-feed posts cache 2\n"

#: A file's identity: size, mtime in nanoseconds, inode.
Identity = tuple[int, int, int]

#: One cached post: identity, hash of its bytes, plain outcome.
_Entry = tuple[Identity, str, Any]

#: The loader to call for posts the cache cannot answer.
LoadAll = Callable[[Sequence[discover.Found]], list[Outcome]]

#: The digest of the last cached load, bound to the outcomes list it describes.
_LAST: list[tuple[list[Outcome], str]] = []


def fingerprint(site: Site, posts: str) -> str:
    """What besides the posts decides every outcome: version, settings, posts folder name."""
    settings = replace(site, cache_dir=None, jobs=None)
    return _hash(f"{__version__}\n{posts}\n{settings!r}".encode())


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _key(*parts: str) -> str:
    return _hash("\n".join(parts).encode())[:16]


def _identity(path: Path) -> Identity | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def _trusted(path: Path) -> bool:
    """True when this user owns ``path`` and its folder and no one else may write them."""
    for item in (path.parent, path):
        try:
            info = item.lstat()
        except OSError:
            return False
        if item is path and not stat.S_ISREG(info.st_mode):
            return False
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def _read_trusted(path: Path) -> bytes | None:
    if not _trusted(path):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written is only slower.

    A file already there that would not be trusted (see :func:`_trusted`) is removed
    first, so that equal bytes do not leave it in place, ignored on every run."""
    try:
        output.ensure_dir(folder)
        if (folder / name).exists() and not _trusted(folder / name):
            (folder / name).unlink()
        output.write_atomic(folder, name, data)
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------------------
# Outcomes as plain data


def _plain_time(value: datetime) -> tuple[Any, ...]:
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        where: Any = zone.key
    else:
        offset = value.utcoffset()
        where = int(offset.total_seconds()) if offset is not None else None
    fields = (value.year, value.month, value.day, value.hour, value.minute, value.second)
    return (*fields, value.microsecond, value.fold, where)


#: Zones already made by :func:`_zone`, by their plain form (IANA key or offset seconds).
_ZONES: dict[Any, tzinfo] = {}


def _zone(where: Any) -> tzinfo:
    """The zone of a plain time: an IANA key or an offset in seconds (0 is UTC)."""
    if type(where) is not str and type(where) is not int:  # not bool, not float
        raise ValueError("naive time in cache")
    zone = _ZONES.get(where)
    if zone is not None:
        return zone
    if isinstance(where, str):
        zone = ZoneInfo(where)
    else:
        zone = UTC if not where else timezone(timedelta(seconds=int(where)))
    if len(_ZONES) < 1024:
        _ZONES[where] = zone
    return zone


def _time(plain: Sequence[Any]) -> datetime:
    year, month, day, hour, minute, second, micro, fold, where = plain
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=_zone(where), fold=fold)


def _plain_json(value: JSONValue) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain_json(item) for item in value)
    return value


def _json(plain: Any) -> JSONValue:
    if isinstance(plain, dict):
        return MappingProxyType({str(key): _json(item) for key, item in plain.items()})
    if isinstance(plain, tuple):
        return tuple(_json(item) for item in plain)
    if plain is None or isinstance(plain, bool | int | float | str):
        return plain
    raise ValueError("not JSON data")


def _plain_article(a: Article) -> tuple[Any, ...]:
    authors = tuple((x.name, x.email, x.url) for x in a.authors)
    return (
        *(a.id, a.slug, a.url, a.title),
        _plain_time(a.published),
        _plain_time(a.updated),
        *(a.body, a.body_format.value, a.source_path, authors, a.categories, a.tags),
        *(a.image, a.summary, a.language, _plain_json(MappingProxyType(dict(a.extra)))),
    )


def _strs(plain: Any) -> tuple[str, ...]:
    if type(plain) is not tuple:
        raise ValueError("not a tuple of strings")
    "".join(plain)  # TypeError unless every item is a string (a check at C speed)
    return plain


def _text(plain: Any, optional: bool = False) -> Any:
    if isinstance(plain, str) or (optional and plain is None):
        return plain
    raise ValueError("not text")


#: Types a JSON scalar may have in the cache (``bool`` is an ``int`` but listed for clarity).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _extra(plain: Any) -> Mapping[str, JSONValue]:
    """Unknown front-matter keys back as a read-only mapping; flat ones without recursion."""
    if type(plain) is dict and all(
        type(key) is str and type(value) in _SCALARS for key, value in plain.items()
    ):
        return MappingProxyType(plain)
    value = _json(plain)
    if not isinstance(value, Mapping):
        raise ValueError("extra is not a mapping")
    return value


def _author(plain: Any) -> Author:
    name, email, url = plain
    return Author(_text(name), _text(email, True), _text(url, True))


#: Authors already made, by their plain form: most posts share the same few, and an
#: Author is immutable, so one object serves them all.
_AUTHORS: dict[Any, tuple[Author, ...]] = {}

#: Body formats by their plain form.
_FORMATS = {member.value: member for member in BodyFormat}

#: The types of an optional text field.
_OPTIONAL_TEXT = frozenset({str, type(None)})


def _authors(plain: Any) -> tuple[Author, ...]:
    if type(plain) is not tuple:
        raise ValueError("authors are not a tuple")
    known = _AUTHORS.get(plain)
    if known is None:
        known = tuple(_author(a) for a in plain)
        if len(_AUTHORS) < 1024:
            _AUTHORS[plain] = known
    return known


def _article(plain: Sequence[Any]) -> Article:
    (id_, slug, url, title, published, updated, body, body_format, source, authors) = plain[:10]
    categories, tags, image, summary, language, extra = plain[10:]
    kind = _FORMATS.get(body_format) if type(body_format) is str else None
    if kind is None or not (
        type(id_) is type(slug) is type(url) is type(title) is type(body) is type(source) is str
        and type(image) in _OPTIONAL_TEXT
        and type(summary) in _OPTIONAL_TEXT
        and type(language) in _OPTIONAL_TEXT
    ):
        raise ValueError("not text")
    return Article(
        id_,
        slug,
        url,
        title,
        _time(published),
        _time(updated),
        body,
        kind,
        source,
        _authors(authors),
        _strs(categories),
        _strs(tags),
        image,
        summary,
        language,
        _extra(extra),
    )


def _plain_diagnostic(d: Diagnostic) -> tuple[Any, ...]:
    return (d.path, d.field, d.message, d.severity.value, d.line)


def _diagnostic(plain: Sequence[Any]) -> Diagnostic:
    path, field, message, severity, line = plain
    if line is not None and not isinstance(line, int):
        raise ValueError("bad line")
    return Diagnostic(_text(path), _text(field), _text(message), Severity(severity), line)


def plain_outcome(outcome: Outcome) -> tuple[Any, ...]:
    """An Outcome as marshal-able plain data."""
    article = _plain_article(outcome.article) if outcome.article is not None else None
    excluded = outcome.excluded.value if outcome.excluded is not None else None
    diagnostics = tuple(_plain_diagnostic(d) for d in outcome.diagnostics)
    return article, excluded, diagnostics, outcome.body_span


def _body_span(plain: Any) -> BodySpan | None:
    if plain is None:
        return None
    start, size, crc = plain
    if not type(start) is type(size) is type(crc) is int:
        raise ValueError("not a body span")
    return start, size, crc


def outcome_from_plain(plain: Any) -> Outcome:
    """The Outcome :func:`plain_outcome` gave; ValueError/TypeError for anything else."""
    article, excluded, diagnostics, span = plain
    return Outcome(
        article=_article(article) if article is not None else None,
        excluded=Exclusion(excluded) if excluded is not None else None,
        diagnostics=tuple(_diagnostic(d) for d in diagnostics),
        body_span=_body_span(span),
    )


#: Strings longer than this (bodies) are never shared: they are unique anyway.
_SHARE_MAX = 256


def _shared(plain: Any, memo: dict[Any, Any]) -> Any:
    """``plain`` with equal short strings and equal tuples made one object (``memo``).

    marshal writes an object it has already written as a back-reference, so shared
    values (zone names, categories, authors, a post's path used as its key and as its
    ``source_path``, ``published`` equal to ``updated``) are read back once, not once
    per post: the cache file loads faster.
    """
    kind = type(plain)
    if kind is str:
        return memo.setdefault(plain, plain) if len(plain) <= _SHARE_MAX else plain
    if kind is tuple:
        items = tuple(_shared(item, memo) for item in plain)
        try:
            return memo.setdefault(items, items)
        except TypeError:  # holds a dict: not hashable, still shared inside
            return items
    if kind is dict:
        return {_shared(key, memo): _shared(value, memo) for key, value in plain.items()}
    return plain


#: Files whose identity changed though their bytes did not (a ``touch``) are re-hashed on
#: the next build; the cache file is rewritten for them only when this many pile up.
_STALE_IDENTITIES = 64


def _cacheable(outcome: Outcome) -> bool:
    """Future posts are parsed again every time: one day they are due."""
    return outcome.excluded is not Exclusion.FUTURE


# ---------------------------------------------------------------------------
# The posts cache


def _read_entries(path: Path, key: str) -> dict[str, _Entry]:
    data = _read_trusted(path)
    if data is None or not data.startswith(MAGIC):
        return {}
    try:
        body = memoryview(data)[len(MAGIC) :]  # no 50 MB copy
        stored_key, entries = marshal.loads(body)  # noqa: S302 - see module doc
    except (EOFError, ValueError, TypeError):
        return {}
    if stored_key != key or not isinstance(entries, dict):
        return {}
    return entries


def _reuse(entry: _Entry | None, identity: Identity | None, found: discover.Found) -> Any:
    """The plain outcome of an unchanged post, and its hash; (None, hash) when it changed."""
    if entry is None:
        return None, _content_hash(found)
    try:
        known_identity, known_hash, plain = entry
        if identity is not None and tuple(known_identity) == identity:
            return plain, known_hash
        content = _content_hash(found)
        return (plain if content == known_hash else None), content
    except Exception:  # a damaged entry
        return None, _content_hash(found)


def _content_hash(found: discover.Found) -> str:
    try:
        return _hash(discover.read_post_bytes(found))
    except Exception:  # unreadable: no hash, never reused, the loader reports why
        return ""


def cached_outcomes(
    files: Sequence[discover.Found], posts: str, site: Site, now: datetime, load_all: LoadAll
) -> list[Outcome]:
    """Every file's outcome, in order: reused when the file is unchanged, else ``load_all``.

    Writes the updated cache into ``site.cache_dir``; remembers the digest of all
    inputs for :func:`inputs_digest`.
    """
    del now  # time only matters to future posts, which are never cached
    folder = Path(site.cache_dir or ".")
    key = fingerprint(site, posts)
    name = f"posts-{_key(str(Path(posts).resolve()))}.marshal"
    with collector_paused():  # ~10^5 objects without cycles: nothing to collect
        entries = _read_entries(folder / name, key)
        outcomes: list[Outcome | None] = [None] * len(files)
        todo: list[int] = []
        fresh: dict[str, _Entry] = {}
        hashes: list[str] = [""] * len(files)
        stale = 0
        for index, found in enumerate(files):
            identity = _identity(found.path)
            entry = entries.get(found.relpath)
            plain, content = _reuse(entry, identity, found)
            hashes[index] = content
            if plain is not None:
                try:
                    outcomes[index] = outcome_from_plain(plain)
                except Exception:  # whatever a damaged entry holds: parse the post again
                    plain = None
            if plain is None:
                todo.append(index)
            elif identity is not None and content:
                fresh[found.relpath] = (identity, content, plain)
                stale += entry is not None and entry[0] != identity
    loaded = load_all([files[i] for i in todo]) if todo else []
    memo: dict[Any, Any] = {}
    for index, outcome in zip(todo, loaded, strict=True):
        outcomes[index] = outcome
        identity = _identity(files[index].path)
        if _cacheable(outcome) and identity is not None and hashes[index]:
            relpath = _shared(files[index].relpath, memo)
            plain = _shared(plain_outcome(outcome), memo)
            fresh[relpath] = (identity, hashes[index], plain)
    final = [o if o is not None else Outcome() for o in outcomes]
    if todo or stale >= _STALE_IDENTITIES or fresh.keys() != entries.keys():
        _write(folder, name, MAGIC + marshal.dumps((key, fresh)))
    _LAST[:] = [(final, _digest(key, files, hashes, final))]
    return final


def _digest(
    key: str, files: Sequence[discover.Found], hashes: Sequence[str], outcomes: Sequence[Outcome]
) -> str:
    digest = hashlib.blake2b(key.encode(), digest_size=20)
    for found, content, outcome in zip(files, hashes, outcomes, strict=True):
        kind = outcome.excluded.value if outcome.excluded is not None else ""
        digest.update(f"\0{found.relpath}\0{content}\0{kind}".encode("utf-8", "replace"))
    return digest.hexdigest()


def bind(outcomes: list[Outcome], result: LoadResult) -> None:
    """Tie the digest of ``outcomes`` (the last cached load) to the LoadResult made of them."""
    if _LAST and _LAST[0][0] is outcomes:
        _BOUND[:] = [(result, _LAST[0][1])]
    _LAST.clear()


_BOUND: list[tuple[LoadResult, str]] = []


def inputs_digest(load: LoadResult) -> str | None:
    """The digest of the inputs of ``load``, when it came from a cached load."""
    if _BOUND and _BOUND[0][0] is load:
        return _BOUND[0][1]
    return None


# ---------------------------------------------------------------------------
# The build manifest


def _manifest_name(posts: str, out: str) -> str:
    return f"build-{_key(str(Path(posts).resolve()), str(Path(out).resolve()))}.json"


def unchanged_build(
    site: Site, posts: str, out: str, digest: str
) -> tuple[tuple[WrittenFeed, ...], tuple[Diagnostic, ...]] | None:
    """The feeds and diagnostics of the last build, when its inputs had ``digest`` and the
    output folder still holds exactly the bytes it wrote; else None."""
    data = _read_trusted(Path(site.cache_dir or ".") / _manifest_name(posts, out))
    if data is None:
        return None
    try:
        manifest = json.loads(data)
        if manifest["digest"] != digest or manifest["version"] != __version__:
            return None
        for name, expected in manifest["files"].items():
            target = output.safe_output_path(Path(out), name)
            if _hash(target.read_bytes()) != expected:
                return None
        feeds = tuple(
            WrittenFeed(str(f), str(n), int(s), int(i), False) for f, n, s, i in manifest["feeds"]
        )
        diagnostics = tuple(_diagnostic(tuple(d)) for d in manifest["diagnostics"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return feeds, diagnostics


def remember_build(
    site: Site,
    posts: str,
    out: str,
    digest: str,
    files: Mapping[str, bytes],
    feeds: Sequence[WrittenFeed],
    diagnostics: Sequence[Diagnostic],
) -> None:
    """Record a finished build: its inputs' digest, its files' hashes, what it reported."""
    manifest = {
        "version": __version__,
        "digest": digest,
        "files": {name: _hash(data) for name, data in files.items()},
        "feeds": [[f.format, f.name, f.size, f.items] for f in feeds],
        "diagnostics": [list(_plain_diagnostic(d)) for d in diagnostics],
    }
    data = json.dumps(manifest, ensure_ascii=False).encode()
    _write(Path(site.cache_dir or "."), _manifest_name(posts, out), data)


# ---------------------------------------------------------------------------
# The last-run record: the command line's no-change fast path
#
# ``run-<key>.json`` holds what ``laojia-feed build`` printed for a run, the digest of
# that run's inputs as seen *before* loading (settings, the config file's identity, the
# paths as given, every post's identity from one discovery walk), and the identity
# (size, mtime in ns, inode) of every file the build left in the output folder, taken
# right after writing. A later run whose inputs have the same digest and whose output
# files still have those identities prints the record and stops: no post is read, no
# feed rendered. Identities, not hashes, are compared (hashing tens of MB of feeds would
# cost more than the whole fast path): a file rewritten in place within the same
# nanosecond at the same size would go unnoticed, as it does for the posts cache. A
# feed replaced atomically always gets a new inode. Runs that excluded a future post
# leave no record (the day it falls due is not known here), so they always load.

#: Layout version of the last-run record.
_RUN_FORMAT = 1


def _run_name(posts: str, out: str) -> str:
    return f"run-{_key(str(Path(posts).resolve()), str(Path(out).resolve()))}.json"


def _stat_identity(path: Path | str) -> Identity | None:
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def run_digest(
    site: Site,
    posts: str,
    out: str,
    given: tuple[str, str],
    config_source: Path | None,
    config_diagnostics: Sequence[Diagnostic],
) -> str | None:
    """The digest of a command-line run's inputs, from one walk of ``posts`` and an lstat
    per post; None when the folder cannot be walked (the normal path reports why).

    ``posts``/``out`` are the folders used, ``given`` the two arguments as typed (the
    printed paths depend on them)."""
    try:
        found = discover.discover(Path(posts), site.patterns)
    except Exception:  # FieldError, or anything odd: the normal path deals with it
        return None
    source = str(config_source) if config_source is not None else ""
    head = [
        fingerprint(site, posts),
        *given,
        str(Path(posts).resolve()),
        str(Path(out).resolve()),
        source,
        repr(_stat_identity(source) if source else None),
        repr(tuple(_plain_diagnostic(d) for d in config_diagnostics)),
        repr(found.excluded),
        repr(found.diagnostics),
    ]
    digest = hashlib.blake2b("\0".join(head).encode("utf-8", "replace"), digest_size=20)
    lstat = os.lstat
    parts: list[str] = []
    for item in found.files:
        try:
            info = lstat(item.path)
        except OSError:
            return None
        parts.append(f"{item.relpath}\0{item.draft:d}\0{info.st_size}\0")
        parts.append(f"{info.st_mtime_ns}\0{info.st_ino}\0{info.st_mode}\n")
    digest.update("".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def replay_run(
    site: Site, posts: str, out: str, digest: str
) -> tuple[tuple[Diagnostic, ...], str] | None:
    """The diagnostics and summary line recorded for a run with ``digest``, when every
    output file still has the identity recorded; else None."""
    data = _read_trusted(Path(site.cache_dir or ".") / _run_name(posts, out))
    if data is None:
        return None
    try:
        record = json.loads(data)
        if (
            record["format"] != _RUN_FORMAT
            or record["version"] != __version__
            or record["digest"] != digest
        ):
            return None
        for name, identity in record["files"].items():
            target = output.safe_output_path(Path(out), name)
            if list(_stat_identity(target) or ()) != identity:
                return None
        diagnostics = tuple(_diagnostic(tuple(d)) for d in record["diagnostics"])
        summary = _text(record["summary"])
    except Exception:  # unreadable, damaged or foreign: the normal path
        return None
    return diagnostics, summary


def remember_run(
    site: Site,
    posts: str,
    out: str,
    digest: str,
    load: LoadResult,
    diagnostics: Sequence[Diagnostic],
    summary: str,
) -> None:
    """Record a finished run for :func:`replay_run`: only when ``load`` came from the
    cache, its build was recorded in the manifest (every file written) and no post was
    excluded as future."""
    build_digest = inputs_digest(load)
    if build_digest is None or any(e.reason is Exclusion.FUTURE for e in load.excluded):
        return
    if any(d.field == "output" and d.severity is Severity.ERROR for d in diagnostics):
        return  # some file may not hold what the manifest says
    folder = Path(site.cache_dir or ".")
    data = _read_trusted(folder / _manifest_name(posts, out))
    try:
        manifest = json.loads(data) if data is not None else None
        if manifest is None or manifest["digest"] != build_digest:
            return
        files: dict[str, list[int]] = {}
        for name in manifest["files"]:
            identity = _stat_identity(output.safe_output_path(Path(out), str(name)))
            if identity is None:
                return
            files[str(name)] = list(identity)
    except Exception:  # no usable manifest: no record
        return
    record = {
        "format": _RUN_FORMAT,
        "version": __version__,
        "digest": digest,
        "files": files,
        "diagnostics": [list(_plain_diagnostic(d)) for d in diagnostics],
        "summary": summary,
    }
    _write(folder, _run_name(posts, out), json.dumps(record, ensure_ascii=False).encode())
