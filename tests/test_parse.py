"""docs/工作簿.md#手填的写法: every way staff type a value parses to the same thing; nothing
makes a parser raise."""

from __future__ import annotations

import datetime as dt

import pytest
from branchkit import parse, privacy
from branchkit.parse import Bad
from branchkit.problems import Code
from branchkit.vocab import Unit
from hypothesis import given
from hypothesis import strategies as st

WAN_YUAN, YUAN, CARD = Unit.WAN_YUAN, Unit.YUAN, Unit.CARD

NOV = dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "2013.7.1",
        "2013/7/1",
        "2013-07-01",
        "2013年7月1日",
        "20130701",
        "２０１３．７．１",
        41456.0,
        dt.datetime(2013, 7, 1, 9, 30),
        dt.date(2013, 7, 1),
    ],
)
def test_date_spellings(typed: object) -> None:
    assert parse.parse_date(typed) == dt.date(2013, 7, 1)


def test_month_day_takes_the_workbook_year() -> None:
    assert parse.parse_date("7月1日", NOV) == dt.date(2026, 7, 1)
    assert parse.parse_date("11.20", NOV) == dt.date(2026, 11, 20)
    assert parse.parse_date("7月1日") == Bad(Code.DATE_WITHOUT_YEAR)


@pytest.mark.parametrize("typed", ["昨天", "2013.13.1", "2013.2.30", "12345", 3.5, True])
def test_not_a_date(typed: object) -> None:
    assert isinstance(parse.parse_date(typed), Bad)


@pytest.mark.parametrize(
    ("typed", "unit", "expected"),
    [
        ("20万", WAN_YUAN, 20.0),
        ("1.5万", WAN_YUAN, 1.5),
        ("20万元", WAN_YUAN, 20.0),
        ("5000元", WAN_YUAN, 0.5),
        ("3,000", YUAN, 3000.0),
        ("5千", YUAN, 5000.0),
        ("20", WAN_YUAN, 20.0),  # a bare number is already in the product's unit
        (20, WAN_YUAN, 20.0),
        ("2张", CARD, 2.0),
        ("二十万", WAN_YUAN, 20.0),
        ("五千元", WAN_YUAN, 0.5),
        ("１．５万", WAN_YUAN, 1.5),
    ],
)
def test_amount_spellings(typed: object, unit: Unit, expected: float) -> None:
    assert parse.parse_amount(typed, unit) == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["大概二十万左右", "二十万元整?", "abc", "1.2.3万", float("nan")])
def test_not_an_amount(typed: object) -> None:
    result = parse.parse_amount(typed, WAN_YUAN)
    assert isinstance(result, Bad) or result is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True),
        ("Y", True),
        ("√", True),
        ("✓", True),
        ("否", False),
        ("N", False),
        ("×", False),
        (" 是 ", True),
    ],
)
def test_yes_no(typed: str, expected: bool) -> None:
    assert parse.parse_yesno(typed) is expected


def test_id_check_digit_follows_gb11643() -> None:
    # The standard's worked example: 11010519491231002X.
    assert parse.id_check_digit("11010519491231002") == "X"
    assert parse.parse_id_number("11010519491231002x") == "11010519491231002X"
    assert parse.parse_id_number("110105194912310021") == Bad(Code.ID_CHECK_DIGIT)
    assert isinstance(parse.parse_id_number(110105194912310000), Bad)


def test_phones() -> None:
    assert parse.parse_phone("138 0013 6241") == "13800136241"
    # set apart as notes set it apart, and as the masking reads it (found by a user)
    for spelled in (
        "187.5584.1007",
        "187_5584_1007",
        "187·5584·1007",
        "１８７．５５８４．１００７",
    ):
        assert parse.parse_phone(spelled) == "18755841007"
    assert parse.parse_phone("+86-13800136241") == "13800136241"
    assert parse.parse_phone(13800136241.0) == "13800136241"
    assert parse.parse_phone("138XXXX6241") == "138****6241"
    assert parse.parse_phone("010-12345678") == "010-12345678"
    assert isinstance(parse.parse_phone("1381234567"), Bad)
    assert privacy.mask_phone("13800136241") == "138****6241"
    assert parse.phone_key("138****6241") == parse.phone_key("13800136241")


def test_masking_names() -> None:
    assert privacy.mask_name("张三") == "张*"
    assert privacy.mask_name("欧阳小明") == "欧***"
    assert privacy.mask_name("") == ""


# ---------------------------------------------------------------- properties

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(
    dates,
    st.sampled_from(
        [
            "{y}.{m}.{d}",
            "{y}/{m}/{d}",
            "{y}-{m:02d}-{d:02d}",
            "{y}年{m}月{d}日",
            "{y}{m:02d}{d:02d}",
            " {y} . {m} . {d} ",
        ]
    ),
)
def test_every_date_spelling_round_trips(day: dt.date, pattern: str) -> None:
    assert parse.parse_date(pattern.format(y=day.year, m=day.month, d=day.day)) == day


