"""The output formats as data: one :class:`FeedFormat` record per format, no branching.

Like Hugo's output formats, a format is a name, a media type, a default file name and a
render function ``FeedDocument -> bytes`` (with an optional XSL ``stylesheet`` href, which
the XML formats announce and JSON Feed, having no such thing, ignores). Callers loop
over :data:`FORMATS` or look one up with :func:`format_named`; adding a format means
adding a record.

Importing this package is cheap: feedgen and lxml are imported by the RSS and Atom
modules on the first render, not here (a CLI that only checks posts never pays for them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from laojia_feed.model import FeedDocument, FieldError, OutputNames

if TYPE_CHECKING:  # _common imports the package version: not at import time
    from laojia_feed.feeds.formats._common import Parts

__all__ = ["FORMATS", "FeedFormat", "Render", "RenderParts", "format_named"]


class Render(Protocol):
    """A serializer: the document → the file's bytes. Does no I/O."""

    def __call__(self, doc: FeedDocument, /, *, stylesheet: str | None = None) -> bytes:
        """``stylesheet``: href of an XSL stylesheet to announce (XML formats only)."""


class RenderParts(Protocol):
    """The document without its entries, cut where they go; ValueError when a text of
    the feed itself cannot be written as is (then :class:`Render` cleans it)."""

    def __call__(self, doc: FeedDocument, /, *, stylesheet: str | None = None) -> Parts:
        """``stylesheet``: as for :class:`Render`."""


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One output format."""

    #: Short name: ``rss``, ``atom`` or ``json`` (also the key in ``FeedDocument.feed_urls``
    #: and the field of :class:`~laojia_feed.model.OutputNames`).
    name: str
    #: Media type to serve the file with.
    media_type: str
    #: File name used when the site configures none (equals the ``OutputNames`` default).
    default_filename: str
    #: Serializer: the document → the file's bytes. Does no I/O.
    render: Render
    #: The same document in pieces, for entries serialized elsewhere (on other cores):
    #: ``render(doc)`` is ``opening + separator.join(render_items(doc)) + closing``.
    render_parts: RenderParts
    #: Each entry of a document as ``render`` writes it.
    render_items: Callable[[FeedDocument], list[bytes]]

    def filename(self, names: OutputNames) -> str:
        """This format's file name in ``names`` ("" when the site disabled it)."""
        configured: str = getattr(names, self.name)
        return configured


@dataclass(frozen=True, slots=True)
class _Lazy:
    """``laojia_feed.feeds.formats.<module>.<name>``, imported on its first call (and picklable,
    for worker processes)."""

    module: str
    name: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        found: Callable[..., Any] = getattr(import_module(f"{__name__}.{self.module}"), self.name)
        return found(*args, **kwargs)


def _format(name: str, media_type: str, filename: str, module: str) -> FeedFormat:
    """The record of the format written by ``module`` (``render_<name>``, ``render_parts``
    and ``render_items``)."""
    parts, items = _Lazy(module, "render_parts"), _Lazy(module, "render_items")
    return FeedFormat(name, media_type, filename, _Lazy(module, f"render_{name}"), parts, items)


#: Every format, in the order feeds are written and listed.
FORMATS: tuple[FeedFormat, ...] = (
    _format("rss", "application/rss+xml", "rss.xml", "rss"),
    _format("atom", "application/atom+xml", "atom.xml", "atom"),
    _format("json", "application/feed+json", "feed.json", "jsonfeed"),
)

_BY_NAME = {feed_format.name: feed_format for feed_format in FORMATS}


def format_named(name: str) -> FeedFormat:
    """The format called ``name`` (``rss``, ``atom``, ``json``; case-insensitive).

    Raises :class:`~laojia_feed.model.FieldError` for an unknown name.
    """
    found = _BY_NAME.get(name.strip().lower()) if isinstance(name, str) else None
    if found is None:
        known = ", ".join(_BY_NAME)
        raise FieldError(f"{name!r} is not a feed format (known: {known})")
    return found
