"""A branch's year: `init NEW --from LAST --month YYYY-MM` makes next month's workbook from this
month's, and `init` lists the month's statutory holidays in 工作日历.

Expected rows are worked out from the sample's own rows (read here with openpyxl, not with
branchkit's reader), by the rules as the README states them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from branchkit import schema, writeback
from branchkit.newmonth import carry
from branchkit.read import load_book, read_book
from branchkit.templates import write_branch_workbook
from branchkit.workdays import statutory_days
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from .conftest import SAMPLE
from .refusals import one_line_exit_2, run

MARK = schema.CARRIED_MARK


def _row(sheet: schema.Sheet, **cells: Any) -> list[Any]:
    """A row of `sheet` in its column order, from cells named by column key (None elsewhere)."""
    assert set(cells) <= {c.key for c in sheet.columns}
    return [cells.get(c.key) for c in sheet.columns]


def _workbook(path: Path, month: str, **data: list[list[Any]]) -> Path:
    """A branch workbook of `month` with these rows (by schema key; 人员 赵六 unless given)."""
    return write_branch_workbook(path, "网点", month, data={"roster": [ZHAO], **data})


ZHAO = ["赵六", "", "理财经理", "是"]


def _follow_up(**cells: Any) -> list[Any]:
    """A 追踪表 row of 张三 for 赵六 (cells by column key change or add to it)."""
    typed = {"seq": 1, "customer": "张三", "phone": "13800136241", "on_site": "是"}
    return _row(schema.TRACKING, **{**typed, "receiver": "赵六", **cells})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain(value: Any) -> Any:
    """openpyxl gives a date cell as a datetime at midnight."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet's rows under its header, as openpyxl reads them (empty rows left out)."""
    wb = load_workbook(path, read_only=True)
    rows = [
        [_plain(v) for v in row]
        for row in wb[sheet].iter_rows(min_row=2, values_only=True)
        if any(v not in (None, "") for v in row)
    ]
    wb.close()
    return rows


def _settings(path: Path) -> dict[str, Any]:
    return {row[0]: row[1] for row in _rows(path, "设置")}


def _december(tmp_path: Path) -> tuple[Path, Path, Any]:
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    new = tmp_path / "火车站支行-2026-12.xlsx"
    return old, new, run("init", new, "--from", old, "--month", "2026-12")


# ---------------------------------------------------------------- December from the sample


