"""The emailed weekly workbook: built, sent to a real SMTP server on 127.0.0.1, checked."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from branchkit.cli import main
from branchkit.problems import BookError
from branchkit.weekly import parse_week
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .mailservers import ACCOUNT, PASSWORD, Inbox, free_port, mail_server, make_certificate

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Inbox, int]]:
    """The branch's relay: STARTTLS with a certificate this machine trusts (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with mail_server(certificate) as server:
        yield server


def relay_environment(port: int, password: str = PASSWORD) -> dict[str, str]:
    """The environment of a branch PC set up for its relay on 127.0.0.1:`port`."""
    return {
        "BRANCHKIT_SMTP_HOST": "127.0.0.1",
        "BRANCHKIT_SMTP_PORT": str(port),
        "BRANCHKIT_SMTP_USER": ACCOUNT,
        "BRANCHKIT_SMTP_SECURITY": "starttls",
        "BRANCHKIT_SMTP_PASSWORD": password,
    }


def _week_rankings(book: Path) -> dict:
    """`rankings --json` for the week the weekly tests send (W47, as of its Sunday)."""
    args = ["rankings", str(book), "--date", "2026-11-22", "--period", "week", "--json"]
    return json.loads(CliRunner().invoke(main, args).output)  # type: ignore[no-any-return]


def _send(book: Path, tmp_path: Path, port: int, *extra: str, password: str = PASSWORD):
    return CliRunner().invoke(
        main,
        [
            "weekly",
            str(book),
            "--week",
            "2026-W47",
            "--out",
            str(tmp_path / "周报.xlsx"),
            "--send",
            *extra,
        ],
        env=relay_environment(port, password),
    )


def _attachment(message: EmailMessage) -> bytes:
    part = next(p for p in message.iter_attachments() if p.get_filename().endswith(".xlsx"))
    return part.get_payload(decode=True)


def test_weekly_is_sent_and_its_figures_match_the_rankings(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    result = _send(sample_copy, tmp_path, port)
    assert result.exit_code == 0, result.output
    assert "已发送给 1 位收件人" in result.output
    (message,) = inbox.messages
    assert message["Subject"] == "火车站支行 周报 2026-W47"
    assert message["To"] == "branch-head@example.com"  # from 设置's 邮件收件人
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(_attachment(message)))
    assert workbook.sheet_names == ["封面", "排行榜", "趋势", "转介质量", "基础管理", "跟进与行动"]
    rows = workbook.get_sheet_by_name("排行榜").to_python()
    header = next(i for i, r in enumerate(rows) if r[0] == "排名")
    week_rows = []
    for row in rows[header + 1 :]:
        if row[0] == "":
            break
        week_rows.append((int(row[0]), row[1], round(row[3], 4)))
    ranked = _week_rankings(sample_copy)
    expected = [
        (p["排名"], p["姓名"], p["排名得分"]) for p in ranked["人员"] if p["排名"] is not None
    ]
    assert week_rows == expected
    # the stars' table is two rows over the ranking's columns: its cells merged over several
    stars = dict(tuple(v for v in r if v != "") for r in rows[4:6])
    assert stars["本周之星"] == "、".join(ranked["之星"]["每周之星"])
    assert (tmp_path / "周报.xlsx").exists()  # kept on disk


def test_nothing_personal_in_the_attachment_or_the_body(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    assert _send(sample_copy, tmp_path, port).exit_code == 0
    (message,) = inbox.messages
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(_attachment(message)))
    cells = [
        str(v)
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for v in row
    ]
    bodies = [
        p.get_content()
        for p in message.walk()
        if p.get_content_type() in ("text/plain", "text/html")
    ]
    for text in [*cells, *bodies]:
        assert not MOBILE.search(text), text
        assert not ID_NUMBER.search(text), text
    follow = workbook.get_sheet_by_name("跟进与行动").to_python()
    customers = [r[1] for r in follow[5:] if r[0] and r[1] and r[0] != "转介编号"]
    assert customers and all(c.endswith("*") and len(c) >= 2 for c in customers[:10])


