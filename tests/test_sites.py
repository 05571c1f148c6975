"""Recognising Hexo, Hugo and Jekyll sites, reading their configs, following their permalinks."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed import Author, Site, config
from laojia_feed.generators import detect as sites
from laojia_feed.generators import hexo, hugo, jekyll, siteconfig, zones
from laojia_feed.model import FieldError, OutputNames
from laojia_feed.read import permalinks
from laojia_feed.read.permalinks import PostFacts, expand

DATA = Path(__file__).parent / "data" / "sites"

#: Config keys the readers look at (and a few they do not), for generated configs.
KEY_NAMES = ("title", "url", "root", "baseURL", "baseurl", "author", "language", "languageCode",
             "timezone", "timeZone", "permalink", "permalinks", "posts", "page", "feed", "type",
             "path", "limit", "content", "content_limit", "hub", "icon", "params", "services",
             "rss", "rssLimit", "name", "email", "description", "subtitle", "lang")  # fmt: skip
SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The build machine's zone in these tests (Hexo and Jekyll use it when the config names none).
MACHINE_TZ = "America/New_York"


@pytest.fixture(autouse=True)
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", MACHINE_TZ)


def make_site(root: Path, config_name: str, fixture: str | None, folders: tuple[str, ...]) -> Path:
    """A site tree: one config file (copied from tests/data/sites or empty) and folders."""
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
    target = root / config_name
    target.parent.mkdir(parents=True, exist_ok=True)
    if fixture is None:
        target.write_text("", encoding="utf-8")
    else:
        shutil.copyfile(DATA / fixture, target)
    return root


def applied(project: sites.SiteProject) -> Site:
    """The Site the settings give; they must all be valid config keys."""
    site, problems = config.apply(Site(), project.settings, str(project.config_file))
    assert problems == []
    return site


#: The template-tag and generator settings every recognised site gets (tested on their own below).
#: Keys every recognised site gets whatever its config says (tested on their own).
TAG_KEYS = frozenset(
    {"template_tags", "generator", "site_vars", "asset_folders", "tags_folder", "sections"}
)


def mapped(settings: Mapping[str, object]) -> dict[str, object]:
    """The settings a site's config maps, but for the template-tag ones."""
    return {key: value for key, value in settings.items() if key not in TAG_KEYS}


def _names(raw: object) -> list[str]:
    if isinstance(raw, list | tuple):
        return [name for item in raw for name in _names(item)]
    return [str(raw)]


def facts(
    relpath: str,
    when: str = "2021-12-09T11:10:27",
    slug: str = "hello-world",
    **meta: object,
) -> PostFacts:
    """A post's facts; ``categories`` goes to the front matter as written and flattened."""
    published = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
    names = tuple(dict.fromkeys(_names(meta.get("categories", ()))))
    return PostFacts(published, slug, names, relpath, meta)


# --- Hexo -----------------------------------------------------------------------------------


def test_hexo_site_is_recognised_and_its_config_mapped(tmp_path: Path) -> None:
    root = make_site(tmp_path, "_config.yml", "hexo_config.yml", ("source/_posts",))

    project = sites.detect_site(root)

    assert project is not None
    assert (project.kind, project.root, project.posts) == ("hexo", root, root / "source/_posts")
    assert project.config_file == root / "_config.yml"
    assert mapped(project.settings) == {
        "title": "老家的博客",
        "description": "记录生活",
        "author": "张三",
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
        "url": "http://example.com/blog/",
        "permalink": ":year/:month/:day/:path/",
        "outputs": {"atom": "atom.xml", "rss": "rss2.xml", "json": ""},
        "id_style": "url",
        "limit": 0,
        "full_content": False,
        "summary_length": 140,
        "hub": "https://pubsubhubbub.appspot.com/",
        "icon": "http://example.com/blog/icon.png",
    }
    site = applied(project)
    assert site.limit is None  # 0 means every post
    assert site.outputs == OutputNames(rss="rss2.xml", atom="atom.xml", json="")
    assert site.author == Author("张三")


