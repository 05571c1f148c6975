"""Compare laojia-feed with the real generators on real blogs: the same posts, item by item.

    python benchmarks/real_blogs.py SITE_DIR [SITE_DIR ...]   (or a folder of site roots)

Each site root (Hexo, Hugo or Jekyll, recognised by laojia-feed's detection) is built twice:

- by its real generator (Hexo + hexo-generator-feed, Hugo, Jekyll + jekyll-feed) in a
  temporary copy with the smallest changes that keep the feed's semantics: the theme and
  its plugins are left out (the feed plugins need none), only the posts and what they
  include are copied; every change made is printed;
- by ``laojia-feed build SITE --out ...`` (the CLI, as a user runs it, diagnostics as JSON).

Both are run with the same ``TZ``: a Hexo site's ``timezone`` (Hexo formats permalink dates
in the machine's zone), else the caller's ``TZ`` (UTC when unset). Every top-level feed
file laojia-feed writes is compared with the generator's file of the same name, parsed by
feedparser: posts in each, and for posts both publish the link, id, published instant and
offset, title and categories. Posts are paired by link, then by unique title. Posts that
laojia-feed's size budget leaves out (it says so in a warning) are counted, not mismatches.
A false alarm is an error on a post the generator publishes. Differences that are
laojia-feed's choice (:func:`deliberate`) are counted apart. The exit status is 1 on any other
mismatch, missing feed, false alarm or failed build. The sites are never modified. ``--all``
lifts the feed length in both builds, to compare every post. Generators: ``hugo`` next to
this Python or on PATH, Hexo in ``$LAOJIA_GENERATORS/hexo``, ``jekyll`` on PATH
(tests/generators/install.sh).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser
import yaml

from laojia_feed.generators.detect import SiteProject, detect_site
from laojia_feed.model import FieldError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator_builds import BUILDERS, hexo_zone, run

#: Categories compared as sets (feeds may order them differently).
FIELDS = ("link", "id", "published", "offset", "title", "categories")


@dataclass(frozen=True)
class Item:
    """One feed entry, as compared."""

    link: str
    id: str
    published: datetime | None
    title: str
    categories: frozenset[str]


@dataclass
class Report:
    """What one site's comparison found."""

    site: Path
    kind: str = "?"
    changes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: bool = False

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def add(self, key: str, line: str, *, bad: bool = True) -> None:
        self.count(key)
        self.failed = self.failed or bad
        self.lines.append(f"    {key}: {line}")


def project(root: Path) -> SiteProject | None:
    """The Hexo, Hugo or Jekyll site at ``root`` as laojia-feed sees it, or None."""
    try:
        return detect_site(root)
    except FieldError:
        return None


def build_laojia(root: Path, out: Path, tz: str, every: bool) -> list[dict[str, Any]]:
    """Run the CLI on the site root; its diagnostics (JSON lines on stderr)."""
    argv = [sys.executable, "-m", "laojia_feed", "build", str(root), "-o", str(out)]
    argv += ["--format=json", *(["--limit=0", "--budget=none"] if every else [])]
    done = run(argv, out.parent, tz)
    found = []
    for line in (done.stderr + "\n" + done.stdout).splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    if done.returncode not in {0, 1} or not out.is_dir():
        found.append({"severity": "error", "path": str(root), "message": done.stderr[-500:]})
    return found


# --- reading and comparing feeds --------------------------------------------------------


def published(entry: Any) -> datetime | None:
    """The entry's published date with its written offset (Atom, else RSS pubDate)."""
    raw = entry.get("published") or entry.get("updated")
    if not raw:
        return None
    if re.search(r"\b0001\b", raw):  # Hugo's zero date; email.utils would read 2001
        return datetime(1, 1, 1, tzinfo=UTC)
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            return parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None


