"""The build manifest (``build-<key>.json``): the digest of every input of the last build
and the digest of every file it wrote, so that an unchanged build writes nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from laojia_feed._version import __version__
from laojia_feed.cache.codec import diagnostic_from_plain, plain_diagnostic
from laojia_feed.cache.files import key_of, read_trusted, write
from laojia_feed.errors import LaojiaError
from laojia_feed.model import Diagnostic, WrittenFeed
from laojia_feed.write import output
from laojia_feed.write.writer import file_digest


def manifest_name(posts: str, out: str) -> str:
    return f"build-{key_of(str(Path(posts).resolve()), str(Path(out).resolve()))}.json"


def unchanged_build(
    folder: Path, posts: str, out: str, digest: str
) -> tuple[tuple[WrittenFeed, ...], tuple[Diagnostic, ...]] | None:
    """The feeds and diagnostics of the last build, when its inputs had ``digest`` and the
    output folder still holds exactly the bytes it wrote; else None."""
    data = read_trusted(folder / manifest_name(posts, out))
    if data is None:
        return None
    try:
        manifest = json.loads(data)
        if manifest["digest"] != digest or manifest["version"] != __version__:
            return None
        for name, expected in manifest["files"].items():
            target = output.safe_output_path(Path(out), name)
            if file_digest(target.read_bytes()) != expected:
                return None
        feeds = tuple(
            WrittenFeed(str(f), str(n), int(s), int(i), False) for f, n, s, i in manifest["feeds"]
        )
        diagnostics = tuple(diagnostic_from_plain(d) for d in manifest["diagnostics"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, LaojiaError):
        return None
    return feeds, diagnostics


def remember_build(
    folder: Path,
    posts: str,
    out: str,
    digest: str,
    files: Mapping[str, str],
    feeds: Sequence[WrittenFeed],
    diagnostics: Sequence[Diagnostic],
) -> None:
    """Record a finished build: its inputs' digest, its files' hashes, what it reported."""
    manifest = {
        "version": __version__,
        "digest": digest,
        "files": dict(files),
        "feeds": [[f.format, f.name, f.size, f.items] for f in feeds],
        "diagnostics": [plain_diagnostic(d) for d in diagnostics],
    }
    data = json.dumps(manifest, ensure_ascii=False).encode()
    write(folder, manifest_name(posts, out), data)
