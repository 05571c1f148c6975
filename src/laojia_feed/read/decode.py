"""Bytes → str: byte-order marks, UTF-16/32, legacy GB18030, newlines, forbidden characters.

A post file is expected to be UTF-8. What else is accepted, and why:

* a UTF-8 byte-order mark is dropped silently;
* UTF-16 and UTF-32 with a byte-order mark are decoded, with a warning;
* UTF-16 *without* a byte-order mark is decoded too (with a warning) when it is
  unmistakable: an even number of bytes, at least 40% of the 16-bit units in the
  first 4 KiB have a NUL high byte (ASCII text such as ``---``/``title:``) and at
  most 5% have a NUL low byte, and the whole file decodes strictly;
* invalid UTF-8 is tried as GB18030 (the legacy Chinese encoding of old Windows
  editors) and accepted only when the guess is unambiguous (see :func:`_looks_chinese`).

NUL bytes in a file that is otherwise text (valid UTF-8, or the encoding its
byte-order mark declares) are control characters like the others: removed with one
warning, as long as control characters are at most 5% of the text (and more than 3);
more than that is binary. Anything else with NUL bytes (not valid UTF-8: images,
archives, other encodings), mostly control bytes, or undecodable bytes is refused
with a :class:`~laojia_feed.model.FieldError` (the caller files it under ``file``).
The text that comes out has ``\\n`` line ends only and no character XML 1.0 forbids.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

from laojia_feed.model import FieldError, Warn
from laojia_feed.xmlchars import strip_forbidden

#: Byte-order marks of the wide encodings, UTF-32 first (its LE mark starts like UTF-16's).
_WIDE_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

#: Bytes looked at to recognise UTF-16 without a byte-order mark.
_SNIFF_BYTES = 4096

#: Below this many non-ASCII characters a GB18030 guess is not trusted.
_MIN_CHINESE_CHARS = 10

#: Share of the non-ASCII characters that must be common Chinese for a GB18030 guess.
_MIN_CHINESE_SHARE = 0.95

#: Control bytes XML forbids (tab, LF, CR excluded), for spotting binary files.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

#: Unicode blocks whose characters a Chinese text is made of (besides ASCII).
_CHINESE_RANGES: tuple[tuple[int, int], ...] = (
    (0x2000, 0x206F),  # general punctuation: “ ” ‘ ’ — …
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。「」《》
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half-width and full-width forms: ，！？（）
)

#: A run of non-ASCII characters, and one glued between two ASCII letters.
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
_GLUED_RUN = re.compile("(?<=[A-Za-z])[^\x00-\x7f]+(?=[A-Za-z])")

BINARY_NUL = "binary file (NUL bytes), not a text post"
BINARY_CONTROL = "binary file (control bytes), not a text post"
EMPTY = "empty file"


def decode_text(data: bytes, warn: Warn) -> str:
    """Decode a post file's bytes to text with ``\\n`` line ends and no XML-forbidden characters.

    Raises :class:`FieldError` for an empty, binary or undecodable file; calls ``warn``
    for a non-UTF-8 encoding that was decoded and for removed characters.
    """
    if not data or data.isspace():
        raise FieldError(EMPTY)
    plain = _plain_utf8(data)
    if plain is None:
        return _decode_full(data, warn)
    return _checked(normalize_newlines(plain))


def _decode_full(data: bytes, warn: Warn) -> str:
    """:func:`decode_text` for any non-empty bytes, step by step."""
    return _checked(_remove_forbidden(normalize_newlines(_to_str(data, warn)), warn))


def _checked(text: str) -> str:
    if not text or text.isspace():
        raise FieldError(EMPTY)
    return text


def _plain_utf8(data: bytes) -> str | None:
    """``data`` decoded, when it is UTF-8 without a byte-order mark and holds nothing XML
    forbids (the usual post); else None, and :func:`decode_text` takes the full path.

    Why the full path would give the same text: without a byte-order mark and without
    NUL bytes (control bytes are checked) it decodes as UTF-8 from the first byte; then
    the only characters XML forbids that UTF-8 can hold are the control characters, one
    byte each (checked on the bytes: cheaper than a search of the text), and U+FFFE and
    U+FFFF (looked for in the text); lone surrogates are not valid UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8) or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\ufffe" in text or "\uffff" in text else text


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR line ends into LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _to_str(data: bytes, warn: Warn) -> str:
    """Pick the encoding from the byte-order mark, the NUL pattern or the content, and decode."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_narrow(data, len(codecs.BOM_UTF8), warn)
    for bom, codec, label in _WIDE_BOMS:
        if data.startswith(bom):
            text = _decode_wide(data[len(bom) :], codec)
            if text is not None:
                warn(f"decoded as {label}; UTF-8 is recommended")
                return text
    if any(data.startswith(bom) for bom, _, _ in _WIDE_BOMS):
        raise FieldError("not valid UTF-16 or UTF-32 despite its byte-order mark")
    if b"\x00" in data:
        sniffed = _sniff_utf16(data)
        guessed = _decode_wide(data, sniffed) if sniffed is not None else None
        if guessed is not None:
            warn("decoded as UTF-16 (no byte-order mark); UTF-8 is recommended")
            return guessed
        if _is_mostly(data.count(0), len(data)):
            raise FieldError(BINARY_NUL)
        try:  # a stray NUL in a UTF-8 post: removed like any control character
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FieldError(BINARY_NUL) from None
    return _decode_narrow(data, 0, warn)


def _decode_wide(data: bytes, codec: str) -> str | None:
    """Decode UTF-16/32 strictly; None when the bytes do not fit. NUL characters mean binary."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        raise FieldError(BINARY_NUL)
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """The UTF-16 codec for BOM-less data that is unmistakably UTF-16, or None."""
    if len(data) % 2:
        return None
    sample = data[:_SNIFF_BYTES]
    units = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.4 * units and even_nuls <= 0.05 * units:
        return "utf-16-le"
    if even_nuls >= 0.4 * units and odd_nuls <= 0.05 * units:
        return "utf-16-be"
    return None


