"""Customers' names typed into free text (docs/工作簿.md#脱敏): a 案例 描述, a 客户意见, a 追踪表 备注
or a 行动计划 事项 that names a customer leaves the workbook with the name as 张* — in the
Markdown, text and HTML agendas, on the agenda tab unless 脱敏 is 否, and in the weekly workbook
and its e-mail — like the 客户 columns beside it. Staff names stay whole."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
from pathlib import Path

from branchkit import jobs, schema
from branchkit import weekly as weekly_data
from branchkit.cli import main
from branchkit.privacy import Names, workbook_names
from branchkit.render.weekly import weekly_sheets
from branchkit.templates import write_branch_workbook
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from . import december, samples
from .test_markdown_text import unescaped
from .test_privacy_text import _cells, _row

# ---------------------------------------------------------------- the masking itself

LISTED = Names(frozenset({"刘美丽", "刘美", "钱多多", "王五"}), frozenset({"王五一", "李四"}))


def test_the_qa_reports_texts_read_masked() -> None:
    # 孙立 is no customer the workbook lists: found because it follows 客户 and ends at （
    assert (
        LISTED.mask("客户孙立（135****3333，身份证110***********1234）投诉办卡太慢")
        == "客户孙*（135****3333，身份证110***********1234）投诉办卡太慢"
    )
    assert LISTED.mask("客户刘美丽139****5679抱怨排队") == "客户刘**139****5679抱怨排队"
    assert (
        LISTED.mask("客户刘美丽手机139****5679，身份证110***********1234，下周再约")
        == "客户刘**手机139****5679，身份证110***********1234，下周再约"
    )


def test_a_listed_name_is_masked_wherever_it_stands_longest_first() -> None:
    assert LISTED.mask("刘美丽来电，刘美没来") == "刘**来电，刘*没来"  # not 刘*丽
    assert LISTED.mask("已约钱多多周五面谈") == "已约钱**周五面谈"
    assert LISTED.mask("王五来了") == "王*来了"


def test_staff_names_stay_whole() -> None:
    assert LISTED.mask("王五一已联系") == "王五一已联系"  # staff, though it holds 王五
    assert LISTED.mask("客户王五一，") == "客户王五一，"  # after 客户, still staff
    assert LISTED.mask("李四") == "李四"
    # a 责任人 or a list of stars: only staff names, even one a customer also has
    both = Names(frozenset({"王五"}), frozenset({"王五", "李四"}))
    assert both.mask("王五") == "王五" and both.mask("李四、王五") == "李四、王五"
    # In a note it cannot be told which 王五 is meant: the colleague's name stays, as the agenda
    # is read aloud to the staff ("刘洋跟王*学习" would name nobody).
    assert both.mask("王五已电话联系") == "王五已电话联系"
    assert both.mask("刘洋跟王五学习转介话术") == "刘洋跟王五学习转介话术"


def test_unlisted_names_after_customer() -> None:
    blank = Names()
    assert blank.mask("客户孙立（") == "客户孙*（"
    assert blank.mask("客户：张伟，已办结") == "客户：张*，已办结"
    assert blank.mask("客户欧阳娜娜，投诉") == "客户欧***，投诉"
    assert blank.mask("客户王先生。") == "客户王**。"
    assert blank.mask("投诉人是客户孙立") == "投诉人是客户孙*"
    # a name running straight into the next word cannot be told apart from it: left alone
    assert blank.mask("客户孙立来电") == "客户孙立来电"
    # after 客户姓名：, and a full name before 先生/女士/小姐 where a note or a clause starts
    # (found by attacking the product: these left the weekly whole)
    assert blank.mask("客户姓名：王小明") == "客户姓名：王**"
    assert blank.mask("王小明先生投诉排队太久") == "王**先生投诉排队太久"
    assert blank.mask("已回访，张三丰女士同意改约") == "已回访，张**女士同意改约"
    assert blank.mask("欧阳娜女士来电") == "欧**女士来电"


# Before 先生/女士/小姐 and after 客户, what a branch writes that is no name (found by review of a
# looser rule that took them for names): none of it changes.
_NO_NAMES = """客户曾多次投诉 客户曾致电， 客户常常来电 客户严格要求 客户方可办理 一位高龄女士来电 单身女士
白领女士来电 华侨女士 安排王先生 感谢王先生 客户王女士来电 张先生投诉 高端客户先生 感谢王芳女士"""


def test_honorifics_and_verbs_make_no_name_of_ordinary_words() -> None:
    staff = Names(staff=frozenset({"王芳", "李四"}))
    for phrase in _NO_NAMES.split():
        assert staff.mask(phrase) == phrase
    assert staff.mask("李四先生说") == "李四先生说"  # a colleague stays named


def test_latin_names_only_as_whole_words() -> None:
    latin = Names(frozenset({"Ann", "Ann Lee"}))
    assert latin.mask("Annual review, Ann Lee called") == "Annual review, A****** called"
    assert latin.mask("Ann.") == "A**."


# What follows 客户 in ordinary notes: none of it is a name, none of it changes.
_ORDINARY = """客户意见 客户经理 客户经理说 客户说换了手机 客户要求 客户要求退款 客户满意 客户很满意
客户表示满意 客户方便 客户方便时再联系 客户关系维护 客户资料齐全 客户信息核实 客户数量5 客户数12
客户群体 客户体验 客户服务 客户等待 客户排队 客户投诉 客户来电 客户到店 客户同意 客户拒绝 客户本人
客户家属 客户姓名 客户电话 客户手机 客户身份证 客户流失 客户需求 客户反映 客户称 客户已签约 客户未接
客户不在 客户都满意 客户较多 客户高兴 客户安全 客户资金 客户资产 客户分层 客户名单 客户回访 客户多
客户：已办结 老客户 新客户 大客户 客户们 客户留言 客户评价 客户好评 客户明天来 客户周一来 客户周末
客户一直在等 客户咨询 客户预约 客户提出 客户担心 客户希望 客户办卡 客户开户 客户理财 客户信用卡
客户马上到 客户申请 客户解释 客户付款 客户管理 客户房贷 客户金额 客户余额 客户成功 客户成交 客户常来
客户单位 客户年龄 客户情绪激动 客户态度 客户均表示 客户对此 客户向大堂 客户把卡 客户也说 客户还没
客户何时来 客户温馨提示 客户曾经来过 客户陆续到店 客户包括 客户尚未 客户黄金 客户龙卡 客户白天
客户严重不满 客户焦虑 客户顾虑 客户谢谢 客户于是 客户高端 客户高龄 客户方面 客户关注 客户关心 客户安排
客户安心 客户任务 客户文件 客户付费 客户房产 客户钱款 客户陈述 客户关怀 客户关闭 客户华为手机 客户管家
客户解约 客户申购 客户解冻 客户费用 客户额度 客户连续 客户项目 客户车贷 客户助理 客户经理：王芳"""
ORDINARY = _ORDINARY.split()


def test_ordinary_words_after_customer_stay_untouched() -> None:
    blank = Names()
    for delimiter in ("", "，", "。", "：", " ", "（"):
        for phrase in ORDINARY:
            assert blank.mask(phrase + delimiter) == phrase + delimiter


# Names from a few characters, so that names overlap (刘美 in 刘美丽) and run into each other.
name_chars = "刘美丽王五钱多"
names = st.text(alphabet=name_chars, min_size=2, max_size=4)
filler = st.text(alphabet="的了，。 1*abc办理来电已约", max_size=6)


@given(
    st.frozensets(names, min_size=1, max_size=6),
    st.lists(st.one_of(names, filler, st.just("客户")), max_size=10),
)
def test_masking_keeps_the_length_and_leaves_no_listed_name(
    customers: frozenset[str], parts: list[str]
) -> None:
    text = "".join(parts)
    shown = Names(customers).mask(text)
    assert len(shown) == len(text)  # 张* is as long as 张三: a cell's layout does not move
    assert not [n for n in customers if n in shown], shown
    kept = [i for i, (a, b) in enumerate(zip(text, shown, strict=True)) if a != b]
    assert all(shown[i] == "*" for i in kept)  # only ever a character turned into *


@given(st.frozensets(names, max_size=6), st.text(alphabet="的了，。 1*abc办理来电已约客"))
def test_text_without_a_name_is_unchanged(customers: frozenset[str], text: str) -> None:
    assert Names(customers).mask(text) == text


@given(st.lists(names, min_size=1, max_size=4), st.sampled_from(["、", "，", " ", "/"]))
def test_a_list_of_staff_names_is_unchanged(staff: list[str], gap: str) -> None:
    text = gap.join(staff)
    assert Names(frozenset(staff), frozenset(staff)).mask(text) == text


def test_a_weekly_knows_last_months_customers() -> None:
    """A week that began last month reads last month's workbook: its customers are masked too
    (the card was made in November, the note is December's)."""
    november = december.book(
        "2026-11",
        转介登记=[
            december.CARD_HEAD,
            ["2026-11-27", "孔繁星", "13900000001", "李四", "是", "理财", "赵六"],
        ],
    )
    head = [*december.TRACKING_HEAD, "建议下次联系时间", "备注"]
    note = "已约孔繁星下周二到店"
    december_book = december.book(
        "2026-12",
        追踪表=[
            head,
            ["梅若华", None, "2026-12-01", None, "赵六", None, None, None, "2026-12-03", note],
        ],
    )
    names = workbook_names(december_book, november)
    assert {"孔繁星", "梅若华"} <= names.customers
    figures = jobs.figures(december_book, dt.date(2026, 12, 4), november)
    weekly = weekly_data.build(december_book, figures, "2026-W49", november)
    cells = [
        value
        for sheet in weekly_sheets(weekly)
        for block in sheet.blocks
        for row in getattr(block, "rows", [])
        for value in row
    ]
    assert "已约孔**下周二到店" in cells and "孔繁星" not in str(cells)


# ---------------------------------------------------------------- through the commands

DAY = dt.date(2026, 11, 20)
NOTE = "客户刘美丽手机13912345679，身份证110101199003071234，下周再约"
CASE = "客户孙立（13500003333）投诉办卡太慢，刘美丽在旁作证"
COMMENT = "钱多多抱怨排队太久"
ACTION = "回访钱多多，核对地址"
FULL = ("刘美丽", "孙立", "钱多多")


def _workbook(folder: Path, **settings: str) -> Path:
    data = samples.build_month()
    data["tracking"].append(
        _row(
            "tracking",
            seq=999,
            customer="刘美丽",
            phone="13912345679",
            referred_on=DAY,
            on_site="是",
            referrer="李四",
            receiver="赵六",
            next_contact=DAY,
            note=NOTE,
        )
    )
    data["referrals"].append(
        _row(
            "referrals",
            date=DAY,
            customer="钱多多",
            phone="13600000001",
            referrer="李四",
            on_site="是",
            need="理财",
            receiver="赵六",
        )
    )
    data["cases"].append(
        _row(
            "cases",
            date=DAY,
            category="服务",
            nature="投诉",
            people="孙悦",
            description=CASE,
            owner="周敏",
        )
    )
    data["actions"].append(_row("actions", raised_on=DAY, item=ACTION, owner="赵六", due=DAY))
    keys = [c.key for c in schema.SHEETS_BY_KEY["overview"].columns]
    today = next(row for row in data["overview"] if row[keys.index("date")] == DAY)
    today += [None] * (len(keys) - len(today))
    today[keys.index("comments")] = COMMENT  # 每日概况 客户意见 of D
    return write_branch_workbook(
        folder / samples.SAMPLE_NAME,
        samples.BRANCH,
        "2026-11",
        data,
        {"parent": samples.PARENT, "host": "周敏", "mail_to": "head@example.com", **settings},
    )


def _agenda(book: Path, fmt: str, meeting: str = "夕会") -> str:
    result = CliRunner().invoke(
        main,
        ["build-agenda", str(book), "--date", f"{DAY}", "--meeting", meeting, "--format", fmt],
    )
    assert result.exit_code == 0, result.output
    shown = unescaped(result.output) if fmt == "md" else result.output
    return shown.replace("\u2060", "")  # the HTML keeps a run of * from breaking: not text


def test_names_in_notes_leave_masked_in_every_agenda_format(tmp_path: Path) -> None:
    book = _workbook(tmp_path)
    for fmt in ("md", "txt", "html"):
        shown = _agenda(book, fmt)
        assert "客户孙*（135****3333）投诉办卡太慢，刘**在旁作证" in shown, fmt
        assert "钱**抱怨排队太久" in shown, fmt  # 每日概况 客户意见
        assert "回访钱**，核对地址" in shown, fmt  # 行动计划, in section 4
        assert not [n for n in FULL if n in shown], fmt
        assert "孙悦" in shown and "赵六" in shown  # the staff, named whole
        morning = _agenda(book, fmt, "晨会")
        assert "回访钱**，核对地址" in morning and not [n for n in FULL if n in morning]


def _tab(book: Path, out: Path) -> str:
    result = CliRunner().invoke(
        main, ["build-agenda", str(book), "--date", f"{DAY}", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return _cells(CalamineWorkbook.from_path(str(out)), ["夕会议程"])


def test_the_agenda_tab_follows_the_branchs_masking_setting(tmp_path: Path) -> None:
    masked = _tab(_workbook(tmp_path), tmp_path / "masked.xlsx")
    assert "刘**在旁作证" in masked and not [n for n in FULL if n in masked]
    (tmp_path / "whole").mkdir()
    whole = _tab(_workbook(tmp_path / "whole", mask="否"), tmp_path / "whole.xlsx")
    # 脱敏 否: as typed (a long line runs on in the next row of the tab)
    assert "客户孙立（135****3333）投诉办卡太慢" in whole and "刘美丽在旁作证" in whole
    assert "钱多多抱怨排队太久" in whole


def test_names_in_notes_leave_masked_in_the_weekly_and_its_mail(tmp_path: Path) -> None:
    book = _workbook(tmp_path, mask="否")  # 脱敏 否 is for the branch's own tabs only
    before = book.read_bytes()
    weekly, eml = tmp_path / "周报.xlsx", tmp_path / "周报.eml"
    result = CliRunner().invoke(
        main, ["weekly", str(book), "--week", "2026-W47", "--out", str(weekly), "--eml", str(eml)]
    )
    assert result.exit_code == 0, result.output
    workbook = CalamineWorkbook.from_path(str(weekly))
    open_items = _cells(workbook, ["跟进与行动"])
    assert "客户刘**手机139****5679，身份证110***********1234，下周再约" in open_items
    assert "回访钱**，核对地址" in open_items
    everything = _cells(workbook)
    assert not [n for n in FULL if n in everything]
    assert "赵六" in _cells(workbook, ["排行榜"])  # staff stay named
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert not [n for n in FULL if n in part.get_content()]
        elif part.get_filename():
            attached = CalamineWorkbook.from_filelike(io.BytesIO(part.get_payload(decode=True)))
            assert not [n for n in FULL if n in _cells(attached)]
    assert book.read_bytes() == before  # the workbook keeps what was typed
    assert NOTE in _cells(CalamineWorkbook.from_path(str(book)), ["追踪表"])
