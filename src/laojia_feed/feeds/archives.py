"""RFC 5005 archived feeds: the older posts in stable pages, and the links between documents.

The main feed (the *subscription document*) holds the newest posts. The posts older
than its oldest item are cut into pages numbered from the oldest: page 1 holds the
oldest ``size`` posts, page 2 the next ones, and so on; only the newest page is
partly filled. A new post therefore never moves a post to another page: full pages
keep their entries forever, and only the newest page (and the main feed) change.

Each page carries ``current`` (the main feed), ``prev-archive`` (the older page) and
``next-archive`` (the newer page), as far as they exist; the main feed carries
``prev-archive`` to the newest page. Documents with ``current`` are archive documents
and the formats mark them with ``<fh:archive/>`` (RFC 5005 §4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from laojia_feed.model import Article

#: Folder of the archive pages inside the output folder: ``archive/1/rss.xml``...
FOLDER = "archive"


@dataclass(frozen=True, slots=True)
class Page:
    """One archive document."""

    #: 1 for the oldest posts.
    number: int
    #: Its posts, newest first (like every feed).
    articles: tuple[Article, ...]

    @property
    def folder(self) -> str:
        """The page's folder inside the output folder: ``archive/3``."""
        return page_folder(self.number)


def page_folder(number: int) -> str:
    """The folder of archive page ``number``."""
    return f"{FOLDER}/{number}"


def page_count(archived: int, size: int) -> int:
    """How many pages ``archived`` posts fill, ``size`` to a page (0 when nothing to page)."""
    if archived <= 0 or size <= 0:
        return 0
    return -(-archived // size)


def paginate(archived: Sequence[Article], size: int) -> tuple[Page, ...]:
    """Cut the posts older than the main feed (newest first) into pages, oldest first."""
    oldest_first = tuple(reversed(archived))
    return tuple(
        Page(number, tuple(reversed(oldest_first[(number - 1) * size : number * size])))
        for number in range(1, page_count(len(archived), size) + 1)
    )


#: A page number (None: the main feed) → the URL of that document in one format.
UrlOf = Callable[[int | None], str]


def links(number: int | None, pages: int, url_of: UrlOf) -> dict[str, str]:
    """The RFC 5005 links of the main feed (``number`` None) or of page ``number``."""
    if number is None:
        return {"prev-archive": url_of(pages)} if pages else {}
    found = {"current": url_of(None)}
    if number > 1:
        found["prev-archive"] = url_of(number - 1)
    if number < pages:
        found["next-archive"] = url_of(number + 1)
    return found