def test_auth_failure_is_one_clear_line_and_the_workbook_stays(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    result = _send(sample_copy, tmp_path, port, password="wrong")
    assert result.exit_code == 2
    assert "认证失败" in result.output and f"127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
    assert inbox.messages == [] and (tmp_path / "周报.xlsx").exists()


def test_refused_connection_is_one_clear_line(sample_copy: Path, tmp_path: Path) -> None:
    result = _send(sample_copy, tmp_path, free_port())
    assert result.exit_code == 2 and "连接被拒绝" in result.output
    assert (tmp_path / "周报.xlsx").exists()


def test_a_bad_address_is_refused_before_sending(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    result = _send(sample_copy, tmp_path, port, "--to", "not-an-address")
    assert result.exit_code == 2 and "邮件地址格式不对：not-an-address" in result.output
    assert inbox.messages == []


def test_eml_is_written_for_outlook(sample_copy: Path, tmp_path: Path) -> None:
    eml = tmp_path / "周报.eml"
    result = CliRunner().invoke(
        main,
        [
            "weekly",
            str(sample_copy),
            "--week",
            "2026-W47",
            "--out",
            str(tmp_path / "w.xlsx"),
            "--eml",
            str(eml),
            "--to",
            "a@example.com",
        ],
    )
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "a@example.com" and _attachment(message)[:2] == b"PK"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "本周之星" in text and "本月进度" in text


def test_no_password_in_the_workbook_is_ever_used(
    sample_copy: Path,
    tmp_path: Path,
    smtp_server: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp_server
    monkeypatch.setattr("branchkit.mail.password_for", lambda config: None)  # none stored
    result = _send(sample_copy, tmp_path, port)
    assert result.exit_code == 2 and "BRANCHKIT_SMTP_PASSWORD" in result.output
    assert inbox.messages == []


def test_week_parsing() -> None:
    import datetime as dt

    assert parse_week("2026-W47") == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert parse_week("2026w1") == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    with pytest.raises(BookError, match="2026-W47"):
        parse_week("47周")


def test_the_weekly_button_saves_beside_the_workbook_and_sends(
    sample_copy: Path, smtp_server: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    from unittest import mock

    from branchkit import excel

    from .test_excel_buttons import _open_book

    inbox, port = smtp_server
    for key, value in relay_environment(port).items():
        monkeypatch.setenv(key, value)
    book = _open_book(sample_copy, day=dt.date(2026, 11, 20))
    with mock.patch("xlwings.Book.caller", return_value=book):
        message = excel.send_weekly()
    assert message == "周报已保存并发送给 1 位收件人：火车站支行-2026-W47-周报.xlsx"
    assert (sample_copy.parent / "火车站支行-2026-W47-周报.xlsx").exists()
    assert len(inbox.messages) == 1
    monkeypatch.setenv("BRANCHKIT_SMTP_PASSWORD", "wrong")
    with mock.patch("xlwings.Book.caller", return_value=book):
        assert "认证失败" in excel.send_weekly()


def test_weekly_lists_the_actions_open_at_the_end_of_the_week() -> None:
    import datetime as dt

    from branchkit.figures import compute
    from branchkit.read import load_book
    from branchkit.render.weekly import weekly_sheets
    from branchkit.weekly import as_of, build

    from .test_figures_golden import _raw

    raw = _raw()
    raw["行动计划"] = [
        ["提出日期", "事项", "责任人", "截止日期", "状态"],
        ["2026-11-17", "本周提出，未完成", "李四", "2026-11-30", "未完成"],
        ["2026-11-18", "已经做完", "王五", "2026-11-19", "已完成"],
        ["2026-11-25", "下周才提出", "赵六", "2026-11-30", "未完成"],
    ]
    book = load_book(raw, "测试支行-2026-11.xlsx")
    sheet = weekly_sheets(
        build(book, compute(book, as_of("2026-W47", dt.date(2026, 11, 30))), "2026-W47")
    )[-1]
    actions = sheet.blocks[-1]
    assert [row[1] for row in actions.rows] == ["本周提出，未完成"]  # week ends 11-22


def test_the_mail_body_says_the_weeks_checklist_as_rankings_counts_it(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    assert _send(sample_copy, tmp_path, port).exit_code == 0
    (message,) = inbox.messages
    plain = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    ranked = _week_rankings(sample_copy)["清单"]
    line = next(s for s in plain.splitlines() if s.startswith("本周管理清单："))
    assert f"应完成 {ranked['应完成']} 项，已完成 {ranked['已完成']} 项" in line
    # The 整改 not closed, as the attachment's 基础管理 lists them, and of those the 未整改
    # (no measure yet, or past its date) as rankings counts them.
    basics = CalamineWorkbook.from_path(tmp_path / "周报.xlsx").get_sheet_by_name("基础管理")
    rows = basics.to_python()
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("未完成的整改"))
    listed = 0
    for row in rows[start + 2 :]:
        if not row[0]:
            break
        listed += 1
    assert (
        f"未完成的整改 {listed} 项（其中 {len(ranked['未整改'])} 项还没有措施或已过期限）" in line
    )


def test_a_week_outside_the_workbooks_month_is_refused_before_anything_is_written(
    sample_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "周报.xlsx"
    args = ["weekly", str(sample_copy), "--out", str(out), "--week"]
    refused = CliRunner().invoke(main, [*args, "2026-W50"])
    assert refused.exit_code == 2
    assert "2026-W50（12-07 至 12-13）不在本工作簿的统计月份 2026-11 内" in refused.output
    assert not out.exists()
    # A week that only touches the month (Monday 11-30) is still the month's week.
    assert CliRunner().invoke(main, [*args, "2026-W49"]).exit_code == 0 and out.exists()


def test_sending_without_recipients_says_so_before_connecting(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(sample_copy)  # a test fixture of our own making, not a user's workbook
    for row in wb["设置"].iter_rows(min_row=2):
        if row[0].value == "邮件收件人":
            row[1].value = None
    wb.save(sample_copy)
    with socket.socket() as server:  # listens, and would see any connection
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        for key, value in {"HOST": "127.0.0.1", "PORT": str(server.getsockname()[1])}.items():
            monkeypatch.setenv(f"BRANCHKIT_SMTP_{key}", value)
        monkeypatch.setenv("BRANCHKIT_SMTP_SECURITY", "none")
        out = tmp_path / "w.xlsx"
        args = ["weekly", str(sample_copy), "--week", "2026-W47", "--out", str(out), "--send"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "没有收件人" in result.output.splitlines()[-1]
        with pytest.raises(TimeoutError):
            server.accept()


def test_a_folder_names_the_workbook_of_the_weeks_month(tmp_path: Path) -> None:
    """A job scheduled once (`weekly D:\\网点 --send`) keeps working month after month: the folder's
    workbook whose name carries the month of the week's report day is used; branchkit's own
    outputs, backups and other programs' lock files beside it are not workbooks of the branch."""
    import shutil

    from .conftest import SAMPLE
    from .refusals import one_line_exit_2, run

    folder = tmp_path / "网点"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    for decoy in (
        "火车站支行-2026-W46-周报.xlsx",
        ".~火车站支行-2026-11.xlsx",
        "分行汇总-2026-11.xlsx",
    ):
        shutil.copy(SAMPLE, folder / decoy)
    (folder / "~$火车站支行-2026-11.xlsx").write_bytes(b"owner")
    out = tmp_path / "周报.xlsx"
    result = run("weekly", folder, "--week", "2026-W47", "--out", out)
    assert result.exit_code == 0, result.output
    assert "数据截至 2026-11-22" in result.output
    assert CalamineWorkbook.from_path(str(out)).sheet_names[0] == "封面"

    # December has no workbook yet: one line naming the month and the way to make it
    line = one_line_exit_2(run("weekly", folder, "--week", "2026-W50"), "2026-12", "init --from")
    assert str(folder) in line

    # Two branches share the folder: which one is meant is the user's to say
    shutil.copy(SAMPLE, folder / "人民路支行-2026-11.xlsx")
    one_line_exit_2(
        run("weekly", folder, "--week", "2026-W47"), "人民路支行-2026-11.xlsx", SAMPLE.name
    )


def test_a_week_running_into_the_next_month_says_which_days_are_missing(
    tmp_path: Path,
) -> None:
    # 2026-W49 is 11-30 to 12-06: November's workbook holds one day of it. The weekly is made of
    # that day, as its title says, and the person running it, the cover and the mail say where
    # the rest is.
    from .conftest import SAMPLE

    out, eml = tmp_path / "w49.xlsx", tmp_path / "w49.eml"
    args = ["weekly", str(SAMPLE), "--week", "2026-W49", "--out", str(out), "--eml", str(eml)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "数据截至 2026-11-30" in result.output
    said = re.compile(
        r"本周的 12-01 至 12-0\d 是下月的日子，在 2026-12 的工作簿里；这份周报只算到 11-30"
    )
    assert said.search(result.output)
    cover = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("封面").to_python()
    printed = "".join(str(row[0]) for row in cover).replace(" ", "")  # in printed lines
    assert re.search(said.pattern.replace(" ", ""), printed)
    assert re.search(r"（11-30 至 11-30；12-01 至 12-0\d 不在本工作簿）", str(cover[1][0]))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert said.search(message.get_body(("plain",)).get_content())


def test_a_weekly_of_a_workbook_with_errors_counts_as_validate_and_exits_1(
    messy_copy: Path, tmp_path: Path
) -> None:
    """README's exit codes hold for weekly too (1: the workbook has 错误, the weekly still made),
    and its 数据质量 line counts what validate counts for the same day — the workbook's problems
    and the day's (found by trying the product as a new user: 13 警告 against validate's 14)."""
    out = tmp_path / "周报.xlsx"
    made = CliRunner().invoke(
        main, ["weekly", str(messy_copy), "--week", "2026-W47", "--out", str(out)]
    )
    assert made.exit_code == 1, made.output
    assert "数据截至 2026-11-22" in made.output and out.exists()
    checked = CliRunner().invoke(
        main, ["validate", str(messy_copy), "--date", "2026-11-22", "--json"]
    )
    levels = [p["级别"] for p in json.loads(checked.stdout)["数据问题"]]
    errors, warnings = levels.count("错误"), levels.count("警告")
    assert errors and warnings
    cells = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    text = "\n".join(str(v) for row in cells for v in row)
    assert f"工作簿中有 {errors} 个数据错误、{warnings} 个警告" in text


def test_a_week_nothing_was_entered_for_says_so_before_its_zeros(
    sample_copy: Path, tmp_path: Path
) -> None:
    """The sample holds nothing from 11-23 on: W48's weekly is all zeros and 低于进度, and would be
    mailed as a bad week (found by trying the product as a new user). The cover, the mail and
    the command line say nothing was entered; W47's says nothing of the kind."""
    out, eml = tmp_path / "w48.xlsx", tmp_path / "w48.eml"
    made = CliRunner().invoke(
        main,
        ["weekly", str(sample_copy), "--week", "2026-W48", "--out", str(out), "--eml", str(eml)],
    )
    assert made.exit_code == 0, made.output
    said = "本周（11-23 至 11-29）各表还没有录入任何数据：周报里的 0 是还没录入，不是没有业绩"
    assert said in made.output
    cover = "".join(
        str(row[0])
        for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        if row
    )
    assert said in cover
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert said in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    normal = CliRunner().invoke(
        main,
        ["weekly", str(sample_copy), "--week", "2026-W47", "--out", str(tmp_path / "w47.xlsx")],
    )
    assert normal.exit_code == 0 and "还没有录入" not in normal.output


def test_only_what_a_person_entered_makes_a_week_recorded() -> None:
    """Found by review: fill's own rows (每日数据 with 转介数量 by formula, the day's checklist
    items) made a week look entered; a follow-up row dated only by 推荐时间 did not, though its
    sale counts; and a week that began last month looked only at this month's workbook."""
    from branchkit.read import load_book
    from branchkit.weekly import _recorded

    from . import test_figures_golden as golden

    def book(**sheets: list[list[object]]) -> object:
        raw = {**golden._raw(), "转介登记": golden.CARDS[:1], "追踪表": golden.TRACKING[:1]}
        raw.update(sheets)
        return load_book(raw, "测试支行-2026-11.xlsx")

    week = (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    filled = book(
        每日数据=[["日期", "姓名", "转介数量"], ["2026-11-23", "王五", 0]],
        每日清单=[
            ["日期", "时段", "事项", "责任人", "完成情况"],
            ["2026-11-23", "营业前", "开门迎客", "王五", None],
        ],
    )
    assert not _recorded([filled], *week)
    typed = book(每日数据=[["日期", "姓名", "接待客户数"], ["2026-11-24", "王五", 12]])
    assert _recorded([typed], *week)
    checked = book(每日清单=[["日期", "事项", "完成情况"], ["2026-11-25", "开门迎客", "已完成"]])
    assert _recorded([checked], *week)
    header = golden.TRACKING[0]
    referred = [None] * len(header)
    referred[header.index("推荐时间")] = "2026-11-24"
    assert _recorded([book(追踪表=[header, referred])], *week)
    # a week from Monday 11-30: its Monday is last month's, read from last month's workbook
    assert not _recorded([filled], dt.date(2026, 12, 1), dt.date(2026, 12, 4))
    assert _recorded([filled, typed], dt.date(2026, 11, 23), dt.date(2026, 12, 4))


def test_the_mails_pace_words_are_coloured_as_the_tabs_colour_them(
    sample_copy: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    """Found by a new user: 正常进度 was green in the mail, the colour of 超出进度, and blue on
    every tab and in the agenda."""
    from branchkit.render.marks import PACE_COLORS
    from branchkit.vocab import PACE_LABELS

    inbox, port = smtp_server
    assert _send(sample_copy, tmp_path, port).exit_code == 0
    (message,) = inbox.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    shown = re.findall(r'<span style="color:(#[0-9A-F]{6});">([^<]+)</span>', html)
    assert shown
    colour = {PACE_LABELS[pace]: text for pace, (_, text) in PACE_COLORS.items()}
    for text, words in shown:
        assert text == colour[words], (words, text)
