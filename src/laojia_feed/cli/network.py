"""What ``build --ping`` and ``build --check-thumbnails`` add: a WebSub notification of the
feeds that changed, and a check that image URLs answer. Imported by the command only when
one of those flags is given (see :mod:`~laojia_feed.cli.commands`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from laojia_feed.cli.steps import Checker
from laojia_feed.model import BuildResult, Diagnostic, Severity, Site
from laojia_feed.net.imagecheck import check_urls
from laojia_feed.net.websub import ping_changed


def ping(result: BuildResult, site: Site) -> tuple[Diagnostic, ...]:
    """WebSub notifications for the feeds this build changed (never an error)."""
    if site.hub is None:
        message = "--ping needs a hub: set hub in the config or pass --hub"
        return (Diagnostic("command line", "hub", message, Severity.WARNING),)
    return tuple(ping_changed(result, site))


def thumbnail_checker() -> Checker:
    """The network checker, adapted to the build's interface (URL → failure reason)."""

    def checker(image_urls: Sequence[str]) -> Mapping[str, str]:
        results = check_urls(sorted(set(image_urls)))
        return {url: r.reason for url, r in results.items() if not r.ok}

    return checker
