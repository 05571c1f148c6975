"""laojia-feed: publish a folder of front-matter posts as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

The public surface, in pipeline order::

    import laojia_feed
    site = laojia_feed.Site(title="老家", url="https://blog.example.org/")
    result = laojia_feed.load_articles("posts", site)     # Articles + diagnostics
    built = laojia_feed.build("posts", "public", site)    # writes rss.xml, atom.xml, feed.json
"""

from .build import build as build
from .build import build_from as build_from
from .config import Config as Config
from .config import load_config as load_config
from .load import BodyReader as BodyReader
from .load import load_articles as load_articles
from .load import load_deferred as load_deferred
from .model import Article as Article
from .model import Author as Author
from .model import BodyFormat as BodyFormat
from .model import BuildResult as BuildResult
from .model import Diagnostic as Diagnostic
from .model import Excluded as Excluded
from .model import Exclusion as Exclusion
from .model import FeedDocument as FeedDocument
from .model import FeedItem as FeedItem
from .model import LoadResult as LoadResult
from .model import OutputNames as OutputNames
from .model import Rendered as Rendered
from .model import Severity as Severity
from .model import Site as Site
from .model import WrittenFeed as WrittenFeed

__version__ = "0.1.0"


def render(article: Article, site: Site) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings.

    See :func:`laojia_feed.html.render`; imported on first use, so that start-up and a
    rebuild that renders nothing do not load the Markdown and HTML machinery.
    """
    from .html import render as render_html

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
