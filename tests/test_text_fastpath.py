"""text: the fast paths of strip_forbidden and one_line give what their definitions give."""

from __future__ import annotations

import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from laojia_feed import xmlchars as text

#: Pieces that hit every branch: spaces of every kind, controls, surrogates, XML-forbidden
#: characters, CJK text.
_PIECES = st.sampled_from(
    [
        *" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000",
        *"\x00\x08\x7f\x9f\ud800\udfff\ufffe\uffff\u200b\ufeff",
        *("a", "Z", "中文", "新华社", "  ", "&#0;", "x y", "\U0001f600"),
    ]
)
_TEXTS = st.lists(_PIECES, max_size=12).map("".join) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
@example("")
@example(" ")
@example("a ")
@example(" a")
@example("a  b")
@example("新华社")
@example("a\u3000b")
def test_one_line_fast_path_matches_slow(value: str) -> None:
    assert text.one_line(value) == text._one_line_slow(value)


def test_one_line_fast_path_assumption_holds_for_every_character() -> None:
    # The fast path trusts that the only printable white space is the plain space.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable() and char != " ":
            assert text._one_line_slow(f"a{char}b") == f"a{char}b", hex(code)
            assert text._one_line_slow(char) == char, hex(code)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
@example("")
@example("\x00")
@example("a\ud800b\ufffe")
def test_strip_forbidden_fast_path_matches_slow(value: str) -> None:
    assert text.strip_forbidden(value) == text._strip_forbidden_slow(value)


def test_fast_paths_are_taken_for_plain_values() -> None:
    value = "新华社 记者"
    assert text.one_line(value) is value
    assert text.strip_forbidden(value)[0] is value
