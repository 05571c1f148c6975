"""The date formats blogs use, as a chain of small parsers that recognise a shape.

Each parser (RFC 822, ISO 8601 extended and basic, Hexo/Jekyll numeric dates,
Chinese dates, English long dates, JavaScript ``Date.toString()``, Unix ``date``)
returns the :class:`Fields` it read, unchecked, or None; :mod:`laojia_feed.read.dates`
tries :data:`PARSERS` in order and checks what the first one read. Also here: the
text normalisation before the chain and the relative dates it refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: English month tokens (full name, 3-letter abbreviation, "sept") → month number.
_MONTH_TOKENS: Mapping[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, 1)},
    "sept": 9,
}
#: English weekday tokens (full name, 3-letter abbreviation) → ``date.weekday()``.
_WEEKDAY_TOKENS: Mapping[str, int] = {
    **{name.lower(): number for number, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].lower(): number for number, name in enumerate(WEEKDAY_NAMES)},
}
#: The last character of 星期四 / 周四 / 礼拜天 → ``date.weekday()``.
_CHINESE_WEEKDAYS: Mapping[str, int] = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
}

#: A zone token as written after a time: ``Z``, ``+08:00``, ``+0800``, ``GMT+8``, ``EST``.
_ZONE = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5})"


@dataclass(frozen=True, slots=True)
class Fields:
    """What a parser read, unchecked: the date may not exist, the zone may be unknown."""

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    #: The zone token as written, None when the value has none.
    zone: str | None = None
    #: The weekday as written ("Mon", "星期四"), to be checked against the date.
    weekday_text: str | None = None
    weekday: int | None = None
    #: "am"/"pm" from an English 12-hour time: the hour must be 1–12.
    half: str | None = None


_Parser = Callable[[str], Fields | None]

_CHINESE_HALVES_PM = frozenset({"中午", "下午", "晚上"})


def _year(digits: str) -> int:
    """RFC 2822 obsolete years: 00–49 are 20xx, 50–99 are 19xx."""
    if len(digits) == 2:
        value = int(digits)
        return value + (2000 if value < 50 else 1900)
    return int(digits)


def _fields(groups: Mapping[str, str | None]) -> Fields | None:
    """Turn a regex match's named groups into fields; None for an unknown month/weekday."""
    month_text = groups["month"] or ""
    month = int(month_text) if month_text.isdigit() else _MONTH_TOKENS.get(month_text.lower())
    if month is None:
        return None
    weekday_text = groups.get("weekday") or groups.get("cn_weekday")
    weekday = None
    if weekday_text is not None:
        weekday = (
            _WEEKDAY_TOKENS.get(weekday_text.lower())
            if weekday_text.isascii()
            else _CHINESE_WEEKDAYS[weekday_text[-1]]
        )
        if weekday is None:
            return None
    hour = int(groups.get("hour") or 0)
    if groups.get("cn_half") in _CHINESE_HALVES_PM and hour < 12:
        hour += 12
    fraction = groups.get("fraction") or ""
    half = groups.get("half")
    return Fields(
        year=_year(groups["year"] or ""),
        month=month,
        day=int(groups["day"] or 0),
        hour=hour,
        minute=int(groups.get("minute") or groups.get("cn_minute") or 0),
        second=int(groups.get("second") or groups.get("cn_second") or 0),
        microsecond=int((fraction + "000000")[:6]),
        zone=groups.get("zone"),
        weekday_text=weekday_text,
        weekday=weekday,
        half=half.replace(".", "").lower() if half else None,
    )


def _regex_parser(pattern: str) -> _Parser:
    """A parser for one format written as a regular expression with named groups."""
    compiled: list[re.Pattern[str]] = []  # compiled on first use: start-up stays quick

    def parse(text: str) -> Fields | None:
        if not compiled:
            compiled.append(re.compile(pattern, re.ASCII | re.IGNORECASE))
        match = compiled[0].fullmatch(text)
        return None if match is None else _fields(match.groupdict())

    return parse


_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
_WORD = r"[A-Z]{3,9}"
#: An optional leading English weekday: ``Thu, `` ``Thu,`` ``Thursday ``.
_WEEKDAY = rf"(?:(?P<weekday>{_WORD})(?:, ?| ))?"

