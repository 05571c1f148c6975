"""Posts grouped by category and by tag, each group with a folder name safe as one path segment.

A category or tag feed is written under ``categories/<folder>/`` or ``tags/<folder>/``.
The folder keeps the name readable (``生活`` stays ``生活``; URLs percent-encode it):
it is the name made safe as one path segment by :func:`~laojia_feed.read.permalinks.slug_from`
(the same rule as post slugs), in Unicode NFC, cut to a length every file system
accepts. Names whose folders would collide (also when they differ only in case, as
on case-insensitive file systems) are reported once and told apart by a short hash.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from laojia_feed.feeds.formats.post_keys import guess_language
from laojia_feed.generators.hugo import page_sections
from laojia_feed.model import Article, Site, Warn
from laojia_feed.read.permalinks import slug_from

#: Longest folder name, in UTF-8 bytes (file systems allow 255; the hash suffix needs room).
MAX_FOLDER_BYTES = 120

#: Characters a folder name never holds: controls and lone surrogates (output.py refuses them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A way of grouping posts: categories or tags."""

    #: Top folder of its feeds, also the :class:`~laojia_feed.model.Article` attribute.
    folder: str
    #: The word in feed titles, by primary language subtag (``""``: any other language).
    labels: Mapping[str, str]
    #: The article's names in it (None: the Article attribute named like :attr:`folder`).
    of: Callable[[Article], tuple[str, ...]] | None = field(default=None, compare=False)

    def names_of(self, article: Article) -> tuple[str, ...]:
        """The article's names in this taxonomy, empty ones dropped."""
        names = self.of(article) if self.of is not None else getattr(article, self.folder)
        return tuple(name for name in names if name.strip())

    def label(self, language: str) -> str:
        """The word for this taxonomy in feed titles: ``分类`` for Chinese sites."""
        primary = language.partition("-")[0].lower()
        return self.labels.get(primary, self.labels[""])


#: Category feeds: ``categories/<name>/``.
CATEGORIES = Taxonomy("categories", MappingProxyType({"zh": "分类", "": "Category"}))
#: Tag feeds: ``tags/<name>/``.
TAGS = Taxonomy("tags", MappingProxyType({"zh": "标签", "": "Tag"}))

#: The folder of the language feeds: ``languages/<tag>/``.
LANGUAGES_FOLDER = "languages"

#: Section feeds stand in the sections' own folders (``posts/``, ``cn/kids/``), as Hugo's.
SECTIONS_FOLDER = ""


def sections(site: Site) -> Taxonomy:
    """Section feeds of ``site``: each post under the deepest section holding it (Hugo's
    sections when the site's are known, else the post's first folder; none at the top)."""

    def of(article: Article) -> tuple[str, ...]:
        path = posixpath.join(site.tags_folder, article.source_path)
        if site.sections:
            return ("/".join(page_sections(path, site.sections)),)
        return (path.split("/")[0],) if "/" in path else ()

    return Taxonomy(SECTIONS_FOLDER, MappingProxyType({"zh": "栏目", "": "Section"}), of)


def languages(site: Site) -> Taxonomy:
    """Language feeds of ``site``: each entry under its ``lang``, else a plain guess from its
    title and summary (``guess_language``), else the site's language."""

    def of(article: Article) -> tuple[str, ...]:
        if article.language:
            return (article.language,)
        text = f"{article.title}\n{article.summary or ''}"
        guessed = guess_language(text, site.language) if site.guess_language else None
        return (guessed or site.language,)

    return Taxonomy(LANGUAGES_FOLDER, MappingProxyType({"zh": "语言", "": "Language"}), of)


@dataclass(frozen=True, slots=True)
class Term:
    """One category or tag and its posts."""

    #: The name as written in front matter.
    name: str
    #: Its folder under the taxonomy's folder: one safe path segment.
    folder: str
    #: Its posts, newest first.
    articles: tuple[Article, ...]


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def _digest(name: str, length: int) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def safe_folder(name: str) -> str:
    """``name`` as one readable path segment: ``生活`` → ``生活``, ``a/b c`` → ``a-b-c``.

    Never empty, never hidden (no leading dot), no separator, control character or
    lone surrogate, at most :data:`MAX_FOLDER_BYTES` bytes. A name with nothing
    usable left becomes a short hash of itself.
    """
    text = _UNSAFE.sub("", unicodedata.normalize("NFC", _UNSAFE.sub("", name)))
    folder = slug_from(_cut(slug_from(text), MAX_FOLDER_BYTES)).strip("-.")
    return folder or _digest(name, 10)


def _collision_key(folder: str) -> str:
    return unicodedata.normalize("NFC", folder.casefold())


def folder_names(names: Iterable[str], kind: str, warn: Warn) -> dict[str, str]:
    """A distinct folder for each name; one warning per group of colliding names.

    In a group, the first name in code point order keeps the plain folder; each other
    name gets ``-`` and a hash of itself, which does not change when names come or go.
    ``kind`` (``categories``, ``tags``) names the folder in the warning.
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        groups.setdefault(_collision_key(safe_folder(name)), []).append(name)
    taken = set(groups)
    folders: dict[str, str] = {}
    for group in groups.values():
        first, *others = group
        folders[first] = safe_folder(first)
        moved: list[str] = []
        for name in others:
            base = safe_folder(name)
            length = 6
            folder = f"{base}-{_digest(name, length)}"
            while _collision_key(folder) in taken:
                length += 2
                folder = f"{base}-{_digest(name, length)}"
            taken.add(_collision_key(folder))
            folders[name] = folder
            moved.append(f"{name!r} goes to {kind}/{folder}/")
        if moved:
            shown = ", ".join(repr(name) for name in group)
            warn(f"{shown} would share the folder {kind}/{folders[first]}/; {'; '.join(moved)}")
    return folders


def terms(taxonomy: Taxonomy, articles: Sequence[Article], warn: Warn) -> tuple[Term, ...]:
    """Every name of ``taxonomy`` in ``articles`` with its posts (newest first), by name."""
    grouped: dict[str, list[Article]] = {}
    for article in articles:
        for name in dict.fromkeys(taxonomy.names_of(article)):
            grouped.setdefault(name, []).append(article)
    if taxonomy.folder == SECTIONS_FOLDER:  # a section's folder is its own path
        folders = {name: "/".join(map(safe_folder, name.split("/"))) for name in grouped}
    else:
        folders = folder_names(grouped, taxonomy.folder, warn)
    return tuple(Term(name, folders[name], tuple(grouped[name])) for name in sorted(grouped))
