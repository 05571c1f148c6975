"""Hostile posts end to end (issue 4): every class of bad input, through the public API.

Each case writes one hostile entry beside a good neighbour, builds the three feeds, and
asserts the contract: the hostile post's outcome class (published, published with a
warning, skipped with an error, excluded), the file and field its diagnostic names,
that the neighbour is still published, and that every feed stays valid (strict XML,
feedparser bozo false, JSON Feed schema, no forbidden character, well under 5 MiB).
The same table is then built all at once, in one folder, and a subset through the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from feedcheck import NS, html_text, xml_root
from hostile import (
    GOOD,
    GOOD_TITLE,
    SITE,
    Built,
    Outcome,
    build_checked,
    check_feeds,
    fifo,
    json_dump,
    make_posts,
    no_reprs,
    read_feeds,
    symlink,
    unix_socket,
    write_files,
    yaml_post,
)
from laojia_feed import Severity
from laojia_feed.cli.commands import cli

#: A date well in the past of NOW, for posts whose date is not the point.
DATE = "date: 2021-12-09 11:10:27"

Check = Callable[[Built, str], None]


@dataclass(frozen=True)
class Case:
    """One hostile entry and what must become of it."""

    #: Test id; also the file name stem of the hostile post.
    name: str
    #: Creates the hostile entry (and anything it needs) in the posts folder.
    make: Callable[[Path, str], object]
    #: Relative path of the hostile post inside the posts folder.
    target: str
    #: Its outcome class.
    expect: Outcome
    #: Field of the diagnostic that goes with the outcome (None: none required).
    field: str | None = None
    #: A piece of that diagnostic's message.
    message: str = ""
    #: Further checks on the build.
    check: Check | None = None


def _write(data: bytes) -> Callable[[Path, str], object]:
    return lambda posts, target: write_files(posts, {target: data})


def post(
    name: str,
    data: bytes,
    expect: Outcome,
    field: str | None = None,
    message: str = "",
    check: Check | None = None,
    *,
    suffix: str = ".md",
) -> Case:
    """A case made of one post file named after the case."""
    return Case(name, _write(data), name + suffix, expect, field, message, check)


def hexo_json(meta: Mapping[str, object], body: str = "Body.\n") -> bytes:
    """A post with Hexo JSON front matter (``;;;``), escapes kept as JSON writes them."""
    return f"{json_dump(meta)}\n;;;\n{body}".encode()


# --- what a published post looks like in each feed ------------------------------------------


def _rss_item(built: Built, item_id: str) -> etree._Element:
    root = xml_root(built.raw["rss"])
    found = [i for i in root.iter("item") if i.findtext("guid") == item_id]
    assert len(found) == 1, f"{item_id} in rss: {len(found)}"
    return found[0]


def _atom_entry(built: Built, item_id: str) -> etree._Element:
    root = xml_root(built.raw["atom"])
    found = [
        e
        for e in root.iter(f"{{{NS['atom']}}}entry")
        if e.findtext(f"{{{NS['atom']}}}id") == item_id
    ]
    assert len(found) == 1, f"{item_id} in atom: {len(found)}"
    return found[0]


def contents(built: Built, relpath: str) -> dict[str, str]:
    """The content HTML of a published post, read back from each feed (not sanitized again)."""
    article = built.article(relpath)
    assert article is not None, f"{relpath} not published: {built.diagnostics(relpath)}"
    rss = _rss_item(built, article.id).findtext(f"{{{NS['content']}}}encoded")
    atom = _atom_entry(built, article.id).findtext(f"{{{NS['atom']}}}content")
    item = built.json_item(relpath)
    return {"rss": rss or "", "atom": atom or "", "json": item.get("content_html", "")}


def titles(built: Built, relpath: str) -> dict[str, str]:
    """The title of a published post as each feed's XML/JSON holds it."""
    article = built.article(relpath)
    assert article is not None, f"{relpath} not published: {built.diagnostics(relpath)}"
    return {
        "rss": _rss_item(built, article.id).findtext("title") or "",
        "atom": _atom_entry(built, article.id).findtext(f"{{{NS['atom']}}}title") or "",
        "json": built.json_item(relpath).get("title", ""),
    }


def categories(built: Built, relpath: str) -> dict[str, list[str]]:
    """The categories (and tags) of a published post in each feed."""
    article = built.article(relpath)
    assert article is not None
    rss = [c.text or "" for c in _rss_item(built, article.id).iter("category")]
    entry = _atom_entry(built, article.id)
    atom = [c.get("term", "") for c in entry.iter(f"{{{NS['atom']}}}category")]
    return {"rss": rss, "atom": atom, "json": built.json_item(relpath).get("tags", [])}


def links(built: Built) -> list[str]:
    """Every item link and id of every feed."""
    found: list[str] = []
    for entry in (*built.rss.entries, *built.atom.entries):
        found += [entry.id, entry.link]
    for item in built.json["items"]:
        found += [item["id"], item["url"]]
    return found


# --- checks ----------------------------------------------------------------------------------

_UNSAFE_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "base", "meta", "style", "form", "link"}
)
_URL_ATTRS = frozenset({"href", "src", "srcset", "action", "formaction", "xlink:href", "poster"})