def test_hexo_defaults_when_config_is_empty(tmp_path: Path) -> None:
    root = make_site(tmp_path, "_config.yml", None, ("source/_posts", "_posts"))

    project = sites.detect_site(root)

    assert project is not None and project.kind == "hexo"  # source/_posts wins over _posts
    assert mapped(project.settings) == {
        "timezone": MACHINE_TZ,
        "permalink": ":year/:month/:day/:path/",
        "outputs": {"atom": "atom.xml", "rss": "", "json": ""},
        "limit": 20,
        "id_style": "url",
    }
    assert project.sources["timezone"] == f"the build machine's TZ={MACHINE_TZ}"
    assert project.sources["limit"] == "hexo-generator-feed's default"


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        ("{type: rss2}", {"outputs": {"rss": "rss2.xml"}, "limit": 20}),
        ("{type: atom, path: feed, limit: 5}", {"outputs": {"atom": "feed.xml"}, "limit": 5}),
        (
            "{type: [rss2], path: [rss.xml], content: true}",
            {"outputs": {"rss": "rss.xml"}, "full_content": True, "limit": 20},
        ),
        (
            "{limit: false, icon: 'https://cdn.example.org/i.png'}",
            {"outputs": {"atom": "atom.xml"}, "limit": 0, "icon": "https://cdn.example.org/i.png"},
        ),
        ("{type: json, order_by: -updated}", {"outputs": {"atom": "atom.xml"}, "limit": 20}),
        (
            "{type: [rss2, json, atom], path: x.xml}",
            {"outputs": {"atom": "atom.xml", "rss": "rss2.xml"}, "limit": 20},
        ),
        (
            "{type: [atom, rss2], path: [a.xml]}",
            {"outputs": {"atom": "a.xml", "rss": "rss2.xml"}, "limit": 20},
        ),
    ],
)
def test_hexo_feed_block(tmp_path: Path, feed: str, expected: dict[str, object]) -> None:
    root = make_site(tmp_path, "_config.yml", None, ("source/_posts",))
    (root / "_config.yml").write_text(f"url: https://x.org\nfeed: {feed}\n", encoding="utf-8")

    project = sites.detect_site(root)

    assert project is not None
    settings = mapped(project.settings)
    assert settings.pop("url") == "https://x.org/"
    settings.pop("permalink")
    assert settings.pop("id_style") == "url"  # hexo-generator-feed's ids: the post URL
    assert settings.pop("timezone") == MACHINE_TZ
    outputs = expected.pop("outputs")
    assert isinstance(outputs, dict)
    assert settings.pop("outputs") == {"rss": "", "atom": "", "json": ""} | outputs
    assert settings == expected
    applied(project)


@pytest.mark.parametrize(
    ("url", "root", "expected"),
    [
        ("https://x.org", "/", "https://x.org/"),
        ("https://x.org/blog", "/blog/", "https://x.org/blog/"),
        ("https://x.org/", "/blog", "https://x.org/blog/"),
        ("https://x.org/blog/", None, "https://x.org/blog/"),
    ],
)
def test_hexo_url_and_root(tmp_path: Path, url: str, root: str | None, expected: str) -> None:
    site_root = make_site(tmp_path, "_config.yml", None, ("source/_posts",))
    text = f"url: {url}\n" + (f"root: {root}\n" if root else "")
    (site_root / "_config.yml").write_text(text, encoding="utf-8")

    project = sites.detect_site(site_root)

    assert project is not None and project.settings["url"] == expected


