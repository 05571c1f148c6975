"""Generate a deterministic synthetic news-mirror blog, in laojia-feed's and each peer's layout.

The posts are shaped like ``shared/corpus/seed-post.md``: Chinese text, 2-20 KB HTML
bodies (about 4.5 KB on average) with paragraphs, images behind a CORS proxy and
links, categories (some Hexo-nested), tags, thumbnail/headimg, mixed date formats,
a few Markdown posts, a few TOML (``+++``) and Hexo JSON (``;;;``) front matters,
folders by year. The same posts (same instants, titles, bodies) are written once per
layout, each in the front-matter dialect its tool reads::

    OUT/laojia/posts/<year>/<stem>.md|.html    the mixed corpus laojia-feed reads
    OUT/hugo/   hugo.toml, layouts/, content/posts/<year>/...   (RSS output only)
    OUT/pelican/ pelicanconf.py, content/<year>/...            (feeds only)
    OUT/hexo/   _config.yml, package.json, source/_posts/<year>/...  (hexo-generator-feed)

Usage: ``python benchmarks/generate.py OUT --posts 10000 [--seed 5] [--layouts laojia,hugo]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

#: Bumped whenever the output for a given (posts, seed) changes.
GENERATOR_VERSION = 3

#: Every layout this script can write.
LAYOUTS = ("laojia", "hugo", "pelican", "hexo")

#: Site facts shared by every tool's configuration.
SITE_URL = "https://bench.example.org/"
SITE_TITLE = "老家新闻镜像"
TIMEZONE = "Asia/Shanghai"
LOCAL = ZoneInfo(TIMEZONE)

PROXY = "https://cors.zfour.workers.dev/?"

WORDS = (
    "老房", "加梯", "街道", "居民区", "党建", "引领", "自治", "共治", "技术", "创新", "规模",
    "推进", "攻坚", "克难", "探索", "实践", "案例", "形式", "展现", "成果", "社区", "老人",
    "楼组", "电梯", "工程", "立项", "特色", "创建", "启动", "维度", "发挥", "个人", "力量",
    "居委会", "骨干", "队伍", "主人翁", "意识", "协商", "设计", "施工", "方案", "选材",
    "讨论", "政策", "规则", "了解", "参与", "全过程", "机制", "议事", "活动", "名字", "和谐",
    "雅致", "目标", "公约", "制度", "宣传栏", "党员", "身份", "志愿", "精神", "风尚", "资源",
    "多元", "物业", "联动", "项目", "落地", "住户", "阳光", "顾虑", "有效", "沟通", "经济",
    "发展", "城市", "乡村", "振兴", "科技", "教育", "医疗", "健康", "文化", "旅游", "消费",
    "市场", "企业", "投资", "数据", "平台", "服务", "群众", "生活", "幸福", "安全", "环境",
    "保护", "交通", "出行", "地铁", "高铁", "机场", "天气", "降温", "台风", "疫情", "防控",
    "疫苗", "接种", "学校", "学生", "老师", "考试", "招生", "就业", "创业", "人才", "政府",
    "会议", "部署", "要求", "强调", "加强", "推动", "落实", "完善", "提升", "改善", "质量",
    "记者", "采访", "报道", "新闻", "发布", "消息", "视频", "图片", "网友", "热议", "关注",
    "上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "静安区", "浦东", "今年",
    "近期", "目前", "同时", "此外", "不仅", "而且", "因此", "但是", "已经", "正在", "将会",
)  # fmt: skip
CATEGORIES = (
    "新媒体", "趣头条", "社会", "财经", "科技", "教育", "健康", "体育", "娱乐", "汽车",
    "房产", "旅游", "美食", "军事", "国际", "本地", "文化", "历史", "生活", "时政",
)  # fmt: skip
SUBCATEGORIES = ("分类", "头条", "热点", "深度", "快讯", "专题", "评论", "图集", "直播", "民生")
TAG_ROOTS = WORDS[:120]
AUTHORS = ("趣头条", "新华社", "澎湃新闻", "人民网", "央视新闻", "静安发布", "上海发布", "本站编辑")
LINK_HOSTS = ("www.thepaper.cn", "news.qq.com", "www.163.com", "new.qq.com", "www.jiemian.com")

#: (style name, weight) for the date field of the laojia corpus.
DATE_STYLES = (("rfc822", 35), ("space", 35), ("slash", 10), ("iso", 20))
START = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2024, 12, 31, tzinfo=UTC) - START).total_seconds())


@dataclass(frozen=True, slots=True)
class Post:
    """One synthetic post, independent of any tool's dialect."""

    #: File name without extension, unique in the corpus.
    stem: str
    #: Publication instant (aware).
    published: datetime
    #: How the laojia corpus writes the date: rfc822, space, slash or iso.
    date_style: str
    title: str
    #: Hexo-style categories: strings, or lists of strings for a nested path.
    categories: tuple[str | tuple[str, ...], ...]
    tags: tuple[str, ...]
    author: str
    image: str
    body: str
    #: "html" or "markdown".
    body_kind: str
    #: ".md" or ".html".
    ext: str
    #: Front matter of the laojia corpus: yaml, toml or json.
    front: str
    #: Whether the post was edited after publication.
    updated: datetime | None

    @property
    def year(self) -> str:
        """The folder the post lives in."""
        return f"{self.published.astimezone(LOCAL).year}"

    def flat_categories(self) -> list[str]:
        """Categories flattened in order, duplicates removed."""
        flat: list[str] = []
        for item in self.categories:
            for name in (item,) if isinstance(item, str) else item:
                if name not in flat:
                    flat.append(name)
        return flat


