"""The baseline a user would write by hand: python-frontmatter + feedgen, RSS and Atom.

No validation, no sanitizing, no absolute URLs, no size budget: every post that
python-frontmatter understands (YAML front matter; it skips ``+++`` TOML without the
``toml`` package and ``;;;`` Hexo JSON) becomes an item with its full content.
Markdown files go through markdown-it-py, as the feeds need HTML.

Usage: ``python benchmarks/plain_loop.py POSTS OUT [--site-url URL] [--timezone ZONE]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
from dateutil import parser as dateparser
from feedgen.feed import FeedGenerator
from markdown_it import MarkdownIt


def post_files(root: Path) -> Iterator[Path]:
    """Every .md/.html file under ``root``, in a stable order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".md", ".html")):
                yield Path(folder) / name


def as_datetime(raw: object, zone: ZoneInfo) -> datetime | None:
    """Whatever YAML gave for ``date`` as an aware datetime, or None."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str):
        value = dateparser.parse(raw)
    else:
        return None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def flat(raw: object) -> list[str]:
    """Categories or tags, Hexo nesting flattened."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [name for item in raw for name in flat(item)]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    """Read every post, write rss.xml and atom.xml."""
    parser = argparse.ArgumentParser(description="python-frontmatter + feedgen baseline")
    parser.add_argument("posts", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--site-url", default="https://bench.example.org/")
    parser.add_argument("--timezone", default="Asia/Shanghai")
    args = parser.parse_args(argv)
    zone = ZoneInfo(args.timezone)
    markdown = MarkdownIt("commonmark", {"html": True})
    entries: list[tuple[datetime, str, str, str, list[str]]] = []
    skipped = 0
    for path in post_files(args.posts):
        post = frontmatter.load(str(path))
        published = as_datetime(post.metadata.get("date"), zone)
        title = post.metadata.get("title")
        if published is None or not isinstance(title, str):
            skipped += 1
            continue
        body = markdown.render(post.content) if path.suffix == ".md" else post.content
        link = args.site_url + path.relative_to(args.posts).with_suffix("").as_posix() + "/"
        terms = flat(post.metadata.get("categories")) + flat(post.metadata.get("tags"))
        entries.append((published, title, link, body, terms))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    feed = FeedGenerator()
    feed.id(args.site_url)
    feed.title("Plain loop")
    feed.link(href=args.site_url, rel="alternate")
    feed.description("python-frontmatter + feedgen")
    for published, title, link, body, terms in entries:
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(title)
        entry.link(href=link)
        entry.published(published)
        entry.updated(published)
        entry.content(body, type="html")
        for term in terms:
            entry.category(term=term)
    args.out.mkdir(parents=True, exist_ok=True)
    feed.rss_file(str(args.out / "rss.xml"))
    feed.atom_file(str(args.out / "atom.xml"))
    print(f"plain loop: {len(entries)} entries, {skipped} posts skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
