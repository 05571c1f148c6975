"""What a post's body becomes in a feed: ``render(article, site) -> Rendered``.

:func:`sanitize` runs the stages of :mod:`laojia_feed.render` on one HTML payload: forbidden
characters out, the depth guard (bodies nested more than
:data:`~laojia_feed.render.depth.MAX_DEPTH` elements deep are published as their plain text
in paragraphs, with a note), lazy-loaded images, the notes, one nh3 pass with absolute URLs
(CORS proxies unwrapped on request, images through the site's image proxy and given its
referrer policy), then a fixed point. :func:`render` turns an article's body (Markdown or
HTML) into content, excerpt and summary, and keeps the item within the site's byte budget
(a cut body ends with a link in the entry's language).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from laojia_feed.model import Article, BodyFormat, Rendered, Site
from laojia_feed.render.depth import MAX_DEPTH, too_deep
from laojia_feed.render.lazyimages import fix_lazy_images
from laojia_feed.render.markdown import markdown_to_html
from laojia_feed.render.notes import inventory
from laojia_feed.render.sanitize import Rules, clean, safe_link
from laojia_feed.render.stable import stable
from laojia_feed.render.summary import content_summary, html_to_text, summarize
from laojia_feed.render.tagging import TagPlan, expand_body
from laojia_feed.urls import join_url
from laojia_feed.wording import sizes_apart
from laojia_feed.xmlchars import one_line, strip_forbidden

__all__ = ["MORE_MARKER", "read_more_text", "render", "sanitize"]

#: Hexo's excerpt separator ``<!-- more -->``, in any spacing or case.
MORE_MARKER: re.Pattern[str] = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


def sanitize(
    html: str,
    base_url: str,
    *,
    unwrap_proxies: bool = False,
    image_proxy: str | None = None,
    referrer_policy: str = "",
    asset_folder: str | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Clean HTML with absolute URLs, and short notes on what was removed.

    With ``unwrap_proxies``, CORS-proxy wrapped URLs become their (safe) inner URL. Images
    whose wrapper carries a URL that may not be published are removed. With an
    ``image_proxy`` template (validated), image URLs go through it; a ``referrer_policy``
    is set on every ``<img>``. With ``asset_folder`` (Hexo ``post_asset_folder``: the
    post's file name without extension), a relative address into that folder
    (``name/x.png``) is resolved as ``x.png``: Hexo publishes a post's assets under its
    permalink. Sanitizing twice changes nothing. Never raises; a non-string gives ``""``.
    """
    rules = Rules(unwrap_proxies, image_proxy, referrer_policy)
    return _sanitize(html, base_url, rules, asset_folder)


def _sanitize(
    html: str, base_url: str, rules: Rules, folder: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """:func:`sanitize` with the site's :class:`Rules` and the post's asset folder."""
    if not isinstance(html, str):
        return "", ()
    if not isinstance(base_url, str):
        base_url = ""
    html = strip_forbidden(html)[0]
    if too_deep(html):
        note = f"body nests more than {MAX_DEPTH} elements deep; published as plain text"
        return _lines_as_paragraphs(html_to_text(html)), (note,)
    html = fix_lazy_images(html)
    notes = dict.fromkeys(inventory(html))
    cleaned = stable(clean(html, base_url, notes, rules, folder), base_url, rules)
    return cleaned, tuple(notes)


def _lines_as_paragraphs(text: str) -> str:
    """Each line of plain text as an escaped paragraph."""
    return "".join(_paragraph(line) for line in text.splitlines() if line.strip())


def _paragraph(text: str) -> str:
    return f"<p>{html_lib.escape(text, quote=False)}</p>" if text else ""


#: The link text after a cut body, by the entry's language (when the site sets none).
_READ_MORE_ZH = "阅读全文"
_READ_MORE = "Read more"


def read_more_text(article: Article, site: Site) -> str:
    """The site's ``read_more``, else 阅读全文 for a Chinese entry, else Read more."""
    if site.read_more:
        return site.read_more
    language = article.language or site.language
    return _READ_MORE_ZH if language.lower().startswith("zh") else _READ_MORE


def _read_more(url: str, text: str) -> str:
    href = safe_link(join_url(url, url)) if isinstance(url, str) else None
    if href is None:
        return ""
    link = html_lib.escape(href, quote=True)
    return f'<p><a href="{link}">{html_lib.escape(text, quote=False)}</a></p>'


def _within_budget(candidates: Iterable[str], tail: str, budget: int) -> str:
    """The first candidate that, with ``tail``, fits ``budget`` bytes ('' if none does)."""
    for candidate in candidates:
        if candidate and len((candidate + tail).encode("utf-8")) <= budget:
            return candidate
    return ""


def render(article: Article, site: Site, tags: TagPlan | None = None) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings;
    its template tags expanded first with ``tags`` (see :mod:`~laojia_feed.render.tagging`)."""
    source = article.body if isinstance(article.body, str) else ""
    expanded = expand_body(article, source, tags) if tags is not None else None
    source = expanded.text if expanded is not None else source
    whole = len(source)
    # Far over the item budget whatever sanitizing removes: the feed will carry the summary,
    # so only the beginning is rendered (a 6 MB Markdown body would take seconds).
    oversized = whole > 4 * site.item_budget
    if oversized:
        cut = source.rfind("\n", 0, site.item_budget)
        source = source[: cut if cut > 0 else site.item_budget]
    markdown = article.body_format is BodyFormat.MARKDOWN
    body = markdown_to_html(source) if markdown else source
    rules = Rules(site.unwrap_proxies, site.image_proxy, site.referrer_policy)
    folder = PurePosixPath(article.source_path).stem if site.asset_folders else None
    content, notes = _sanitize(body, article.url, rules, folder)
    marker = MORE_MARKER.search(body)
    head = body[: marker.start()] if marker else ""
    excerpt = _sanitize(head, article.url, rules, folder)[0] if marker else ""
    excerpt_text = one_line(html_to_text(excerpt)) if excerpt else ""
    if article.summary:
        summary = one_line(strip_forbidden(article.summary)[0])
    elif excerpt_text:
        summary = excerpt_text
    else:  # no marker, or nothing before it
        summary = content_summary(content, site.summary_length)
    short = excerpt.strip() or _paragraph(summary)
    content_html = content if site.full_content else short
    size = max(len(content_html.encode("utf-8")), whole if oversized else 0)
    if size > site.item_budget:
        tail = _read_more(article.url, read_more_text(article, site))
        room = max(0, site.item_budget // 4 - len(tail))
        candidates = (short, _paragraph(summary), _paragraph(summarize(summary, room)))
        content_html = _within_budget(candidates, tail, site.item_budget) + tail
        notes += (
            "content is {}, over the item budget of {}; the feed carries the summary".format(
                *sizes_apart(size, site.item_budget)
            ),
        )
    if expanded is None:
        return Rendered(content_html=content_html, summary=summary, notes=notes)
    unknown = tuple(expanded.unknown.items())
    return Rendered(content_html, summary, notes, unknown, expanded.problems)