@given(dates)
def test_excel_serial_round_trips(day: dt.date) -> None:
    assert parse.parse_date(float((day - parse.EXCEL_EPOCH).days)) == day


@given(st.decimals(min_value=0, max_value=100000, places=2))
def test_every_amount_spelling_round_trips(number: object) -> None:
    value = float(number)  # type: ignore[arg-type]
    text = format(number, "f")
    assert parse.parse_amount(text + "万", WAN_YUAN) == pytest.approx(value)
    assert parse.parse_amount(text + "万元", WAN_YUAN) == pytest.approx(value)
    assert parse.parse_amount(f"{value * 10000:,.0f}元", WAN_YUAN) == pytest.approx(
        round(value * 10000) / 10000
    )
    assert parse.parse_amount(text, CARD) == pytest.approx(value)


@given(st.integers(min_value=0, max_value=10**17 - 1))
def test_generated_ids_validate(number: int) -> None:
    first17 = f"{number:017d}"
    candidate = first17 + parse.id_check_digit(first17)
    result = parse.parse_id_number(candidate)
    # Only the birth date part can still be invalid; the check digit never is.
    assert result == candidate or result == Bad(Code.ID_BIRTH_DATE)


anything = st.one_of(
    st.text(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.none(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
)


@given(anything)
def test_no_input_makes_a_parser_raise(value: object) -> None:
    parse.parse_date(value, NOV)
    parse.parse_amount(value, WAN_YUAN)
    parse.parse_number(value)
    parse.parse_count(value)
    parse.parse_yesno(value)
    parse.parse_phone(value)
    parse.parse_id_number(value)
    parse.parse_choice(value, ("是", "否"))
    parse.parse_names(value)
    parse.parse_weekdays(value)


# ---------------------------------------------------------------- 营业日: weekdays

MON_FRI = frozenset({0, 1, 2, 3, 4})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("每天", frozenset(range(7))),
        ("每日", frozenset(range(7))),
        ("every day", frozenset(range(7))),
        ("周一至周五", MON_FRI),
        ("周一到周五", MON_FRI),
        ("周一 至 五", MON_FRI),
        ("星期一至星期五", MON_FRI),
        ("週一至週五", MON_FRI),  # Traditional
        ("禮拜一～禮拜五", MON_FRI),
        ("Mon-Fri", MON_FRI),
        ("Monday to Friday", MON_FRI),
        ("weekdays", MON_FRI),
        ("工作日", MON_FRI),
        ("周一至周六", frozenset(range(6))),
        ("周一、周三、周五", frozenset({0, 2, 4})),
        ("周一三五", frozenset({0, 2, 4})),
        ("Mon, Wed and Fri", frozenset({0, 2, 4})),
        ("周六日", frozenset({5, 6})),
        ("周末", frozenset({5, 6})),
        ("星期天", frozenset({6})),
        ("周六至周一", frozenset({5, 6, 0})),  # a range runs on through Sunday
        ("周一至周五，周日", MON_FRI | {6}),
    ],
)
def test_weekday_spellings(typed: str, expected: frozenset[int]) -> None:
    assert parse.parse_weekdays(typed) == expected


@pytest.mark.parametrize("typed", ["", "周八", "周一至", "9:00-17:00", "营业", "周一至周五营业"])
def test_not_weekdays(typed: str) -> None:
    assert isinstance(parse.parse_weekdays(typed), Bad)


weekday_sets = st.frozensets(st.integers(min_value=0, max_value=6), min_size=1)


@given(weekday_sets)
def test_weekdays_written_back_read_the_same(days: frozenset[int]) -> None:
    assert parse.parse_weekdays(parse.weekdays_text(days)) == days


_SPELLINGS = (
    [f"周{c}" for c in "一二三四五六日"],
    [f"週{c}" for c in "一二三四五六日"],
    [f"星期{c}" for c in "一二三四五六天"],
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
)


@given(
    weekday_sets,
    st.sampled_from(_SPELLINGS),
    st.sampled_from(["、", ",", "，", " ", "/", "；"]),
)
def test_any_spelling_of_a_list_of_days(
    days: frozenset[int], names: list[str], separator: str
) -> None:
    assert parse.parse_weekdays(separator.join(names[d] for d in sorted(days))) == days


@given(
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(_SPELLINGS),
    st.sampled_from(["至", "到", "-", "~", "～", " to "]),
)
def test_a_range_is_the_days_from_its_first_to_its_last(
    first: int, last: int, names: list[str], dash: str
) -> None:
    walked, day = {first}, first  # walk the week from the first day until the last
    while day != last:
        day = (day + 1) % 7
        walked.add(day)
    assert parse.parse_weekdays(f"{names[first]}{dash}{names[last]}") == walked
