"""Reading tolerates what people do to sheets: reordered, renamed, Traditional or English headers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from branchkit.parse import Bad
from branchkit.problems import BookError, Code, Level
from branchkit.read import load_book, read_book
from branchkit.schema import Column, Kind
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import SAMPLE

PRODUCTS = [["产品名称", "指标", "单位"], ["乾元—日鑫月溢", "理财", "万元"]]
ROSTER = [["姓名", "岗位"], ["李四", "客户助理"], ["赵六", "理财经理"]]


def _book(
    tracking: list[list[object]], **extra: list[list[object]]
) -> dict[str, list[list[object]]]:
    return {"人员": ROSTER, "产品": PRODUCTS, "追踪表": tracking, **extra}


def test_columns_in_any_order() -> None:
    book = load_book(
        _book(
            [
                ["达成金额或数量", "接收人", "推荐时间", "客户姓名", "达成产品"],
                ["20万", "赵六", "2026-11-02", "张三", "乾元—日鑫月溢"],
            ]
        )
    )
    row = next(book.tracking.records())
    assert (row["amount"], row["receiver"], row["customer"]) == (20.0, "赵六", "张三")
    assert row["referred_on"] == dt.date(2026, 11, 2)
    assert book.cell("tracking", "amount", 2) == "A2"


def test_traditional_and_english_headers() -> None:
    book = load_book(
        {
            "人員": [["姓名", "崗位"], ["李四", "客户助理"]],
            "Products": [["Product", "Indicator", "Unit"], ["乾元—日鑫月溢", "理财", "万元"]],
            "追蹤表": [
                ["客戶姓名", "推薦時間", "接收人", "達成產品", "達成金額或數量（萬元）"],
                ["张三", "2026.11.2", "李四", "乾元—日鑫月溢", "5000元"],
            ],
        }
    )
    assert book.tracking["amount"][0] == 0.5
    assert book.roster["role"][0] == "客户助理"


def test_missing_required_column_names_the_header_row_and_suggests() -> None:
    book = load_book(_book([["客户姓名", "推荐日", "接收人"], ["张三", "2026-11-02", "赵六"]]))
    missing = [p for p in book.problems if p.code is Code.MISSING_COLUMN]
    assert len(missing) == 1
    assert (missing[0].sheet, missing[0].cell, missing[0].level) == ("追踪表", "A1", Level.ERROR)
    assert missing[0].args == {"column": "推荐时间", "close": "推荐日"}


def test_missing_sheet_suggests_the_closest_name() -> None:
    raw = _book([["客户姓名", "推荐时间", "接收人"]])
    raw["转介登记2"] = [["随便"]]
    book = load_book(raw)
    missing = [p for p in book.problems if p.sheet == "转介登记" and p.code is Code.MISSING_SHEET]
    assert missing and missing[0].args["close"] == "转介登记2"


def test_header_below_a_title_row() -> None:
    book = load_book(
        _book(
            [
                ["火车站支行 11月追踪表"],
                [],
                ["客户姓名", "推荐时间", "接收人"],
                ["张三", "2026-11-02", "赵六"],
            ]
        )
    )
    assert list(book.tracking["row"]) == [4]


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers() -> None:
    book = load_book(
        _book(
            [
                ["客户姓名", "推荐时间", "接收人"],
                ["张三", "2026-11-02", "赵六"],
                [None, "", " "],
                ["李五", "2026-11-03", "赵六"],
            ]
        )
    )
    assert list(book.tracking["row"]) == [2, 4]


def test_sample_month_reads_clean() -> None:
    book = read_book(SAMPLE)
    assert book.problems == []
    assert len(book.referrals) >= 300
    assert len(book.roster) >= 12
    assert set(book.roster["role"]) >= {
        "客户助理",
        "柜员",
        "大堂经理",
        "服务经理",
        "理财经理",
        "客户经理",
        "厅堂主管",
    }
    assert None in book.tracking["product"]  # failed referrals are recorded too
    assert None in book.tracking["referrer"]  # own sales


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    with pytest.raises(BookError, match="不是 Excel 工作簿"):
        read_book(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BookError, match="找不到这个文件"):
        read_book(tmp_path / "nope.xlsx")


def test_encrypted_workbook_is_detected(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with SAMPLE.open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", encrypted)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(encrypted.getvalue())
    with pytest.raises(BookError, match="打开密码"):
        read_book(path)


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(SAMPLE.read_bytes()[:2000])
    with pytest.raises(BookError, match="损坏"):
        read_book(path)


CELL_VALUES = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(
        [
            "",
            " ",
            "\u3000",
            "是",
            "否",
            "20万",
            "5000元",
            "三千",
            "2026.11.3",
            "11月3日",
            "张\u3000三",
            " 李 四 ",
        ]
    ),
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    st.from_regex(r"\s*[张李王]\s?[三四五]\s*", fullmatch=True),
    st.booleans(),
    st.integers(-5, 50_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, 2.5, 45000.0, 46000.0]),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31)),
)


@settings(max_examples=400, deadline=None)  # the first 三千 imports cn2an
@given(
    st.lists(st.tuples(CELL_VALUES, st.sampled_from(["", "万元", "元", "户"])), max_size=30),
    st.sampled_from(list(Kind)),
    st.booleans(),
)
def test_column_parsing_gives_the_cell_parsers_results(
    cells: list[tuple[object, str]], kind: Kind, required: bool
) -> None:
    """Each distinct value is parsed once and looked up per cell: the result must be exactly what
    the general parser gives cell by cell, and the flagged cells exactly the bad or missing ones."""
    from branchkit.read import _parse_cell, _parse_column

    col = Column("x", "x", kind, required=required, choices=("理财", "基金"))
    values = [v for v, _ in cells]
    units = [u for _, u in cells] if kind is Kind.AMOUNT else None
    month = dt.date(2026, 11, 1)
    expected = [_parse_cell(col, v, month, units[n] if units else "") for n, v in enumerate(values)]
    parsed, flagged = _parse_column(col, values, month, units)
    assert parsed == expected or _same_with_nan(parsed, expected)
    assert flagged == [
        n for n, e in enumerate(expected) if isinstance(e, Bad) or (e is None and required)
    ]


def _same_with_nan(left: list[object], right: list[object]) -> bool:
    return len(left) == len(right) and all(
        a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)
        for a, b in zip(left, right, strict=True)
    )


def test_generated_tabs_are_not_read_back(sample_copy: Path) -> None:
    from branchkit.jobs import refresh
    from branchkit.source import read_raw

    refresh(sample_copy, dt.date(2026, 11, 20))
    raw = read_raw(sample_copy)
    assert "排行榜" not in raw and "分润明细" not in raw
    assert "追踪表" in raw and "说明" in raw  # input and helper sheets are still there


def test_a_big_sheet_read_on_a_second_thread_gives_the_same_book(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above PARALLEL_SHEET_BYTES the largest sheet is read aside; the cells must not change,
    and a failing second reader falls back to reading the sheet on the first."""
    from branchkit import source
    from branchkit.source import SheetsInFlight, read_raw

    plain = read_raw(SAMPLE)
    assert isinstance(plain, dict)
    monkeypatch.setattr(source, "PARALLEL_SHEET_BYTES", 0)
    aside = read_raw(SAMPLE)
    assert isinstance(aside, SheetsInFlight)
    assert list(aside) == list(plain) and dict(aside) == plain

    def broken(path: Path, name: str) -> object:
        raise OSError("disk went away")

    monkeypatch.setattr(source, "_sheet_rows_of_file", broken)
    assert dict(read_raw(SAMPLE)) == plain
    assert load_book(read_raw(SAMPLE), str(SAMPLE)).problems == read_book(SAMPLE).problems