def test_december_from_november_carries_what_the_rules_say(tmp_path: Path) -> None:
    old, new, result = _december(tmp_path)
    assert result.exit_code == 0, result.output
    before = _rows(SAMPLE, "设置")

    # 设置: every item as it was typed, 统计月份 moved on; items the sample predates get defaults.
    settings_now = _settings(new)
    assert settings_now["统计月份"] == "2026-12"
    assert {k: v for k, v in settings_now.items() if k != "统计月份"} == {
        row[0]: row[1] for row in before if row[0] != "统计月份"
    }
    # 人员, 产品, 清单项目: as they were (林晓 is 在岗 否 and stays so).
    for sheet in ("人员", "产品", "清单项目"):
        assert _rows(new, sheet) == _rows(SAMPLE, sheet), sheet
    # 目标: last month's as the starting point, without 林晓 (在岗 否): 44 rows less her 2.
    old_targets = _rows(SAMPLE, "目标")
    assert len(old_targets) == 44
    # 目标 carries every column, 权重 too (none given in the sample: empty)
    assert [r[:3] for r in _rows(new, "目标")] == [r[:3] for r in old_targets if r[0] != "林晓"]
    assert {tuple(r[3:]) for r in _rows(new, "目标")} <= {(), (None,)}
    assert len(_rows(new, "目标")) == 42

    # 追踪表: the sample's rows 284 and 286 are the only ones whose 建议下次联系时间 (12-02) is
    # in December; they come over with their 转介编号 and dates, 备注 marked.
    nov20, dec2 = dt.date(2026, 11, 20), dt.date(2026, 12, 2)

    def follow_up(seq: int, number: str, customer: str, phone: str, referrer: str) -> list[Any]:
        return _row(
            schema.TRACKING,
            seq=seq,
            referral_id=number,
            customer=customer,
            phone=phone,
            referred_on=nov20,
            on_site="是",
            referrer=referrer,
            receiver="吴静",
            first_contact=nov20,
            closed_on_site="否",
            next_contact=dec2,
            note="已购买" + MARK,
        )

    assert _rows(new, "追踪表") == [
        follow_up(283, "HCZ-20261120-09", "蔡鹏静", "19147540076", "王五"),
        follow_up(285, "HCZ-20261120-16", "吴敏", "18423171058", "郑强"),
    ]

    # 转介登记: the cards no tracking row answers — every sample tracking row records a first
    # contact, so that is the cards whose customer (name, phone) and number no tracking row
    # names — and the cards of the two follow-ups above, so each still finds its card.
    cards = _rows(SAMPLE, "转介登记")
    tracking = _rows(SAMPLE, "追踪表")
    assert all(row[9] for row in tracking)  # 首次联系日期 on every row
    named = {(row[2], row[3]) for row in tracking}
    numbers = {row[1] for row in tracking if row[1]}
    unanswered = [c for c in cards if (c[2], c[3]) not in named and c[1] not in numbers]
    linked = [c for c in cards if c[1] in ("HCZ-20261120-09", "HCZ-20261120-16")]
    assert len(unanswered) == 48 and len(linked) == 2
    carried = _rows(new, "转介登记")
    expected = sorted(unanswered + linked, key=cards.index)
    assert [(c[0], c[2], c[3]) for c in carried] == [(c[0], c[2], c[3]) for c in expected]

    def unmarked(card: list[Any]) -> list[Any]:  # all but 转介编号 and 推荐原因
        return card[:1] + card[2:9] + card[10:]

    for was, now in zip(expected, carried, strict=True):
        assert now[9] == (was[9] or "") + MARK  # 推荐原因 marked
        assert unmarked(now) == unmarked(was)
    # A card still without a number takes the one fill would give it in November: 11-01's
    # highest number is 06 and 刘晓秀 is that day's first unnumbered card; on 11-02 the highest
    # is 24 and 杨玉 comes after 冯英静.
    by_customer = {c[2]: c for c in carried}
    assert by_customer["刘晓秀"][1] == "HCZ-20261101-07"
    assert by_customer["杨玉"][1] == "HCZ-20261102-26"
    assert all(c[1] == was[1] for c, was in zip(carried, expected, strict=True) if was[1])

    # 行动计划: the five rows not 已完成, marked, and the one problem of 每日清单 with no 整改
    # row yet (11-20 设备开机检查: LED屏右下角不亮, no measure, 整改责任人 empty -> 王五).
    open_actions = [row for row in _rows(SAMPLE, "行动计划") if row[4] != "已完成"]
    assert len(open_actions) == 5
    assert _rows(new, "行动计划") == [[row[0], row[1] + MARK, *row[2:]] for row in open_actions] + [
        [nov20, "整改：LED屏右下角不亮（设备开机检查）" + MARK, "王五", None, "未完成"]
    ]

    # 工作日历: December 2026 has no statutory holiday or 调休, and the sample typed none.
    assert _rows(new, "工作日历") == []
    # 说明 says first that the targets are last month's.
    guide = [row[0] for row in _rows(new, "说明")[:5]]
    assert any("目标" in str(text) and "确认" in str(text) for text in guide)

    # What the branch is told: each sheet's count, the targets to confirm, the next step.
    out = result.output
    for line in ("目标      42 行", "追踪表     2 行", "转介登记  50 张", "行动计划   6 项"):
        assert line in out, out
    assert "48 张还没跟进" in out and "请确认或修改" in out
    (step,) = [line for line in out.splitlines() if line.startswith("下一步")]  # one, not two
    assert "确认“目标”" in step and "--date 2026-12-01" in step
    assert "林晓仍为不在岗" in out and "林晓不在岗，目标未带入" in out
    # The old workbook is only read; the new one reads without a problem.
    assert _digest(old) == _digest(SAMPLE)
    assert read_book(new).problems == []