class Text:
    """Random Chinese text from a fixed vocabulary, driven by one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        """One sentence of 6-24 words with commas, ending in a full stop."""
        words = self.rng.choices(WORDS, k=self.rng.randint(6, 24))
        for i in range(3, len(words) - 1, 5):
            words[i] += "，"
        return "".join(words) + self.rng.choice("。。。！？")

    def paragraph(self) -> str:
        """A paragraph of 1-5 sentences."""
        return "".join(self.sentence() for _ in range(self.rng.randint(1, 5)))

    def title(self) -> str:
        """A headline like the seed's, sometimes with brackets, quotes or an apostrophe."""
        rng = self.rng
        words = rng.choices(WORDS, k=rng.randint(4, 10))
        title = "".join(words)
        decorations: list[Callable[[str], str]] = [
            lambda t: f"【{rng.choice(WORDS)}系列报道】{t}",
            lambda t: f"{t} _ {rng.choice(WORDS)}_{rng.choice(WORDS)}的“五维”秘笈是什么？",
            lambda t: f"{t}：{rng.choice(WORDS)}",
            lambda t: f"{t}'s {rng.choice(WORDS)}",
            lambda t: f"“{t}”",
            lambda t: t,
        ]
        return rng.choice(decorations)(title)


def image_url(rng: random.Random, when: datetime) -> str:
    """An image URL behind the CORS proxy, as in the seed post."""
    digest = f"{rng.getrandbits(128):032x}"
    return f"{PROXY}http://static.1sapp.com/qupost/img/{when:%Y/%m/%d}/{digest}.jpeg"


def target_size(rng: random.Random) -> int:
    """Body size in bytes: log-normal, clipped to 2-20 KB, mean about 4.5 KB."""
    size = rng.lognormvariate(math.log(3900), 0.5)
    return int(min(max(size, 2048), 20480))


def html_body(rng: random.Random, text: Text, when: datetime, stems: Sequence[str]) -> str:
    """A seed-like HTML body: one line of <p> paragraphs, images, links, inside a <div>."""
    target = target_size(rng)
    parts: list[str] = []
    size = 20
    while size < target:
        roll = rng.random()
        if roll < 0.14:
            # an image paragraph, like the seed
            w, h = rng.choice(((1080, 810), (1080, 676), (810, 810), (640, 480)))
            part = (
                f'<p><img src="{image_url(rng, when)}" data-size="{w},{h}" '
                'referrerpolicy="no-referrer"></p>'
            )
        elif roll < 0.20:
            host = rng.choice(LINK_HOSTS)
            part = (
                f'<p>{text.sentence()}<a href="https://{host}/a/{rng.getrandbits(40):x}.html">'
                f"{rng.choice(WORDS)}{rng.choice(WORDS)}</a>{text.sentence()}</p>"
            )
        elif roll < 0.23 and stems:
            other = rng.choice(stems)
            part = f'<p>相关阅读：<a href="/posts/{other}/">{text.sentence()}</a></p>'
        elif roll < 0.30:
            part = f"<p><strong>{text.sentence()}</strong></p>"
        elif roll < 0.32:
            part = f"<p>★</p><p>{text.sentence()}&nbsp;&amp;&nbsp;{text.sentence()}</p>"
        else:
            part = f"<p>{text.paragraph()}</p>"
        parts.append(part)
        size += len(part.encode("utf-8"))
    return "<div>   \n" + "".join(parts) + "  \n</div>\n"