def assert_safe_html(fragment: str, where: str) -> None:
    """No script-capable element, event handler, style or unsafe URL scheme survives."""
    if not fragment.strip():
        return
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        assert tag not in _UNSAFE_TAGS, f"{where}: <{tag}> survived"
        for name, value in element.attrib.items():
            lowered = name.lower().rsplit("}", 1)[-1]
            assert not lowered.startswith("on"), f"{where}: {name} on <{tag}>"
            assert lowered not in {"style", "srcdoc"}, f"{where}: {name} on <{tag}>"
            if lowered in _URL_ATTRS or lowered.endswith("href"):
                squeezed = "".join(c for c in value if c > " ").lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (
                    f"{where}: {name}={value!r}"
                )
    assert "<script" not in fragment.lower(), where


def published_title(expected: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(relpath)
        assert article is not None
        assert article.title == expected
        assert set(titles(built, relpath).values()) == {expected}

    return check


def title_is_plain(built: Built, relpath: str) -> None:
    for name, title in titles(built, relpath).items():
        assert "<" not in title and ">" not in title, (name, title)
        assert "script" not in title.lower(), (name, title)


def content_has(text: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        for name, content in contents(built, relpath).items():
            assert text in html_text(content), (name, text, content[:300])

    return check


def categories_are(expected: tuple[str, ...]) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(relpath)
        assert article is not None
        assert article.categories == expected
        for name, found in categories(built, relpath).items():
            assert found == list(expected + article.tags), (name, found)

    return check


def _tags_are(*expected: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(relpath)
        assert article is not None
        assert article.tags == expected

    return check


def no_python_reprs(built: Built, relpath: str) -> None:
    assert built.article(relpath) is not None
    assert no_reprs(built.text()) == []


def never_in_feeds(*texts: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        everything = built.text()
        for text in texts:
            assert text not in everything, text

    return check


def clean_links(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    for link in [*links(built), article.url, article.id]:
        if link.startswith("tag:"):  # an explicit id: tag:host,year:id
            path = link.split(":", 2)[2]
        else:
            assert link.startswith(SITE.url), link
            path = link[len(SITE.url) :]
        segments = path.split("?")[0].split("/")
        assert ".." not in segments and "." not in segments, link
        assert "%2e%2e" not in link.lower() and "etc/passwd" not in link, link


def _id_is_a_tag(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert article.id.startswith("tag:blog.example.org,2021:"), article.id
    _no_script_links(built, relpath)


def _no_script_links(built: Built, relpath: str) -> None:
    for link in links(built):
        assert not link.lower().startswith(("javascript:", "vbscript:", "data:")), link


def published_at(instant: datetime) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(relpath)
        assert article is not None
        assert article.published == instant
        item = built.json_item(relpath)
        assert datetime.fromisoformat(item["date_published"]) == instant

    return check


def all_of(*checks: Check) -> Check:
    def check(built: Built, relpath: str) -> None:
        for each in checks:
            each(built, relpath)

    return check


# --- the cases -------------------------------------------------------------------------------

GB_TITLE = "老房加梯系列报道：天目西路街道加梯楼的五维秘笈"
GB_BODY = "近期，老房加梯系列报道专题，连载报道静安区各街镇老旧小区加装电梯过程中的探索实践。\n"

ENCODINGS = [
    post("zero-bytes", b"", Outcome.ERROR, "file", "empty"),
    post("binary-nul", bytes(range(256)) * 8, Outcome.ERROR, "file", "binary"),
    post(
        "binary-control",
        b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 40,
        Outcome.ERROR,
        "file",
        "binary",
    ),
    post(
        "invalid-utf8",
        yaml_post(f"title: Café au lait\n{DATE}", "Crème brûlée.\n", encoding="latin-1"),
        Outcome.ERROR,
        "file",
        "UTF-8",
    ),
    post(
        "truncated-utf8",
        yaml_post(f"title: cut\n{DATE}") + "加梯".encode()[:-1],
        Outcome.ERROR,
        "file",
        "UTF-8",
    ),
    post(
        "cesu8-surrogate",
        yaml_post(f"title: cesu\n{DATE}") + b"surrogate bytes \xed\xa0\xbd here\n",
        Outcome.ERROR,
        "file",
        "UTF-8",
    ),
    post(
        "utf16-lone-surrogate",
        b"\xff\xfe"
        + f"---\ntitle: \ud83d x\n{DATE}\n---\nbody\n".encode("utf-16-le", "surrogatepass"),
        Outcome.ERROR,
        "file",
        "UTF-16",
    ),
    post(
        "utf8-bom",
        b"\xef\xbb\xbf" + yaml_post(f"title: BOM 标题\n{DATE}"),
        Outcome.PUBLISHED,
        check=published_title("BOM 标题"),
    ),
    post(
        "utf16-le-bom",
        b"\xff\xfe" + yaml_post(f"title: UTF-16 标题\n{DATE}", encoding="utf-16-le"),
        Outcome.WARNED,
        "file",
        "UTF-16",
        published_title("UTF-16 标题"),
    ),
    post(
        "utf16-be-bom",
        b"\xfe\xff" + yaml_post(f"title: UTF-16BE 标题\n{DATE}", encoding="utf-16-be"),
        Outcome.WARNED,
        "file",
        "UTF-16",
        published_title("UTF-16BE 标题"),
    ),
    post(
        "gb18030",
        yaml_post(f"title: {GB_TITLE}\n{DATE}\ncategories: [新媒体]", GB_BODY, encoding="gb18030"),
        Outcome.WARNED,
        "file",
        "GB18030",
        all_of(published_title(GB_TITLE), content_has("静安区"), categories_are(("新媒体",))),
    ),
    post(
        "crlf",
        yaml_post(
            f"title: CRLF 标题\n{DATE}\ncategories:\n  - 一\n  - 二",
            "First line.\n\n```\ncode line\n```\n",
            newline="\r\n",
        ),
        Outcome.PUBLISHED,
        check=all_of(
            published_title("CRLF 标题"), categories_are(("一", "二")), content_has("code line")
        ),
    ),
    post(
        "crlf-toml",
        b'+++\r\ntitle = "TOML CRLF"\r\ndate = 2021-12-09T11:10:27+08:00\r\n+++\r\nBody.\r\n',
        Outcome.PUBLISHED,
        check=published_title("TOML CRLF"),
    ),
    post(
        "crlf-hexo-json-bom",
        b'\xef\xbb\xbf{"title": "JSON CRLF", "date": "2021-12-09"}\r\n;;;\r\nBody.\r\n',
        Outcome.PUBLISHED,
        check=published_title("JSON CRLF"),
    ),
    post(
        "cr-only",
        yaml_post(f"title: old Mac\n{DATE}", "Line one.\nLine two.\n", newline="\r"),
        Outcome.PUBLISHED,
        check=all_of(published_title("old Mac"), content_has("Line two.")),
    ),
    post(
        "lone-surrogate-json",
        hexo_json(
            {
                "title": "smile \ud83d here",
                "date": "2021-12-09 11:10:27",
                "categories": ["a\udc00b"],
                "tags": ["\ud83d\ude00 ok"],
            },
            "Body with a \\ud83d escape in text.\n",
        ),
        Outcome.WARNED,
        "title",
        check=all_of(published_title("smile here"), categories_are(("ab",)), _tags_are("😀 ok")),
    ),
    post(
        "yaml-escaped-surrogate",
        yaml_post(f'title: "a\\ud83db"\n{DATE}'),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "forbidden-raw",
        yaml_post(
            f'title: "Bell\\a and \\e escape\\uFFFE"\n{DATE}\ncategories: ["cat\\x0C"]',
            "Body\x01 with\x0b controls\uffff and \x1b.\n",
        ),
        Outcome.WARNED,
        "file",
        "control characters",
        all_of(
            published_title("Bell and escape"),
            categories_are(("cat",)),
            content_has("Body with controls and ."),
        ),
    ),
    post(
        "forbidden-references",
        yaml_post(
            f"title: 'Ref &#1; &#x1F; &#xFFFE; &#xD800; done'\n{DATE}\n"
            "categories: ['c&#x0B;at', '&#0;']",
            "<p>body &#0; &#x1; &#xD800; &#65535; &#x10FFFF; ok</p>\n",
        ),
        Outcome.PUBLISHED,
        check=all_of(title_is_plain, content_has("body"), content_has("ok")),
        suffix=".md",
    ),
]

MARKER = "pwned-marker"


def _marker_absent(built: Built, relpath: str) -> None:
    assert not (built.posts.parent / MARKER).exists(), "a YAML tag ran a command"
    assert not (Path.cwd() / MARKER).exists(), "a YAML tag ran a command"


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        ref = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{ref}]")
    return "\n".join(lines)


THEME_KEYS = (
    "comments: false\ntop: 1\nsticky: 100\nmathjax: true\ntoc: {enable: true}\nlayout: post"
)


def _theme_keys_kept(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert article.extra["comments"] == "false"  # strict YAML: the text the author typed
    assert article.extra["layout"] == "post"
    assert not [d for d in built.diagnostics(relpath) if d.severity is not Severity.INFO]


def _authors_are(*names: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(relpath)
        assert article is not None
        assert tuple(a.name for a in article.authors) == names
        item = built.json_item(relpath)
        assert [a["name"] for a in item["authors"]] == list(names)
        rss_item = _rss_item(built, article.id)
        creators = [c.text for c in rss_item.iter(f"{{{NS['dc']}}}creator")]
        assert creators == list(names) or creators == [", ".join(names)], creators

    return check


def _no_tags(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert article.tags == ()


def _fields_named(built: Built, relpath: str, expected: set[str]) -> None:
    errors = {d.field for d in built.diagnostics(relpath) if d.severity is Severity.ERROR}
    assert errors == expected
    assert "every problem at once" not in built.text()


def _no_image(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert article.image is None
    assert "image" not in built.json_item(relpath)


FRONT_MATTER = [
    post("no-front-matter", b"Just a body, no front matter.\n", Outcome.ERROR, "front matter"),
    post(
        "unterminated",
        f"---\ntitle: never closed\n{DATE}\n\nThe body.\n".encode(),
        Outcome.ERROR,
        "front matter",
        "closing",
    ),
    post(
        "malformed-yaml",
        yaml_post(f"title: [unclosed\n{DATE}\ncategories: {{a: "),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "python-apply",
        yaml_post(f"title: !!python/object/apply:os.system ['touch {MARKER}']\n{DATE}"),
        Outcome.ERROR,
        "front matter",
        check=_marker_absent,
    ),
    post(
        "python-new",
        yaml_post(
            f"{DATE}\ntitle: x\nhook: !!python/object/new:subprocess.check_output "
            f"[['touch', '{MARKER}']]"
        ),
        Outcome.ERROR,
        "front matter",
        check=_marker_absent,
    ),
    post(
        "python-name",
        yaml_post(f"{DATE}\ntitle: x\nhook: !!python/name:os.system"),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "alias-bomb",
        yaml_post(f"title: lol\n{DATE}\n{_billion_laughs()}"),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "alias-bomb-in-categories",
        yaml_post(f"title: lol\n{DATE}\n{_billion_laughs()}\ncategories: *a9"),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "self-alias",
        yaml_post(f"title: loop\n{DATE}\ncategories: &a [x, *a]"),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "self-alias-mapping",
        yaml_post(f"title: loop\n{DATE}\nauthor: &m {{name: x, self: *m}}"),
        Outcome.ERROR,
        "front matter",
    ),
    post(
        "yaml11-implicit",
        yaml_post(f"title: 2021\n{DATE}\ncategories: [no, yes, off, on, 1.10, 0x1F, 10:00, ~]"),
        Outcome.PUBLISHED,
        check=all_of(
            published_title("2021"),
            categories_are(("no", "yes", "off", "on", "1.10", "0x1F", "10:00")),
        ),
    ),
    post(
        "theme-keys",
        yaml_post(f"title: themed\n{DATE}\n{THEME_KEYS}"),
        Outcome.PUBLISHED,
        check=all_of(_theme_keys_kept, no_python_reprs),
    ),
    post(
        "categories-mapping",
        yaml_post(f"title: mapped\n{DATE}\ncategories: {{a: 1, b: [2]}}"),
        Outcome.WARNED,
        "categories",
        check=all_of(categories_are(()), no_python_reprs),
    ),
    post(
        "categories-string",
        yaml_post(f"title: one category\n{DATE}\ncategories: 新媒体 and more"),
        Outcome.PUBLISHED,
        check=all_of(categories_are(("新媒体 and more",)), no_python_reprs),
    ),
    post(
        "thumbnail-list",
        yaml_post(f"title: listed image\n{DATE}\nthumbnail: [https://img.example.org/a.jpg]"),
        Outcome.WARNED,
        "thumbnail",
        check=no_python_reprs,
    ),
    post(
        "title-number-json",
        hexo_json({"title": 2021.5, "date": "2021-12-09 11:10:27"}),
        Outcome.WARNED,
        "title",
        check=all_of(published_title("2021.5"), no_python_reprs),
    ),
    post(
        "title-bool-json",
        hexo_json({"title": True, "date": "2021-12-09 11:10:27"}),
        Outcome.WARNED,
        "title",
        check=all_of(published_title("true"), no_python_reprs),
    ),
    post(
        "author-list",
        yaml_post(f"title: two authors\n{DATE}\nauthor: [张三, {{name: 李四}}, null]"),
        Outcome.PUBLISHED,
        check=all_of(_authors_are("张三", "李四"), no_python_reprs),
    ),
    post(
        "tags-null",
        yaml_post(f"title: null tags\n{DATE}\ntags: null\ncategories: [null, [a, null]]"),
        Outcome.PUBLISHED,
        check=all_of(_no_tags, categories_are(("a",)), no_python_reprs),
    ),
    post(
        "wrong-types-json",
        hexo_json(
            {
                "title": "wrong types",
                "date": "2021-12-09 11:10:27",
                "categories": {"a": [1, None]},
                "tags": [[True, None], 1.5, {"x": 1}],
                "thumbnail": ["https://img.example.org/a.jpg", None],
                "author": None,
            }
        ),
        Outcome.WARNED,
        "categories",
        check=all_of(no_python_reprs, _tags_are("true", "1.5"), categories_are(())),
    ),
    post(
        "wrong-types-errors",
        hexo_json(
            {
                "title": "every problem at once",
                "date": "2021-12-09 11:10:27",
                "author": [["nested"], None],
                "description": ["a", "b"],
                "lang": ["en"],
            }
        ),
        Outcome.ERROR,
        "author",
        check=lambda built, rel: _fields_named(built, rel, {"author", "description", "lang"}),
    ),
    post(
        "wrong-types-toml",
        (
            b"+++\ntitle = 2021\ndate = 2021-12-09T11:10:27+08:00\n"
            b"categories = [true, 1, 1.5, 2021-12-09]\ntags = { a = 1 }\n"
            b'author = { name = "x", email = 1 }\nextra = { when = 10:00:00, n = nan }\n+++\n'
            b"TOML body.\n"
        ),
        Outcome.WARNED,
        "title",
        check=all_of(
            published_title("2021"),
            categories_are(("true", "1", "1.5", "2021-12-09")),
            no_python_reprs,
        ),
    ),
    post(
        "title-list",
        yaml_post(f"title: [a, b]\n{DATE}"),
        Outcome.ERROR,
        "title",
    ),
]

LONG_TITLE = "长" * 2500 + "long" * 625

TITLES = [
    post(
        "no-title",
        yaml_post(DATE),
        Outcome.WARNED,
        "title",
        check=published_title("no-title"),
    ),
    post(
        "long-title",
        yaml_post(f"title: {LONG_TITLE}\n{DATE}"),
        Outcome.WARNED,
        "title",
        check=lambda built, rel: _title_capped(built, rel),
    ),
    post(
        "title-markup",
        yaml_post(
            f"title: '<script>alert(1)</script>Hello <b>bold</b> <img src=x onerror=alert(1)>'\n"
            f"{DATE}"
        ),
        Outcome.PUBLISHED,
        check=all_of(published_title("Hello bold"), title_is_plain),
    ),
    post(
        "title-entity-markup",
        yaml_post(
            "title: '&lt;script&gt;alert(1)&lt;/script&gt;Hi &amp;lt;b&amp;gt;there'\n" + DATE
        ),
        Outcome.PUBLISHED,
        check=title_is_plain,
    ),
    post(
        "title-controls",
        yaml_post(f'title: "Tab\\there\\x07bell\\nnew\\u0085line\\x1b"\n{DATE}'),
        Outcome.WARNED,
        "title",
        "XML forbids",
        check=published_title("Tab herebell new line"),
    ),
]


def _title_capped(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert 10 < len(article.title) <= 300
    assert article.title.startswith("长长长")
    for title in titles(built, relpath).values():
        assert title == article.title


XSS_BODY = "\n".join(
    [
        "<p>keep me</p>",
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(2)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">tab link</a>',
        '<a href=" javascript:alert(1)">space link</a>',
        '<a href="&#106;avascript:alert(1)">entity link</a>',
        '<a href="vbscript:msgbox(1)">vb link</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<svg><a xlink:href="javascript:alert(1)"><text>svg text</text></a></svg>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
        "</style></mglyph></table></mtext></math>",
        '<form><button formaction="javascript:alert(1)">go</button></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="https://evil.example/">',
        '<img srcset="javascript:alert(1) 1x, https://img.example.org/ok.png 2x" src="ok.png">',
        '<p style="background:url(javascript:alert(1))">styled</p>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<p>keep me too</p>",
        "",
    ]
)


def _xss_removed(built: Built, relpath: str) -> None:
    for name, content in contents(built, relpath).items():
        assert_safe_html(content, name)
        text = html_text(content)
        assert "keep me" in text and "keep me too" in text, (name, text)


DEEP = 20_000

XXE_BODY = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<p>before &xxe; after</p>\n'

CDATA_BODY = (
    "Text with ]]> in it and `<![CDATA[ literal cdata ]]>` too.\n\n"
    '```js\nif (a[b[0]]>1) { x = "<![CDATA[" + y + "]]>"; }\n```\n'
)

BIG_BODY = ("<p>" + "很长的正文 long body " * 40 + "</p>\n") * 6000  # ~6 MB


def _item_capped(built: Built, relpath: str) -> None:
    for name, content in contents(built, relpath).items():
        assert len(content.encode()) <= SITE.item_budget, (name, len(content))
    notes = [d for d in built.diagnostics(relpath) if d.severity is Severity.WARNING]
    assert any(d.field == "body" for d in notes), notes


BODIES = [
    post(
        "xss",
        yaml_post(f"title: xss\n{DATE}", XSS_BODY),
        Outcome.PUBLISHED,
        check=_xss_removed,
        suffix=".html",
    ),
    post(
        "xss-markdown",
        yaml_post(f"title: xss md\n{DATE}", XSS_BODY + "\n[md link](javascript:alert(1))\n"),
        Outcome.PUBLISHED,
        check=_xss_removed,
    ),
    post(
        "doctype-xxe",
        yaml_post(f"title: xxe\n{DATE}", XXE_BODY),
        Outcome.PUBLISHED,
        check=all_of(never_in_feeds("root:", "/bin/"), content_has("before"), content_has("after")),
        suffix=".html",
    ),
    post(
        "cdata",
        yaml_post(f"title: 'cdata ]]> <![CDATA[ x ]]>'\n{DATE}", CDATA_BODY),
        Outcome.PUBLISHED,
        check=all_of(
            content_has("]]>"),
            content_has("literal cdata"),
            content_has('x = "<![CDATA[" + y + "]]>"'),
        ),
    ),
    post(
        "nested-divs",
        yaml_post(f"title: deep\n{DATE}", "<div>" * DEEP + "deep text" + "</div>" * DEEP),
        Outcome.PUBLISHED,
        check=content_has("deep text"),
        suffix=".html",
    ),
    post(
        "six-megabytes",
        yaml_post(f"title: big\n{DATE}", BIG_BODY),
        Outcome.WARNED,
        "body",
        "budget",
        _item_capped,
        suffix=".html",
    ),
]


def _outside(built: Built, relpath: str) -> None:
    assert "Outside secret" not in built.text()
    assert built.article(relpath) is None


def _link_outside(posts: Path, target: str) -> object:
    outside = posts.parent / "outside"
    write_files(outside, {"valid.md": yaml_post(f"title: Outside secret\n{DATE}")})
    symlink(posts / target, outside / "valid.md")
    return None


def _dir_link_outside(posts: Path, target: str) -> object:
    outside = posts.parent / "outside"
    write_files(outside, {"valid.md": yaml_post(f"title: Outside secret\n{DATE}")})
    symlink(posts / target, outside)
    return None


def _loop(posts: Path, target: str) -> object:
    symlink(posts / target, ".")
    symlink(posts / "sub" / "up", "..")
    symlink(posts / "sub" / "self.md", "self.md")
    return None


def _first_kept(first: str, title: str) -> Check:
    def check(built: Built, relpath: str) -> None:
        article = built.article(first)
        assert article is not None and article.title == title
        ids = [i["id"] for i in built.json["items"]]
        assert ids.count(article.id) == 1

    return check


def _clash(name: str, prefix: str, title: str, claim: str) -> Case:
    """Two posts making the same ``claim`` (slug or id): ``<prefix>-first.md`` keeps it,
    ``<prefix>-second.md`` is an error."""
    first = f"{prefix}-first.md"

    def make(posts: Path, target: str) -> object:
        write_files(
            posts,
            {
                first: yaml_post(f"title: first{title}\n{DATE}\n{claim}"),
                target: yaml_post(f"title: second{title}\n{DATE}\n{claim}"),
            },
        )
        return None

    check = _first_kept(first, f"first{title}")
    return Case(name, make, f"{prefix}-second.md", Outcome.ERROR, "id", "already used", check)


FILES = [
    Case("symlink-outside", _link_outside, "linked.md", Outcome.EXCLUDED, check=_outside),
    Case(
        "symlink-passwd",
        lambda posts, target: symlink(posts / target, "/etc/passwd"),
        "passwd.md",
        Outcome.EXCLUDED,
        check=never_in_feeds("root:"),
    ),
    Case(
        "symlink-dev-zero",
        lambda posts, target: symlink(posts / target, "/dev/zero"),
        "zero.md",
        Outcome.EXCLUDED,
    ),
    Case("symlink-loop", _loop, "loop.md", Outcome.EXCLUDED),
    Case("fifo", lambda posts, target: fifo(posts / target), "x.md", Outcome.EXCLUDED),
    Case("socket", lambda posts, target: unix_socket(posts / target), "s.md", Outcome.EXCLUDED),
    Case("dir-symlink-outside", _dir_link_outside, "ext", Outcome.EXCLUDED, "file", check=_outside),
    post(
        "slug-dot-segments",
        yaml_post(f"title: escape\n{DATE}\nslug: ../../etc/passwd"),
        Outcome.WARNED,
        "slug",
        check=clean_links,
    ),
    post(
        "permalink-dot-segments",
        yaml_post(f"title: escape link\n{DATE}\npermalink: ../../../x"),
        Outcome.PUBLISHED,
        check=clean_links,
    ),
    post(
        "permalink-encoded-dots",
        yaml_post(f"title: encoded\n{DATE}\npermalink: /a/%2e%2e/%2E%2E/b/"),
        Outcome.PUBLISHED,
        check=clean_links,
    ),
    post(
        "permalink-javascript",
        yaml_post(f"title: js link\n{DATE}\npermalink: javascript:alert(1)"),
        Outcome.WARNED,
        "permalink",
        check=all_of(clean_links, _no_script_links),
    ),
    post(
        "id-javascript",
        yaml_post(f"title: js id\n{DATE}\nid: 'JavaScript:alert(1)'"),
        Outcome.PUBLISHED,
        check=all_of(clean_links, _id_is_a_tag),
    ),
    post(
        "id-dot-segments",
        yaml_post(f"title: dotted id\n{DATE}\nid: ../../etc/passwd"),
        Outcome.PUBLISHED,
        check=clean_links,
    ),
    _clash("duplicate-slug", "dup", "", "slug: same"),
    _clash("duplicate-id", "id", " id", "id: post-1"),
]


def _unsafe_thumbnail(name: str, url: str) -> Case:
    return post(
        name,
        yaml_post(f"title: {name}\n{DATE}\nthumbnail: '{url}'"),
        Outcome.WARNED,
        "thumbnail",
        "dropped",
        all_of(_no_image, never_in_feeds(url)),
    )


URLS = [
    _unsafe_thumbnail("thumbnail-javascript", "javascript:steal_thumbnail()"),
    _unsafe_thumbnail("thumbnail-file", "file:///etc/passwd"),
    _unsafe_thumbnail("thumbnail-metadata", "http://169.254.169.254/latest/meta-data/"),
    _unsafe_thumbnail("thumbnail-decimal-ip", "http://2130706433/a.jpg"),
    _unsafe_thumbnail("thumbnail-credentials", "https://user:pw@img.example.org/a.jpg"),
    _unsafe_thumbnail(
        "thumbnail-proxy-private", "https://cors.example.net/?http://127.0.0.1/a.jpg"
    ),
    post(
        "author-hostile",
        yaml_post(
            f"title: author\n{DATE}\nauthor: {{name: '<b>Bob</b>', email: 'not an email', "
            "url: 'javascript:author_link()'}"
        ),
        Outcome.WARNED,
        "author",
        check=all_of(_authors_are("Bob"), never_in_feeds("author_link", "<b>Bob")),
    ),
]


def _bounded_article(built: Built, relpath: str) -> None:
    article = built.article(relpath)
    assert article is not None
    assert len(article.url) <= 2000 and len(article.id) <= 2000
    assert len(article.authors) <= 20 and len(article.categories) <= 50
    assert len(article.tags) <= 50 and len(article.summary or "") <= 2000
    assert article.image is None or len(article.image) <= 2000
    item = json.dumps(built.json_item(relpath), ensure_ascii=False)
    assert len(item.encode()) < 16 * 1024, len(item)


def _oversized(name: str, front: str, field: str) -> Case:
    return post(
        name,
        yaml_post(f"title: {name}\n{DATE}\n{front}"),
        Outcome.WARNED,
        field,
        "",
        _bounded_article,
    )


SIZES = [
    _oversized(
        "many-categories",
        "categories:\n" + "".join(f"  - c{i}\n" for i in range(3000)),
        "categories",
    ),
    _oversized("many-tags", "tags: [" + ", ".join(f"t{i}" for i in range(3000)) + "]", "tags"),
    _oversized(
        "many-authors", "author: [" + ", ".join(f"a{i}" for i in range(3000)) + "]", "author"
    ),
    _oversized("long-category", "categories: [" + "x" * 100_000 + "]", "categories"),
    _oversized("long-author", "author: " + "名" * 100_000, "author"),
    _oversized("long-slug", "slug: " + "s" * 100_000, "slug"),
    _oversized("long-permalink", "permalink: /" + "p/" * 20_000, "permalink"),
    _oversized(
        "long-thumbnail",
        "thumbnail: https://img.example.org/" + "a" * 100_000 + ".jpg",
        "thumbnail",
    ),
    _oversized("long-description", "description: " + "描述" * 100_000, "description"),
    post(
        "long-id", yaml_post(f"title: long id\n{DATE}\nid: " + "i" * 100_000), Outcome.ERROR, "id"
    ),
]

FLAGS = [
    post("draft-true", yaml_post(f"title: d\n{DATE}\ndraft: true"), Outcome.EXCLUDED),
    post("draft-yes-string", yaml_post(f'title: d\n{DATE}\ndraft: "yes"'), Outcome.EXCLUDED),
    post("draft-true-string", yaml_post(f'title: d\n{DATE}\ndraft: "true"'), Outcome.EXCLUDED),
    post("draft-maybe", yaml_post(f"title: d\n{DATE}\ndraft: maybe"), Outcome.EXCLUDED),
    post("draft-list", yaml_post(f"title: d\n{DATE}\ndraft: [x]"), Outcome.EXCLUDED),
    post(
        "draft-json-1",
        hexo_json({"title": "d", "date": "2021-12-09", "draft": 1}),
        Outcome.EXCLUDED,
    ),
    post("published-false", yaml_post(f"title: p\n{DATE}\npublished: false"), Outcome.EXCLUDED),
    post("published-no", yaml_post(f"title: p\n{DATE}\npublished: no"), Outcome.EXCLUDED),
    post("draft-false", yaml_post(f"title: kept\n{DATE}\ndraft: false"), Outcome.PUBLISHED),
    Case(
        "drafts-folder",
        _write(yaml_post(f"title: drafted\n{DATE}")),
        "_drafts/wip.md",
        Outcome.EXCLUDED,
        check=never_in_feeds("drafted"),
    ),
]

SEED_INSTANT = datetime(2021, 12, 9, 3, 10, 27, tzinfo=UTC)

DATES = [
    post(
        "epoch-seconds",
        yaml_post("title: epoch s\ndate: 1639019427"),
        Outcome.WARNED,
        "date",
        "read as a Unix time in seconds",
        published_at(SEED_INSTANT),
    ),
    post(
        "epoch-milliseconds",
        yaml_post("title: epoch ms\ndate: 1639019427000"),
        Outcome.WARNED,
        "date",
        "read as a Unix time in milliseconds",
        published_at(SEED_INSTANT),
    ),
    post(
        "epoch-json-int",
        hexo_json({"title": "epoch json", "date": 1639019427}),
        Outcome.WARNED,
        "date",
        "read as a Unix time in seconds",
        published_at(SEED_INSTANT),
    ),
    post(
        "epoch-json-ms",
        hexo_json({"title": "epoch json ms", "date": 1639019427000}),
        Outcome.WARNED,
        "date",
        "read as a Unix time in milliseconds",
        published_at(SEED_INSTANT),
    ),
    post(
        "weekday-contradiction",
        yaml_post("title: wrong weekday\ndate: Mon, 09 Dec 2021 03:10:27 GMT"),
        Outcome.WARNED,
        "date",
        "Thu",
        published_at(SEED_INSTANT),
    ),
    post(
        "end-of-time",
        yaml_post("title: the end\ndate: 9999-12-31T23:59:59-12:00"),
        Outcome.ERROR,
        "date",
        "UTC",
    ),
    post(
        "updated-end-of-time",
        yaml_post(f"title: the end\n{DATE}\nupdated: 9999-12-31T23:00:00-12:00"),
        Outcome.ERROR,
        "updated",
        "UTC",
    ),
    post("year-zero", yaml_post("title: y0\ndate: 0000-01-01"), Outcome.ERROR, "date"),
    post(
        "feb-30",
        yaml_post("title: feb\ndate: 2021-02-30"),
        Outcome.ERROR,
        "date",
        "does not exist",
    ),
    post("far-future", yaml_post("title: future\ndate: 2999-01-01"), Outcome.EXCLUDED),
    post("no-date", yaml_post("title: undated"), Outcome.ERROR, "date"),
    post("relative-date", yaml_post("title: rel\ndate: yesterday"), Outcome.ERROR, "date"),
    post("relative-date-zh", yaml_post("title: rel\ndate: 三天前"), Outcome.ERROR, "date"),
    post("date-list", yaml_post("title: list date\ndate: [2021-12-09]"), Outcome.ERROR, "date"),
]

CASES = ENCODINGS + FRONT_MATTER + TITLES + BODIES + FILES + URLS + SIZES + FLAGS + DATES


def assert_case(built: Built, case: Case) -> None:
    """The contract for one case inside a finished build."""
    found = built.outcome(case.target)
    assert found is case.expect, (case.name, found, built.diagnostics(case.target))
    if case.field is not None:
        severity = Severity.ERROR if case.expect is Outcome.ERROR else Severity.WARNING
        matching = [
            d
            for d in built.diagnostics(case.target)
            if d.field == case.field and d.severity is severity and case.message in d.message
        ]
        assert matching, (case.name, case.field, case.message, built.diagnostics(case.target))
    for diagnostic in built.diagnostics(case.target):
        assert diagnostic.path == built.display(case.target)
        assert "Traceback" not in diagnostic.message
    if case.expect is Outcome.ERROR:
        assert built.article(case.target) is None
        assert not built.result.ok
    if case.check is not None:
        case.check(built, case.target)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_post_beside_a_good_one(tmp_path: Path, case: Case) -> None:
    posts = make_posts(tmp_path)
    case.make(posts, case.target)
    built = build_checked(posts, tmp_path / "out")
    assert_case(built, case)
    assert built.result.ok is (case.expect is not Outcome.ERROR)


def test_every_hostile_post_in_one_folder(tmp_path: Path) -> None:
    """All cases side by side: no post's problem leaks onto another."""
    posts = make_posts(tmp_path)
    for case in CASES:
        case.make(posts, case.target)
    built = build_checked(posts, tmp_path / "out")
    for case in CASES:
        assert_case(built, case)
    published = {a.source_path for a in built.load.articles}
    expected = {c.target for c in CASES if c.expect in {Outcome.PUBLISHED, Outcome.WARNED}} | {
        GOOD,
        "dup-first.md",
        "id-first.md",
    }
    assert published == expected


# --- through the CLI -------------------------------------------------------------------------

CLI_SUBSETS = {
    "warnings-only": (["utf16-le-bom", "gb18030", "no-title", "weekday-contradiction"], 0),
    "exclusions-only": (
        ["draft-maybe", "far-future", "symlink-passwd", "fifo", "socket", "drafts-folder"],
        0,
    ),
    "sanitized": (["xss", "doctype-xxe", "cdata", "nested-divs"], 0),
    "errors": (["zero-bytes", "python-apply", "alias-bomb", "feb-30", "duplicate-slug"], 1),
    "mixed": (["binary-nul", "forbidden-raw", "symlink-outside", "no-date", "xss"], 1),
}

_BY_NAME = {c.name: c for c in CASES}


def run_cli(posts: Path, out: Path, *extra: str) -> Any:
    runner = CliRunner()
    args = ["build", str(posts), "--out", str(out), "--site-url", SITE.url, *extra]
    return runner.invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize("subset", sorted(CLI_SUBSETS))
def test_cli_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subset: str) -> None:
    names, code = CLI_SUBSETS[subset]
    monkeypatch.chdir(tmp_path)
    posts = make_posts(tmp_path)
    for name in names:
        case = _BY_NAME[name]
        case.make(posts, case.target)
    result = run_cli(posts, tmp_path / "out")
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    check_feeds(read_feeds(tmp_path / "out"))
    for name in names:
        case = _BY_NAME[name]
        if case.expect is Outcome.ERROR:
            assert f"error: {posts}/{case.target}: {case.field}:" in result.output
    feed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    assert GOOD_TITLE in [i["title"] for i in feed["items"]]


def test_cli_json_diagnostics_name_file_and_field(tmp_path: Path) -> None:
    posts = make_posts(tmp_path, {"bad.md": yaml_post("title: feb\ndate: 2021-02-30")})
    result = run_cli(posts, tmp_path / "out", "--format", "json")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {
        "path": f"{posts}/bad.md",
        "field": "date",
        "severity": "error",
    }.items() <= records[0].items()
    assert "does not exist" in records[0]["message"]


def test_fifo_never_blocks_a_real_process(tmp_path: Path) -> None:
    """The CLI in its own process, with a FIFO and a socket among the posts, finishes."""
    posts = make_posts(tmp_path)
    fifo(posts / "x.md")
    fifo(posts / "sub" / "pipe.markdown")
    sock = unix_socket(posts / "s.md")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "laojia_feed", "build", str(posts), "--out", "out",
             "--site-url", SITE.url],
            cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        sock.close()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    raw = read_feeds(tmp_path / "out")
    check_feeds(raw)
    assert GOOD_TITLE in raw["json"].decode()


def test_posts_named_like_options_and_odd_names(tmp_path: Path) -> None:
    """File names with spaces, quotes, markup and non-ASCII become clean display paths."""
    names = {
        "with space.md": "space",
        "引号'\"<b>.md": "quotes",
        "-rf.md": "dash",
        "深/层/目录/文章.md": "deep",
    }
    files = {name: yaml_post(f"title: {title}\n{DATE}") for name, title in names.items()}
    posts = make_posts(tmp_path, files)
    built = build_checked(posts, tmp_path / "out")
    for name in names:
        assert built.outcome(name) is Outcome.PUBLISHED, built.diagnostics(name)
    clean_links(built, GOOD)


def test_forbidden_characters_warning_names_the_key(tmp_path: Path) -> None:
    posts = make_posts(tmp_path, {"t.md": yaml_post(f'title: "bell\\a here"\n{DATE}')})
    built = build_checked(posts, tmp_path / "out")
    assert built.article("t.md") is not None
    warned = {d.field for d in built.diagnostics("t.md") if d.severity is Severity.WARNING}
    assert warned == {"title"}
