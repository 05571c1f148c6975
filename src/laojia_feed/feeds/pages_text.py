"""The words of the feed pages, by language, and dates written the local way.

Data only, plus two small pure functions: :func:`texts_for` picks the words for a
site's language (Chinese for ``zh*``, English otherwise) and :func:`local_date`
writes a date as a reader of that language expects it, in the site's time zone
(``2021年12月9日``, ``9 December 2021``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Texts:
    """Every sentence a feed page or the index page shows, in one language.

    ``{site}`` in a sentence is replaced by the site's title (escaped).
    """

    #: What a feed is, in one sentence.
    what: str
    #: How to subscribe, in one sentence.
    how: str
    #: The same in English, for sites not written in English (``""``: none).
    also_english: str
    #: Heading of the "what is this" box.
    what_heading: str
    #: Heading of the list of feed addresses.
    addresses: str
    #: Heading of the latest posts.
    latest: str
    #: Shown instead of posts when the feed has none.
    no_posts: str
    #: Word before the categories of a post.
    categories: str
    #: Word before the credited source of a post.
    source: str
    #: Link text to the index page.
    all_feeds: str
    #: Title of the index page (after the site's title).
    index_title: str
    #: Sentence linking to the OPML file (``{opml}``: the link).
    opml: str
    #: Headings of the index page's groups, by feed kind.
    kinds: Mapping[str, str]
    #: Mark after the recommended format.
    recommended: str
    #: Footer line.
    made_with: str
    #: Between list entries.
    list_separator: str
    #: Between a label and its value.
    colon: str
    #: Title of a feed page (after the feed's title).
    page_title: str


_ENGLISH_LINE = (
    "This is a feed: copy one of the addresses below into a feed reader "
    "to get new posts automatically."
)

CHINESE = Texts(
    what=(
        "这是「{site}」的订阅源（RSS）。"
        "用 RSS 阅读器订阅后，新文章会自动出现在阅读器里，不用常回来查看。"
    ),
    how="订阅方法：复制下面的网址，粘贴到阅读器的“添加订阅”里即可。",
    also_english=_ENGLISH_LINE,
    what_heading="这是什么？",
    addresses="订阅网址",
    latest="最新文章",
    no_posts="暂时还没有文章。",
    categories="分类",
    source="来源",
    all_feeds="全部订阅源",
    index_title="订阅",
    opml="一次订阅全部：把 {opml} 导入阅读器。",
    kinds=MappingProxyType(
        {
            "main": "全部文章",
            "category": "分类",
            "tag": "标签",
            "language": "语言",
            "section": "栏目",
            "archive": "存档",
        }
    ),
    recommended="（推荐）",
    made_with="由 laojia-feed 生成",
    list_separator="、",
    colon="：",
    page_title="订阅",
)

ENGLISH = Texts(
    what=(
        "This is the feed of “{site}”. Subscribe in a feed reader and new posts "
        "come to you automatically, with no need to check back."
    ),
    how="To subscribe, copy an address below and paste it into your reader’s “add feed” box.",
    also_english="",
    what_heading="What is this?",
    addresses="Feed addresses",
    latest="Latest posts",
    no_posts="No posts yet.",
    categories="Categories",
    source="Source",
    all_feeds="All feeds",
    index_title="Feeds",
    opml="Subscribe to everything at once: import {opml} into your reader.",
    kinds=MappingProxyType(
        {
            "main": "All posts",
            "category": "Categories",
            "tag": "Tags",
            "language": "Languages",
            "section": "Sections",
            "archive": "Archives",
        }
    ),
    recommended=" (recommended)",
    made_with="Made by laojia-feed",
    list_separator=", ",
    colon=": ",
    page_title="Feed",
)

#: The words by primary language subtag; any other language gets English.
TEXTS: Mapping[str, Texts] = MappingProxyType({"zh": CHINESE, "en": ENGLISH})

#: English month names (never the locale's: no ``calendar.month_name``).
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case: ``zh-CN`` → ``zh``."""
    return language.partition("-")[0].lower()


def texts_for(language: str) -> Texts:
    """The words for a site written in ``language``."""
    return TEXTS.get(primary(language), ENGLISH)


def site_zone(name: str) -> tzinfo | None:
    """The IANA time zone ``name``; None when it is unknown (dates then stay as written)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` (aware) on the clocks of ``zone``; as written when ``zone`` is None."""
    return moment if zone is None else moment.astimezone(zone)


def local_date(moment: datetime, language: str) -> str:
    """The calendar date of ``moment`` written the way ``language`` writes it.

    Chinese and Japanese: ``2021年12月9日``; any other language: ``9 December 2021``.
    Never locale-dependent (no ``strftime``).
    """
    if primary(language) in ("zh", "ja"):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