def markdown_body(rng: random.Random, text: Text, when: datetime) -> str:
    """A Markdown body of the same size range: headings, lists, images, links, emphasis."""
    target = target_size(rng)
    parts: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.1:
            part = f"## {rng.choice(WORDS)}{rng.choice(WORDS)}"
        elif roll < 0.22:
            part = f"![{rng.choice(WORDS)}]({image_url(rng, when)})"
        elif roll < 0.3:
            part = "\n".join(f"- {text.sentence()}" for _ in range(rng.randint(2, 5)))
        elif roll < 0.38:
            host = rng.choice(LINK_HOSTS)
            part = (
                f"{text.sentence()}[{rng.choice(WORDS)}](https://{host}/n/{rng.getrandbits(32):x})"
            )
        elif roll < 0.45:
            part = f"**{text.sentence()}** {text.paragraph()}"
        elif roll < 0.48:
            part = f"> {text.paragraph()}"
        else:
            part = text.paragraph()
        parts.append(part)
        size += len(part.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    """A weighted choice among named options."""
    names = [name for name, _ in weighted]
    return rng.choices(names, weights=[w for _, w in weighted], k=1)[0]


def categories(rng: random.Random) -> tuple[str | tuple[str, ...], ...]:
    """1-3 categories like the seed's; some Hexo-nested, some a single string."""
    roll = rng.random()
    if roll < 0.15:
        return ((rng.choice(CATEGORIES), rng.choice(SUBCATEGORIES)), rng.choice(CATEGORIES))
    if roll < 0.25:
        return (rng.choice(CATEGORIES),)
    first, second = rng.sample(CATEGORIES, 2)
    return (first, second, rng.choice(SUBCATEGORIES))[: rng.randint(1, 3)]


def make_posts(count: int, seed: int) -> Iterator[Post]:
    """The corpus, post by post; the same (count, seed) always gives the same posts."""
    rng = random.Random(seed)
    text = Text(rng)
    stems: list[str] = []
    for index in range(count):
        digest = hashlib.md5(f"{seed}:{index}".encode(), usedforsecurity=False).hexdigest()
        stem = f"qtt-{index:06d}-{digest[:8]}"
        published = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        style = pick(rng, DATE_STYLES)
        if style == "slash":  # a date without a time means local midnight
            local = published.astimezone(LOCAL)
            published = datetime(local.year, local.month, local.day, tzinfo=LOCAL)
        published = published.replace(microsecond=0)
        markdown = rng.random() < 0.04
        front = pick(rng, (("yaml", 94), ("toml", 3), ("json", 3)))
        when = published.astimezone(LOCAL)
        body = markdown_body(rng, text, when) if markdown else html_body(rng, text, when, stems)
        ext = ".md" if markdown or rng.random() < 0.95 else ".html"
        updated = published + timedelta(hours=rng.randint(1, 240)) if rng.random() < 0.1 else None
        tags = tuple(dict.fromkeys(rng.choices(TAG_ROOTS, k=rng.randint(0, 6))))
        yield Post(
            stem=stem,
            published=published,
            date_style=style,
            title=text.title(),
            categories=categories(rng),
            tags=tags,
            author=rng.choice(AUTHORS),
            image=image_url(rng, when),
            body=body,
            body_kind="markdown" if markdown else "html",
            ext=ext,
            front=front,
            updated=updated,
        )
        if len(stems) < 2000:
            stems.append(f"{post_year(published)}/{stem}")


def post_year(when: datetime) -> int:
    """The local year of an instant."""
    return when.astimezone(LOCAL).year


# ----- date dialects -----------------------------------------------------------------


def local_text(when: datetime) -> str:
    """``YYYY-MM-DD HH:mm:ss`` in the site time zone."""
    return when.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S")


def laojia_date(post: Post) -> str:
    """The date as the laojia corpus writes it, in the post's style."""
    local = post.published.astimezone(LOCAL)
    if post.date_style == "rfc822":
        return format_datetime(post.published.astimezone(UTC), usegmt=True)
    if post.date_style == "space":
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if post.date_style == "slash":
        return local.strftime("%Y/%m/%d")
    return local.isoformat()


# ----- front-matter writers ----------------------------------------------------------


def yaml_str(value: str) -> str:
    """A single-quoted YAML scalar."""
    return "'" + value.replace("'", "''") + "'"


def yaml_categories(post: Post) -> list[str]:
    """The categories block, seed style (list), Hexo-nested, or a single string."""
    if len(post.categories) == 1 and isinstance(post.categories[0], str):
        return [f"categories: {post.categories[0]}"]
    lines = ["categories: "]
    for item in post.categories:
        if isinstance(item, str):
            lines.append(f" - {item}")
        else:
            lines.append(f" - [{', '.join(item)}]")
    return lines


def laojia_yaml(post: Post) -> str:
    """Seed-like YAML front matter (leading blank line and all)."""
    lines = ["", "---", f"title: {yaml_str(post.title)}", *yaml_categories(post)]
    if post.tags:
        lines += ["tags:", *(f"  - {tag}" for tag in post.tags)]
    lines += [
        f"headimg: {yaml_str(post.image)}",
        f"author: {post.author}",
        "comments: false",
        f"date: {laojia_date(post)}",
    ]
    if post.updated is not None:
        lines.append(f"updated: {local_text(post.updated)}")
    lines += [f"thumbnail: {yaml_str(post.image)}", "---", "", ""]
    return "\n".join(lines)


def meta_dict(post: Post, date: str, updated: str | None) -> dict[str, object]:
    """Front matter as data (for JSON and TOML)."""
    meta: dict[str, object] = {
        "title": post.title,
        "date": date,
        "categories": [c if isinstance(c, str) else list(c) for c in post.categories],
        "tags": list(post.tags),
        "author": post.author,
        "thumbnail": post.image,
        "headimg": post.image,
    }
    if updated is not None:
        meta["updated"] = updated
    return meta


def toml_value(value: object) -> str:
    """A TOML value for the strings and lists the front matter holds."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def toml_front(meta: dict[str, object], date_literal: str) -> str:
    """``+++`` TOML front matter with a native TOML date."""
    lines = ["+++"]
    for key, value in meta.items():
        lines.append(f"{key} = {date_literal if key == 'date' else toml_value(value)}")
    return "\n".join([*lines, "+++", "", ""])


def laojia_text(post: Post) -> str:
    """The full post file of the laojia corpus."""
    updated = local_text(post.updated) if post.updated else None
    if post.front == "toml":
        iso = post.published.astimezone(LOCAL).isoformat()
        return toml_front(meta_dict(post, iso, updated), iso) + post.body
    if post.front == "json":
        meta = json.dumps(meta_dict(post, local_text(post.published), updated), ensure_ascii=False)
        return meta[1:-1].strip() + "\n;;;\n\n" + post.body
    return laojia_yaml(post) + post.body


def hugo_text(post: Post) -> str:
    """Hugo: YAML/TOML/JSON front matter with RFC 3339 dates, flat categories."""
    iso = post.published.astimezone(LOCAL).isoformat()
    updated = post.updated.astimezone(LOCAL).isoformat() if post.updated else None
    meta = meta_dict(post, iso, updated)
    meta["categories"] = post.flat_categories()
    if updated is not None:
        meta["lastmod"] = meta.pop("updated")
    if post.front == "toml":
        return toml_front(meta, iso) + post.body
    if post.front == "json":
        return json.dumps(meta, ensure_ascii=False, indent=1) + "\n\n" + post.body
    lines = ["---"]
    for key, value in meta.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, list | str) else value
        lines.append(f"{key}: {shown}")
    return "\n".join([*lines, "---", "", ""]) + post.body


def pelican_text(post: Post) -> str:
    """Pelican: <meta> tags for HTML posts, ``Key: value`` lines for Markdown posts."""
    meta = {
        "title": post.title,
        "date": post.published.astimezone(LOCAL).isoformat(),
        "category": post.flat_categories()[0],
        "tags": ", ".join(post.tags),
        "author": post.author,
        "slug": post.stem,
        "thumbnail": post.image,
    }
    if post.updated is not None:
        meta["modified"] = post.updated.astimezone(LOCAL).isoformat()
    if post.body_kind == "markdown":
        head = "".join(f"{key.title()}: {value}\n" for key, value in meta.items() if value)
        return head + "\n" + post.body
    title = meta.pop("title").replace("&", "&amp;").replace("<", "&lt;")
    tags = "".join(
        f'<meta name="{key}" content="{value.replace(chr(34), "&quot;")}" />\n'
        for key, value in meta.items()
        if value
    )
    head = f"<html>\n<head>\n<title>{title}</title>\n{tags}</head>\n"
    return f"{head}<body>\n{post.body}</body>\n</html>\n"


def hexo_text(post: Post) -> str:
    """Hexo: YAML (or ``;;;`` JSON) with ``YYYY-MM-DD HH:mm:ss`` local dates."""
    updated = local_text(post.updated) if post.updated else None
    if post.front == "json":
        meta = json.dumps(meta_dict(post, local_text(post.published), updated), ensure_ascii=False)
        return meta[1:-1].strip() + "\n;;;\n\n" + post.body
    lines = ["---", f"title: {yaml_str(post.title)}", *yaml_categories(post)]
    if post.tags:
        lines += ["tags:", *(f"  - {tag}" for tag in post.tags)]
    lines += [
        f"headimg: {yaml_str(post.image)}",
        f"author: {post.author}",
        f"date: {local_text(post.published)}",
    ]
    if updated is not None:
        lines.append(f"updated: {updated}")
    lines += [f"thumbnail: {yaml_str(post.image)}", "---", "", ""]
    return "\n".join(lines) + post.body


# ----- site configurations ----------------------------------------------------------

HUGO_CONFIG = f"""baseURL = "{SITE_URL}"
title = "{SITE_TITLE}"
locale = "zh-cn"
timeZone = "{TIMEZONE}"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false

[outputs]
home = ["rss"]
section = []
page = []

[services.rss]
limit = -1

[markup.goldmark.renderer]
unsafe = true
"""

#: Hugo's own RSS template, but with full content (as every other row publishes).
HUGO_RSS = """{{- $pages := where .Site.RegularPages "Type" "posts" -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{{ .Site.Title }}</title>
    <link>{{ .Permalink }}</link>
    <description>Recent content on {{ .Site.Title }}</description>
    <language>{{ site.Language.Locale }}</language>
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <pubDate>{{ .PublishDate.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      <guid>{{ .Permalink }}</guid>
      <description>{{ .Content | transform.XMLEscape | safeHTML }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
"""

PELICAN_CONFIG = f"""AUTHOR = "本站编辑"
SITENAME = "{SITE_TITLE}"
SITEURL = "{SITE_URL.rstrip("/")}"
FEED_DOMAIN = SITEURL
PATH = "content"
TIMEZONE = "{TIMEZONE}"
DEFAULT_LANG = "zh"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
FEED_MAX_ITEMS = None
RSS_FEED_SUMMARY_ONLY = False
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
DIRECT_TEMPLATES = []
ARTICLE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
PAGE_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
STATIC_PATHS = []
THEME_STATIC_PATHS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""

HEXO_CONFIG = f"""title: {SITE_TITLE}
url: {SITE_URL.rstrip("/")}
timezone: {TIMEZONE}
language: zh-CN
source_dir: source
public_dir: public
permalink: :year/:month/:day/:title/
syntax_highlighter: false
feed:
  enable: true
  type:
    - atom
    - rss2
  path:
    - atom.xml
    - rss2.xml
  limit: 0
  content: true
  order_by: -date
"""

HEXO_PACKAGE = {
    "name": "laojia-feed-bench-hexo",
    "version": "0.0.0",
    "private": True,
    "hexo": {"version": "8.0.0"},
    "dependencies": {
        "hexo": "^8.0.0",
        "hexo-generator-feed": "^3.0.0",
        "hexo-renderer-marked": "^7.0.0",
    },
}


def write(path: Path, text: str) -> int:
    """Write UTF-8 text, creating folders; return the byte count."""
    data = text.encode("utf-8")
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return len(data)


def peer_ext(layout: str, post: Post) -> str:
    """File extension of a post in a peer's layout."""
    if layout in {"hexo", "hugo"}:
        # HTML bodies inside .md posts pass the Markdown renderers as raw HTML blocks
        # (Hugo 0.168 refuses .html content files by default).
        return ".md"
    if layout == "pelican":
        return ".md" if post.body_kind == "markdown" else ".html"
    return post.ext


#: layout → (folder of the posts under the layout root, text of one post).
POST_WRITERS: dict[str, tuple[str, Callable[[Post], str]]] = {
    "laojia": ("posts", laojia_text),
    "hugo": ("content/posts", hugo_text),
    "pelican": ("content", pelican_text),
    "hexo": ("source/_posts", hexo_text),
}


def write_configs(root: Path, layouts: Sequence[str]) -> None:
    """Each tool's site configuration, beside its posts."""
    if "hugo" in layouts:
        write(root / "hugo" / "hugo.toml", HUGO_CONFIG)
        write(root / "hugo" / "layouts" / "rss.xml", HUGO_RSS)
        write(root / "hugo" / "layouts" / "_default" / "rss.xml", HUGO_RSS)
    if "pelican" in layouts:
        write(root / "pelican" / "pelicanconf.py", PELICAN_CONFIG)
    if "hexo" in layouts:
        write(root / "hexo" / "_config.yml", HEXO_CONFIG)
        write(root / "hexo" / "package.json", json.dumps(HEXO_PACKAGE, indent=2) + "\n")


def manifest(count: int, seed: int, layouts: Sequence[str]) -> dict[str, object]:
    """What identifies a generated corpus (run.py reuses a folder whose manifest matches)."""
    return {"generator": GENERATOR_VERSION, "posts": count, "seed": seed, "layouts": list(layouts)}


def generate(root: Path, count: int, seed: int, layouts: Sequence[str]) -> dict[str, object]:
    """Write the corpus under ``root`` (replacing what was there); return its manifest."""
    for layout in layouts:
        shutil.rmtree(root / layout, ignore_errors=True)
    write_configs(root, layouts)
    sizes = dict.fromkeys(layouts, 0)
    bodies = 0
    kinds: dict[str, int] = {}
    for post in make_posts(count, seed):
        bodies += len(post.body.encode("utf-8"))
        for key in (post.front, post.body_kind, post.date_style, post.ext):
            kinds[key] = kinds.get(key, 0) + 1
        for layout in layouts:
            folder, render = POST_WRITERS[layout]
            ext = post.ext if layout == "laojia" else peer_ext(layout, post)
            path = root / layout / folder / post.year / f"{post.stem}{ext}"
            sizes[layout] += write(path, render(post))
    info = manifest(count, seed, layouts)
    info["bytes"] = sizes
    info["average_body_bytes"] = round(bodies / max(count, 1))
    info["kinds"] = dict(sorted(kinds.items()))
    write(root / "corpus.json", json.dumps(info, indent=2) + "\n")
    return info


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write the corpus into")
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--seed", type=int, default=5, help="random seed (default 5)")
    parser.add_argument(
        "--layouts",
        default=",".join(LAYOUTS),
        help=f"comma-separated layouts to write (default: {','.join(LAYOUTS)})",
    )
    args = parser.parse_args(argv)
    layouts = [name.strip() for name in args.layouts.split(",") if name.strip()]
    unknown = sorted(set(layouts) - set(LAYOUTS))
    if unknown:
        parser.error(f"unknown layouts: {', '.join(unknown)}")
    info = generate(args.out, args.posts, args.seed, layouts)
    json.dump(info, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
