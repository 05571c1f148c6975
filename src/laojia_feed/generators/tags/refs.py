"""From the references tags make to other posts to those posts' URLs and titles.

:class:`Targets` is built once per build from every loaded post (its path under the
content folder, URL and title) and gives :class:`~.model.TagContext` its ``post_url``
and ``post_title``. Each generator names a post its own way:

* Hexo ``{% post_link x %}``: the path under ``source/_posts`` without extension
  (``x``, ``folder/x``), or the post's title;
* Jekyll ``{% post_url 2010-07-21-x %}``: the file name without extension (and a
  folder under ``_posts``); ``{% link _posts/2010-07-21-x.md %}``: the path from the
  site root;
* Hugo ``{{< ref "posts/x.md" >}}``: the path under ``content`` (with or without a
  leading ``/``, with or without ``.md``, a bundle by its folder), or the bare file name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .markup import path_of
from .model import Call, Report, TagContext
from .scan import split_words


def keys(path: str, generator: str) -> tuple[str, ...]:
    """The references that name the post at ``path`` (relative to the content folder:
    ``source/_posts`` for Hexo, ``_posts`` for Jekyll, ``content`` for Hugo)."""
    pure = PurePosixPath(path.strip("/"))
    without = str(pure.with_suffix(""))
    if generator == "hexo":
        return (without,)
    if generator == "jekyll":
        return (without, pure.stem, f"_posts/{pure}")
    bundle = pure.stem in ("index", "_index")
    stem = str(pure.parent) if bundle else without
    found = (
        [str(pure), stem, pure.parent.name] if bundle else [str(pure), stem, pure.stem, pure.name]
    )
    return tuple(dict.fromkeys([*found, *("/" + key for key in found)]))


@dataclass(frozen=True)
class Targets:
    """URLs and titles of a site's posts by every reference that names them."""

    urls: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, posts: Iterable[tuple[str, str, str]], generator: str) -> Targets:
        """From ``(path, url, title)`` of each post; the first post claiming a key keeps it
        (Hexo's ``post_link`` also finds a post by its title)."""
        targets = cls()
        for path, url, title in posts:
            names = keys(path, generator) + ((title,) if generator == "hexo" else ())
            for name in names:
                targets.urls.setdefault(name, url)
                targets.titles.setdefault(name, title)
        return targets

    def url(self, reference: str) -> str | None:
        return self.urls.get(reference.strip())

    def title(self, reference: str) -> str | None:
        return self.titles.get(reference.strip())


def post_path(call: Call, ctx: TagContext, report: Report) -> str:
    """The URL path of the post the tag's first argument names (Hexo ``post_path``,
    Jekyll ``post_url`` and ``link``); nothing, and a problem, when there is none."""
    words = split_words(call.token.args)
    url = ctx.post_url(words[0]) if words else None
    if url is None:
        report.problem(f"{call.token.source}: no such post or page; dropped")
        return ""
    return path_of(url)
