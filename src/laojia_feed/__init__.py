"""laojia-feed: publish a folder of front-matter posts as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

The public surface, in pipeline order::

    import laojia_feed
    site = laojia_feed.Site(title="老家", url="https://blog.example.org/")
    result = laojia_feed.load_articles("posts", site)     # Articles + diagnostics
    built = laojia_feed.build("posts", "public", site)    # writes rss.xml, atom.xml, feed.json
"""

# The render package is imported before the function of the same name is defined: loading
# it later (lazily, from a build) would otherwise rebind ``laojia_feed.render`` to the package.
from laojia_feed import render as _render_package  # noqa: F401
from laojia_feed.build import build as build
from laojia_feed.build import build_from as build_from
from laojia_feed.config import Config as Config
from laojia_feed.config import load_config as load_config
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
from laojia_feed.model import Severity as Severity
from laojia_feed.model import Site as Site
from laojia_feed.model import WrittenFeed as WrittenFeed
from laojia_feed.read.load import BodyReader as BodyReader
from laojia_feed.read.load import load_articles as load_articles
from laojia_feed.read.load import load_deferred as load_deferred

__version__ = "0.1.0"


def render(article: Article, site: Site) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings.

    See :func:`laojia_feed.render.bodies.render`; imported on first use, so that start-up and a
    rebuild that renders nothing do not load the Markdown and HTML machinery.
    """
    from laojia_feed.render.bodies import render as render_html

    return render_html(article, site)


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
