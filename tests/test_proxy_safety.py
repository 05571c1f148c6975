"""A proxy-wrapped image whose inner URL is unsafe never reaches a feed (issue 13 §1).

``https://cors.example/?javascript:alert(1)`` is checked by what it carries, whatever
the scheme and however deep the wrappers: the post is published without the image,
with one warning naming the file and the field. Feeds are parsed back (feedparser for
RSS and Atom, json for JSON Feed): the URL is in no ``media:content``,
``media:thumbnail``, Atom ``link rel="enclosure"`` or JSON ``image``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from hostile import SITE, Outcome, build_checked, make_posts, yaml_post
from laojia_feed import Severity
from laojia_feed.model import FieldError
from laojia_feed.urls import apply_proxy, is_safe_public_url, proxy_inner_url
from laojia_feed.urls.proxies import unwrap

POST = "wrapped.md"
PROXY = "https://cors.example.org/"

#: Wrappers around a value readers must never be sent to.
UNSAFE_WRAPPED = [
    PROXY + "?javascript:alert(1)",
    PROXY + "?JavaScript:alert(document.domain)",
    PROXY + "?url=javascript%3Aalert(1)",
    PROXY + "?url=java%0Ascript:alert(1)",
    PROXY + "?url=%2520javascript%253Aalert(1)",
    PROXY + "?data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    PROXY + "?v=2&src=data:image/svg+xml,%3Csvg%20onload=alert(1)%3E",
    PROXY + "?file:///etc/passwd",
    PROXY + "?url=file%3A%2F%2F%2Fetc%2Fpasswd",
    PROXY + "?vbscript:msgbox(1)",
    PROXY + "?https://cors2.example.net/?javascript:alert(1)",
    PROXY + "?url=https%3A%2F%2Fcors2.example.net%2F%3Fdata%3Atext%2Fhtml%2Cx",
    PROXY + "https://cors2.example.net/?file:///etc/shadow",
    PROXY + "?http://127.0.0.1/a.jpg",
]


def _headimg_post(url: str) -> bytes:
    return yaml_post(f"title: Wrapped\ndate: 2021-12-09 11:10:27\nheadimg: '{url}'")


def _images(built: Any) -> dict[str, list[str]]:
    """Every image URL of every item, read back from the three parsed feeds."""
    found: dict[str, list[str]] = {"rss": [], "atom": [], "json": []}
    for name in ("rss", "atom"):
        for entry in getattr(built, name).entries:
            found[name] += [m["url"] for m in entry.get("media_content", [])]
            found[name] += [m["url"] for m in entry.get("media_thumbnail", [])]
            found[name] += [e.href for e in entry.get("enclosures", [])]
            found[name] += [link.href for link in entry.links if link.rel == "enclosure"]
    found["json"] = [item["image"] for item in built.json["items"] if "image" in item]
    return found


@pytest.mark.parametrize("unwrap_proxies", [False, True])
@pytest.mark.parametrize("url", UNSAFE_WRAPPED)
def test_unsafe_wrapped_headimg_reaches_no_feed(
    tmp_path: Path, url: str, unwrap_proxies: bool
) -> None:
    posts = make_posts(tmp_path, {POST: _headimg_post(url)})
    site = replace(SITE, unwrap_proxies=unwrap_proxies)
    built = build_checked(posts, tmp_path / "out", site)
    assert built.outcome(POST) is Outcome.WARNED
    article = built.article(POST)
    assert article is not None and article.image is None
    assert _images(built) == {"rss": [], "atom": [], "json": []}
    assert "cors.example.org" not in built.text()
    (warning,) = built.diagnostics(POST)
    assert warning.severity is Severity.WARNING
    assert (warning.path, warning.field) == (built.display(POST), "headimg")
    assert "cannot be used" in warning.message or "not a public address" in warning.message
    assert warning.message.endswith("; dropped")


@pytest.mark.parametrize(
    ("unwrap_proxies", "published"),
    [
        (False, PROXY + "?https://img.example.net/a.jpg"),
        (True, "https://img.example.net/a.jpg"),
    ],
)
def test_safe_wrapped_headimg_reaches_every_feed(
    tmp_path: Path, unwrap_proxies: bool, published: str
) -> None:
    # The control: the same build with a safe inner URL publishes the image everywhere.
    posts = make_posts(tmp_path, {POST: _headimg_post(PROXY + "?https://img.example.net/a.jpg")})
    site = replace(SITE, unwrap_proxies=unwrap_proxies)
    built = build_checked(posts, tmp_path / "out", site)
    assert built.outcome(POST) is Outcome.PUBLISHED
    images = _images(built)
    assert published in images["rss"]
    assert published in images["atom"]
    assert images["json"] == [published]


@pytest.mark.parametrize("url", UNSAFE_WRAPPED)
def test_is_safe_public_url_refuses_what_a_wrapper_carries(url: str) -> None:
    reason = is_safe_public_url(url)
    assert reason is not None
    assert url.split("?")[0].rstrip("/") in reason


@pytest.mark.parametrize(
    "url",
    [
        # "word:" values that are ordinary parameters, not URLs, stay publishable
        "https://img.example.org/a.jpg?fit=crop:center",
        "https://commons.example.org/w/index.php?title=File:Example.jpg",
        "https://en.example.org/wiki/File:Example.jpg",
        "https://img.example.org/a.jpg?t=12:30&lang=zh:cn",
        PROXY + "?https://img.example.net/a.jpg?fit=crop:center",
    ],
)
def test_parameters_that_are_not_urls_stay_publishable(url: str) -> None:
    assert is_safe_public_url(url) is None


@pytest.mark.parametrize(
    ("url", "inner"),
    [
        (PROXY + "?javascript:alert(1)", "javascript:alert(1)"),
        (PROXY + "?url=data%3A%2Cx", "data:,x"),
        (PROXY + "?u=file:///etc/passwd", "file:///etc/passwd"),
        (PROXY + "?fit=crop:center", None),
    ],
)
def test_proxy_inner_url_finds_values_of_any_scheme(url: str, inner: str | None) -> None:
    assert proxy_inner_url(url) == inner


# --- apply_proxy: an image-proxy template --------------------------------------------------

TEMPLATE = "https://img.example.org/?url={url}"


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example.net/b.jpg",
        "https://a.example.net/%E4%B8%AD.jpg?x=1&y=2#frag",
        "https://a.example.net/a%2Fb%25c.jpg",
    ],
)
def test_apply_proxy_round_trips_through_one_decoding(url: str) -> None:
    proxied = apply_proxy(TEMPLATE, url)
    parts = urlsplit(proxied)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "img.example.org", "/")
    assert parse_qs(parts.query) == {"url": [url]}
    assert proxy_inner_url(proxied) == url
    assert is_safe_public_url(proxied) is None


def test_apply_proxy_escapes_everything_reserved() -> None:
    assert (
        apply_proxy(TEMPLATE, "https://a.cn/中 b.jpg?x=1&y=2#f")
        == "https://img.example.org/?url=https%3A%2F%2Fa.cn%2F%E4%B8%AD%20b.jpg%3Fx%3D1%26y%3D2%23f"
    )


def test_apply_proxy_keeps_the_template_around_the_placeholder() -> None:
    proxied = apply_proxy("https://IMG.example.org/p?w=800&src={url}&q=80", "https://a.example/b")
    assert proxied == "https://img.example.org/p?w=800&src=https%3A%2F%2Fa.example%2Fb&q=80"


def test_apply_proxy_replaces_one_proxy_by_another() -> None:
    # unwrap_proxies first, then the configured proxy: the old wrapper is gone.
    proxied = apply_proxy(TEMPLATE, unwrap(PROXY + "?http://static.example.com/a.jpeg"))
    assert proxied == "https://img.example.org/?url=http%3A%2F%2Fstatic.example.com%2Fa.jpeg"


def test_apply_proxy_result_is_still_checked() -> None:
    # A template cannot launder an address the policy refuses.
    assert is_safe_public_url(apply_proxy(TEMPLATE, "http://10.0.0.1/a.jpg")) is not None


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("https://img.example.org/?url=", "no {url} placeholder"),
        ("img.example.org/?url={url}", "not an absolute URL"),
    ],
)
def test_apply_proxy_refuses_a_bad_template(template: str, words: str) -> None:
    with pytest.raises(FieldError, match=words):
        apply_proxy(template, "https://a.example/b.jpg")
