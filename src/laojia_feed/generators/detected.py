"""What was detected at a site root, as one record the CLI and the library result show.

:func:`detected` turns a :class:`~laojia_feed.generators.detect.SiteProject` and
the final :class:`~laojia_feed.model.Site` into a :class:`Detected` record:
generator, posts folder, permalink, time zone, feed length and output files, each
with its source; :func:`describe` gives it as lines for ``-v`` and ``check``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from laojia_feed.generators.detect import SiteProject
from laojia_feed.model import Site


@dataclass(frozen=True, slots=True)
class Detected:
    """The facts of a recognised site that decide its feed, with their sources."""

    #: ``hexo``, ``hugo`` or ``jekyll``.
    generator: str
    #: The generator's config file.
    config_file: Path
    #: The folder the posts are read from.
    posts: Path
    #: The permalink pattern used (laojia-feed tokens) and its source.
    permalink: tuple[str, str]
    #: The time zone of dates written without one, and its source.
    timezone: tuple[str, str]
    #: Items per feed (0: every post) and its source.
    limit: tuple[int, str]
    #: Feed files written (format, file name) and their source.
    outputs: tuple[tuple[tuple[str, str], ...], str]
    #: What the site holds that the feed leaves out, in words.
    notes: tuple[str, ...] = ()


def _source(key: str, project: SiteProject, overridden: Mapping[str, str]) -> str:
    return overridden.get(key) or project.sources.get(key) or "laojia-feed's default"


def detected(
    project: SiteProject, site: Site, overridden: Mapping[str, str] | None = None
) -> Detected:
    """The record for ``project`` built into ``site``; ``overridden`` maps the keys that
    laojia-feed's config or flags set to their source (``"laojia-feed.toml"``, ``"--limit"``)."""
    over = overridden or {}
    outputs = tuple(
        (name, getattr(site.outputs, name))
        for name in ("rss", "atom", "json")
        if getattr(site.outputs, name)
    )
    return Detected(
        generator=project.kind,
        config_file=project.config_file,
        posts=project.posts,
        permalink=(site.permalink, _source("permalink", project, over)),
        timezone=(site.timezone, _source("timezone", project, over)),
        limit=(site.limit or 0, _source("limit", project, over)),
        outputs=(outputs, _source("outputs", project, over)),
        notes=project.notes,
    )


def describe(found: Detected) -> tuple[str, ...]:
    """``found`` as lines of text: ``time zone: UTC (Hugo's default ...)``."""
    limit, limit_source = found.limit
    files = ", ".join(f"{name} ({kind})" for kind, name in found.outputs[0]) or "none"
    return (
        f"site: {found.generator} ({found.config_file})",
        f"posts: {found.posts}",
        f"permalink: {found.permalink[0]} ({found.permalink[1]})",
        f"time zone: {found.timezone[0]} ({found.timezone[1]})",
        f"feed length: {limit or 'every post'} ({limit_source})",
        f"feed files: {files} ({found.outputs[1]})",
        *(f"left out: {note}" for note in found.notes),
    )
