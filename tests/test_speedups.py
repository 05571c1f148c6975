"""Fast paths and memos give exactly the answers of the slow paths they skip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError
from laojia_feed.read import article as fields
from laojia_feed.read import frontmatter, permalinks
from laojia_feed.xmlchars import strip_forbidden

_TEXTISH = st.text(max_size=40) | st.text(
    alphabet=st.sampled_from([*" \r\n\t\x0c\x00\ufeff\xa0\u2028\ufdd0\u200b>\"'=中a\x85<&;"]),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(_TEXTISH)
def test_plain_text_fast_path_matches_the_parser(raw: str) -> None:
    text = strip_forbidden(raw)[0]
    assert fields.plain_text(raw) == fields._parsed_plain_text(text)


def test_plain_text_still_parses_markup_and_entities() -> None:
    assert fields.plain_text("<b>粗</b> &amp; 细") == "粗 & 细"
    assert fields.plain_text("\ufeff标题") == "标题"
    assert fields.plain_text(" 两个\n 空格 ") == "两个 空格"


_SEGMENTISH = st.text(
    alphabet=st.sampled_from([*"aZ09-._~!$&'()*+,;=@/:%?# \x00\x7f中é"]), max_size=20
)


@settings(max_examples=300, deadline=None)
@given(_SEGMENTISH)
def test_segment_fast_path_matches_quote(text: str) -> None:
    slow = quote(permalinks._CONTROL.sub("", text), safe=permalinks._SEGMENT_SAFE)
    assert permalinks._segment(text) == slow


_PATHISH = st.lists(
    st.sampled_from(["a", "年", ".", "..", "", "x.md", ".md", "index.html", "b.", "c.tar.gz"]),
    max_size=5,
).map("/".join)


@settings(max_examples=300, deadline=None)
@given(_PATHISH)
def test_path_parts_match_pathlib(relpath: str) -> None:
    path = PurePosixPath(relpath)
    assert fields.path_parts(relpath) == (path.parent.name, path.stem, path.suffix)


_SCALARS = st.none() | st.text(max_size=5) | st.integers() | st.booleans()
_FRONT = st.dictionaries(
    st.text(max_size=4) | st.none(),
    _SCALARS | st.lists(_SCALARS, max_size=4) | st.dictionaries(st.text(max_size=2), _SCALARS),
    max_size=6,
)


def _cleaned(clean: Callable[[dict[Any, Any]], dict[str, object]], data: Any) -> object:
    try:
        return clean(data)
    except FieldError as error:
        return str(error)


@settings(max_examples=300, deadline=None)
@given(_FRONT)
def test_flat_front_matter_fast_path_matches_the_walk(data: dict[Any, Any]) -> None:
    fast = _cleaned(frontmatter._Cleaner(strip_strings=False).mapping, data)
    assert fast == _cleaned(frontmatter._Cleaner(strip_strings=False).walk, data)


def test_flat_front_matter_still_counts_nodes() -> None:
    huge = {"tags": ["t"] * frontmatter.MAX_NODES}
    for clean in (frontmatter._Cleaner(strip_strings=False).mapping, frontmatter._Cleaner().walk):
        assert _cleaned(clean, huge) == frontmatter.TOO_BIG
    assert frontmatter._flat_size({"a": "x", "b": None, "c": ["1", None]}) == 1 + 2 + 2 + 4
    assert frontmatter._flat_size({"a": 1}) is None