def test_running_it_twice_refuses_without_force_and_keeps_a_backup_with_it(
    tmp_path: Path,
) -> None:
    old, new, first = _december(tmp_path)
    assert first.exit_code == 0, first.output
    made = _digest(new)
    again = run("init", new, "--from", old, "--month", "2026-12")
    one_line_exit_2(again, new.name, "--force")
    assert _digest(new) == made
    forced = run("init", new, "--from", old, "--month", "2026-12", "--force")
    assert forced.exit_code == 0, forced.output
    assert "抄回" not in forced.output  # nothing of December was typed into the replaced one
    (kept,) = (tmp_path / "备份").glob(f"{new.stem}.*.xlsx")
    assert _digest(kept) == made
    assert _digest(old) == _digest(SAMPLE)
    # A card typed on 12-02 and a contact on 12-03 with a customer of November's (推荐时间
    # 11-30), then init's advice for overdue follow-ups taken (--force again): the output says
    # the replaced workbook held two rows of December and where it is.
    typed = load_workbook(new)
    typed[schema.REFERRALS.name].append(
        [dt.datetime(2026, 12, 2), "", "韩梅", "13800000012", "王五"]
    )
    contact = [None, "", "李雷", "13800000011", None, dt.datetime(2026, 11, 30), "是", "王五"]
    typed[schema.TRACKING.name].append([*contact, "赵六", dt.datetime(2026, 12, 3)])
    typed.save(new)
    typed_bytes = new.read_bytes()
    again = run("init", new, "--from", old, "--month", "2026-12", "--force")
    assert again.exit_code == 0, again.output
    (warning,) = [line for line in again.output.splitlines() if "抄回" in line]
    (kept_copy,) = (tmp_path / "备份").glob(f"{new.stem}.替换前.*.xlsx")
    assert "2 行本月的记录" in warning and f"备份/{kept_copy.name}" in warning
    assert kept_copy.read_bytes() == typed_bytes
    # later writes' backups never prune it (a user lost the only copy after six fills)
    for n in range(4):
        writeback.backup(new, 2, now=dt.datetime(2026, 12, 8 + n))
    assert kept_copy.exists() and len(writeback.backups_of(new)) == 2


def test_refusals_are_one_line_and_touch_nothing(tmp_path: Path) -> None:
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    one_line_exit_2(run("init", old, "--from", old, "--month", "2026-12", "--force"), "上月")
    one_line_exit_2(
        run("init", tmp_path / "x.xlsx", "--from", old, "--month", "2026-10"), "2026-11"
    )
    one_line_exit_2(run("init", tmp_path / "x.xlsx", "--from", tmp_path / "无.xlsx"), "找不到")
    both = run("init", tmp_path / "x.xlsx", "--from", old, "--upgrade")
    assert both.exit_code == 2 and "--upgrade 和 --from 不能一起用" in both.output
    assert _digest(old) == _digest(SAMPLE)
    assert not (tmp_path / "x.xlsx").exists()


def test_without_month_the_new_workbook_is_for_the_month_after(tmp_path: Path) -> None:
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    result = run("init", tmp_path / "下月.xlsx", "--from", old)
    assert result.exit_code == 0, result.output
    assert _settings(tmp_path / "下月.xlsx")["统计月份"] == "2026-12"


# ---------------------------------------------------------------- December -> January


