"""decode.py: bytes become LF-only text without forbidden characters, or a FieldError."""

from __future__ import annotations

import codecs
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import refused_by, warned
from laojia_feed.model import FieldError, Warn
from laojia_feed.read import decode as decode_module
from laojia_feed.read.decode import decode_text, normalize_newlines
from laojia_feed.xmlchars import has_forbidden

POST = "---\ntitle: 老房加梯系列报道\ncategories:\n - 新媒体\n---\n\n近期，【老房加梯】专题连载。\n"
CHINESE = (
    "---\ntitle: 天目西路街道加梯\n---\n"
    "近期，【老房加梯系列报道】专题，连载报道静安区各街镇老旧小区加装电梯过程中的经验。"
    "今日请看第六篇：天目西路街道“加梯”楼的“五维”秘笈是什么？\n"
)


def decode(data: bytes) -> tuple[str, list[str]]:
    return warned(decode_text, data)


def refusal(data: bytes) -> str:
    return str(refused_by(decode_text, data))


def test_utf8_is_returned_as_is_without_warnings() -> None:
    assert decode(POST.encode()) == (POST, [])


def test_utf8_bom_is_dropped_silently() -> None:
    assert decode(codecs.BOM_UTF8 + POST.encode()) == (POST, [])


@pytest.mark.parametrize(
    ("bom", "codec", "label"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    ],
)
def test_wide_encodings_with_a_bom_are_decoded_with_a_warning(
    bom: bytes, codec: str, label: str
) -> None:
    text, warnings = decode(bom + POST.encode(codec))
    assert text == POST
    assert warnings == [f"decoded as {label}; UTF-8 is recommended"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded_when_unmistakable(codec: str) -> None:
    text, warnings = decode(POST.encode(codec))
    assert text == POST
    assert warnings == ["decoded as UTF-16 (no byte-order mark); UTF-8 is recommended"]


def test_utf16_of_mostly_chinese_without_bom_is_binary() -> None:
    # Too few NUL high bytes to be sure: refused rather than guessed.
    assert refusal(("中文" * 200 + "a").encode("utf-16-le")) == (
        "binary file (NUL bytes), not a text post"
    )


def test_utf16_holding_nul_characters_is_binary() -> None:
    data = codecs.BOM_UTF16_LE + "title\x00\x00\x00".encode("utf-16-le")
    assert refusal(data) == "binary file (NUL bytes), not a text post"


def test_broken_bom_is_refused() -> None:
    # A UTF-16 BE mark followed by an odd number of bytes fits no wide encoding.
    assert "byte-order mark" in refusal(codecs.BOM_UTF16_BE + b"\x00a\x00")


@pytest.mark.parametrize(
    "data",
    [b"", b" ", b"\n\n\r\n\t ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n", codecs.BOM_UTF16_LE],
)
def test_empty_and_blank_files_are_refused(data: bytes) -> None:
    assert refusal(data) == "empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)),
        b"---\ntitle: x\n---\n" + b"\x00" * 100,  # valid UTF-8, but mostly NUL
        "---\ntitle: 中\n---\n正文\x00".encode("gb18030"),  # not UTF-8
    ],
)
def test_nul_bytes_mean_binary(data: bytes) -> None:
    assert refusal(data) == "binary file (NUL bytes), not a text post"


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: x\n---\nhello\x00world\n",
        '---\ntitle: 你好\n---\n正文\n\n```c\nchar s[] = "a\x00b";\n```\n'.encode(),
        codecs.BOM_UTF8 + b"---\ntitle: x\n---\nhello\x00world\n",
    ],
)
def test_a_stray_nul_in_a_text_post_is_removed_like_other_controls(data: bytes) -> None:
    text, warnings = decode(data)
    assert "\x00" not in text
    assert text.replace("\ufeff", "") == data.decode("utf-8-sig").replace("\x00", "")
    assert warnings == ["removed 1 characters that XML forbids (control characters)"]


@pytest.mark.parametrize(
    "data",
    [
        b"\x01\x02\x03\x04\x05\x06 text \x07\x08\x0b\x0c\x0e\x0f",  # valid UTF-8
        b"\xfd\xfc\xfb\x01\x02\x03\x04\x05\x06\x07\x08\x1b\x1c\x1d\x1e",  # invalid UTF-8
    ],
)
def test_mostly_control_bytes_mean_binary(data: bytes) -> None:
    assert refusal(data) == "binary file (control bytes), not a text post"


def test_invalid_utf8_names_the_byte_and_its_offset() -> None:
    data = b"---\ntitle: \xff\xfe\n---\n"
    assert refusal(data) == (
        "not valid UTF-8 (byte 0xff at offset 11) and not unambiguously GB18030; "
        "re-save the file as UTF-8"
    )


def test_the_offset_counts_the_utf8_bom() -> None:
    assert "(byte 0xff at offset 5)" in refusal(codecs.BOM_UTF8 + b"ab\xff")


def test_gb18030_chinese_is_decoded_with_a_warning() -> None:
    text, warnings = decode(CHINESE.encode("gb18030"))
    assert text == CHINESE
    assert warnings == ["decoded as GB18030 (legacy Chinese encoding); re-save as UTF-8"]


