"""Phones and ID numbers typed into free text (docs/工作簿.md#脱敏, issue 12): masked at the reader,
so they leave the workbook masked in 跟进提醒, the Markdown agenda, the weekly workbook and its
e-mail — however they were typed. And the Markdown agenda does not pass HTML through."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
from pathlib import Path

from branchkit import schema
from branchkit.cli import main
from branchkit.privacy import mask_personal, mask_text
from branchkit.templates import write_branch_workbook
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from . import samples
from .test_markdown_text import unescaped

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
SEPARATORS = re.compile("[ \u00a0\u3000\\-\u2010-\u2015\u2212\uff0d._\u00b7\u30fb\uff0e\uff3f]")
KEPT = 4  # docs/工作簿.md#脱敏: 138****6241 shows at most 4 digits of the number in one run


# How the groups of a number are set apart: issue 12's dash and space, and the dots,
# underscores and middle dots an attacker found unmasked.
GAPS = ("-", " ", ".", "_", "·", "．")


def _grouped(number: str, sizes: tuple[int, ...], gap: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return gap.join(parts)


def spellings(number: str) -> list[str]:
    """The ways staff type a number into a note (issue 12's six), each also in full-width
    digits as a Chinese input method types them (１３８-１２３４-６２４１)."""
    sizes = (3, 4, 4) if len(number) == 11 else (6, 8, 4)
    spelled = [number, *(_grouped(number, sizes, gap) for gap in GAPS)]
    if len(number) == 11:
        spelled += ["+86 " + _grouped(number, sizes, " "), "+86" + number]
    return spelled + [s.translate(FULL_WIDTH) for s in spelled]


phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids = st.builds(
    lambda body, check: body + check,
    st.from_regex(r"[1-9][0-9]{16}", fullmatch=True),
    st.sampled_from("0123456789Xx"),
)
# Arbitrary text around the number, without digits of its own (so any digits left are the
# number's) and without an X that could pass for an ID's check character.
prose = st.text(
    alphabet=st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="xXＸｘ+"),
    max_size=20,
)


def _longest_kept_run(original: str, shown: str) -> int:
    """The longest piece of `original` that can still be read in `shown`, separators ignored."""
    digits = SEPARATORS.sub("", shown.replace("+86", "")).translate(TO_ASCII)
    number = original.translate(TO_ASCII)
    return max(
        (
            n
            for n in range(1, len(number) + 1)
            for i in range(len(number) - n + 1)
            if number[i : i + n] in digits
        ),
        default=0,
    )


@given(st.one_of(phones, ids), st.data(), prose, prose)
def test_no_phone_or_id_survives_in_any_spelling(
    number: str, data, before: str, after: str
) -> None:  # type: ignore[no-untyped-def]
    spelled = data.draw(st.sampled_from(spellings(number)))
    shown = mask_text(before + spelled + after)
    assert _longest_kept_run(number, shown) <= KEPT, shown
    assert shown.startswith(before) and shown.endswith(after)  # the words around stay


dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).flatmap(
    lambda d: st.sampled_from(
        [f"{d:%Y-%m-%d}", f"{d:%Y/%m/%d}", f"{d:%Y.%m.%d}", f"{d.month}月{d.day}日", f"{d:%m-%d}"]
    )
)
amounts = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.one_of(
        st.integers(1, 9999).map(str),
        st.decimals("0.1", "999.9", places=1).map(str),
        st.integers(1000, 999_999).map(lambda n: f"{n:,}"),
    ),
    st.sampled_from(["万", "万元", "元", "千", "张", "户", "笔", "%"]),
)
times = st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
words = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), min_size=1, max_size=8)
ordinary = st.lists(
    st.one_of(dates, amounts, times, words, st.integers(0, 99).map(str)), max_size=8
)


@given(ordinary, st.sampled_from([" ", "，", "、", "；", "\n", " - "]))
def test_ordinary_text_dates_and_amounts_survive_untouched(tokens: list[str], gap: str) -> None:
    text = gap.join(tokens)
    assert mask_text(text) == text


def test_the_six_spellings_read_like_spec_5() -> None:
    assert mask_text("客户电话13812346241，已约") == "客户电话138****6241，已约"
    assert mask_text("138-1234-6241") == "138-****-6241"
    assert mask_text("138 1234 6241") == "138 **** 6241"
    assert mask_text("+86 138 1234 6241") == "+86 138 **** 6241"
    assert mask_text("１３８１２３４６２４１") == "１３８****６２４１"
    assert mask_text("换号了：187.5584.1007") == "换号了：187.****.1007"
    assert mask_text("身份证 110105.19491231.0027") == "身份证 110***.********.0027"
    # lists of amounts and codes stay as typed (found in review)
    for text in ("金额 150、2000、3000 万", "180/5000/3000", "区号 021/20261120"):
        assert mask_text(text) == text
    assert mask_text("身份证110105194912310021") == "身份证110***********0021"
    assert mask_text("证件 11010519491231002x") == "证件 110***********002x"
    # an e-mail address is someone's too (found by attacking the product)
    assert mask_text("邮箱 zhang.san@example.com") == "邮箱 z********@example.com"
    assert mask_text("回执发到 13812346241@163.com") == "回执发到 138****6***@163.com"
    assert (
        mask_text("邮箱zhangsan＠163．com") == "邮箱z*******＠163．com"
    )  # as an input method types it


# ---------------------------------------------------------------- through the commands

PHONE = "13987654321"
ID = "11010519491231002X"
NOTE = f"客户说换了手机 {_grouped(PHONE, (3, 4, 4), '-')}，身份证 {ID.lower()}"
CASE = f"客户（+86 {_grouped(PHONE, (3, 4, 4), ' ')}）投诉<script>alert(1)</script>"
ACTION = f"回访 {PHONE.translate(FULL_WIDTH)}，核对证件 {ID}"


def _leaks(text: str) -> list[str]:
    """Full numbers that can be read in `text`, whatever the spelling."""
    digits = SEPARATORS.sub("", text).translate(TO_ASCII)
    return [n for n in (PHONE, ID) if n[:7] in digits or n[-8:] in digits]


def _row(sheet: str, **values: object) -> list[object]:
    """A row in the schema's column order, by column key (the columns may grow)."""
    return [values.get(c.key) for c in schema.SHEETS_BY_KEY[sheet].columns]


def _workbook(folder: Path) -> Path:
    data = samples.build_month()
    d = dt.date(2026, 11, 20)
    customer = {"customer": "钱多多", "phone": "13600000001", "receiver": "赵六"}
    # no sale yet, 建议下次联系时间 = D: due in 跟进提醒, with its 备注
    data["tracking"].append(
        _row(
            "tracking",
            seq=999,
            referred_on=d,
            on_site="是",
            referrer="李四",
            next_contact=d,
            note=NOTE,
            **customer,
        )
    )
    data["referrals"].append(
        _row(
            "referrals",
            date=d,
            referrer="李四",
            on_site="是",
            need="理财",
            reason=NOTE,
            feedback=ACTION,
            **customer,
        )
    )
    data["cases"].append(
        _row(
            "cases",
            date=d,
            category="服务",
            nature="投诉",
            people="孙悦",
            description=CASE,
            cause=NOTE,
            remedy=ACTION,
            owner="周敏",
        )
    )
    data["actions"].append(
        _row(
            "actions",
            raised_on=d,
            item=ACTION,
            owner="赵六",
            due=d + dt.timedelta(7),
            state="未完成",
        )
    )
    return write_branch_workbook(
        folder / samples.SAMPLE_NAME,
        samples.BRANCH,
        "2026-11",
        data,
        {"parent": samples.PARENT, "host": "周敏", "mail_to": "branch-head@example.com"},
    )


def _cells(book: CalamineWorkbook, sheets: list[str] | None = None) -> str:
    return "\n".join(
        str(value)
        for name in sheets or book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for value in row
    )


def test_numbers_in_notes_leave_masked_through_every_command(tmp_path: Path) -> None:
    book = _workbook(tmp_path)
    before = book.read_bytes()
    run = CliRunner()
    out = tmp_path / "刷新.xlsx"
    assert (
        run.invoke(
            main, ["refresh", str(book), "--date", "2026-11-20", "--out", str(out)]
        ).exit_code
        == 0
    )
    refreshed = CalamineWorkbook.from_path(str(out))
    follow_ups = _cells(refreshed, ["跟进提醒"])
    assert "客户说换了手机 139-****-4321" in follow_ups  # the note is there, masked
    assert (
        _leaks(_cells(refreshed, ["排行榜", "转介质量", "分润明细", "跟进提醒", "数据问题"])) == []
    )

    agenda = run.invoke(main, ["build-agenda", str(book), "--date", "2026-11-20", "--format", "md"])
    assert agenda.exit_code == 0
    shown = unescaped(agenda.output)  # as Markdown displays it: the mask's * are escaped
    assert "+86 139 **** 4321" in shown and _leaks(shown) == [] and _leaks(agenda.output) == []
    assert (
        "<script>" not in agenda.output and "&lt;script&gt;alert(1)&lt;/script&gt;" in agenda.output
    )

    weekly = tmp_path / "周报.xlsx"
    eml = tmp_path / "周报.eml"
    result = run.invoke(
        main, ["weekly", str(book), "--week", "2026-W47", "--out", str(weekly), "--eml", str(eml)]
    )
    assert result.exit_code == 0, result.output
    workbook_text = _cells(CalamineWorkbook.from_path(str(weekly)))
    assert "回访 １３９****４３２１" in workbook_text and _leaks(workbook_text) == []
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert _leaks(part.get_content()) == []
        elif part.get_filename():
            attached = CalamineWorkbook.from_filelike(io.BytesIO(part.get_payload(decode=True)))
            assert _leaks(_cells(attached)) == []
    assert book.read_bytes() == before  # the input workbook itself is never changed
    assert PHONE in _cells(CalamineWorkbook.from_path(str(book)), ["追踪表"]).replace("-", "")


# ---------------------------------------------------------------- a wrong number is still a number

# What a phone or ID column may hold when it is not a valid number: too short or long, with
# separators or words around it, in full-width digits.
wrong_numbers = st.text(alphabet="0123456789０１２３４５６７８９-  xX转分机号", max_size=24)


@given(wrong_numbers)
def test_a_wrong_phone_or_id_number_still_shows_masked(typed: str) -> None:
    shown = mask_personal(typed)
    places = [i for i, ch in enumerate(typed) if ch.isdigit() or ch in "xX"]
    # Nothing but digits and words is touched (a separator stays where it was; a word keeps
    # its first character, as a name does) ...
    assert len(shown) == len(typed)
    assert [
        shown[i] for i in range(len(typed)) if i not in places and not typed[i] >= "\u4e00"
    ] == [typed[i] for i in range(len(typed)) if i not in places and not typed[i] >= "\u4e00"]
    # ... and only the first 3 and last 4 of ten digits or more show, as on a masked phone, of
    # fewer only the last 2.
    kept = [i for i in places if shown[i] != "*"]
    assert kept == (places[:3] + places[-4:] if len(places) >= 10 else places[-2:])
    assert all(shown[i] == typed[i] for i in kept)


def test_a_name_typed_beside_a_wrong_number_shows_as_a_name_does() -> None:
    """Found by review: 蒋娜 1381234567 in 联系方式 left the name whole in 数据问题 and --json."""
    assert mask_personal("蒋娜 1381234567") == "蒋* 138***4567"
    assert mask_personal("无") == "无"  # one character: no name to hide


def test_the_json_of_a_check_masks_a_phone_one_digit_short(messy_copy: Path) -> None:
    """messy-branch.xlsx has 联系方式 1381234567 in 转介登记!D4: ten digits, not a phone to
    `mask_text`, still someone's number (found by trying the product as a new user)."""
    result = CliRunner().invoke(main, ["validate", str(messy_copy), "--json"])
    found = {(p["表"], p["单元格"]): p["值"] for p in json.loads(result.stdout)["数据问题"]}
    assert found["转介登记", "D4"] == "138***4567"
    assert found["转介登记", "I4"] == "110***********0021"
    assert "1381234567" not in result.stdout
