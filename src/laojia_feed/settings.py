"""The settings: what the feeds say (:class:`Site`, with its parts :class:`OutputNames`,
:class:`Webfeeds`, :class:`Podcast`) and how a run executes (:class:`RunOptions`). Data only;
:mod:`laojia_feed.config` reads them from files and flags, :mod:`laojia_feed.validate`
checks ones made in code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model re-exports these settings, and Author is model's
    from laojia_feed.model import Author, JSONValue


@dataclass(frozen=True, slots=True)
class Webfeeds:
    """Feedly's ``webfeeds:`` elements (http://webfeeds.org/rss/1.0); None: not written."""

    #: Large cover image of the feed (``webfeeds:cover``).
    cover: str | None = None
    #: Square icon (``webfeeds:icon``); None: the site icon.
    icon: str | None = None
    #: Wide logo, ideally SVG (``webfeeds:logo``); None: the site logo.
    logo: str | None = None
    #: Accent colour as six hex digits without ``#`` (``webfeeds:accentColor``).
    accent_color: str | None = None


@dataclass(frozen=True, slots=True)
class Podcast:
    """The iTunes tags of a podcast feed (written through feedgen's podcast extension)."""

    #: ``itunes:author``: the show's author (None: the site author's name).
    author: str | None = None
    #: ``itunes:category`` as (category, subcategory or ""), in order.
    categories: tuple[tuple[str, str], ...] = ()
    #: ``itunes:explicit``: "yes", "no" or "clean" (Apple requires it).
    explicit: str = "no"
    #: ``itunes:image``: square artwork ending in .jpg or .png (None: none).
    image: str | None = None
    #: ``itunes:owner``: a name and an e-mail address (both, or None).
    owner: Author | None = None
    #: ``itunes:summary`` (None: the feed description).
    summary: str | None = None
    #: ``itunes:type``: "episodic" or "serial".
    type: str = "episodic"


@dataclass(frozen=True, slots=True)
class OutputNames:
    """File names of the three feeds inside the output folder ("" disables one)."""

    #: RSS 2.0 file name.
    rss: str = "rss.xml"
    #: Atom 1.0 file name.
    atom: str = "atom.xml"
    #: JSON Feed 1.1 file name.
    json: str = "feed.json"


#: The site URL used when none is configured: public, reserved (RFC 2606), never localhost.
PLACEHOLDER_SITE_URL = "https://example.com/"

