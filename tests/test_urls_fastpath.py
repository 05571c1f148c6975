"""urls: every fast path gives exactly what the slow path it skips gives (hostile input too)."""

from __future__ import annotations

import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from laojia_feed import urls
from laojia_feed.model import FieldError

#: Pieces of text that hit the cases of every fast path: schemes, hosts, ports, escapes,
#: dot segments, parameters, proxies, and characters that must be cleaned or encoded.
_PIECES = st.sampled_from(
    [
        *"aZz09/\\?#:;@[]%.-_~!$&'()*+,=<>\"{}|^` 中\t\n\r\x00\x1f\x7f\x85\xa0\u3000\ud800\udfff",
        *("http://", "https://", "HTTP://", "ftp://", "mailto:", "//", "http%3A%2F%2F", "%3a"),
        *("a.b", "example.org", "xn--", "0x1f", "127.0.0.1", "1", "local", "EXAMPLE", "ſ"),
        *(":80", ":443", ":8080", "user@", "%2e", "%2E", "%2e%2E", ".", "..", "/./", "/../"),
        *("%41", "%zz", "%", "%%", "?url=", "&", "=", "#", "例子.中国", "[::1]", "posts/"),
    ]
)
_TEXT = st.lists(_PIECES, max_size=30).map("".join) | st.text(max_size=40)

#: URLs in normal form, and the same with a few pieces put in or taken out anywhere, so
#: that the recognizer is tried on both sides of every boundary it draws.
_NORMAL = st.sampled_from(
    [
        "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2021/12/09/a.jpeg",
        "https://example.org/2021/12/09/post/",
        "http://a-b.c_d.e/x/%E4%B8%AD;p=1/@:!$&'()*+,=~?q=/x?&y#f/?",
        "https://x.y/",
        "https://a.b/c?d=http%3A%2F%2Fe.f%2Fg#h",
    ]
)


@st.composite
def _near_normal(draw: st.DrawFn) -> str:
    text = draw(_NORMAL)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(_PIECES) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
    return text


_URLS = st.one_of(_near_normal(), _near_normal(), _TEXT)


def _outcome(function: object, *args: str) -> tuple[str, object]:
    """What a call returns, or the error it raises (its type and message)."""
    try:
        return "ok", function(*args)  # type: ignore[operator]
    except ValueError as error:
        return type(error).__name__, str(error)


@settings(max_examples=300, deadline=None)
@given(_TEXT | st.text())
@example("")
@example(" a ")
@example("\u3000a")
@example("a\x85")
@example("\ud800")
def test_clean_fast_path_matches_slow(raw: str) -> None:
    assert urls._clean(raw) == urls._clean_slow(raw)


def test_clean_fast_path_assumption_holds_for_every_character() -> None:
    # The fast path returns printable text without a space at either end untouched: no
    # printable character other than the space may be one _clean_slow removes.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable() and char != " ":
            assert urls._clean_slow(char) == char, hex(code)


@settings(max_examples=500, deadline=None)
@given(_URLS)
@example("https://a.b/")
@example("https://a.b/.")
@example("https://a.b/%2E%2e?x")
@example("https://a.b/?x/..#y")
@example("https://a.b/?x#y/..")
@example("https://a.0x/")
@example("https://a.1/")
@example("https://a.b/%")
@example("http://a/b;c=d@e:f")
def test_normal_form_recognizer_matches_slow_path(raw: str) -> None:
    slow = _outcome(urls._normalized_slow, raw)
    if urls._in_normal_form(raw):
        assert slow == ("ok", raw)
    urls._normalized.cache_clear()
    assert _outcome(urls._normalized, raw) == slow


def test_normal_form_recognizer_accepts_the_common_urls() -> None:
    # Not a proof (the property above is); this keeps the fast path from silently dying.
    for url in (
        "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2021/12/09/a.jpeg",
        "https://example.org/2021/12/09/post/",
        "https://news.example.org/2021/12/09/%E4%B8%AD/",
    ):
        assert urls._in_normal_form(url)
    for url in (
        "HTTPS://a.b/",
        "https://a.b",
        "https://a.b/./",
        "https://1.2.3.4/",
        "https://a.b:80/",
    ):
        assert not urls._in_normal_form(url)