@pytest.mark.parametrize(
    ("pattern", "post", "expected"),
    [
        (":year/:month/:day/:title/", facts("hello-world.md"), "2021/12/09/hello-world/"),
        (
            ":year/:month/:day/:title/",
            facts("游记/北京.md"),
            "2021/12/09/%E6%B8%B8%E8%AE%B0/%E5%8C%97%E4%BA%AC/",
        ),
        (
            ":year/:i_month/:i_day/:name.html",
            facts("a/b.md", "2021-03-04T00:00:00"),
            "2021/3/4/b.html",
        ),
        (":post_title/", facts("x.md", title="Hello, Wörld & Co"), "hello-world-co/"),
        (":category/:title/", facts("x.md", categories=[["生活", "随笔"], "Tech"]), "Tech/x/"),
        (
            ":category/:title/",
            facts("x.md", categories=["生活", "随笔"]),
            "%E7%94%9F%E6%B4%BB/%E9%9A%8F%E7%AC%94/x/",
        ),
        (":category/:title/", facts("x.md"), "uncategorized/x/"),
        ("posts/:abbrlink.html", facts("x.md", abbrlink="4a17b156"), "posts/4a17b156.html"),
        ("posts/:abbrlink.html", facts("x.md"), "posts/hello-world.html"),
        (":id/", facts("x.md", id=42), "42/"),
        (":hour:minute:second/:title", facts("x.md", "2021-01-01T07:08:09"), "070809/x"),
    ],
)
def test_hexo_permalinks(pattern: str, post: PostFacts, expected: str) -> None:
    ours = siteconfig.translate_pattern(pattern, hexo.HEXO_TOKENS, "Hexo")

    assert expand(ours, post) == expected


def test_hexo_hash_is_sha1_of_slug_and_unix_time() -> None:
    ours = siteconfig.translate_pattern(":hash/", hexo.HEXO_TOKENS, "Hexo")
    post = facts("hello-world.md", "2021-12-09T11:10:27")
    # sha1("hello-world" + "1639019427")[:12]; the Hexo comparison test checks the rule
    assert expand(ours, post) == "1b805cadc138/"
    assert expand(ours, facts("other.md")) != expand(ours, post)


# --- Hugo -----------------------------------------------------------------------------------