#: Default byte budget of one feed file (2 MiB): well under what readers and proxies refuse.
DEFAULT_BUDGET = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Site:
    """Site-wide settings: from a config file, CLI flags, or defaults."""

    #: Feed title.
    title: str = "My Blog"
    #: Absolute http(s) base URL of the site, ending in ``/``.
    url: str = PLACEHOLDER_SITE_URL
    #: Feed description / subtitle.
    description: str = ""
    #: BCP 47 language tag of the feeds.
    language: str = "zh-CN"
    #: Default author of posts that name none.
    author: Author | None = None
    #: IANA time zone applied to dates written without one.
    timezone: str = "Asia/Shanghai"
    #: Permalink pattern for posts without ``permalink``/``url``, e.g. ``:year/:month/:slug/``;
    #: every token is listed in :data:`laojia_feed.read.permalinks.TOKENS` (``:category`` is the
    #: last category with its parents, as in Hexo).
    permalink: str = ":year/:month/:day/:slug/"
    #: Feed file names.
    outputs: OutputNames = OutputNames()
    #: At most this many items per feed (None: every post, like Hugo).
    limit: int | None = None
    #: Byte budget of one feed file (None: no budget).
    budget: int | None = DEFAULT_BUDGET
    #: Byte cap of one item's content; larger bodies are replaced by their summary.
    item_budget: int = 512 * 1024
    #: Include posts dated in the future.
    include_future: bool = False
    #: Replace CORS-proxy wrapped image URLs by the inner URL.
    unwrap_proxies: bool = False
    #: Put full content in feeds (True) or summaries only (False).
    full_content: bool = True
    #: Length of generated plain-text summaries, in characters.
    summary_length: int = 200
    #: File name patterns (globs) of posts inside the posts folder.
    patterns: tuple[str, ...] = ("*.md", "*.markdown", "*.html", "*.htm")
    #: Feed icon / logo URL.
    icon: str | None = None
    #: WebSub hub URL to advertise.
    hub: str | None = None
    #: Also write one feed per category, under ``categories/<name>/``.
    category_feeds: bool = False
    #: Also write one feed per tag, under ``tags/<name>/``.
    tag_feeds: bool = False
    #: Also write RFC 5005 archive pages of the older posts, under ``archive/<n>/``.
    archives: bool = False
    #: Posts per archive page (None: as many as the main feed holds).
    archive_size: int | None = None
    #: XSL stylesheet announced by the RSS and Atom feeds: an href, or ``"default"`` to
    #: ship laojia-feed's own as ``feed.xsl`` next to the feeds (None: no stylesheet).
    stylesheet: str | None = None
    #: Entry ids without an explicit ``id``: ``"permalink"`` (the post URL, as Hugo and
    #: hexo-generator-feed do) or ``"jekyll"`` (jekyll-feed's: URL folder + slug).
    id_style: str = "permalink"
    #: Also write an HTML page for people beside each feed (``feed.html``) and an index
    #: of every feed (``feeds.html``): browsers no longer show feeds readably.
    pages: bool = False
    #: Logo URL (a wide image): Atom ``<logo>`` and the RSS ``<image>`` (else the icon).
    logo: str | None = None
    #: Show each post's cover as a figure at the top of its content, unless the body
    #: already shows that image.
    cover_in_content: bool = False
    #: Feedly's ``webfeeds:`` cover, icon, logo and accent colour (None: not written).
    webfeeds: Webfeeds | None = None
    #: Comment links (RSS ``<comments>``, Atom ``replies``): None for posts saying
    #: ``comments: true`` only, True for all but ``comments: false`` ones, False for none.
    comments: bool | None = None
    #: Appended to a post's URL to give its comments' address.
    comments_anchor: str = "#comments"
    #: Posts in any of these categories are left out of every feed (still published).
    exclude_categories: tuple[str, ...] = ()
    #: Posts with any of these tags are left out of every feed (still published).
    exclude_tags: tuple[str, ...] = ()
    #: Entries naming no language get one guessed when their text plainly is not in the site's.
    guess_language: bool = True
    #: iTunes podcast tags of the RSS feed (None: not a podcast).
    podcast: Podcast | None = None
    #: Whose template tags post bodies hold, expanded before rendering: ``"hexo"``,
    #: ``"hugo"``, ``"jekyll"``, or None (bodies published as written). Set for a
    #: recognised site root (:mod:`laojia_feed.generators.tags`).
    template_tags: str | None = None
    #: Whose site the posts belong to: ``"hexo"``, ``"hugo"``, ``"jekyll"``, or None (a
    #: plain posts folder). Set for a recognised site root; posts follow that generator's
    #: conventions where it publishes what a posts folder refuses (a file without front
    #: matter; Jekyll's title from the file name).
    generator: str | None = None
    #: The generator's configuration as tags read it (``{{ site.baseurl }}``, Hexo ``url``
    #: and ``root``, Hugo ``params``): read-only JSON-like data.
    site_vars: Mapping[str, JSONValue] = field(default_factory=lambda: MappingProxyType({}))
    #: Hexo ``post_asset_folder``: a post's assets are published under its permalink, and
    #: relative addresses into its asset folder (``name/x.png``) are resolved there.
    asset_folders: bool = False
    #: The posts folder's path under the folder template tags name posts from, POSIX
    #: (Hugo: ``posts`` when the posts are read from ``content/posts``); "" when the same.
    tags_folder: str = ""
    #: Hugo's sections under ``content/`` (top-level folders, and nested folders holding
    #: an ``_index`` file): ``:sections`` names the deepest of them holding a page. Empty:
    #: every folder of a post's path is a section.
    sections: tuple[str, ...] = ()
    #: Also write one feed per entry language, under ``languages/<tag>/`` (each entry's
    #: ``lang``, else a plain guess, else the site's language).
    language_feeds: bool = False
    #: Also write one feed per section, where Hugo writes its section feeds
    #: (``<section>/index.xml``): the posts whose deepest section it is.
    section_feeds: bool = False
    #: ``referrerpolicy`` given to every ``<img>`` of the bodies (a W3C referrer-policy
    #: token): hosts with hotlink protection refuse images requested with another site's
    #: Referer. ``""``: images keep what they were written with.
    referrer_policy: str = "no-referrer"
    #: Image-proxy URL template holding ``{url}`` (the image URL, percent-encoded), applied
    #: to body images and the post's image (None: images load from where they are).
    image_proxy: str | None = None
    #: Link text after a body cut to the item budget (None: by the entry's language,
    #: 阅读全文 for Chinese, Read more otherwise).
    read_more: str | None = None

    @property
    def is_placeholder(self) -> bool:
        """True when no site URL was configured."""
        return self.url == PLACEHOLDER_SITE_URL


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a run executes, as opposed to what the feeds say (:class:`Site`): never part of
    the feeds' bytes, nor of what the cache compares."""

    #: Processes for per-post work (None: automatic by size and cores; 1: in-process).
    jobs: int | None = None
    #: Folder of the opt-in incremental build cache (None: no cache; nothing is written
    #: outside the output folder).
    cache_dir: str | None = None
    #: Publish feeds without items over feeds that hold some (``--allow-empty``); without
    #: it, a load that finds no post leaves the live feeds as they are, with an error.
    allow_empty: bool = False
