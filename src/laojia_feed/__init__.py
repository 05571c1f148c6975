"""laojia-feed: publish a folder of front-matter posts as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

The public surface, in pipeline order::

    import laojia_feed
    site = laojia_feed.Site(title="老家", url="https://blog.example.org/")
    result = laojia_feed.load_articles("posts", site)     # Articles + diagnostics
    built = laojia_feed.build("posts", "public", site)    # writes rss.xml, atom.xml, feed.json

Lazy imports live here and only here: the data types are imported at once (they are
plain dataclasses), the functions on first use (:func:`__getattr__`), so that
``import laojia_feed`` and ``laojia-feed --version`` load none of lxml, feedgen, nh3 or
markdown-it (``tests/test_lazy_imports.py``). Every other module imports what it uses at
its top.
"""

import importlib as _importlib
import typing as _typing

from laojia_feed._version import __version__ as __version__
from laojia_feed.model import Article as Article
from laojia_feed.model import Author as Author
from laojia_feed.model import BodyFormat as BodyFormat
from laojia_feed.model import BuildResult as BuildResult
from laojia_feed.model import Diagnostic as Diagnostic
from laojia_feed.model import Excluded as Excluded
from laojia_feed.model import Exclusion as Exclusion
from laojia_feed.model import FeedDocument as FeedDocument
from laojia_feed.model import FeedItem as FeedItem
from laojia_feed.model import LoadResult as LoadResult
from laojia_feed.model import OutputNames as OutputNames
from laojia_feed.model import Rendered as Rendered
from laojia_feed.model import RunOptions as RunOptions
from laojia_feed.model import Severity as Severity
from laojia_feed.model import Site as Site
from laojia_feed.model import WrittenFeed as WrittenFeed

if _typing.TYPE_CHECKING:
    from laojia_feed.api import build as build
    from laojia_feed.api import build_from as build_from
    from laojia_feed.api import load_articles as load_articles
    from laojia_feed.api import load_deferred as load_deferred
    from laojia_feed.config import Config as Config
    from laojia_feed.config import load_config as load_config
    from laojia_feed.read.load import BodyReader as BodyReader

#: Public names imported on first use, and the module each comes from.
_LAZY = {
    "BodyReader": "laojia_feed.read.load",
    "Config": "laojia_feed.config",
    "build": "laojia_feed.api",
    "build_from": "laojia_feed.api",
    "load_articles": "laojia_feed.api",
    "load_config": "laojia_feed.config",
    "load_deferred": "laojia_feed.api",
}


# The package laojia_feed.render is imported now, so that the function below keeps the
# name: importing the package later (a build does) would rebind ``laojia_feed.render``.
from laojia_feed import render as _render_package  # noqa: E402, F401


def render(article: Article, site: Site) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings
    (:func:`laojia_feed.api.render`, imported on first use)."""
    from laojia_feed.api import render as render_article

    return render_article(article, site)


def __getattr__(name: str) -> object:
    """A lazily imported public name (PEP 562), kept as a module attribute once imported."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'laojia_feed' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Article",
    "Author",
    "BodyFormat",
    "BodyReader",
    "BuildResult",
    "Config",
    "Diagnostic",
    "Excluded",
    "Exclusion",
    "FeedDocument",
    "FeedItem",
    "LoadResult",
    "OutputNames",
    "Rendered",
    "RunOptions",
    "Severity",
    "Site",
    "WrittenFeed",
    "__version__",
    "build",
    "build_from",
    "load_articles",
    "load_config",
    "load_deferred",
    "render",
]
