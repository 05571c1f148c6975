"""Fast paths and memos give exactly the answers of the slow paths they skip."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError
from laojia_feed.read import front_clean, permalinks, plaintext
from laojia_feed.xmlchars import strip_forbidden

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
