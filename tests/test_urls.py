"""urls: resolving links, normalizing, proxy wrappers, the publishing rule, image values."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError
from laojia_feed.urls import (
    check_image_url,
    is_safe_public_url,
    join_url,
    normalize_url,
    proxy_inner_url,
)

BASE = "https://blog.example.com/posts/2021/hello.html"
SITE = "https://blog.example.com/"
PROXY = "https://cors.zfour.workers.dev/?http://static.1sapp.com/a.jpeg"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("  /img/a.png \n", "https://blog.example.com/img/a.png"),
        ("a.png", "https://blog.example.com/posts/2021/a.png"),
        ("../../x.png", "https://blog.example.com/x.png"),
        ("../../../../x.png", "https://blog.example.com/x.png"),
        ("#top", BASE + "#top"),
        ("?page=2", BASE + "?page=2"),
        ("", BASE),
        ("//cdn.example.net/a.png", "https://cdn.example.net/a.png"),
        ("\\\\cdn.example.net\\a.png", "https://cdn.example.net/a.png"),
        ("图片 1.png", "https://blog.example.com/posts/2021/%E5%9B%BE%E7%89%87%201.png"),
        ("a%20b%ZZ.png", "https://blog.example.com/posts/2021/a%20b%25ZZ.png"),
        ("HTTP://Example.COM:80/A", "http://example.com/A"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/", "https://example.com:8443/"),
        (
            "http://例え.jp/パス?q=値#片",
            "http://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=%E5%80%A4#%E7%89%87",
        ),
        ("https:other.html", "https://blog.example.com/posts/2021/other.html"),
        ("http:\\\\example.org\\a", "http://example.org/a"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("MAILTO:张三@example.com", "mailto:%E5%BC%A0%E4%B8%89@example.com"),
        (PROXY, PROXY),
        ("/a/%2e%2E/b", "https://blog.example.com/b"),
    ],
)
def test_join_url_resolves(ref: str, expected: str) -> None:
    assert join_url(BASE, ref) == expected


@pytest.mark.parametrize(
    "ref",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01\x02javascript:alert(1)",
        "\u3000javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/a",
        "http://[::1",
        "http://exa mple.com/",
        "http://",
        "https://example.com:99999/",
        "http://1.2.3.999/",
        "http://host.123/",
        "http://../",
        "http://a..b/",
    ],
)
def test_join_url_refuses(ref: str) -> None:
    assert join_url(BASE, ref) is None


def test_join_url_needs_an_http_base_only_for_relative_refs() -> None:
    assert join_url("not a url", "a.png") is None
    assert join_url("not a url", "https://example.com/a") == "https://example.com/a"
    assert join_url(BASE, 42) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  https://Example.com/a/./b/../c ", "https://example.com/a/c"),
        ("https://example.com/a/..", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/%E4%B8%AD%20x", "https://example.com/%E4%B8%AD%20x"),
        ("https://example.com/中 x", "https://example.com/%E4%B8%AD%20x"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/?a=1&b=%2F&c", "https://example.com/?a=1&b=%2F&c"),
        (PROXY, PROXY),
        ("https://p.dev/?http://x.com/a/../b", "https://p.dev/?http://x.com/a/%2E%2E/b"),
        ("https://p.dev/#/../x", "https://p.dev/#/%2E%2E/x"),
        ("https://ＥＸＡＭＰＬＥ。com/", "https://example.com/"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("http://[::FFFF:127.0.0.1]:8080/", "http://[::ffff:7f00:1]:8080/"),
        ("https://u%20ser:p@example.com/", "https://u%20ser:p@example.com/"),
        ("http://%65xample.com/", "http://example.com/"),
        ("http:///example.com/x", "http://example.com/x"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected
    assert normalize_url(expected) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "/relative/path",
        "no scheme here",
        "http://",
        "https://exa<mple.com/",
        "http://[fe80::1%25eth0]/",
        "http://[not-ipv6]/",
        "http://example.com:port/",
        "http://256.1.1.1/",
        "http://\udc80.com/",
    ],
)
def test_normalize_url_rejects(raw: str) -> None:
    with pytest.raises(FieldError):
        normalize_url(raw)


def test_normalize_url_rejects_non_text() -> None:
    with pytest.raises(FieldError):
        normalize_url(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "inner"),
    [
        (PROXY, "http://static.1sapp.com/a.jpeg"),
        ("https://images.weserv.nl/?w=10&url=http%3A%2F%2Fx.com%2Fa.png", "http://x.com/a.png"),
        ("https://p.dev/?u=https%253A%252F%252Fx.com%252Fa.png", "https://x.com/a.png"),
        ("https://cors-anywhere.herokuapp.com/https://x.com/a.png", "https://x.com/a.png"),
        ("https://x.com/a.png?w=100", None),
        ("https://x.com/a.png", None),
    ],
)
def test_proxy_inner_url(url: str, inner: str | None) -> None:
    assert proxy_inner_url(url) == inner


@pytest.mark.parametrize(
    ("url", "reason_part"),
    [
        ("javascript:alert(1)", "javascript: scheme"),
        ("ftp://example.com/a", "ftp: scheme"),
        ("https://user:pw@example.com/a.png", "user name or password"),
        ("https://user@example.com/a.png", "user name or password"),
        ("http://127.0.0.1/a.png", "127.0.0.1, which is not a public address"),
        ("http://0x7f000001/", "not a public address"),
        ("http://2130706433/", "not a public address"),
        ("http://127.1/", "not a public address"),
        ("http://0x08.8.8.8/", "numeric form"),
        ("http://134744072/", "numeric form"),
        ("http://[::1]/", "not a public address"),
        ("http://[::ffff:127.0.0.1]/", "not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "not a public address"),
        ("http://localhost/", "local network"),
        ("http://LOCALHOST./", "local network"),
        ("http://app.localhost/", "local network"),
        ("http://printer.local/", "local network"),
        ("http://metadata.google.internal/", "local network"),
        ("http://nas.lan/", "local network"),
        ("http://router.home.arpa/", "local network"),
        ("http://intranet/", "local network"),
        ("http://%6c%6fcalhost/", "local network"),
        ("http://ｌｏｃａｌｈｏｓｔ/", "local network"),
        ("https://p.dev/?http://10.0.0.1/a.png", "wraps a URL"),
        ("https://p.dev/?url=http%3A%2F%2F169.254.169.254%2F", "169.254.169.254"),
        ("https://cors-anywhere.herokuapp.com/http://192.168.0.1/a", "192.168.0.1"),
        ("not a url", "not an absolute URL"),
    ],
)
def test_is_safe_public_url_refuses(url: str, reason_part: str) -> None:
    reason = is_safe_public_url(url)
    assert reason is not None
    assert reason_part in reason


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.png", "http://8.8.8.8/a.png", PROXY, "https://例え.jp/画像.png"],
)
def test_is_safe_public_url_accepts(url: str) -> None:
    assert is_safe_public_url(url) is None


class Warnings(list[str]):
    """Collects warn() calls."""

    def __call__(self, message: str) -> None:
        self.append(message)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/images/a.jpg", "https://blog.example.com/images/a.jpg"),
        ("a.jpg", "https://blog.example.com/a.jpg"),
        (" https://cdn.example.com/封面.png ", "https://cdn.example.com/%E5%B0%81%E9%9D%A2.png"),
        ("//cdn.example.com/a.png", "https://cdn.example.com/a.png"),
        (PROXY, PROXY),
    ],
)
def test_check_image_url_accepts(raw: str, expected: str) -> None:
    warnings = Warnings()
    assert check_image_url(raw, SITE, warnings) == expected
    assert warnings == []


@pytest.mark.parametrize("raw", [None, "", "   ", [], ()])
def test_check_image_url_empty_is_silent(raw: object) -> None:
    warnings = Warnings()
    assert check_image_url(raw, SITE, warnings) is None
    assert warnings == []


@pytest.mark.parametrize(
    ("raw", "warning_part"),
    [
        ("javascript:alert(1)", "javascript: scheme"),
        ("data:image/png;base64,AAAA", "data: scheme"),
        ("file:///etc/passwd", "file: scheme"),
        ("ftp://example.com/a.png", "ftp: scheme"),
        ("mailto:a@example.com", "mailto: scheme"),
        ("https://user:pw@example.com/a.png", "user name or password"),
        ("http://10.0.0.1/a.png", "not a public address"),
        ("http://0x7f000001/a.png", "not a public address"),
        ("http://localhost:4000/a.png", "local network"),
        ("http://[::1", "IPv6"),
        ("https://cors.zfour.workers.dev/?http://127.0.0.1/a.jpeg", "127.0.0.1"),
        (42, "a number"),
        (True, "true/false"),
        ({"src": "a.png"}, "a mapping"),
        ([1, None], "without any URL"),
    ],
)
def test_check_image_url_drops_with_warning(raw: object, warning_part: str) -> None:
    warnings = Warnings()
    assert check_image_url(raw, SITE, warnings) is None
    assert len(warnings) == 1
    assert warning_part in warnings[0]


def test_check_image_url_list_uses_first_string() -> None:
    warnings = Warnings()
    result = check_image_url([3, "a.png", "b.png"], SITE, warnings)
    assert result == "https://blog.example.com/a.png"
    assert len(warnings) == 1
    assert "list" in warnings[0]


def test_check_image_url_unwraps_proxies_on_request() -> None:
    warnings = Warnings()
    assert check_image_url(PROXY, SITE, warnings, unwrap_proxies=True) == (
        "http://static.1sapp.com/a.jpeg"
    )
    encoded = "https://images.weserv.nl/?url=https%3A%2F%2Fx.com%2F%E5%9B%BE.png"
    assert check_image_url(encoded, SITE, warnings, unwrap_proxies=True) == (
        "https://x.com/%E5%9B%BE.png"
    )
    assert warnings == []


def _clean_output(url: str) -> None:
    assert " " not in url
    assert url.isascii()
    assert "/../" not in url
    assert all(0x20 < ord(char) < 0x7F for char in url)


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("/\\.:%@?#[]&=-_ x中\t\n\x00\udc80Ａ。0xf7"), max_size=40),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "https://", "HTTP:", "//", "mailto:", "javascript:", ""]),
        st.text(alphabet=st.sampled_from("/\\.:%@?#[]0x1f7a中 \t\udc80"), max_size=40),
    ),
)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_join_url_never_raises_and_output_is_clean(ref: str) -> None:
    result = join_url(BASE, ref)
    if result is not None:
        _clean_output(result)
        assert result.split(":", 1)[0] in ("http", "https", "mailto")


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_normalize_url_raises_only_field_error(raw: str) -> None:
    try:
        result = normalize_url(raw)
    except FieldError:
        return
    _clean_output(result)
    assert normalize_url(result) == result


@settings(max_examples=300, deadline=None)
@given(st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3), st.integers(), st.none()))
def test_check_image_url_never_raises(raw: object) -> None:
    warnings = Warnings()
    result = check_image_url(raw, SITE, warnings)
    if result is not None:
        _clean_output(result)
        assert result.startswith(("http://", "https://"))
        assert is_safe_public_url(result) is None


def test_check_image_url_reports_a_value_urljoin_refuses() -> None:
    # "https:" is the base's scheme, so the rest is resolved as relative: urlsplit raises
    # ValueError("Invalid IPv6 URL") on the unbalanced bracket, which used to escape.
    warnings: list[str] = []
    assert check_image_url("https:http://[", SITE, warnings.append) is None
    assert warnings == ["http://[ is not a valid URL; dropped"]
    assert join_url(SITE, "https:http://[") is None


_URL_PIECES = st.sampled_from(
    [
        *"aZ09%/\\?#:;@[]. -_~=&中\t\x00\ud800",
        *("http:", "https:", "//", "http://", "%2e", "..", "127.0.0.1", "[::1]", "xn--", "ſ"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_URL_PIECES, max_size=20).map("".join))
def test_url_functions_raise_nothing_but_field_error(raw: str) -> None:
    warnings: list[str] = []
    check_image_url(raw, SITE, warnings.append)
    check_image_url(raw, SITE, warnings.append, unwrap_proxies=True)
    join_url(BASE, raw)
    is_safe_public_url(raw)
    proxy_inner_url(raw)
    with contextlib.suppress(FieldError):
        normalize_url(raw)