def test_december_to_january_from_the_sample(tmp_path: Path) -> None:
    """The year changes: 统计月份 2027-01; the two follow-ups due 12-02 stay behind (said on
    the command line), the cards still unanswered come on with one mark, not two; 工作日历 has
    2027's holidays when the library knows them, else it is empty and the command says so once."""
    _old, december, result = _december(tmp_path)
    assert result.exit_code == 0, result.output
    january = tmp_path / "火车站支行-2027-01.xlsx"
    result = run("init", january, "--from", december, "--month", "2027-01")
    assert result.exit_code == 0, result.output
    assert _settings(january)["统计月份"] == "2027-01"
    assert _rows(january, "追踪表") == []
    assert "2 行跟进的建议下次联系时间在 1 月之前" in result.output
    assert "不是上个月" not in result.output  # December is January's month before
    december_cards = _rows(december, "转介登记")
    unanswered = [c for c in december_cards if c[1] not in ("HCZ-20261120-09", "HCZ-20261120-16")]
    assert _rows(january, "转介登记") == unanswered  # the same cells: marked once, dates kept
    assert all(c[9].count(MARK) == 1 for c in unanswered)
    holidays = statutory_days(dt.date(2027, 1, 1))
    if holidays is None:
        assert _rows(january, "工作日历") == []
        assert result.output.count("还不知道 2027 年的法定节假日") == 1
    else:  # a chinese-calendar that knows 2027: 元旦 is listed
        assert any(row[2] and "元旦" in row[2] for row in _rows(january, "工作日历"))


def test_a_date_typed_without_its_year_keeps_its_meaning_across_the_year(tmp_path: Path) -> None:
    december = _workbook(
        tmp_path / "网点-2026-12.xlsx",
        "2026-12",
        # 推荐时间 typed 12月28日 in December's workbook is 2026-12-28; in January's it would
        # read as 2027-12-28, so it goes over as the date it meant.
        tracking=[
            _follow_up(referred_on="12月28日", next_contact="2027-01-05", note="有理财将到期")
        ],
        work_calendar=[["2026-12-31", "是", "年末营业"], ["2027-01-02", "是", "元旦值班营业"]],
    )
    january = tmp_path / "网点-2027-01.xlsx"
    result = run("init", january, "--from", december, "--month", "2027-01")
    assert result.exit_code == 0, result.output
    (row,) = _rows(january, "追踪表")
    assert row[5] == dt.date(2026, 12, 28)
    assert row[14] == "2027-01-05"  # typed with its year: stays the text typed
    assert row[15] == "有理财将到期" + MARK
    calendar_rows = _rows(january, "工作日历")
    assert ["2027-01-02", "是", "元旦值班营业"] in calendar_rows  # typed ahead: carried
    assert all(r[0] != "2026-12-31" for r in calendar_rows)  # December's: not


# ---------------------------------------------------------------- people who come and go


def test_leavers_are_handled_and_said(tmp_path: Path) -> None:
    november = tmp_path / "网点-2026-11.xlsx"
    roster = [
        ["甲", "1", "理财经理", "是", "", "2026-11-25"],  # leaves during November
        ["乙", "2", "柜员", "否", "", "2026-10-31"],  # left before November
        ["丙", "3", "柜员", "否"],  # 在岗 否, no date
        ["丁", "4", "柜员", "是", "2026-11-10"],  # joined in November
        ["戊", "5", "大堂经理", "是", "", "2026-12-15"],  # leaves in December
    ]
    _workbook(
        november,
        "2026-11",
        roster=roster,
        targets=[[n, "转介数", 10] for n in "甲乙丙丁戊"] + [["网点", "转介数", 50]],
        tracking=[
            _follow_up(
                referred_on="2026-11-20",
                referrer="丁",
                receiver="甲",
                first_contact="2026-11-21",
                next_contact="2026-12-03",
            )
        ],
    )
    december = tmp_path / "网点-2026-12.xlsx"
    result = run("init", december, "--from", november, "--month", "2026-12")
    assert result.exit_code == 0, result.output
    assert _rows(december, "人员") == [
        ["甲", "1", "理财经理", "否", None, "2026-11-25"],  # marked: 在岗 否, date kept
        ["丙", "3", "柜员", "否", None, None],
        ["丁", "4", "柜员", "是", "2026-11-10", None],
        ["戊", "5", "大堂经理", "是", None, "2026-12-15"],
    ]
    assert [r[:3] for r in _rows(december, "目标")] == [
        ["丁", "转介数", 10],
        ["戊", "转介数", 10],
        ["网点", "转介数", 50],
    ]
    out = result.output
    assert "甲（11-25 离岗）已改为不在岗" in out
    assert "乙（10-31 离岗）不再带入" in out
    assert "丙仍为不在岗" in out
    assert "甲 已不在岗，结转的 追踪表 1 项仍在其名下：请改派" in out