def _decode_narrow(data: bytes, start: int, warn: Warn) -> str:
    """Decode UTF-8 from ``start``; fall back to GB18030 when that is unambiguous."""
    body = data[start:] if start else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _is_mostly_control(body):
        raise FieldError(BINARY_CONTROL)
    offset = start + utf8_error.start
    refusal = FieldError(
        f"not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset}) and not unambiguously "
        "GB18030; re-save the file as UTF-8"
    )
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        raise refusal from utf8_error
    if not _looks_chinese(text):
        raise refusal from utf8_error
    warn("decoded as GB18030 (legacy Chinese encoding); re-save as UTF-8")
    return text


def _is_mostly_control(data: bytes) -> bool:
    """True when more than 5% of the bytes (and more than 3) are control bytes."""
    return _is_mostly(len(data) - len(data.translate(None, _CONTROL_BYTES)), len(data))


def _is_mostly(controls: int, total: int) -> bool:
    """The share of control characters that makes a file binary: over 5% (and over 3)."""
    return controls > 3 and controls * 20 > total


def _looks_chinese(text: str) -> bool:
    """True when ``text`` (decoded as GB18030) is plainly Chinese, not misread Latin-1.

    All three must hold:

    * at least 10 non-ASCII characters (fewer is not enough to judge);
    * at least 95% of them (by occurrence) are Chinese characters or punctuation
      (:data:`_CHINESE_RANGES`) that also exist in GB2312, the common core of GB18030;
    * at most half of the non-ASCII runs sit glued between two ASCII letters.

    Latin-1 text misread as GB18030 fails: an accented letter followed by a space or a
    digit is not valid GB18030; followed by an ASCII letter it becomes a rare GBK-only
    ideograph (not in GB2312); two accented letters in a row (``ö`` ``ß`` in ``Größe``)
    can become a common ideograph, but in the middle of a Latin word (``Gr鲞e``), which
    real Chinese text almost never does (``用Python写Web`` has one glued run among many).
    """
    runs = len(_NON_ASCII_RUN.findall(text))
    if len(_GLUED_RUN.findall(text)) * 2 > runs:
        return False
    counts = {char: n for char, n in Counter(text).items() if char >= "\x80"}
    total = sum(counts.values())
    if total < _MIN_CHINESE_CHARS:
        return False
    chinese = sum(n for char, n in counts.items() if _is_common_chinese(char))
    return chinese >= _MIN_CHINESE_SHARE * total


def _is_common_chinese(char: str) -> bool:
    """True for a Chinese character or punctuation mark that GB2312 has."""
    code = ord(char)
    if not any(low <= code <= high for low, high in _CHINESE_RANGES):
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _remove_forbidden(text: str, warn: Warn) -> str:
    """Drop the characters XML forbids, with one warning; mostly-control text is binary."""
    cleaned, removed = strip_forbidden(text)
    if not removed:
        return text
    if _is_mostly(removed, len(text)):
        raise FieldError(BINARY_CONTROL)
    warn(f"removed {removed} characters that XML forbids (control characters)")
    return cleaned
