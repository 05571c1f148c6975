"""urls: every fast path and memo gives exactly what the general code gives (hostile input too).

The reference implementations of the guard clauses live here, not in src.
"""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError
from laojia_feed.net import addresses
from laojia_feed.urls import escapes, hosts, join, normalize, proxies

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


def _clean_reference(raw: str) -> str:
    """:func:`escapes.clean` by its definition: three substitutions."""
    text = re.sub("[\ud800-\udfff]", "\ufffd", raw)
    text = re.sub("[\t\n\r]", "", text)
    return re.sub(r"^[\x00-\x20\s]+|[\x00-\x20\s]+$", "", text)


@settings(max_examples=300, deadline=None)
@given(_TEXT | st.text())
@example("")
@example(" a ")
@example("\u3000a")
@example("a\x85")
@example("\ud800")
@example("\ta\nb\r")
def test_clean_fast_path_matches_reference(raw: str) -> None:
    assert escapes.clean(raw) == _clean_reference(raw)


def test_clean_fast_path_assumption_holds_for_every_character() -> None:
    # The fast path returns printable text without a space at either end untouched: no
    # printable character other than the space may be one the reference removes.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable() and char != " ":
            assert _clean_reference(char) == char, hex(code)


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
    slow = _outcome(normalize._normalized_slow, raw)
    if normalize.in_normal_form(raw):
        assert slow == ("ok", raw)
    normalize._normalized.cache_clear()
    assert _outcome(normalize._normalized, raw) == slow


@settings(max_examples=300, deadline=None)
@given(_URLS)
def test_normalize_url_memo_matches_fresh_work(raw: str) -> None:
    fresh = _outcome(normalize._normalized_slow, raw)
    assert _outcome(normalize.normalize_url, raw) == fresh
    assert _outcome(normalize.normalize_url, raw) == fresh  # the second call comes from the memo


def test_normal_form_recognizer_accepts_the_common_urls() -> None:
    # Not a proof (the property above is); this keeps the fast path from silently dying.
    for url in (
        "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2021/12/09/a.jpeg",
        "https://example.org/2021/12/09/post/",
        "https://news.example.org/2021/12/09/%E4%B8%AD/",
    ):
        assert normalize.in_normal_form(url)
    for url in (
        "HTTPS://a.b/",
        "https://a.b",
        "https://a.b/./",
        "https://1.2.3.4/",
        "https://a.b:80/",
        "https://a.b/%zz",
    ):
        assert not normalize.in_normal_form(url)


def _normalized_or_default(raw: str) -> str:
    try:
        return normalize.normalize_url(raw)
    except FieldError:
        return "https://a.b/c/"


#: Normalized base URLs, the only kind resolve hands to _join_path.
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
    assert _outcome(join._join_path, base, ref) == _outcome(join._join_slow, base, ref)


def test_join_path_takes_the_fast_path_for_plain_paths() -> None:
    base = "https://news.example.org/posts/a.html?x=1#top"
    assert join._join_path(base, "2021/中/") == "https://news.example.org/posts/2021/中/"
    assert join._join_path(base, "/img/a.jpg") == "https://news.example.org/img/a.jpg"


def _inner_candidates_reference(url: str) -> list[str]:
    """:func:`proxies.inner_candidates` by its definition: every piece looked at."""
    head, _, query = url.partition("#")[0].partition("?")
    return proxies.candidates_in(query, head.partition("://")[2].partition("/")[2])


_WRAPPED = st.builds(
    "{}{}{}".format,
    st.sampled_from(["https://p.dev/", "https://p.dev/x", "http://p/a:b/", "https://p/%41/"]),
    st.sampled_from(["", "?", "?url=", "?a=1&u=", "?u=x&u=", "/https://", "/http%3a//"]),
    _URLS | st.sampled_from(["javascript:x", "data:,x", "file:///etc/passwd", "Java%53cript:x"]),
)


@settings(max_examples=400, deadline=None)
@given(_WRAPPED | _URLS)
@example("https://p.dev/?http://a.b/x&u=http://a.b/x")
@example("https://p.dev/https://a.b/x?y=http://c.d/")
@example("https://p.dev/a?")
@example("https://p.dev/a:b")
def test_inner_candidates_fast_path_matches_reference(url: str) -> None:
    assert proxies.inner_candidates(url) == _inner_candidates_reference(url)


@settings(max_examples=200, deadline=None)
@given(_URLS)
@example("[::1]")
@example("localhost")
@example("127.1")
def test_host_problem_memo_matches_fresh_work(host: str) -> None:
    fresh = addresses.host_problem.__wrapped__(host)
    assert addresses.host_problem(host) == fresh
    assert addresses.host_problem(host) == fresh  # the second answer comes from the memo


def test_encode_keeps_escapes_and_encodes_the_rest() -> None:
    assert escapes.encode("a%41b", escapes.PATH_SAFE) == "a%41b"
    assert escapes.encode("a%4", escapes.PATH_SAFE) == "a%254"
    assert escapes.encode("中 b", escapes.PATH_SAFE) == "%E4%B8%AD%20b"
    assert escapes.encode("a?b", escapes.PATH_SAFE) == "a%3Fb"
    assert escapes.encode("a?b", escapes.QUERY_SAFE) == "a?b"


def test_normalize_host_refuses_bad_hosts_every_time() -> None:
    for _ in range(2):
        try:
            hosts.normalize_host("a b")
        except FieldError as error:
            assert "not a valid host name" in str(error)
        else:  # pragma: no cover - the assertion that fails
            raise AssertionError("a host with a space was accepted")
    assert hosts.normalize_host("EXAMPLE.com") == "example.com"
