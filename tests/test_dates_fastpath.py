"""dates: the common-date guard clause gives exactly what the chain gives (hostile input too).

The test compares :func:`dates._parse_text` with the same function with its guard
clause (:func:`dates._parse_common`) switched off, on generated inputs: the value
(wall time, offset, the ``tzinfo`` object kind), the FieldError message, and the list
of warnings, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError, Warn
from laojia_feed.read import dates

ZONES: tuple[tzinfo, ...] = (
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Australia/Lord_Howe"),  # half-hour DST
    ZoneInfo("Pacific/Apia"),  # skipped a whole day in 2011
    ZoneInfo("Europe/Dublin"),  # negative DST
    ZoneInfo("America/St_Johns"),
    UTC,
)

Outcome = tuple[object, ...]


def _describe(value: datetime) -> Outcome:
    """Everything about a result that output could depend on."""
    return (
        value.replace(tzinfo=None),
        value.fold,
        value.utcoffset(),
        value.tzinfo is UTC,
        value.tzinfo,
        value.tzname(),
    )


def _outcome(parse: Callable[[str, tzinfo, Warn], datetime], raw: str, tz: tzinfo) -> Outcome:
    """What a parse returns or raises, with the warnings it gave, in order."""
    warnings: list[str] = []
    try:
        result: Outcome = ("ok", _describe(parse(raw, tz, warnings.append)))
    except FieldError as error:
        result = ("error", str(error))
    return (*result, warnings)


# --------------------------------------------------------------------- generated dates

_YEARS = st.one_of(
    st.sampled_from([1, 15, 49, 50, 99, 1799, 1800, 1900, 2000, 2015, 2021, 2024, 9998, 9999]),
    st.integers(0, 9999),
)
_DIGITS = st.integers(0, 99)


@st.composite
def _common_like(draw: st.DrawFn) -> str:
    """Texts in, near and just outside the three common shapes."""
    year = draw(_YEARS)
    year_text = draw(st.sampled_from([f"{year:04d}", f"{year % 100:02d}", str(year)]))
    month = draw(st.one_of(st.integers(0, 13), st.just(2)))
    day = draw(st.one_of(st.integers(0, 32), st.sampled_from([28, 29, 30, 31])))
    hour, minute, second = draw(st.integers(0, 25)), draw(_DIGITS), draw(_DIGITS)
    pad = draw(st.sampled_from(["{:02d}", "{}"]))
    clock = f"{hour:02d}:{minute:02d}:{second:02d}"
    clock = draw(st.sampled_from([clock, clock[:5], clock + ".5", f"{hour}:{minute:02d}"]))
    zone = draw(
        st.sampled_from(
            [
                *("", "Z", "z", "+08:00", "-05:00", "+00:00", "-00:00", "+14:00", "-12:00"),
                *("+23:59", "+24:00", "+08:60", "+0800", "-1200", "+08", " +08:00", "GMT"),
                *("UTC", "UT", "CST", "EST", "PDT", "XYZ", "gmt", "GMT+8"),
            ]
        )
    )
    shape = draw(st.sampled_from(["iso", "slash", "rfc", "dotted"]))
    if shape == "rfc":
        weekday = draw(
            st.sampled_from(
                [
                    *("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                    *("mon", "THU", "Thursday", "Xyz", "Sept"),
                ]
            )
        )
        name = draw(
            st.sampled_from(["Jan", "Feb", "Mar", "Sep", "Oct", "Dec", "oct", "Sept", "Xyz"])
        )
        written_day = pad.format(day)
        text = f"{weekday}, {written_day} {name} {year_text} {clock} {zone or 'GMT'}"
        # A correct weekday half of the time, so that the fast path is taken often.
        if draw(st.booleans()):
            try:
                real = datetime(year, month % 12 + 1 if name == "Xyz" else 1, day).strftime("%a")
            except ValueError:
                real = weekday
            text = text.replace(weekday, real, 1)
        return text
    separator = {"iso": "-", "slash": "/", "dotted": "."}[shape]
    day_text = f"{year_text}{separator}{pad.format(month)}{separator}{pad.format(day)}"
    if draw(st.booleans()):
        return day_text
    return f"{day_text}{draw(st.sampled_from(['T', ' ', 't', '  ']))}{clock}{zone}"


@st.composite
def _real_weekday_rfc(draw: st.DrawFn) -> str:
    """RFC 822 texts with the right weekday, every zone the fast pattern accepts and more."""
    moment = draw(st.datetimes(min_value=datetime(1795, 1, 1), max_value=datetime(9999, 12, 31)))
    zone = draw(
        st.sampled_from(["GMT", "UTC", "UT", "Z", "+0800", "-1200", "+1400", "+2400", "CST"])
    )
    return (
        moment.strftime("%a, %d %b ") + f"{moment.year:04d}" + moment.strftime(" %H:%M:%S ") + zone
    )


#: Changes a user or an editor makes to a date: odd spaces, full-width characters,
#: control characters, surrounding blanks, case.
_MUTATIONS = st.sampled_from(
    [
        lambda text: text,
        lambda text: f" {text} ",
        lambda text: f"{text}\n",
        lambda text: f"\u3000{text}",
        lambda text: text.replace(" ", "  ", 1),
        lambda text: text.replace(" ", "\xa0", 1),
        lambda text: text.replace(" ", "\t", 1),
        lambda text: text.replace("1", "\uff11"),
        lambda text: text.replace(":", "\uff1a", 1),
        lambda text: text.replace("-", "\uff0d", 1),
        lambda text: text[:4] + "\x00" + text[4:],
        lambda text: text[:3] + "\ud800" + text[3:],
        lambda text: text.lower(),
        lambda text: text.upper(),
        lambda text: text + " ago",
        lambda text: "yesterday " + text,
    ]
)

_TEXTS = st.one_of(
    st.builds(lambda text, change: change(text), _common_like(), _MUTATIONS),
    _common_like(),
    _real_weekday_rfc(),
    st.text(max_size=30),
)

#: Wall times next to the DST changes of New York and Berlin (gaps and folds), leap days.
_EXAMPLES = [
    "2021-03-14 02:30:00",
    "2021-03-14 02:00:00",
    "2021-03-14 03:00:00",
    "2021-11-07 01:30:00",
    "2021-03-28 02:30:00",
    "2021-10-31 02:30:00",
    "2011-12-30",
    "2024-02-29",
    "2023-02-29",
    "2021-02-30",
    "1900/02/29",
    "2000/2/29",
    "Thu, 29 Oct 2015 22:43:06 GMT",
    "Wed, 29 Oct 2015 22:43:06 GMT",
    "Thu, 29 Oct 2015 22:43:06 CST",
    "Thu, 29 Oct 2015 22:43:06 EST",
    "Fri, 31 Dec 9999 23:59:59 -1200",
    "Fri, 31 Dec 9999 23:59:59 +1400",
    "Thu, 29 Oct 15 22:43:06 GMT",
    "2015-10-27T16:26:11+08:00",
    "2015-10-27T16:26:11+14:00",
    "2015-10-27T16:26:11-12:00",
    "2015-10-27T16:26:11+24:00",
    "9999-12-31 23:59:59",
    "1800-01-01 00:00:00",
    "1799-12-31",
    "0001-01-01",
]


def _parse_chain(raw: str, tz: tzinfo, warn: Warn) -> datetime:
    """The reference: :func:`dates._parse_text` without its guard clause."""
    guard = dates._parse_common
    dates._parse_common = lambda raw, tz, warn: None
    try:
        return dates._parse_text(raw, tz, warn)
    finally:
        dates._parse_common = guard


def _fast_equals_slow(raw: str, tz: tzinfo) -> None:
    assert _outcome(dates._parse_text, raw, tz) == _outcome(_parse_chain, raw, tz)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from(ZONES))
def test_parse_text_fast_path_equals_slow_path(raw: str, tz: tzinfo) -> None:
    _fast_equals_slow(raw, tz)


def test_parse_text_fast_path_on_chosen_examples() -> None:
    for raw in _EXAMPLES:
        for tz in ZONES:
            _fast_equals_slow(raw, tz)


def test_fast_path_is_taken_for_the_common_shapes() -> None:
    """The proof above means something only if the fast path answers these itself."""
    tz = ZoneInfo("Asia/Shanghai")
    for raw in (
        "Thu, 29 Oct 2015 22:43:06 GMT",
        "2015-02-01 21:31:56",
        "2015/11/04",
        "2015-10-27T16:26:11+08:00",
    ):
        assert dates._parse_common(raw, tz, lambda message: None) is not None, raw
    for raw in (
        "Wed, 29 Oct 2015 22:43:06 GMT",
        "2021-02-30",
        " 2015/11/04",
        "Thu, 29 Oct 2015 22:43:06 CST",
    ):
        assert dates._parse_common(raw, tz, lambda message: None) is None, raw