def items(path: Path) -> list[Item]:
    parsed = feedparser.parse(path.read_bytes())
    found = []
    for entry in parsed.entries:
        title = entry.get("title", "")
        if entry.get("title_detail", {}).get("type") == "text/html":
            title = html.unescape(title)
        terms = frozenset(t.get("term") or "" for t in entry.get("tags", []))
        link = entry.get("link", "")
        found.append(Item(link, entry.get("id", ""), published(entry), title.strip(), terms))
    return found


def pair(
    theirs: list[Item], ours: list[Item]
) -> tuple[list[tuple[Item, Item]], list[Item], list[Item]]:
    """Pairs by link, then by unique title; and the posts only in theirs, only in ours."""
    by_link = {item.link: item for item in ours}
    pairs, left = [], []
    for item in theirs:
        if item.link in by_link:
            pairs.append((item, by_link.pop(item.link)))
        else:
            left.append(item)
    titles = [item.title for item in by_link.values()]
    by_title = {item.title: item for item in by_link.values() if titles.count(item.title) == 1}
    only_theirs = []
    for item in left:
        if item.title in by_title:
            match = by_title.pop(item.title)
            pairs.append((item, match))
            by_link.pop(match.link)
        else:
            only_theirs.append(item)
    return pairs, only_theirs, list(by_link.values())


#: Typographic quotes jekyll-feed's ``smartify`` puts in titles, and the straight ones.
_QUOTES = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")


def deliberate(key: str, their: Item, our: Item, *, no_categories: bool) -> str | None:
    """Why a difference is laojia-feed's choice, not a bug (see notes/realblogs.md)."""
    if key == "offset" and their.published == our.published:
        return "same instant; laojia keeps the offset the author wrote"
    if key == "title" and " ".join(their.title.split()) == our.title:
        return "laojia collapses runs of white space in titles"
    if key == "title" and their.title.translate(_QUOTES) == our.title:
        return "jekyll-feed's smartify quotes"
    if key == "title" and not their.title and our.title:
        return "the generator's empty title for a page without front matter it reads"
    if key == "categories" and no_categories:
        return "the generator's feed carries no categories"
    if key in {"published", "offset"} and their.published and their.published.year <= 1:
        return "the generator's zero date (year 1) for a page without a date"
    return None


def offset(moment: datetime | None) -> timedelta | None:
    return None if moment is None else moment.utcoffset()


def field_values(item: Item) -> dict[str, object]:
    return {
        "link": item.link,
        "id": item.id,
        "published": item.published,
        "offset": offset(item.published),
        "title": item.title,
        "categories": sorted(item.categories),
    }


def compare_feed(
    name: str, theirs: list[Item], ours: list[Item], budget_cut: bool, report: Report
) -> None:
    report.lines.append(f"  {name}: generator {len(theirs)} items, laojia {len(ours)} items")
    pairs, only_theirs, only_ours = pair(theirs, ours)
    no_categories = not any(item.categories for item in theirs)
    for their, our in pairs:
        mine, other = field_values(our), field_values(their)
        for key in FIELDS:
            if mine[key] == other[key]:
                continue
            line = f"{their.link}: generator {other[key]!r}, laojia {mine[key]!r}"
            reason = deliberate(key, their, our, no_categories=no_categories)
            if reason:
                report.add(f"deliberate {key} ({reason})", line, bad=False)
            else:
                report.add(key, line)
    oldest = min((i.published for i in ours if i.published), default=None)
    for item in only_theirs:
        cut = budget_cut and oldest is not None and item.published and item.published <= oldest
        if cut:
            report.count("cut by laojia's budget")
        elif item.published and item.published.year <= 1:
            why = "deliberate: undated page (the generator dates it year 1), not a post"
            report.add(why, f"{item.link} {item.title!r}", bad=False)
        else:
            report.add("only in generator", f"{item.link} {item.title!r} {item.published}")
    for item in only_ours:
        report.add("only in laojia", f"{item.link} {item.title!r} {item.published}")


def is_feed(path: Path) -> bool:
    head = path.read_bytes()[:2000]
    return path.suffix == ".xml" and (b"<rss" in head or b"<feed" in head)


