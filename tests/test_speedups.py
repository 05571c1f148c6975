"""Fast paths and memos give exactly the answers of the slow paths they skip."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed import urls
from laojia_feed.model import FieldError
from laojia_feed.read import front_clean, permalinks, plaintext
from laojia_feed.xmlchars import strip_forbidden

#: Pieces URLs are made of, so that random text hits hosts, ports, escapes and dots.
_URL_PIECES = st.sampled_from(
    [
        *"aZ09%2eE/\\?#:@[]. -_~!$&'()*+,;=<>\"{}|^`中\t\n\x00\ud800AfFgG",
        *("http://", "https://", "HTTP:", "//", "xn--", "%2e%2e", "..", "127.0.0.1", "0x7f"),
        *(":80", ":443", "mailto:", "例子.中国", "[::1]", "%41", "%zz"),
    ]
)
_URLISH = st.lists(_URL_PIECES, max_size=25).map("".join) | st.text(max_size=30)


def _outcome(raw: str) -> tuple[str, str]:
    try:
        return "ok", urls._normalized(raw)
    except FieldError as error:
        return "error", str(error)


def _memo_outcome(raw: str) -> tuple[str, str]:
    try:
        return "ok", urls.normalize_url(raw)
    except FieldError as error:
        return "error", str(error)


@settings(max_examples=300, deadline=None)
@given(_URLISH)
def test_normalize_url_memo_matches_fresh_work(raw: str) -> None:
    fresh = _outcome(raw)
    assert _memo_outcome(raw) == fresh
    assert _memo_outcome(raw) == fresh  # the second call comes from the memo


@settings(max_examples=300, deadline=None)
@given(_URLISH)
def test_encode_fast_path_matches_char_by_char(raw: str) -> None:
    part = urls._clean(raw)  # what normalize_url hands it: no lone surrogates
    for safe in (urls._PATH_SAFE, urls._QUERY_SAFE, urls._USERINFO_SAFE):
        assert urls._encode(part, safe) == urls._percent_encode(part, safe)


def test_encode_keeps_escapes_and_encodes_the_rest() -> None:
    assert urls._encode("a%41b", urls._PATH_SAFE) == "a%41b"
    assert urls._encode("a%4", urls._PATH_SAFE) == "a%254"
    assert urls._encode("中 b", urls._PATH_SAFE) == "%E4%B8%AD%20b"


def test_host_memo_keeps_refusing_bad_hosts() -> None:
    for _ in range(2):
        try:
            urls._normalize_host("a b")
        except FieldError as error:
            assert "not a valid host name" in str(error)
        else:  # pragma: no cover - the assertion that fails
            raise AssertionError("a host with a space was accepted")
    assert urls._normalize_host("EXAMPLE.com") == "example.com"
    assert urls._normalize_host("EXAMPLE.com") == "example.com"


_TEXTISH = st.text(max_size=40) | st.text(
    alphabet=st.sampled_from([*" \r\n\t\x0c\x00\ufeff\xa0\u2028\ufdd0\u200b>\"'=中a\x85<&;"]),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(_TEXTISH)
def test_plain_text_fast_path_matches_the_parser(raw: str) -> None:
    text = strip_forbidden(raw)[0]
    assert plaintext.plain_text(raw) == plaintext._parsed_plain_text(text)


def test_plain_text_still_parses_markup_and_entities() -> None:
    assert plaintext.plain_text("<b>粗</b> &amp; 细") == "粗 & 细"
    assert plaintext.plain_text("\ufeff标题") == "标题"
    assert plaintext.plain_text(" 两个\n 空格 ") == "两个 空格"


_SEGMENTISH = st.text(
    alphabet=st.sampled_from([*"aZ09-._~!$&'()*+,;=@/:%?# \x00\x7f中é"]), max_size=20
)


@settings(max_examples=300, deadline=None)
@given(_SEGMENTISH)
def test_segment_fast_path_matches_quote(text: str) -> None:
    slow = quote(permalinks._CONTROL.sub("", text), safe=permalinks._SEGMENT_SAFE)
    assert permalinks._segment(text) == slow


def test_front_matter_cleaner_counts_nodes() -> None:
    huge = {"tags": ["t"] * front_clean.MAX_NODES}
    for clean in (front_clean.Cleaner(strip_strings=False), front_clean.Cleaner()):
        with pytest.raises(FieldError, match="too large"):
            clean.mapping(huge)
