"""The last-run record (``run-<key>.json``): the command line's no-change fast path.

``run-<key>.json`` holds what ``laojia-feed build`` printed for a run, the digest of
that run's inputs as seen *before* loading (settings, the config file's identity, the
paths as given, every post's identity from one discovery walk), and the identity
(size, mtime in ns, inode) of every file the build left in the output folder, taken
right after writing. A later run whose inputs have the same digest and whose output
files still have those identities prints the record and stops: no post is read, no
feed rendered. Identities, not hashes, are compared (hashing tens of MB of feeds would
cost more than the whole fast path): a file rewritten in place within the same
nanosecond at the same size would go unnoticed, as it does for the posts cache. A
feed replaced atomically always gets a new inode. Runs that excluded a future post
leave no record (the day it falls due is not known here), so they always load.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from laojia_feed._version import __version__
from laojia_feed.cache.codec import diagnostic_from_plain, plain_diagnostic
from laojia_feed.cache.codec import text as codec_text
from laojia_feed.cache.files import Identity, key_of, read_trusted, write
from laojia_feed.cache.manifest import manifest_name
from laojia_feed.cache.posts import fingerprint
from laojia_feed.model import Diagnostic, Exclusion, LoadResult, Severity, Site
from laojia_feed.read import discover
from laojia_feed.write import output

#: Layout version of the last-run record.
_RUN_FORMAT = 1


def _run_name(posts: str, out: str) -> str:
    return f"run-{key_of(str(Path(posts).resolve()), str(Path(out).resolve()))}.json"


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
        repr(tuple(plain_diagnostic(d) for d in config_diagnostics)),
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
    folder: Path, posts: str, out: str, digest: str
) -> tuple[tuple[Diagnostic, ...], str] | None:
    """The diagnostics and summary line recorded for a run with ``digest``, when every
    output file still has the identity recorded; else None."""
    data = read_trusted(folder / _run_name(posts, out))
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
        diagnostics = tuple(diagnostic_from_plain(d) for d in record["diagnostics"])
        summary = codec_text(record["summary"])
    except Exception:  # unreadable, damaged or foreign: the normal path
        return None
    return diagnostics, summary


def remember_run(
    folder: Path,
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
    build_digest = load.inputs_digest
    if build_digest is None or any(e.reason is Exclusion.FUTURE for e in load.excluded):
        return
    if any(d.field == "output" and d.severity is Severity.ERROR for d in diagnostics):
        return  # some file may not hold what the manifest says
    data = read_trusted(folder / manifest_name(posts, out))
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
        "diagnostics": [plain_diagnostic(d) for d in diagnostics],
        "summary": summary,
    }
    write(folder, _run_name(posts, out), json.dumps(record, ensure_ascii=False).encode())