def compare_site(root: Path, keep: Path | None, every: bool) -> Report:
    report = Report(root)
    site = project(root)
    if site is None:
        report.add("not a site", "not a usable Hexo, Hugo or Jekyll site root")
        return report
    report.kind = site.kind
    tz = (hexo_zone(root) if site.kind == "hexo" else None) or os.environ.get("TZ") or "UTC"
    with tempfile.TemporaryDirectory(prefix="real-blogs-") as temp:
        work = Path(temp)
        try:
            theirs = BUILDERS[site.kind](site, work, tz, report.changes, every)
        except (RuntimeError, OSError, subprocess.SubprocessError, yaml.YAMLError) as problem:
            report.failed = True
            report.lines.append(f"  generator build failed: {problem}")
            return report
        ours = work / "laojia"
        diagnostics = build_laojia(root, ours, tz, every)
        compare_outputs(theirs, ours, diagnostics, report)
        if keep is not None:
            shutil.copytree(work, keep / root.name, dirs_exist_ok=True, symlinks=True)
    return report


def compare_outputs(
    theirs: Path, ours: Path, diagnostics: list[dict[str, Any]], report: Report
) -> None:
    budget_cut = any(d.get("field") == "budget" for d in diagnostics)
    published_links: set[str] = set()
    our_files = sorted(p for p in ours.glob("*.xml") if is_feed(p)) if ours.is_dir() else []
    if not our_files:
        report.add("missing feed", "laojia-feed wrote no RSS/Atom feed")
    for our_file in our_files:
        their_file = theirs / our_file.name
        if not their_file.is_file():
            report.add("missing feed", f"the generator wrote no {our_file.name}")
            continue
        their_items = items(their_file)
        published_links |= {i.link for i in their_items}
        compare_feed(our_file.name, their_items, items(our_file), budget_cut, report)
    for their_file in sorted(p for p in theirs.glob("*.xml") if is_feed(p)):
        if not (ours / their_file.name).exists():
            report.add("missing feed", f"laojia-feed wrote no {their_file.name}")
    tally_diagnostics(diagnostics, published_links, report)


def tally_diagnostics(
    diagnostics: Iterable[dict[str, Any]], links: set[str], report: Report
) -> None:
    for found in diagnostics:
        severity = str(found.get("severity"))
        key = f"laojia {severity}s"
        report.counts[key] = report.counts.get(key, 0) + 1
        text = f"{found.get('path')}: {found.get('field')}: {found.get('message')}"
        if severity == "error":
            # a post the generator publishes must never be an error: a false alarm
            slug = Path(str(found.get("path"))).stem.lower().removeprefix("index")
            alarm = any(slug and slug in unquote(link).lower() for link in links) or not links
            report.add("false alarm" if alarm else "laojia error", text)
        elif severity == "warning":
            report.lines.append(f"    warning: {text}")


def site_roots(arguments: list[Path]) -> list[Path]:
    """The site roots named, or the site roots inside a folder named."""
    roots: list[Path] = []
    for path in arguments:
        if project(path) is None and path.is_dir():
            roots += sorted(p for p in path.iterdir() if p.is_dir() and project(p))
        else:
            roots.append(path)
    return roots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", type=Path, help="site roots, or folders of them")
    parser.add_argument("--keep", type=Path, help="copy both builds of each site here")
    parser.add_argument("--all", action="store_true", help="every post: limits lifted in both")
    parser.add_argument("--verbose", "-v", action="store_true", help="every mismatch line")
    args = parser.parse_args(argv)
    failed = False
    for root in site_roots(args.sites):
        report = compare_site(root.resolve(), args.keep, args.all)
        failed = failed or report.failed
        print(f"{root.name} ({report.kind}): {'MISMATCH' if report.failed else 'same'}")
        for change in report.changes:
            print(f"  change: {change}")
        shown = report.lines if args.verbose else report.lines[:40]
        print("\n".join(shown))
        if len(shown) < len(report.lines):
            print(f"    ... {len(report.lines) - len(shown)} more lines (--verbose)")
        print("  counts: " + json.dumps(report.counts, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