def _normalized_or_default(raw: str) -> str:
    try:
        return urls.normalize_url(raw)
    except FieldError:
        return "https://a.b/c/"


#: Normalized base URLs, the only kind _resolve hands to _join_path.
_BASES = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https", "HTTPS", "ftp", "mailto"]),
    st.sampled_from(["a.b", "news.example.org", "EXAMPLE.org", "x_y.z", "a.b.", "a.b:8080"])
    | st.sampled_from(["127.0.0.1", "[::1]", "例子.中国", "u@a.b", "0x7f.1", ""]),
    st.lists(_PIECES, max_size=8).map("".join),
).map(_normalized_or_default) | _near_normal().map(_normalized_or_default)

_REFS = st.lists(
    st.sampled_from(["a", "b", "中", "/", ".", "..", "%2e", ";", ":", "?", "#", "\\", " ", "\x00"])
    | st.sampled_from(["2021/", "12/", "slug", "-", "~", "@", "=", "&", "%", "x.jpg", "\u3000"]),
    min_size=1,
    max_size=10,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_BASES, _REFS | _TEXT)
@example("https://news.example.org/", "2021/12/09/slug/")
@example("https://news.example.org/a//b/c", "d")
@example("https://news.example.org/a;p/b;q", "d")
@example("https://news.example.org/a/b?q=1#f", "/x/y")
@example("https://news.example.org/a/b", "./x/../y")
def test_join_path_fast_path_matches_urljoin(base: str, ref: str) -> None:
    assert _outcome(urls._join_path, base, ref) == _outcome(urls._join_slow, base, ref)


def test_join_path_takes_the_fast_path_for_plain_paths() -> None:
    base = "https://news.example.org/posts/a.html?x=1#top"
    assert urls._join_path(base, "2021/中/") == "https://news.example.org/posts/2021/中/"
    assert urls._join_path(base, "/img/a.jpg") == "https://news.example.org/img/a.jpg"


@settings(max_examples=300, deadline=None)
@given(_URLS)
@example("%68ttp://x")
@example(" http://x")
@example("ht\ttp://x")
def test_decode_inner_fast_path_matches_slow(piece: str) -> None:
    assert urls._decode_inner(piece) == urls._decode_inner_slow(piece)


_WRAPPED = st.builds(
    "{}{}{}".format,
    st.sampled_from(["https://p.dev/", "https://p.dev/x", "http://p/a:b/", "https://p/%41/"]),
    st.sampled_from(["", "?", "?url=", "?a=1&u=", "?u=x&u=", "/https://", "/http%3a//"]),
    _URLS,
)


@settings(max_examples=400, deadline=None)
@given(_WRAPPED | _URLS)
@example("https://p.dev/?http://a.b/x&u=http://a.b/x")
@example("https://p.dev/https://a.b/x?y=http://c.d/")
@example("https://p.dev/a?")
def test_inner_candidates_fast_path_matches_slow(url: str) -> None:
    assert urls._inner_candidates(url) == urls._inner_candidates_slow(url)


@settings(max_examples=200, deadline=None)
@given(_URLS)
@example("[::1]")
@example("localhost")
@example("127.1")
def test_host_problem_memo_matches_fresh_work(host: str) -> None:
    fresh = urls._host_problem.__wrapped__(host)
    assert urls._host_problem(host) == fresh
    assert urls._host_problem(host) == fresh  # the second answer comes from the memo


@settings(max_examples=400, deadline=None)
@given(
    _URLS | st.text() | st.lists(_PIECES | st.characters(), max_size=20).map("".join),
    st.sampled_from([urls._PATH_SAFE, urls._QUERY_SAFE, urls._USERINFO_SAFE, "", "/"]),
)
@example("/2021/12/09/中文标题-测试/", urls._PATH_SAFE)
@example("%zz%4%41%", urls._PATH_SAFE)
@example("a\ud800b", urls._QUERY_SAFE)
@example("\U0001f600 \x00\x7f\x80\uffff", urls._QUERY_SAFE)
def test_percent_encode_runs_matches_character_by_character(part: str, safe: str) -> None:
    slow = _outcome(urls._percent_encode, part, safe)
    assert _outcome(urls._percent_encode_runs, part, safe) == slow
    assert _outcome(urls._encode, part, safe) == slow