def test_hugo_toml_site(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo.toml", "hugo.toml", ("content/posts", "content/about"))

    project = sites.detect_site(root)

    assert project is not None
    assert (project.kind, project.posts) == ("hugo", root / "content")
    assert mapped(project.settings) == {
        "title": "老家的博客",
        "url": "https://blog.example.org/",
        "description": "一个中文博客",
        "language": "zh-cn",
        "author": {"name": "张三", "email": "zhang@example.org"},
        "timezone": "Asia/Shanghai",
        "limit": 15,
        "permalink": ":year/:month/:hugo_slug/",
        "outputs": {"rss": "index.xml", "atom": "", "json": ""},
        "id_style": "url",
    }
    site = applied(project)
    assert site.author == Author("张三", "zhang@example.org")
    assert site.limit == 15


def test_hugo_yaml_site_with_old_spellings(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo.yaml", "hugo.yaml", ("content/post",))

    project = sites.detect_site(root)

    assert project is not None and project.posts == root / "content"
    assert mapped(project.settings) == {
        "title": "YAML site",
        "url": "https://yaml.example.org/blog/",
        "language": "en-us",
        "author": "Jane Doe",
        "limit": 0,
        "permalink": ":section/:year/:hugo_filename/",
        "timezone": "UTC",
        "outputs": {"rss": "index.xml", "atom": "", "json": ""},
        "id_style": "url",
    }
    assert applied(project).limit is None


def test_hugo_without_permalinks_uses_the_content_folder(tmp_path: Path) -> None:
    root = make_site(tmp_path, "config.toml", None, ("content/posts",))
    (root / "config.toml").write_text('baseurl = "https://x.org"\nrsslimit = 0\n', "utf-8")

    project = sites.detect_site(root)

    assert project is not None and project.posts == root / "content"
    assert project.settings["permalink"] == hugo.HUGO_DEFAULT_PERMALINK
    post = facts("posts/Hello World.md", title="你好")
    assert expand(hugo.HUGO_DEFAULT_PERMALINK, post) == "posts/hello-world/"
    bundle = facts("posts/北京之旅/index.md", slug="index")
    assert (
        expand(hugo.HUGO_DEFAULT_PERMALINK, bundle) == "posts/%E5%8C%97%E4%BA%AC%E4%B9%8B%E6%97%85/"
    )
    about = facts("about.md", slug="about")
    assert expand(hugo.HUGO_DEFAULT_PERMALINK, about) == "about/"
    with_slug = PostFacts(post.published, "My-Slug", (), "posts/x.md", {"slug": "My Slug"})
    assert expand(hugo.HUGO_DEFAULT_PERMALINK, with_slug) == "posts/my-slug/"


def test_hugo_config_files_in_hugo_order(tmp_path: Path) -> None:
    root = make_site(tmp_path, "config.toml", None, ("content",))
    (root / "config.toml").write_text('title = "old"\n', "utf-8")
    (root / "hugo.json").write_text('{"title": "new", "baseURL": "https://x.org/"}', "utf-8")

    project = sites.detect_site(root)

    assert project is not None and project.config_file == root / "hugo.json"
    assert project.settings["title"] == "new"


def test_hugo_config_in_config_default_folder(tmp_path: Path) -> None:
    root = make_site(tmp_path, "config/_default/hugo.toml", None, ("content",))
    (root / "config/_default/hugo.toml").write_text('title = "split"\n', "utf-8")

    project = sites.detect_site(root)

    assert project is not None and project.settings["title"] == "split"


@pytest.mark.parametrize(
    ("pattern", "post", "expected"),
    [
        (
            "/:year/:month/:title/",
            facts("x.md", title="你好 世界 & Co (1)"),
            "2021/12/%E4%BD%A0%E5%A5%BD-%E4%B8%96%E7%95%8C-co-1/",
        ),
        ("/:year/:month/:slug/", facts("x.md", title="深入 C++"), "2021/12/%E6%B7%B1%E5%85%A5-c/"),
        (
            "/:year/:monthname/:day/:filename/",
            facts("posts/My Post.md"),
            "2021/December/09/my-post/",
        ),
        (
            "/:section/:yearday/:weekday/:contentbasename/",
            facts("posts/trip/index.md"),
            "posts/343/4/trip/",
        ),
        ("/:sections/:slugorfilename/", facts("posts/2021/a.md", slug="x"), "posts/2021/a/"),
    ],
)
def test_hugo_permalinks(pattern: str, post: PostFacts, expected: str) -> None:
    ours = siteconfig.translate_pattern(pattern, hugo.HUGO_TOKENS, "Hugo")

    assert expand(ours, post) == expected


# --- Jekyll ---------------------------------------------------------------------------------


def test_jekyll_site(tmp_path: Path) -> None:
    root = make_site(tmp_path, "_config.yml", "jekyll_config.yml", ("_posts",))

    project = sites.detect_site(root)

    assert project is not None
    assert (project.kind, project.posts) == ("jekyll", root / "_posts")
    assert mapped(project.settings) == {
        "title": "老家的博客",
        "description": "一个中文博客",
        "author": {
            "name": "张三",
            "email": "zhang@example.org",
            "url": "https://example.org/about/",
        },
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
        "url": "https://blog.example.org/notes/",
        "permalink": ":categories/:year/:month/:day/:slug/",
        "patterns": list(jekyll.POST_PATTERNS),
        "outputs": {"rss": "", "atom": "atom.xml", "json": ""},
        "id_style": "jekyll",
        "limit": 20,
        "full_content": False,
    }
    site = applied(project)
    assert site.author == Author("张三", "zhang@example.org", "https://example.org/about")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (None, "%E7%94%9F%E6%B4%BB/tech/2021/12/09/hello-world.html"),
        ("date", "%E7%94%9F%E6%B4%BB/tech/2021/12/09/hello-world.html"),
        ("pretty", "%E7%94%9F%E6%B4%BB/tech/2021/12/09/hello-world/"),
        ("ordinal", "%E7%94%9F%E6%B4%BB/tech/2021/343/hello-world.html"),
        ("none", "%E7%94%9F%E6%B4%BB/tech/hello-world.html"),
        ("weekdate", "%E7%94%9F%E6%B4%BB/tech/2021/W49/Thu/hello-world.html"),
        ("/blog/:short_year/:long_month/:title/", "blog/21/December/hello-world/"),
    ],
)
def test_jekyll_permalink_styles(tmp_path: Path, style: str | None, expected: str) -> None:
    root = make_site(tmp_path, "_config.yml", None, ("_posts",))
    if style is not None:
        (root / "_config.yml").write_text(f"permalink: {style}\n", "utf-8")
    project = sites.detect_site(root)
    assert project is not None
    pattern = project.settings["permalink"]
    assert isinstance(pattern, str)

    post = facts("2021-12-09-hello-world.md", categories=("生活", "Tech", "tech"))

    assert expand(pattern, post) == expected


