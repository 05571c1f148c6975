"""Recognise a Hexo, Hugo or Jekyll site at a folder and read it into a :class:`SiteProject`.

:func:`detect_site` looks at a site root, finds the posts folder and the
generator's config file, and lets :mod:`~laojia_feed.generators.hexo`,
:mod:`~laojia_feed.generators.hugo` or :mod:`~laojia_feed.generators.jekyll`
translate it into laojia-feed config keys (the :data:`laojia_feed.config.KEYS`
names, ready for :func:`laojia_feed.config.apply`), each with its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from laojia_feed.generators import hexo, hugo, jekyll
from laojia_feed.generators.siteconfig import Settings, one_line, read_config
from laojia_feed.model import FieldError

# re-exported for callers of the former single module
HUGO_CONFIGS = hugo.HUGO_CONFIGS


@dataclass(frozen=True, slots=True)
class SiteProject:
    """A site recognised on disk: which generator, where its posts are, its settings."""

    #: ``hexo``, ``hugo`` or ``jekyll``.
    kind: str
    #: The site root.
    root: Path
    #: The posts folder (``source/_posts``, ``content`` or ``content/<section>``, ``_posts``).
    posts: Path
    #: laojia-feed config keys read from the generator's config, for ``config.apply``.
    settings: Mapping[str, object]
    #: The generator's config file.
    config_file: Path
    #: Where each setting came from (``"_config.yml: timezone"``, ``"Hugo's default"``).
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Problems that stop the build unless laojia-feed's own config sets the key:
    #: (config key, message).
    problems: tuple[tuple[str, str], ...] = ()
    #: What the site holds that the feed leaves out, in words (for the report).
    notes: tuple[str, ...] = ()


def _project(
    kind: str,
    root: Path,
    posts: Path,
    settings: Settings,
    config_file: Path,
    problems: tuple[tuple[str, str], ...] = (),
    notes: tuple[str, ...] = (),
) -> SiteProject:
    settings.set("generator", kind, f"a {kind.capitalize()} site")
    return SiteProject(
        kind,
        root,
        posts,
        MappingProxyType(settings.values),
        config_file,
        MappingProxyType(settings.sources),
        problems,
        notes,
    )


def _first_file(root: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def _hexo(root: Path, config_file: Path) -> SiteProject:
    settings = hexo.hexo_settings(read_config(config_file), config_file.name)
    return _project("hexo", root, root / "source" / "_posts", settings, config_file)


def _hugo(root: Path, config_file: Path) -> SiteProject:
    config = read_config(config_file)
    name = config_file.relative_to(root).as_posix()
    settings = hugo.hugo_settings(config, name)
    hugo.own_rss(settings, root, config)
    layout = hugo.hugo_layout(config, root / "content")
    configured = layout.permalink != hugo.HUGO_DEFAULT_PERMALINK
    settings.set("permalink", layout.permalink, f"{name}: permalinks" if configured else
                 "Hugo's default (the page's path)")  # fmt: skip
    notes = tuple(
        f"content/{section}: left out, its permalinks differ from content/{layout.posts.name}'s"
        for section in layout.left_out
    )
    folder = layout.posts.relative_to(root / "content").as_posix()
    settings.set("tags_folder", "" if folder == "." else folder, "the posts folder under content")
    sections = sorted(f for f in hugo.section_folders(root / "content") if f)
    settings.set("sections", sections, "Hugo's sections (top-level folders, _index files)")
    return _project("hugo", root, layout.posts, settings, config_file, notes=notes)


def _jekyll(root: Path, config_file: Path) -> SiteProject:
    settings, problem = jekyll.jekyll_settings(read_config(config_file), root, config_file.name)
    problems = (("id_style", problem),) if problem else ()
    return _project("jekyll", root, root / "_posts", settings, config_file, problems)


def detect_site(root: Path) -> SiteProject | None:
    """The Hexo, Hugo or Jekyll site at ``root``, or None when it is none of them.

    Raises FieldError when the site is recognised but its config cannot be used
    (not valid YAML/TOML/JSON, not a mapping, a permalink token we cannot compute).
    """
    try:
        yml = _first_file(root, ("_config.yml", "_config.yaml"))
        if yml is not None and (root / "source" / "_posts").is_dir():
            return _hexo(root, yml)
        config = _first_file(root, hugo.HUGO_CONFIGS)
        if config is not None and (root / "content").is_dir():
            return _hugo(root, config)
        if yml is not None and (root / "_posts").is_dir():
            return _jekyll(root, yml)
    except OSError as problem:
        raise FieldError(f"cannot read the site folder: {one_line(str(problem))}") from problem
    return None