@given(st.lists(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), min_size=1, max_size=20))
def test_a_column_of_plain_mobiles_is_taken_as_it_is(phones: list[str]) -> None:
    from branchkit.read import _parse_cell, _parse_column

    col = Column("phone", "联系方式", Kind.PHONE)
    for values in (phones, [*phones, "13812345678\n13912345678"], [*phones, " 138 1234 5678"]):
        expected = [_parse_cell(col, v, None, "") for v in values]
        assert _parse_column(col, values, None, None)[0] == expected


def test_settings_of_a_branchs_year_and_the_rosters_dates() -> None:
    """营业日, 匹配天数 and 网点负责人 in Traditional or English as well; 人员's 入职日期 and
    离岗日期 (any date spelling); a 营业日 that does not read is a warning and 每天 holds."""
    book = load_book(
        {
            "設置": [
                ["項目", "值"],
                ["統計月份", "2026-12"],
                ["營業日", "週一至週六"],
                ["matching days", "14"],
                ["網點負責人", "陈 建国"],
            ],
            "人员": [
                ["姓名", "岗位", "在岗", "入职日期", "Left"],
                ["刘洋", "柜员", "是", "12月3日", None],
                ["王五", "大堂经理", "是", None, "2026.12.18"],
            ],
            "产品": PRODUCTS,
            "追踪表": [["客户姓名", "推荐时间", "接收人"]],
        }
    )
    assert book.settings.opening_days == frozenset(range(6))  # Monday to Saturday
    assert book.settings.match_days == 14
    assert book.settings.branch_head == "陈建国"
    assert list(book.roster.zip("name", "joined_on", "left_on")) == [
        ("刘洋", dt.date(2026, 12, 3), None),
        ("王五", None, dt.date(2026, 12, 18)),
    ]
    assert [p for p in book.problems if p.sheet in ("設置", "人员")] == []

    odd = load_book({"设置": [["项目", "值"], ["营业日", "9:00-17:00"]], "人员": ROSTER})
    assert odd.settings.opening_days == frozenset(range(7))
    (problem,) = [p for p in odd.problems if p.sheet == "设置"]
    assert (problem.cell, problem.code, problem.level) == (
        "B2",
        Code.SETTING_NOT_WEEKDAYS,
        Level.WARNING,
    )
    assert (problem.args["item"], problem.args["default"]) == ("营业日", "每天")
    assert (odd.settings.match_days, odd.settings.branch_head) == (30, "")


def test_header_indexes_are_kept_for_the_schemas_sheets_and_bounded_for_others() -> None:
    """The schema's sheets keep one label index each; a sheet made for one workbook (its own 计量
    columns) is indexed by value in a bounded cache, so a process reading thousands of
    workbooks (a rollup's worker, the buttons' Python) does not grow (found by a review)."""
    from dataclasses import replace

    from branchkit import schema
    from branchkit.headers import _column_index_of, column_index, match_headers

    tracking = schema.SHEETS_BY_KEY["tracking"]
    assert column_index(tracking) is column_index(tracking)
    _column_index_of.cache_clear()
    for n in range(200):
        own = replace(tracking, columns=(*tracking.columns, Column(f"m{n}", f"计量{n}")))
        assert f"计量{n}" in column_index(own)
    assert _column_index_of.cache_info().currsize <= 32
    # numbers and blanks in a header row name no column; text does, after normalizing
    assert [
        c.key for c in match_headers(tracking, [None, 3.0, 7, " 客户姓名 ", "客户姓名"]).values()
    ] == ["customer"]