def test_jekyll_empty_categories_leave_no_empty_segment() -> None:
    date_style = jekyll.JEKYLL_STYLES["date"]
    pattern = siteconfig.translate_pattern(date_style, jekyll.JEKYLL_TOKENS, "Jekyll")

    assert expand(pattern, facts("2021-12-09-x.md")) == "2021/12/09/hello-world.html"


# --- not a site, broken sites -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("config_name", "folders"),
    [
        (None, ()),
        (None, ("_posts", "content", "source/_posts")),
        ("_config.yml", ()),
        ("_config.yml", ("source",)),
        ("hugo.toml", ("posts",)),
        ("laojia-feed.toml", ("content",)),
    ],
)
def test_not_a_site(tmp_path: Path, config_name: str | None, folders: tuple[str, ...]) -> None:
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
    if config_name:
        (tmp_path / config_name).write_text("title: x\n", "utf-8")

    assert sites.detect_site(tmp_path) is None


def test_missing_root_is_not_a_site(tmp_path: Path) -> None:
    assert sites.detect_site(tmp_path / "nowhere") is None


@pytest.mark.parametrize(
    ("name", "folder", "content", "message"),
    [
        ("_config.yml", "source/_posts", "title: [unclosed\n", "_config.yml is not valid"),
        ("_config.yml", "_posts", "- a list\n- not settings\n", "must be a mapping of settings"),
        (
            "_config.yml",
            "_posts",
            "title: !!python/object/apply:os.system ['true']\n",
            "is not valid",
        ),
        ("_config.yml", "_posts", "a: &a [*a, *a]\nb: !!binary x\n", "is not valid"),
        ("hugo.toml", "content", "title = \n", "hugo.toml is not valid"),
        ("hugo.json", "content", '{"title": ', "hugo.json is not valid"),
        ("hugo.json", "content", "[1, 2]", "must be a mapping of settings, not list"),
        (
            "_config.yml",
            "source/_posts",
            "permalink: :year/:foo/:title/\n",
            ":foo, which laojia-feed cannot compute for a Hexo site",
        ),
        (
            "_config.yml",
            "_posts",
            "permalink: /:year/:nonsense/\n",
            ":nonsense, which laojia-feed cannot compute for a Jekyll",
        ),
        ("hugo.toml", "content/posts", "[permalinks]\nposts = '/:year/:bogus/'\n", ":bogus"),
    ],
)
def test_broken_config_is_a_field_error(
    tmp_path: Path, name: str, folder: str, content: str, message: str
) -> None:
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / name).write_text(content, "utf-8")

    with pytest.raises(FieldError, match=message.replace("[", r"\[")):
        sites.detect_site(tmp_path)


