"""The XSL stylesheet laojia-feed ships, and the href each feed announces it with.

With ``stylesheet = "default"`` the build writes :data:`FILENAME` at the top of the
output folder and every RSS and Atom file points to it by a relative URL (``feed.xsl``,
``../../feed.xsl`` from ``categories/生活/rss.xml``): browsers apply XSLT only from
the feed's own origin, and a relative href keeps working on any host, a local
preview included. Any other value is announced as written.

Browsers apply the stylesheet only to a feed served as XML (``application/xml`` or
``text/xml``, what static hosts send for ``.xml``); Chromium shows a feed served as
``application/rss+xml`` or ``application/atom+xml`` as plain text, and feed readers
ignore the instruction altogether.
"""

from __future__ import annotations

from importlib import resources

#: The setting that means "ship ours".
DEFAULT = "default"

#: File name of the shipped stylesheet inside the output folder.
FILENAME = "feed.xsl"


def default_stylesheet() -> bytes:
    """The bytes of the shipped XSLT 1.0 stylesheet (package data)."""
    return resources.files("laojia_feed").joinpath("data", FILENAME).read_bytes()


def href_for(setting: str | None, name: str) -> str | None:
    """The stylesheet href for the feed file ``name`` (a path inside the output folder)."""
    if not setting:
        return None
    if setting == DEFAULT:
        return "../" * name.count("/") + FILENAME
    return setting