# ---------------------------------------------------------------- typed text stays as typed


def test_carried_text_is_the_text_typed_never_a_formula_never_masked(tmp_path: Path) -> None:
    november = tmp_path / "网点-2026-11.xlsx"
    formula = '=HYPERLINK("http://x","点我")'
    _workbook(
        november,
        "2026-11",
        tracking=[
            _follow_up(
                customer=" 李 四 ",
                phone="138-1234-6241",
                referred_on="2026-11-20",
                next_contact="2026-12-01",
                note=formula,
            )
        ],
        actions=[["2026-11-20", "+回访 13812346241", "赵六", "", ""]],
    )
    december = tmp_path / "网点-2026-12.xlsx"
    assert run("init", december, "--from", november).exit_code == 0
    wb = load_workbook(december)
    note, customer, phone = (wb["追踪表"][f"{c}2"] for c in "PCD")
    assert (note.data_type, note.value) == ("s", formula + MARK)
    assert (customer.value, phone.value) == (" 李 四 ", "138-1234-6241")
    item = wb["行动计划"]["B2"]
    assert (item.data_type, item.value) == ("s", "+回访 13812346241" + MARK)


# ---------------------------------------------------------------- 工作日历 of a new workbook


def test_init_lists_the_months_statutory_holidays_in_the_work_calendar(tmp_path: Path) -> None:
    """National Day 2026 (the State Council's notice): 10-01 to 10-07 off, Saturday 10-10
    worked in their place."""
    book = tmp_path / "网点-2026-10.xlsx"
    result = run("init", book, "--branch", "网点", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    off = [[dt.date(2026, 10, d), "否", "国庆节"] for d in range(1, 8)]
    assert _rows(book, "工作日历") == [*off, [dt.date(2026, 10, 10), "是", "国庆节调休上班"]]
    assert "法定节假日和调休 8 天" in result.output
    assert read_book(book).problems == []


def test_init_for_a_year_the_holiday_library_does_not_know(tmp_path: Path) -> None:
    year = 2099
    assert statutory_days(dt.date(year, 1, 1)) is None
    book = tmp_path / "网点.xlsx"
    result = run("init", book, "--month", f"{year}-01")
    assert result.exit_code == 0, result.output
    assert _rows(book, "工作日历") == []
    assert result.output.count(f"还不知道 {year} 年的法定节假日") == 1
    assert "工作日历" in result.output


# ---------------------------------------------------------------- properties

_NOTES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_DAYS = st.dates(min_value=dt.date(2026, 10, 1), max_value=dt.date(2027, 2, 28))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), _DAYS), _NOTES), min_size=1, max_size=8))
def test_the_follow_ups_carried_are_exactly_those_due_in_the_new_month_or_later(
    rows: list[tuple[dt.date | None, str]],
) -> None:
    """Whatever the dates and notes: a tracking row comes over exactly when its 建议下次联系时间
    is on or after the new month's first day, its note is the note typed with the mark after
    it (a phone in it not masked), and every other cell is the one typed."""
    header = [c.header for c in schema.TRACKING.columns]
    typed = [
        _row(
            schema.TRACKING,
            seq=n,
            referral_id=f"R-{n}",
            customer=f"客户{n}",
            phone="13800136241",
            referred_on=dt.date(2026, 11, 2),
            on_site="是",
            referrer="李四",
            receiver="赵六",
            first_contact=dt.date(2026, 11, 3),
            next_contact=next_contact,
            note=note + " 13812346241",
        )
        for n, (next_contact, note) in enumerate(rows, start=1)
    ]
    raw = {
        "设置": [["项目", "值"], ["统计月份", "2026-11"]],
        "人员": [["姓名", "岗位"], ["李四", "客户助理"], ["赵六", "理财经理"]],
        "追踪表": [header, *typed],
    }
    book = load_book(raw, "网点-2026-11.xlsx")
    carried = carry(raw, book, dt.date(2026, 12, 1), dt.date(2026, 11, 1))
    due = [row for row in typed if row[14] and row[14] >= dt.date(2026, 12, 1)]
    assert carried.rows["tracking"] == [
        [*row[:15], row[15] + ("" if MARK in row[15] else MARK)] for row in due
    ]
    assert carried.follow_ups == len(due)
    assert carried.overdue == sum(1 for row in typed if row[14] and row[14] < dt.date(2026, 12, 1))