def test_gb18030_with_glued_english_words_is_still_chinese() -> None:
    text = (
        "---\ntitle: 用Python写Web应用\n---\n先看框架，再安装依赖，最后运行测试。我们一步一步来。\n"
    )
    assert decode(text.encode("gb18030"))[0] == text


def test_gb18030_too_short_to_judge_is_refused() -> None:
    assert "not unambiguously GB18030" in refusal("---\ntitle: 你好\n---\n".encode("gb18030"))


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Déjà vu\n---\nNaïve café résumé, façade à la carte, Übermaß.\n",
        # Valid GB18030 too: 'öß' is a common ideograph, but glued inside Latin words.
        "Größe Größe Größe Größe Größe Größe Größe Größe Größe Größe Größe Größe",
        "Le garçon était très fâché: «Ça suffit!» dit-il à sa sœur Zoë.".replace("œ", "oe"),
        "Ærøskøbing på Ærø — Ålborg og Århus ligger i Jylland.".replace("—", "-"),
        "Él está aquí mañana; ¿qué pasó? ¡Olé! Niño, señor, corazón.",
        # These three are valid GB18030 byte for byte: only the heuristic refuses them.
        "für Müller über Bücher, fährt Käse",
        "über ärger öfter über ärger öfter über ärger öfter ändern",
    ],
)
def test_latin1_text_is_never_misread_as_gb18030(text: str) -> None:
    data = text.encode("latin-1")
    message = refusal(data)
    assert message.startswith("not valid UTF-8 (byte 0x")
    assert message.endswith("re-save the file as UTF-8")


def test_gb18030_gibberish_of_rare_characters_is_refused() -> None:
    # Valid GB18030, but the characters are rare GBK extension ideographs (not GB2312).
    rare = "".join(chr(c) for c in range(0x4E02, 0x4F00) if not _in_gb2312(chr(c)))
    assert len(rare) > 20
    assert "not unambiguously GB18030" in refusal(rare.encode("gb18030"))


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"---\r\ntitle: x\r\n---\r\nbody\r\n", "---\ntitle: x\n---\nbody\n"),
        (b"---\rtitle: x\r---\rbody\r", "---\ntitle: x\n---\nbody\n"),
        (b"a\r\n\r\nb\rc\n", "a\n\nb\nc\n"),
        (b"a\r\r\nb", "a\n\nb"),
    ],
)
def test_crlf_and_lone_cr_become_lf(raw: bytes, expected: str) -> None:
    assert decode(raw) == (expected, [])


def test_crlf_is_normalized_in_utf16_and_gb18030_too() -> None:
    assert decode(codecs.BOM_UTF16_LE + "a\r\nb\r".encode("utf-16-le"))[0] == "a\nb\n"
    assert decode(CHINESE.replace("\n", "\r\n").encode("gb18030"))[0] == CHINESE


def test_forbidden_characters_are_removed_with_one_warning() -> None:
    data = ("---\ntitle: a\x01b\x1f\n---\n" + "text " * 50 + "\x0b\x0c\x7f\tend\n").encode()
    text, warnings = decode(data)
    assert text == "---\ntitle: ab\n---\n" + "text " * 50 + "\x7f\tend\n"
    assert warnings == ["removed 4 characters that XML forbids (control characters)"]


def test_normalize_newlines_leaves_lf_text_alone() -> None:
    text = "a\nb\n"
    assert normalize_newlines(text) is text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_give_clean_text_or_field_error(data: bytes) -> None:
    try:
        text, _ = decode(data)
    except FieldError:
        return
    assert "\r" not in text
    assert not has_forbidden(text)
    assert text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1))
def test_utf8_text_round_trips(text: str) -> None:
    if text.isspace() or text.startswith("\ufeff") or "\ufffe" in text or "\uffff" in text:
        return
    assert decode(text.encode()) == (text, [])


_PIECES = st.sampled_from(
    [
        b"---\ntitle: t\n---\n",
        "正文，中文。".encode(),
        "老家".encode("gb18030"),
        b"\r\n",
        b"\t",
        b"\x00",
        b"\x01",
        b"\x1f",
        b"\x7f",
        b"\xef\xbf\xbe",
        b"\xef\xbf\xbf",
        b"\xef\xbf\xbd",
        b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8
        b"\xff",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        "\u3000".encode(),
        "\ufffe".encode("utf-16-le"),
    ]
)


def _outcome(decode: Callable[[bytes, Warn], str], data: bytes) -> tuple[object, list[str]]:
    notes: list[str] = []
    try:
        return decode(data, notes.append), notes
    except FieldError as error:
        return f"error: {error}", notes


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map(b"".join) | st.binary(min_size=1))
def test_plain_utf8_fast_path_matches_the_full_path(data: bytes) -> None:
    if data.isspace():
        return
    assert _outcome(decode_text, data) == _outcome(decode_module._decode_full, data)


def test_the_fast_path_takes_plain_utf8_and_leaves_the_rest() -> None:
    assert decode_module._plain_utf8("---\n正文\r\n".encode()) == "---\n正文\r\n"
    for odd in (codecs.BOM_UTF8 + b"x", b"a\x01b", "\ufffe".encode(), "老家".encode("gb18030")):
        assert decode_module._plain_utf8(odd) is None
