"""xmlchars: what strip_forbidden removes (and counts), what one_line collapses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laojia_feed.xmlchars import (
    has_forbidden,
    one_line,
    strip_forbidden,
    strip_forbidden_references,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", 0)),
        ("新华社 记者", ("新华社 记者", 0)),
        ("a\tb\nc\rd", ("a\tb\nc\rd", 0)),  # tab, LF and CR are allowed
        ("a\x00b\x08c\x0bd\x1f", ("abcd", 4)),
        ("x\ud800y\udfffz", ("xyz", 2)),  # lone surrogates
        ("\ufffe\uffff\ufffd", ("\ufffd", 2)),
        ("\x7f\x85\U0001f600", ("\x7f\x85\U0001f600", 0)),  # allowed, if unusual
    ],
)
def test_strip_forbidden_removes_and_counts(text: str, expected: tuple[str, int]) -> None:
    assert strip_forbidden(text) == expected
    assert has_forbidden(text) == (expected[1] > 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("新华社", "新华社"),
        ("  a  b  ", "a b"),
        ("a\n\tb\r\nc", "a b c"),
        ("a\u3000b\xa0c\u2028d", "a b c d"),  # every Unicode space counts
        ("a\x1cb", "a b"),  # so do the separators str.isspace accepts
        ("a\u200bb", "a\u200bb"),  # a zero-width space is not white space
    ],
)
def test_one_line_collapses_white_space(text: str, expected: str) -> None:
    assert one_line(text) == expected


def test_forbidden_references_go_and_allowed_ones_stay() -> None:
    assert strip_forbidden_references("a&#0;b&#x1F;c&#65;&#x4E2D;") == "abc&#65;&#x4E2D;"


def _one_line_reference(text: str) -> str:
    """one_line by its definition: every run of white space one space, then trimmed."""
    return re.sub(r"\s+", " ", text).strip()


#: Characters that make one_line's guard take either branch.
_LINE_ALPHABET = "a老 \t\n\x0b\u3000\xa0\u2028\x85\x00é"


@given(st.text(alphabet=_LINE_ALPHABET, max_size=30))
def test_one_line_gives_what_its_definition_gives(text: str) -> None:
    assert one_line(text) == _one_line_reference(text)