@pytest.mark.parametrize("month", ["2026-12", "2027-01"])
def test_the_rows_carried_read_back_as_the_old_workbook_read_them(
    tmp_path: Path, month: str
) -> None:
    """Every carried tracking row and card reads in the new workbook to the same typed values
    as in the old one (dates, phones, amounts), apart from the mark."""
    old, december, result = _december(tmp_path)
    assert result.exit_code == 0
    source, new = (old, december) if month == "2026-12" else (december, tmp_path / "一月.xlsx")
    if month != "2026-12":
        assert run("init", new, "--from", source, "--month", month).exit_code == 0
    before, after = read_book(source), read_book(new)
    for key, mark_column in (("tracking", "note"), ("referrals", "reason")):
        date = "date" if key == "referrals" else "referred_on"

        def who(r: dict[str, Any]) -> tuple[Any, ...]:
            return (r["customer"], r["phone"], r[date])  # noqa: B023

        wanted = {who(r): r for r in before.tables[key].records()}
        for record in after.tables[key].records():
            was = wanted[who(record)]
            assert record[mark_column] == (was[mark_column] or "").replace(MARK, "") + MARK
            for column, value in record.items():
                if column not in ("row", mark_column, "referral_id"):
                    assert value == was[column], (key, column)


def test_a_new_month_with_the_buttons(tmp_path: Path) -> None:
    """--macros: the same rows in a macro workbook with 控制台 first; replaced only with --force,
    the old version kept in 备份/ like every other write."""
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    new = tmp_path / "火车站支行-2026-12.xlsm"
    result = run("init", new, "--from", old, "--month", "2026-12", "--macros")
    assert result.exit_code == 0, result.output
    # the last line, one next step for the buttons' workbook: the PC checked, then 「填写」
    step = result.output.strip().splitlines()[-1]
    assert step.startswith(f"下一步：运行 branchkit doctor {new.name}") and "「填写」" in step
    assert result.output.count("下一步") == 1
    wb = load_workbook(new, read_only=True, keep_vba=True)
    assert wb.sheetnames[0] == schema.CONTROL_SHEET
    wb.close()
    assert len(_rows(new, "转介登记")) == 50 and len(_rows(new, "追踪表")) == 2
    made = _digest(new)
    forced = run("init", new, "--from", old, "--month", "2026-12", "--macros", "--force")
    assert forced.exit_code == 0, forced.output
    (kept,) = (tmp_path / "备份").glob(f"{new.stem}.*.xlsm")
    assert _digest(kept) == made


# ---------------------------------------------------------------- the button user's way in


def test_doctor_spells_out_the_new_month_command_for_the_workbook(tmp_path: Path) -> None:
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    result = run("doctor", old)
    assert (
        "branchkit init 火车站支行-2026-12.xlsx --from 火车站支行-2026-11.xlsx --month 2026-12"
        in result.output
    ), result.output
    december = tmp_path / "火车站支行 十二月.xlsm"  # a name with a space is quoted
    assert run("init", december, "--from", old, "--macros").exit_code == 0
    said = run("doctor", december).output
    assert (
        'branchkit init "火车站支行 十二月-2027-01.xlsm" --from "火车站支行 十二月.xlsm" '
        "--month 2027-01 --macros" in said
    ), said
    assert _digest(old) == _digest(SAMPLE)


@pytest.mark.parametrize(
    ("name", "month", "expected"),
    [
        ("火车站支行-2026-11.xlsx", dt.date(2026, 11, 1), "火车站支行-2026-12.xlsx"),
        ("火车站支行-2026-12.xlsm", dt.date(2026, 12, 1), "火车站支行-2027-01.xlsm"),
        ("网点202611.xlsx", dt.date(2026, 11, 1), "网点202612.xlsx"),
        ("网点2026年12月.xlsx", dt.date(2026, 12, 1), "网点2027年1月.xlsx"),
        ("网点.xlsx", dt.date(2026, 11, 1), "网点-2026-12.xlsx"),
    ],
)
def test_next_months_file_name(name: str, month: dt.date, expected: str) -> None:
    from branchkit.newmonth import next_name

    assert next_name(Path(name), month).name == expected