def test_yaml_tags_are_never_run(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    marker = tmp_path / "ran"
    (tmp_path / "_config.yml").write_text(
        "title: !!python/object/apply:pathlib.Path.touch\n"
        f"  [!!python/object/apply:pathlib.Path ['{marker}']]\n",
        "utf-8",
    )

    with pytest.raises(FieldError):
        sites.detect_site(tmp_path)
    assert not marker.exists()


def test_non_utf8_and_huge_configs(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_bytes("title: 老家\n".encode("gb18030"))
    with pytest.raises(FieldError, match="not UTF-8"):
        sites.detect_site(tmp_path)
    (tmp_path / "_config.yml").write_bytes(b"#" * (siteconfig.MAX_CONFIG_BYTES + 1))
    with pytest.raises(FieldError, match="larger than"):
        sites.detect_site(tmp_path)


def test_deeply_nested_config(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")

    with pytest.raises(FieldError):
        sites.detect_site(tmp_path)


def test_wrong_types_in_config_are_left_to_config_apply(tmp_path: Path) -> None:
    (tmp_path / "source/_posts").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(
        "title: 2024\nauthor: [a, b]\nlanguage: [en, zh-CN]\nurl: 5\ntimezone: Mars/Base\n"
        "feed: [1, 2]\n",
        "utf-8",
    )

    project = sites.detect_site(tmp_path)

    assert project is not None
    assert mapped(project.settings) == {
        "title": "2024",
        "language": "en",
        "url": "5/",
        "timezone": "Mars/Base",
        "permalink": ":year/:month/:day/:path/",
        "outputs": {"atom": "atom.xml", "rss": "", "json": ""},
        "limit": 20,
        "id_style": "url",
    }
    _site, problems = config.apply(Site(), project.settings, "_config.yml")
    assert {p.field for p in problems} == {"url", "timezone"}


# --- permalink expansion properties -----------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.lists(st.sampled_from([*permalinks.TOKENS, "/", "..", ".", "x", "%2e", "?#"])),
    slug=_text,
    relpath=st.lists(_text.filter(lambda t: "/" not in t and t), min_size=1, max_size=3),
    categories=st.lists(_text, max_size=3),
    title=_text,
)
def test_expansion_is_a_clean_relative_path(
    pattern: list[str], slug: str, relpath: list[str], categories: list[str], title: str
) -> None:
    post = PostFacts(
        datetime(2021, 12, 9, tzinfo=SHANGHAI),
        slug,
        tuple(categories),
        "/".join(relpath) + ".md",
        {"title": title, "categories": categories, "slug": slug, "abbrlink": title},
    )

    path = expand("".join(pattern), post)

    assert not path.startswith("/")
    assert "?" not in path and "#" not in path and "\\" not in path
    segments = path.rstrip("/").split("/") if path else []
    for segment in segments:
        assert segment not in {"", ".", ".."}
        assert segment.lower().replace("%2e", ".") not in {".", ".."}
        assert all(c.isascii() and c.isprintable() for c in segment)


def test_unicode_is_readable_once_decoded() -> None:
    from urllib.parse import unquote

    path = expand(":categories/:slug/", facts("x.md", slug="你好-世界", categories=("生活",)))

    assert unquote(path) == "生活/你好-世界/"


def test_slug_helpers() -> None:
    assert permalinks.hexo_slugize("Hello, World! 你好") == "Hello-World-你好"
    assert permalinks.hexo_slugize("Élan vital", lower=True) == "elan-vital"
    assert permalinks.hexo_slugize("がぎ") == "がぎ"  # kana marks are not Latin accents
    assert permalinks.hugo_urlize("  A+B  (c) ") == "a-b-c"
    assert permalinks.hugo_urlize("C++") == "c"


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(["_config.yml", "hugo.toml", "hugo.json", "hugo.yaml"]),
    content=st.one_of(
        st.text(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(KEY_NAMES), inner, max_size=6)
            ),
            max_leaves=20,
        ).map(lambda value: json.dumps({"permalink": ":year/:title/", "x": value})),
        st.dictionaries(
            st.sampled_from(KEY_NAMES),
            st.none() | st.integers() | st.text(max_size=20) | st.lists(st.text(max_size=5)),
        ).map(json.dumps),
    ),
)
def test_any_config_gives_a_site_or_a_field_error(name: str, content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for posts in ("source/_posts", "content", "_posts"):
            (root / posts).mkdir(parents=True)
        (root / name).write_text(content, "utf-8", errors="surrogatepass")
        try:
            project = sites.detect_site(root)
        except FieldError as problem:
            assert str(problem)
            return
        assert project is not None
        config.apply(Site(), project.settings, name)


def test_hugo_sections_with_different_permalinks_are_named_not_mixed(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo.toml", None, ("content/posts", "content/notes"))
    (root / "hugo.toml").write_text('[permalinks]\nposts = "/:year/:slug/"\n', "utf-8")
    for page in ("content/posts/a.md", "content/notes/b.md", "content/about.md"):
        (root / page).write_text("---\ntitle: x\n---\n", "utf-8")

    project = sites.detect_site(root)

    assert project is not None and project.posts == root / "content/posts"
    assert project.settings["permalink"] == ":year/:hugo_slug/"
    assert project.sources["permalink"] == "hugo.toml: permalinks"
    assert project.notes == (
        "content/(top level): left out, its permalinks differ from content/posts's",
        "content/notes: left out, its permalinks differ from content/posts's",
    )


def test_hugo_section_folders_need_an_index_below_the_top() -> None:
    known = {"cn", "cn/kids", "en"}
    assert hugo.page_sections("cn/kids/2022/02/finals.md", known) == ("cn", "kids")
    assert hugo.page_sections("cn/other/o.md", known) == ("cn",)
    assert hugo.page_sections("about.md", known) == ()


@pytest.mark.parametrize(
    ("zone_env", "expected"),
    [
        ("Asia/Tokyo", "Asia/Tokyo"),
        (":Europe/Paris", "Europe/Paris"),
        ("CST-8", "Etc/GMT-8"),
        ("UTC0", "UTC"),
        ("/usr/share/zoneinfo/Asia/Shanghai", "Asia/Shanghai"),
    ],
)
def test_machine_zone_from_tz(zone_env: str, expected: str) -> None:
    assert zones.machine_zone({"TZ": zone_env})[0] == expected


def test_machine_zone_from_the_system(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Asia/Kolkata")
    missing = tmp_path / "none"
    named = tmp_path / "timezone"
    named.write_text("Europe/Berlin\n", "utf-8")

    assert zones.machine_zone({}, link, missing)[0] == "Asia/Kolkata"
    assert zones.machine_zone({}, missing, named)[0] == "Europe/Berlin"
    assert zones.machine_zone({"TZ": "Not/AZone"}, missing, missing) == (
        "UTC",
        "UTC: the build machine names no zone (no TZ, no system zone)",
    )


# --- template tags ----------------------------------------------------------------------------


def test_each_generator_gives_its_tag_settings(tmp_path: Path) -> None:
    hexo_root = make_site(tmp_path / "hexo", "_config.yml", None, ("source/_posts",))
    (hexo_root / "_config.yml").write_text(
        "url: https://x.org/blog\nroot: /blog/\npost_asset_folder: true\n"
        "deploy: {repo: https://secret@example.org/r.git}\n",
        encoding="utf-8",
    )
    hugo_root = make_site(tmp_path / "hugo", "hugo.toml", None, ("content/posts",))
    (hugo_root / "hugo.toml").write_text(
        'baseURL = "https://x.org/"\n[params]\nlogo = "/l.png"\n[permalinks]\nposts = "/p/:slug/"\n'
        "[permalinks.other]\n",
        encoding="utf-8",
    )
    (hugo_root / "content" / "posts" / "a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    jekyll_root = make_site(tmp_path / "jekyll", "_config.yml", None, ("_posts",))
    (jekyll_root / "_config.yml").write_text(
        "baseurl: /sub\nurl: https://x.org\nsocial: {github: me}\n", encoding="utf-8"
    )
    found = [applied(p) for p in map(sites.detect_site, (hexo_root, hugo_root, jekyll_root)) if p]

    assert [s.template_tags for s in found] == ["hexo", "hugo", "jekyll"]
    assert [s.generator for s in found] == ["hexo", "hugo", "jekyll"]
    assert [s.asset_folders for s in found] == [True, False, False]
    assert found[0].site_vars == {"url": "https://x.org/blog", "root": "/blog/"}  # no deploy
    assert found[1].site_vars == {"baseURL": "https://x.org/", "params": {"logo": "/l.png"}}
    assert found[2].site_vars["social"] == {"github": "me"}
    assert [s.tags_folder for s in found] == ["", "", ""]


def test_hugo_tags_folder_is_the_section_read(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo.toml", None, ("content/posts", "content/notes"))
    (root / "hugo.toml").write_text(
        '[permalinks]\nposts = "/p/:slug/"\nnotes = "/n/:slug/"\n', encoding="utf-8"
    )
    for section in ("posts", "notes"):
        (root / "content" / section / "a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    project = sites.detect_site(root)
    assert project is not None and project.posts == root / "content" / "posts"
    assert applied(project).tags_folder == "posts"


def test_a_plain_posts_folder_expands_no_tags(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: a\n---\n", encoding="utf-8")
    assert sites.detect_site(tmp_path) is None
    assert config.configure_run(tmp_path).site.template_tags is None