#: ``Thu, 09 Dec 2021 03:10:27 GMT`` (RFC 822/1123/2822; weekday, seconds, zone optional).
_rfc822 = _regex_parser(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}}) (?P<month>{_WORD})\.? "
    r"(?P<year>\d{4}|\d{2})"
    rf"(?: {_TIME}(?: ?{_ZONE})?(?: ?\([^()]*\))?)?"
)
#: ``2021-12-09``, ``2021-12-09T03:10:27.5Z``, ``2021-12-09 11:10:27+08:00`` (RFC 3339).
_iso8601 = _regex_parser(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    rf" ?{_ZONE}?)?"
)
#: ``20211209``, ``20211209T031027Z`` (ISO 8601 basic format).
_iso8601_basic = _regex_parser(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2})(?P<minute>\d{2})(?:(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?:\d{2})?)?)?"
)
#: Hexo/Jekyll: ``2021/12/9 9:05``, ``2021-12-9 11:10:27 +0800``, ``2021.12.09``.
_numeric = _regex_parser(
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    rf"(?:[T ]{_TIME}(?: ?{_ZONE})?)?"
)
#: ``2021年12月9日``, ``2021年12月9日 星期四 下午3:05``, ``2021年12月9日 10时30分05秒``.
_chinese = _regex_parser(
    r"(?P<year>\d{4}) ?年 ?(?P<month>\d{1,2}) ?月 ?(?P<day>\d{1,2}) ?[日号]"
    r"(?: ?,? ?(?P<cn_weekday>(?:星期|周|礼拜)[一二三四五六日天]))?"
    r"(?: ?(?P<cn_half>凌晨|早上|上午|中午|下午|晚上)? ?(?P<hour>\d{1,2}) ?"
    r"(?:: ?(?P<minute>\d{2})(?: ?: ?(?P<second>\d{2}))?"
    r"|[时点點](?: ?(?P<cn_minute>\d{1,2}) ?(?:分(?: ?(?P<cn_second>\d{1,2}) ?秒)?)?)?))?"
)
#: ``December 9, 2021``, ``Thursday, Dec 9th, 2021 at 3:05 PM``.
_english = _regex_parser(
    rf"{_WEEKDAY}(?P<month>{_WORD})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? "
    r"(?P<year>\d{4})(?:,? (?:at )?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    rf"(?: ?(?P<half>[AP]\.?M\.?))?(?: ?{_ZONE})?)?"
)
#: JavaScript ``Date.toString()``: ``Thu Dec 09 2021 11:10:27 GMT+0800 (中国标准时间)``.
_javascript = _regex_parser(
    rf"(?P<weekday>{_WORD}) (?P<month>{_WORD}) (?P<day>\d{{1,2}}) (?P<year>\d{{4}}) "
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}) "
    r"(?P<zone>(?:GMT|UTC)[+-]\d{4})(?: \([^()]*\))?"
)
#: Unix ``date`` / C ``asctime``: ``Thu Dec  9 11:10:27 CST 2021``.
_unix = _regex_parser(
    rf"(?P<weekday>{_WORD}) (?P<month>{_WORD}) (?P<day>\d{{1,2}}) "
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?: (?P<zone>[A-Z]{2,5}|[+-]\d{4}))? (?P<year>\d{4})"
)

#: The chain, tried in order; the first parser that recognises the text wins.
PARSERS: tuple[_Parser, ...] = (
    _iso8601,
    _iso8601_basic,
    _numeric,
    _rfc822,
    _chinese,
    _english,
    _javascript,
    _unix,
)

# ----------------------------------------------------------------------------- text

#: Full-width digits and punctuation (common in Chinese text) → ASCII; odd spaces → space.
_NARROW = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"：": ":", "－": "-", "／": "/", "＋": "+", "．": ".", "，": ",", "\u3000": " ", "\xa0": " "}
)
#: What surrounds a value harmlessly (YAML/CRLF leftovers); control characters are not.
SURROUNDING = " \t\r\n"
_BLANKS = re.compile(r"[ \t]+")
NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)

_EN_UNIT = r"(?:second|sec|minute|min|hour|hr|day|week|fortnight|month|year|decade)s?"
_EN_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
#: English relative dates, alone or followed by a time ("yesterday 10:30").
RELATIVE_EN = re.compile(
    r"(?:just now|right now|now|today|tonight|yesterday|tomorrow"
    r"|(?:the )?day (?:before yesterday|after tomorrow)"
    rf"|(?:last|next|this|past|previous|coming) (?:{_EN_UNIT}|{_EN_DAY}|weekend|night|morning)"
    rf"|(?:an?|one|a few|few|several|some|\d+) {_EN_UNIT} (?:ago|from now|later|earlier)"
    rf"|in (?:an?|\d+) {_EN_UNIT}"
    r"|\d+ ?(?:s|m|h|d|w|y|mins?|hrs?) ago)"
    r"(?: .*)?",
    re.ASCII | re.IGNORECASE,
)
#: Chinese relative dates, at the start of the text ("昨天", "3天前", "上个月").
RELATIVE_ZH = re.compile(
    r"昨天|昨日|昨晚|今天|今日|今晚|今早|明天|明日|明晚|前天|后天|大前天|大后天|刚刚|刚才|现在|此刻"
    r"|(?:上|下|本|这)个?(?:周|星期|礼拜|月)|去年|今年|明年|前年"
    r"|(?:\d+|[一二两三四五六七八九十百半几多]+) ?个? ?"
    r"(?:秒钟?|分钟|小时|钟头|天|日|周|星期|礼拜|月|年)(?:以|之)?[前后]"
)


def normalise(text: str) -> str:
    """Narrow full-width characters, trim harmless surroundings, collapse blanks."""
    return _BLANKS.sub(" ", text.translate(_NARROW).strip(SURROUNDING))