def test_the_control_sheet_tells_the_button_user_how_to_start_a_month() -> None:
    from python_calamine import CalamineWorkbook

    template = SAMPLE.parents[1] / "templates" / "xlsx" / "网点营销管理.xlsm"
    rows = CalamineWorkbook.from_path(str(template)).get_sheet_by_name(schema.CONTROL_SHEET)
    text = " ".join(str(v) for row in rows.to_python() for v in row if v)
    assert "branchkit init 新工作簿.xlsm --from 本工作簿.xlsm --macros" in text


def test_the_new_workbook_open_in_excel_is_not_replaced(tmp_path: Path) -> None:
    old, new, first = _december(tmp_path)
    assert first.exit_code == 0, first.output
    made = _digest(new)
    (tmp_path / f"~${new.name}").write_bytes(b"owner")  # Excel's mark of an open workbook
    one_line_exit_2(run("init", new, "--from", old, "--force"), new.name)
    assert _digest(new) == made
    folder = tmp_path / "十二月.xlsx"
    folder.mkdir()
    one_line_exit_2(run("init", folder, "--from", old, "--force"), "文件夹")


def test_a_small_old_workbook_and_the_branchs_own_calendar_and_settings(tmp_path: Path) -> None:
    """A workbook with only 设置 and 人员 still makes a month (清单项目 gets the default list);
    a 设置 row branchkit does not know is kept as typed; a 工作日历 row the branch typed for the
    new month wins over the statutory day of the same date."""
    september = tmp_path / "网点-2026-09.xlsx"
    extra = ["本网点口号", "=1+1", "自己加的一行"]
    write_branch_workbook(
        september,
        "网点",
        "2026-09",
        data={
            "settings": [
                ["网点名称", "网点", ""],
                ["统计月份", "2026-09", ""],
                ["分润比例", "0.4", ""],
                extra,
            ],
            "roster": [ZHAO],
            "work_calendar": [["2026-10-03", "是", "国庆值班营业"]],
        },
        sheets=(schema.SETTINGS, schema.ROSTER, schema.WORK_CALENDAR),
    )
    october = tmp_path / "网点-2026-10.xlsx"
    result = run("init", october, "--from", september)
    assert result.exit_code == 0, result.output
    settings_now = _settings(october)
    assert (settings_now["统计月份"], settings_now["分润比例"]) == ("2026-10", "0.4")
    assert _rows(october, "设置")[-1] == extra
    wb = load_workbook(october)
    assert wb["设置"].cell(wb["设置"].max_row, 2).data_type == "s"  # =1+1 stays text
    from branchkit.checklist import DEFAULT_ITEMS

    assert len(_rows(october, "清单项目")) == len(DEFAULT_ITEMS)
    calendar_rows = _rows(october, "工作日历")
    assert ["2026-10-03", "是", "国庆值班营业"] in calendar_rows
    assert [dt.date(2026, 10, 3), "否", "国庆节"] not in calendar_rows
    assert [dt.date(2026, 10, 2), "否", "国庆节"] in calendar_rows


def test_a_month_skipped_is_said_before_anything_is_called_last_months(tmp_path: Path) -> None:
    """January made from November (December's workbook never made, or not at hand): every
    "上月" of the summary is November's, and the branch is told so first (found by trying the
    product as a new user)."""
    old = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, old)
    result = run("init", tmp_path / "火车站支行-2027-01.xlsx", "--from", old, "--month", "2027-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "注意：火车站支行-2026-11.xlsx 是 2026-11 的工作簿，不是上个月（2026-12）的：下面的“上月”"
        "指 2026-11，结转的是那个月底的情况；如有上个月的工作簿，请改用它"
    )
