"""The posts cache: each post's load outcome without its body, reused while the post's
bytes are unchanged (``posts-<key>.marshal``)."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from laojia_feed._version import __version__
from laojia_feed.cache.codec import outcome_from_plain, plain_outcome, shared
from laojia_feed.cache.files import Identity, file_identity, hash_bytes, key_of, read_trusted, write
from laojia_feed.model import Exclusion, Site
from laojia_feed.read import discover
from laojia_feed.read.load import LoadAll, Outcome, collector_paused

#: First bytes of a posts cache file; bumped whenever its layout changes.
MAGIC = b"laojia-feed posts cache 2\n"


#: One cached post: identity, hash of its bytes, plain outcome.
_Entry = tuple[Identity, str, Any]


def fingerprint(site: Site, posts: str) -> str:
    """What besides the posts decides every outcome: version, settings, posts folder name."""
    return hash_bytes(f"{__version__}\n{posts}\n{site!r}".encode())


#: Files whose identity changed though their bytes did not (a ``touch``) are re-hashed on
#: the next build; the cache file is rewritten for them only when this many pile up.
_STALE_IDENTITIES = 64


def _cacheable(outcome: Outcome) -> bool:
    """Future posts are parsed again every time: one day they are due."""
    return outcome.excluded is not Exclusion.FUTURE


# ---------------------------------------------------------------------------
# The posts cache


def _read_entries(path: Path, key: str) -> dict[str, _Entry]:
    data = read_trusted(path)
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
        return hash_bytes(discover.read_post_bytes(found))
    except Exception:  # unreadable: no hash, never reused, the loader reports why
        return ""


def cached_outcomes(
    folder: Path, files: Sequence[discover.Found], posts: str, site: Site, load_all: LoadAll
) -> tuple[list[Outcome], str]:
    """Every file's outcome, in order: reused when the file is unchanged, else ``load_all``.

    Writes the updated cache into ``site.cache_dir``; remembers the digest of all
    inputs for :func:`inputs_digest`.
    """
    key = fingerprint(site, posts)
    name = f"posts-{key_of(str(Path(posts).resolve()))}.marshal"
    with collector_paused():  # ~10^5 objects without cycles: nothing to collect
        entries = _read_entries(folder / name, key)
        outcomes: list[Outcome | None] = [None] * len(files)
        todo: list[int] = []
        fresh: dict[str, _Entry] = {}
        hashes: list[str] = [""] * len(files)
        stale = 0
        for index, found in enumerate(files):
            identity = file_identity(found.path)
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
        identity = file_identity(files[index].path)
        if _cacheable(outcome) and identity is not None and hashes[index]:
            relpath = shared(files[index].relpath, memo)
            plain = shared(plain_outcome(outcome), memo)
            fresh[relpath] = (identity, hashes[index], plain)
    final = [o if o is not None else Outcome() for o in outcomes]
    if todo or stale >= _STALE_IDENTITIES or fresh.keys() != entries.keys():
        write(folder, name, MAGIC + marshal.dumps((key, fresh)))
    return final, _digest(key, files, hashes, final)


def _digest(
    key: str, files: Sequence[discover.Found], hashes: Sequence[str], outcomes: Sequence[Outcome]
) -> str:
    digest = hashlib.blake2b(key.encode(), digest_size=20)
    for found, content, outcome in zip(files, hashes, outcomes, strict=True):
        kind = outcome.excluded.value if outcome.excluded is not None else ""
        digest.update(f"\0{found.relpath}\0{content}\0{kind}".encode("utf-8", "replace"))
    return digest.hexdigest()
