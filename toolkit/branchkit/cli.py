"""The `branchkit` command: thin wrappers over the same functions the Excel buttons call.

Each command parses options, calls the library, and formats what comes back. Failures a user can
fix come out as one line naming the file and what to do; a traceback only with --debug.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .batch import batch_mode, end_process
from .cli_text import NO_SUCH_DAY, ChineseGroup, Words, version_option
from .controls import visible
from .filenames import not_utf8, readable_name
from .problems import BookError, OutsideMonth, Problem, count_levels, os_reason

if TYPE_CHECKING:
    from .figures import Figures
    from .vocab import PeriodKind

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3


class BranchkitGroup(ChineseGroup):
    """Turns known failures into one clear line, and unknown ones into a short apology."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with batch_mode():
                return super().invoke(ctx)
        except BookError as exc:
            if ctx.meta.get("debug"):
                raise
            told = _for_command(exc, ctx)
            message, path = told.message, told.path
            if not_utf8(str(path)):  # the name as typed, not a temporary file made from it
                message, path = NOT_UTF8_NAME, readable_name(_not_utf8_argument() or str(path))
            if isinstance(exc, OutsideMonth) and ctx.meta.get(TODAY_BY_DEFAULT):
                import calendar

                last = exc.month.replace(day=calendar.monthrange(*exc.month.timetuple()[:2])[1])
                message += TODAY_WAS_THE_DEFAULT.format(day=last)
            _refuse(ctx, path, message)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: not an error
            sys.stderr.close()
            ctx.exit(EXIT_OK)
        except Exception as exc:
            if ctx.meta.get("debug"):
                raise
            if isinstance(exc, OSError) and exc.filename is not None:
                # A file the system refused where no step expected it (a name too long for the
                # folder): the file and the system's reason, in one line, as a BookError says.
                _refuse(ctx, exc.filename, f"无法使用这个文件（{os_reason(exc)}）")
            if isinstance(exc, UnicodeEncodeError) and "surrogates" in str(exc.reason):
                # A name in another encoding (GBK, from a Windows zip or an old share), which
                # Python keeps as surrogates and no file name or library can take back as text.
                _refuse(ctx, readable_name(_not_utf8_argument()) or "文件名", NOT_UTF8_NAME)
            click.echo(
                f"内部错误：{type(exc).__name__}: {visible(str(exc))}（加 --debug 可查看详细信息）",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


NOT_UTF8_NAME = (
    "文件名或文件夹名不是 UTF-8 编码（多见于从 Windows 拷来或解压的文件），branchkit 无法用它读写"
    "工作簿或备份：请把它改个名字后再试"
)


def _not_utf8_argument() -> str:
    """The first argument of the command line that is no UTF-8 text (a GBK name)."""
    return next((a for a in sys.argv[1:] if not_utf8(a)), "")


def _refuse(ctx: click.Context, path: object, message: str) -> None:
    """A file that cannot be used: one line naming it (and, for a script that asked for JSON,
    one object), exit 2."""
    click.echo(f"错误：{visible(f'{path}: {message}')}", err=True)
    if ctx.meta.get(JSON_ASKED):
        _json_out({"错误信息": visible(message), "文件": visible(str(path))})
    ctx.exit(EXIT_UNUSABLE)


# The 控制台 button that does a command's job inside Excel, by its macro (macros.BUTTONS).
EXCEL_BUTTONS = {
    "fill": "BranchkitFill",
    "refresh": "BranchkitRefresh",
    "build-agenda": "BranchkitAgenda",
}


def _for_command(exc: BookError, ctx: click.Context) -> BookError:
    """A workbook open in another program, told for the command that met it: in Excel with the
    button that does the same job ("填写" for fill), and --out only where the command has it."""
    from .writeback import OpenElsewhere

    if not isinstance(exc, OpenElsewhere) or not isinstance(ctx.command, click.Group):
        return exc
    name = ctx.invoked_subcommand or ""
    command = ctx.command.commands.get(name)
    out = command is not None and any(p.name == "out" for p in command.params)
    macro = EXCEL_BUTTONS.get(name)
    if macro is None:
        return exc.told("", out)
    from .macros import BUTTONS

    return exc.told(dict(BUTTONS)[macro], out)


def _json_out(data: Any) -> None:
    import json  # only --json needs it, not a click

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# ---------------------------------------------------------------- shared options (one decorator each)


def book_argument(func: F) -> F:
    return click.argument("book", type=click.Path(path_type=Path))(func)


# The dates branchkit computes for (the template's date cells accept the same range); beyond
# them a week or a next work day would fall off the calendar.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _check_day(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> Any:
    if value is not None and not FIRST_DAY <= value.date() <= LAST_DAY:
        raise BookError(
            "--date",
            f"统计日期 {value.date().isoformat()} 超出范围，应在 {FIRST_DAY} 到 {LAST_DAY} 之间",
        )
    return value


class DayType(click.DateTime):
    """click.DateTime that reads the usual spelling, 2026-11-20, without strptime: its first use
    imports _strptime and compiles a pattern, a few ms of every click. Anything else goes to
    click.DateTime as before; a day its month lacks (2026-11-31, 2026.11.31) is refused saying
    so, not with the list of spellings."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return dt.datetime(int(value[:4]), int(value[5:7]), int(value[8:]))
            except ValueError:
                pass
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            found = _DAY_PARTS.fullmatch(value) if isinstance(value, str) else None
            if found:
                year, month, day = map(int, found.groups())
                if year >= 1 and 1 <= month <= 12:  # 2026-11-31: the day its month lacks
                    import calendar

                    last = calendar.monthrange(year, month)[1]
                    if day > last:
                        said = NO_SUCH_DAY.format(year=year, month=month, day=day, last=last)
                        self.fail(said, param, ctx)
            raise


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The spellings --date takes (2026-11-20, 2026.11.20, 2026/11/20, 2026年11月20日), by their parts
_DAY_PARTS = re.compile("([0-9]{4})[-./年]([0-9]{1,2})[-./月]([0-9]{1,2})日?")


def dated(help: str) -> Callable[[F], F]:
    """A --date option with its own help line (what the date does for that command)."""

    def option(func: F) -> F:
        return click.option(
            "--date",
            "day",
            type=DayType(formats=["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y年%m月%d日"]),
            default=None,
            callback=_check_day,
            help=help,
        )(func)

    return option


date_option = dated("统计日期 D（默认今天），如 2026-11-20")


def _periods() -> tuple[dict[str, Any], dict[str, Any]]:
    from .vocab import PERIOD_LETTERS, PERIOD_TITLES

    return {word: kind for kind, word in PERIOD_LETTERS.items()}, {
        word: kind for kind, word in PERIOD_TITLES.items()
    }


def period_option(func: F) -> F:
    return click.option(
        "--period",
        type=Words(_periods),
        default="month",
        show_default=True,
        help="期间：日（当日）/ 周（本周至今）/ 月（本月至今）",
    )(func)


def json_option(func: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        callback=_remember_json,
        help="输出一个 JSON 对象（UTF-8）",
    )(func)


JSON_ASKED = "branchkit.json"


def _remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """A script that asked for JSON gets one on stdout even when the command is refused."""
    if value:
        ctx.meta[JSON_ASKED] = True
    return value


def out_option(func: F) -> F:
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=None,
        help="写到另一个文件，原工作簿保持不变",
    )(force_option(func))


def force_option(func: F) -> F:
    """--force for a command that writes files: an output may then replace a file branchkit
    did not make for it (kept in 备份); never a workbook with a weekly, a rollup, a text or an
    e-mail (outputs.claim). The command runs inside `overwrite_allowed`, so the library calls
    between it and the write need not pass the flag along."""

    @functools.wraps(func)
    def run(*args: Any, force: bool, **kwargs: Any) -> Any:
        from .outputs import overwrite_allowed

        with overwrite_allowed(force):
            return func(*args, **kwargs)

    return click.option(
        "--force",
        is_flag=True,
        help="输出文件已存在、又不是 branchkit 为此生成的时也覆盖（原文件留在“备份”文件夹）",
    )(run)  # type: ignore[return-value]


def template_option(func: F) -> F:
    return click.option(
        "--template",
        "template_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="自定义模板文件夹（复制 branchkit 自带的模板后修改）",
    )(func)


def _check_week(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is not None:
        from .weekly import parse_week

        try:
            monday, sunday = parse_week(value)
        except OverflowError:  # the week's Sunday is past the last date Python knows
            monday = sunday = dt.date.max
        if not FIRST_DAY <= monday <= sunday <= LAST_DAY:
            raise BookError("--week", f"周次 {value} 超出范围，应在 {FIRST_DAY} 到 {LAST_DAY} 之间")
    return value


def _day(value: dt.datetime | None) -> dt.date:
    """The --date given, else today (remembered: a refusal then says where the date came from)."""
    if value:
        return value.date()
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[TODAY_BY_DEFAULT] = True
    return dt.date.today()


TODAY_BY_DEFAULT = "branchkit.today_by_default"
# After a refusal of D when D was today only because --date was left out.
TODAY_WAS_THE_DEFAULT = (
    "（没有加 --date，按今天算；要看这个工作簿的某一天，请加 --date，如 --date {day}）"
)


# ---------------------------------------------------------------- commands


@click.group(cls=BranchkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的技术信息")
@version_option("branchkit")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """branchkit：网点营销管理——转介、排行、跟进、夕会，都在 Excel 里。

    退出码：0 正常；1 工作簿有数据错误（结果照常写出）；2 文件无法使用；3 内部错误（--debug 看详情）。"""
    ctx.meta["debug"] = debug


def run() -> None:
    """The `branchkit` program (its script, `python -m branchkit`): the command line, then the
    process ends through `end_process`, without Python's teardown. `main` itself, called from
    Python (a script, the tests), returns or raises as click does."""
    try:
        main()
    except SystemExit as exc:
        end_process(exc.code)
    end_process(EXIT_OK)


def _check_month(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--month read the way 设置 reads 统计月份 (2026-11, 2026.11, 2026/11, 2026年11月) and
    written the usual way; anything else would land in 设置 only to be read back as blank."""
    if not value:
        return value
    from .settings import SETTING_ITEMS

    month = next(item.parse for item in SETTING_ITEMS if item.key == "month")(value)
    if not isinstance(month, dt.date) or not FIRST_DAY <= month <= LAST_DAY:
        raise click.BadParameter(
            f"应为 {FIRST_DAY.year} 到 {LAST_DAY.year} 年间的年月，"
            f"如 2026-11、2026.11、2026/11 或 2026年11月（收到“{value}”）"
        )
    return f"{month:%Y-%m}"


def _blank_settings_note(branch: str, month: str) -> str | None:
    """What a new workbook's 设置 leaves blank, said once at creation rather than discovered
    later as a nameless ranking."""
    blank = [
        (label, option)
        for label, option, value in (
            ("网点名称", "--branch", branch),
            ("统计月份", "--month", month),
        )
        if not value
    ]
    if not blank:
        return None
    note = (
        f"注意：{'、'.join(label for label, _ in blank)}未填，请在“设置”表填写"
        f"（或新建时加 {' '.join(option for _, option in blank)}）"
    )
    return note + ("；填好之前排行榜和周报不显示网点名称" if not branch else "")


@main.command()
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--branch", default="", metavar="网点名称", help="网点名称，如 火车站支行")
@click.option(
    "--month",
    default="",
    metavar="年-月",
    callback=_check_month,
    help="统计月份，如 2026-11（也可写 2026.11、2026/11、2026年11月）",
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
@click.option("--macros", is_flag=True, help="带“控制台”按钮的 .xlsm（在 Excel 里点按钮刷新）")
@click.option(
    "--upgrade",
    is_flag=True,
    help="给已有的工作簿补上缺少的输入表（如 清单项目、每日清单），原有内容不动",
)
@click.option(
    "--launchers",
    is_flag=True,
    help="在工作簿旁放 填写/刷新/夕会/周报 的双击脚本（.cmd 和 .sh，供 WPS、LibreOffice 使用；"
    "--macros 总会放）；工作簿已存在时只写脚本；文件夹里为别的工作簿做的脚本只有加 --force 才替换",
)
@click.option(
    "--from",
    "previous",
    type=click.Path(path_type=Path),
    default=None,
    help="上月的工作簿：带入设置、人员、产品、清单项目、目标和还没办完的事（上月工作簿只读取）",
)
def init(
    book: Path,
    branch: str,
    month: str,
    force: bool,
    macros: bool,
    upgrade: bool,
    launchers: bool,
    previous: Path | None,
) -> None:
    """新建网点工作簿（含全部输入表和说明）；--from 上月工作簿：新建下个月的；--macros 带按钮；--upgrade 补齐旧工作簿。"""
    if upgrade and previous:
        raise click.UsageError(
            "--upgrade 和 --from 不能一起用：--upgrade 补齐旧工作簿，--from 新建下个月的"
        )
    if not_utf8(str(book)):  # a workbook no other command could then open
        raise BookError(book, NOT_UTF8_NAME)
    if launchers and book.exists() and previous is None:
        _write_launchers(book, force=force)
        return
    if previous is not None:
        _check_suffix(book, macros)
        from .newmonth import new_month, summary

        made = new_month(previous, book, month or None, force, macros, branch)
        if launchers or macros:
            _write_launchers(book, previous, force)
        for line in summary(made):  # its last line is the month's next step
            click.echo(line)
        return
    if upgrade:
        from .upgrade import upgrade as upgrade_book

        done = upgrade_book(book)
        if done.added:
            click.echo(f"已升级 {book}：新增 {'、'.join(done.added)}（原有工作表未改动）")
        else:
            click.echo(f"{book} 已有全部输入表，无需升级")
        return
    if book.exists() and not force:
        raise BookError(book, "文件已存在；要覆盖请加 --force")
    _check_suffix(book, macros)
    from .settings import Settings

    # The month's statutory holidays and 调休, for the branch to see and correct in 工作日历.
    holidays = None
    if month:
        from .newmonth import holiday_rows

        holidays = holiday_rows(dt.date(int(month[:4]), int(month[5:]), 1))
    data = {"work_calendar": holidays or []}
    keep = Settings().backups  # --force keeps the workbook it replaces in 备份, like every write
    if macros:
        from .macros import write_macro_workbook

        write_macro_workbook(book, branch, month, data, keep_backups=keep)
        click.echo(f"已新建带按钮的工作簿：{book}（先运行 branchkit doctor {book.name} 检查设置）")
    else:
        from .templates import write_branch_workbook

        write_branch_workbook(book, branch, month, data=data, keep_backups=keep)
        click.echo(f"已新建：{book}")
    if holidays:
        click.echo(f"“工作日历”已列出本月的法定节假日和调休 {len(holidays)} 天，请按网点实际核对")
    elif month and holidays is None:
        from .newmonth import unknown_year_note

        click.echo(unknown_year_note(dt.date(int(month[:4]), int(month[5:]), 1)))
    note = _blank_settings_note(branch, month)
    if note:
        click.echo(note)
    if launchers or macros:  # the buttons' four jobs for WPS and LibreOffice too
        _write_launchers(book, force=force)
    click.echo(next_step(book, macros))


def next_step(book: Path, macros: bool) -> str:
    """What to do with a new workbook, said once when it is made."""
    if macros:
        return (
            f"下一步：运行 branchkit doctor {book.name} 检查按钮需要的设置；然后在 Excel 里填好"
            "“设置”“人员”“产品”“目标”，每天在“控制台”点「填写」「刷新排行」「生成夕会议程」"
        )
    return (
        "下一步：填好“设置”“人员”“产品”“目标”，员工每天登记“转介登记”“追踪表”；"
        f"然后运行 branchkit fill {book.name} 和 branchkit refresh {book.name}，"
        f"傍晚 branchkit build-agenda {book.name} 生成夕会议程"
    )


def _check_suffix(book: Path, macros: bool) -> None:
    wanted = ".xlsm" if macros else ".xlsx"
    if book.suffix.lower() != wanted:
        raise BookError(
            book, f"请用 {wanted} 作为文件扩展名" + ("（带按钮的工作簿）" if macros else "")
        )


def _write_launchers(book: Path, previous: Path | None = None, force: bool = False) -> None:
    from .launchers import write_launchers

    done = write_launchers(book, previous=previous, force=force)
    if done.written:
        names = "、".join(p.name for p in done.written if p.suffix == ".cmd")
        moved = f"（原来运行的是 {done.moved_from}）" if done.moved_from else ""
        click.echo(f"已在 {book.parent} 放好双击脚本：{names}（Linux 桌面用同名 .sh）{moved}")
    for path in done.skipped:
        click.echo(f"未改动 {path}：这个文件不是 branchkit 生成的", err=True)
    for other, paths in done.others.items():
        names = "、".join(p.name for p in paths if p.suffix == ".cmd") or paths[0].name
        click.echo(
            f"未改动工作簿旁的双击脚本 {names} 等：它们运行的是 {other}；"
            f"要改为运行 {book.name}，请运行 branchkit init {book.name} --launchers --force",
            err=True,
        )


@main.command("add-buttons")
@book_argument
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="写到这个 .xlsm（默认：原工作簿旁的同名 .xlsm）",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖（旧版本留在“备份”文件夹）")
def add_buttons(book: Path, out: Path | None, force: bool) -> None:
    """给现有工作簿加上按钮：另存为 .xlsm，加入“控制台”、xlwings.conf 和宏，原有内容不变。"""
    from .buttons import add_buttons as add

    written = add(book, out, force)
    click.echo(f"已加上按钮：{written}（先运行 branchkit doctor {written} 检查设置）")
    _write_launchers(written, previous=book)


def format_problems(problems: list[Problem]) -> str:
    """The problem list as an aligned plain-text table (CJK characters count double)."""
    from . import problem_text as text
    from .termtext import aligned, display_width

    rows = [("级别", "位置", "值", "问题")]
    for p in problems:
        value = p.shown_value if display_width(p.shown_value) <= 24 else p.shown_value[:20] + "…"
        detail = text.detail(p)
        rows.append(
            (text.level(p), p.where, value, text.statement(p) + (f"（{detail}）" if detail else ""))
        )
    return "\n".join(aligned(rows))


@main.command()
@book_argument
@dated("也检查这一天（如 2026-11-20）：当班却没有每日数据、每日数据的转介数量与推荐卡不符")
@json_option
def validate(book: Path, day: dt.datetime | None, as_json: bool) -> None:
    """检查工作簿的数据问题。无错误时退出码 0，有错误 1，无法打开 2。"""
    from . import problem_text
    from .read import read_book

    loaded = read_book(book)
    problems = loaded.problems
    if day is not None:  # the checks of one day, as refresh and the agenda make them for D
        from .crosscheck import day_problems

        loaded.check_day(day.date())
        problems = [*problems, *day_problems(loaded, day.date())]
    month = day.date() if day is not None else loaded.month
    if month is not None:  # the month's, as the 数据问题 tab lists them
        from .figures import month_problems

        problems = [*problems, *month_problems(loaded, month)]
    errors, warnings = count_levels(problems)
    if as_json:
        _json_out(
            {
                "网点": loaded.settings.branch,
                "数据问题": [problem_text.as_json(p) for p in problems],
            }
        )
    elif problems:
        click.echo(format_problems(problems))
        click.echo(f"\n{book.name}：{errors} 个错误，{warnings} 个警告")
    else:
        click.echo(f"{book.name}：没有发现数据问题")
    sys.exit(EXIT_PROBLEMS if errors else EXIT_OK)


@main.command()
@book_argument
@date_option
@out_option
@json_option
def refresh(book: Path, day: dt.datetime | None, out: Path | None, as_json: bool) -> None:
    """刷新排行榜、转介质量、分润明细、跟进提醒、管理清单、数据问题（写回工作簿，原数据不动）。

    工作簿有数据错误时退出码为 1（结果照常写出，错误列在“数据问题”表）。"""
    from . import jobs

    when = _day(day)  # once: a run across midnight still says the day it computed
    result = jobs.refresh(book, when, out)
    if as_json:
        _json_out(
            {
                "文件": str(result.path),
                "工作表": result.sheets,
                "错误": result.errors,
                "警告": result.warnings,
            }
        )
        _exit_for_errors(result.errors)
    click.echo(f"已刷新 {result.path}（统计日期 {when}）：")
    for name in result.sheets:
        click.echo(f"  · {name}")
    if result.errors or result.warnings:
        click.echo(f"数据问题：{result.errors} 个错误，{result.warnings} 个警告，详见“数据问题”表")
    _exit_for_errors(result.errors)


def _exit_for_errors(errors: int) -> None:
    """Exit 1 when the workbook has 错误 (README's exit codes); the output is written first."""
    sys.exit(EXIT_PROBLEMS if errors else EXIT_OK)


@main.command()
@book_argument
@date_option
@period_option
@json_option
def rankings(book: Path, day: dt.datetime | None, period: str, as_json: bool) -> None:
    """计算排名、完成率、进度和之星（--json 输出供脚本使用的 JSON）。

    工作簿有数据错误时退出码为 1（照常完成；错误用 branchkit validate 查看）。"""
    from . import jobs
    from .read import read_book
    from .vocab import PeriodKind

    figures = jobs.figures(read_book(book), _day(day))
    kind = PeriodKind(period)
    errors = count_levels(figures.problems)[0]
    if as_json:
        from .render.report import figures_json

        _json_out(figures_json(figures, kind))
        _exit_for_errors(errors)
    click.echo(rankings_text(figures, kind))
    if errors:
        click.echo(f"注意：工作簿有 {errors} 个数据错误，相关数字未计入（branchkit validate 查看）")
    _exit_for_errors(errors)


def rankings_text(figures: Figures, kind: PeriodKind) -> str:
    """The period's ranking for a terminal: a header line, the people ranked (aligned in
    terminal columns), then the stars."""
    from .termtext import aligned
    from .vocab import PERIOD_LETTERS, STAR_TITLES, pace_label

    period = figures.period(kind)
    lines = [
        f"{figures.branch} {figures.date.isoformat()} 期间：{PERIOD_LETTERS[kind]}  "
        f"时间进度 {period.time_progress:.1%}"
    ]
    ranked = sorted(
        (p for p in period.people if p.rank is not None), key=lambda p: (p.rank, p.name)
    )
    rows = [("排名", "姓名", "岗位", "综合得分", "进度")] + [
        (str(p.rank), p.name, p.role, f"{p.score or 0:.1%}", pace_label(p.overall_status))
        for p in ranked
    ]
    if ranked:
        lines += aligned(rows, right=frozenset({0, 3, 4}))
    lines += [
        f"{STAR_TITLES[k]}：{'、'.join(names) or '暂无'}" for k, names in figures.stars.items()
    ]
    return "\n".join(lines)


def _progress_bar(label: str, total: int) -> Any:
    """A progress bar on a terminal only: piped or captured output stays one clean summary line."""
    from tqdm import tqdm

    return tqdm(
        total=total, desc=label, unit="个", file=sys.stderr, disable=not sys.stderr.isatty()
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@date_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="汇总工作簿（默认 分行汇总-年-月.xlsx；历史库 分行汇总.duckdb 存在它旁边）",
)
@force_option
@json_option
@click.option("--write-back", is_flag=True, help="把每人的分行同岗位排名写回各网点的“排行榜”")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认用全部 CPU 核）"
)
@click.option(
    "--scheduler",
    default=None,
    metavar="地址",
    help="Dask 调度器地址，如 tcp://host:8786（需 branchkit[cluster]）",
)
@click.option(
    "--export-parquet",
    "parquet",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="把历史库的各表导出为 Parquet 文件到这个文件夹",
)
def rollup(
    inputs: tuple[Path, ...],
    day: dt.datetime | None,
    out: Path | None,
    as_json: bool,
    write_back: bool,
    jobs: int | None,
    scheduler: str | None,
    parquet: Path | None,
) -> None:
    """分行汇总：网点排行、同岗位排名、分行之星、趋势（有文件未计入时退出码 1）。

    路径：网点工作簿所在的文件夹，或工作簿文件（可多个）；汇总工作簿旁边的 分行汇总.duckdb
    记录每次汇总的数字，供趋势使用。"""
    from .render.rollup import rollup_json, summary_line, week_before_the_month
    from .rollupjob.job import run

    result = run(list(inputs), _day(day), out, jobs, scheduler, write_back, parquet, _progress_bar)
    if as_json:
        data = rollup_json(result.rollup)
        if write_back:
            data["写回"] = {
                "已写入": result.written_back,
                "未写入": [{"文件": s.file, "原因": s.reason} for s in result.not_written],
            }
        _json_out(data)
    else:
        for skipped in result.rollup.left_out:
            click.echo(f"未计入：{skipped.file}：{skipped.reason}", err=True)
        if write_back:
            click.echo(f"已写回 {len(result.written_back)} 个网点的排行榜")
            for skipped in result.not_written:
                click.echo(f"未写回：{skipped.file}：{skipped.reason}", err=True)
        for path in result.parquet:
            click.echo(f"已导出 {path}")
        click.echo(summary_line(result.rollup, result.seconds, result.out))
        if began_before := week_before_the_month(result.rollup):
            click.echo(began_before)
    sys.exit(EXIT_OK if result.complete else EXIT_PROBLEMS)


@main.command()
@book_argument
@date_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="预演，不写入：按表列出将新增的行数和填写的格数（加 --json 列出每个单元格）",
)
@out_option
@json_option
def fill(
    book: Path, day: dt.datetime | None, dry_run: bool, out: Path | None, as_json: bool
) -> None:
    """填写员工的表：转介编号、追踪表新行、结果反馈、每日数据等（只写空白格和新行）。

    工作簿有数据错误时退出码为 1（照常完成；错误用 branchkit validate 查看）。"""
    from . import jobs

    when = _day(day)  # once: a run across midnight still says the day it filled
    result = jobs.fill(book, when, out, dry_run)
    if as_json:
        _json_out(
            {
                "已填写": [_written_json(s, c, v) for s, c, v in result.written],
                "跳过": [{"表": s, "单元格": c, "原因": r} for s, c, r in result.skipped],
                "说明": result.notes,
            }
        )
        _exit_for_errors(result.errors)
    click.echo(_fill_summary(result, dry_run, when, dated=day is not None))
    _exit_for_errors(result.errors)


# After "网点不营业" when the day was today's by default: how to fill another.
FILL_ANOTHER_DAY = "（要填写另一天，请加 --date 日期）"


def _written_json(sheet: str, cell: str, value: object) -> dict[str, object]:
    """One cell fill wrote, for --json: a formula as its text (=COUNTIFS(…)) under 公式 beside
    the value it holds now, never Python's picture of the object."""
    from .writerules import Formula

    if isinstance(value, Formula):
        return {"表": sheet, "单元格": cell, "值": value.cached, "公式": f"={value.text}"}
    return {"表": sheet, "单元格": cell, "值": value}


def _fill_summary(result: Any, dry_run: bool, day: dt.date, dated: bool = True) -> str:
    """One line per sheet ("追踪表：新增 12 行，填写 3 格"), then what was skipped and why; on a
    day the branch is closed with nothing else to write, the one line that says so (and, when
    the day was today's by default, how to fill another)."""
    hint = "" if dated or not result.notes else FILL_ANOTHER_DAY
    if result.notes and not (result.rows_added or result.cells_filled or result.skipped):
        return visible("\n".join(result.notes)) + hint
    if dry_run:
        head = f"预演（未写入），统计日期 {day}："
    elif result.path:
        head = f"已填写 {result.path}（统计日期 {day}）："
    else:
        head = f"没有需要填写的内容（统计日期 {day}）"
    lines = [head]
    for sheet in dict.fromkeys([*result.rows_added, *result.cells_filled]):
        parts = []
        if result.rows_added.get(sheet):
            parts.append(f"新增 {result.rows_added[sheet]} 行")
        if result.cells_filled.get(sheet):
            parts.append(f"填写 {result.cells_filled[sheet]} 格")
        lines.append(f"  · {sheet}：{'，'.join(parts)}")
    for sheet, cell, reason in result.skipped:
        lines.append(f"  跳过 {sheet}!{cell}：{reason}" if cell else f"  跳过 {sheet}：{reason}")
    lines += result.notes
    return visible("\n".join(lines)) + hint  # sheet names are the workbook's


def _meetings() -> tuple[dict[str, Any], dict[str, Any]]:
    """夕会 first, as the branch calls its evening meeting; 日例会 accepted for it."""
    from .vocab import DAILY, MEETING_ALIASES, MEETING_NAMES

    shown = {word: kind for word, kind in MEETING_ALIASES.items()}
    shown |= {word: kind for kind, word in MEETING_NAMES.items() if kind != DAILY}
    return shown, {MEETING_NAMES[DAILY]: DAILY}


@main.command("build-agenda")
@book_argument
@date_option
@click.option(
    "--meeting",
    type=Words(_meetings),
    default="daily",
    show_default=True,
    help="夕会（即日例会）/ 周例会 / 月例会；或 晨会",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "md", "html", "txt", "text", "markdown"]),
    default="xlsx",
    show_default=True,
    help="xlsx：写入工作簿的“夕会议程”表；md（markdown）、html、txt（text）输出文本",
)
@out_option
@template_option
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="议程文字的语言",
)
def build_agenda(
    book: Path,
    day: dt.datetime | None,
    meeting: str,
    fmt: str,
    out: Path | None,
    template_dir: Path | None,
    lang: str,
) -> None:
    """生成夕会或晨会议程：写入工作簿，或输出 Markdown / HTML / 纯文本。

    工作簿有数据错误时退出码为 1（照常完成；错误用 branchkit validate 查看）。"""
    from . import jobs
    from .vocab import DAILY, agenda_sheet_name, meeting_kind

    if template_dir is not None and not template_dir.is_dir():
        raise BookError(template_dir, "模板文件夹不存在")
    kind = meeting_kind(meeting) or DAILY  # click has checked it is one of the meeting words
    tab = agenda_sheet_name(kind)
    if fmt == "xlsx":
        when = _day(day)  # once: a run across midnight still says the day it wrote
        written, agenda = jobs.write_agenda(book, when, kind, out, lang, template_dir)
        click.echo(f"{tab}已写入 {written} 的“{tab}”表（{when}）")
        _exit_for_errors(agenda.errors)
    from .render.agenda import render_agenda

    agenda = jobs.build_agenda(book, _day(day), kind)
    text = render_agenda(agenda, fmt, lang, template_dir)
    if out is None or str(out) == "-":  # --out -: standard output, as other tools take it
        click.echo(text, nl=False)
    else:
        from .outputs import AGENDA_TEXT, stamped
        from .writeback import write_bytes

        data = stamped(text, fmt).encode("utf-8")
        out = write_bytes(out, data, made_for=AGENDA_TEXT, made_from=[book])
        click.echo(f"{tab}已写入 {out}")
    _exit_for_errors(agenda.errors)


@main.command()
@click.argument("book", type=click.Path(path_type=Path), required=False)
@click.option(
    "--fix",
    is_flag=True,
    help="（Windows）把本机 branchkit 所用的 pythonw.exe 写入工作簿 xlwings.conf 表的 "
    "Interpreter_Win（只写空白格）",
)
def doctor(book: Path | None, fix: bool) -> None:
    """检查 Excel 按钮需要的设置（Python、xlwings 版本、工作簿），并说明怎么修。"""
    from .doctor import checks, fix_interpreter, report

    if fix:
        if book is None:
            raise click.BadParameter("--fix 要给出工作簿", param_hint="BOOK")
        click.echo(fix_interpreter(book))
    found = checks(book)
    click.echo(report(found))
    sys.exit(EXIT_OK if all(c.ok for c in found) else EXIT_PROBLEMS)


@main.command()
@click.argument("book", type=click.Path(path_type=Path), required=False)
@click.option(
    "--rollup",
    "rollup_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="分行周报：汇总这个文件夹里各网点的工作簿（不用再给网点工作簿）",
)
@click.option(
    "--week",
    default=None,
    metavar="周次",
    callback=_check_week,
    help="周次，如 2026-W47（默认本周）",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="周报工作簿写到这里（默认：网点工作簿旁边的“网点-周次-周报.xlsx”）",
)
@force_option
@click.option("--send", "send_mail", is_flag=True, help="生成后发送邮件")
@click.option(
    "--to",
    "recipients",
    multiple=True,
    metavar="邮箱",
    help="收件人（可多次使用；默认用“设置”里的邮件收件人）",
)
@click.option(
    "--eml",
    type=click.Path(path_type=Path),
    default=None,
    help="把邮件写成 .eml 文件而不发送（可用 Outlook 打开）",
)
@click.option(
    "--smtp-host",
    default=None,
    metavar="服务器",
    help="SMTP 服务器（默认取“设置”或 BRANCHKIT_SMTP_HOST）",
)
@click.option("--smtp-port", type=int, default=None, help="SMTP 端口")
@click.option(
    "--smtp-user",
    default=None,
    metavar="账号",
    help="SMTP 账号（密码只从 BRANCHKIT_SMTP_PASSWORD 或系统钥匙串读取）",
)
@click.option(
    "--security",
    type=click.Choice(["ssl", "starttls", "none"]),
    default=None,
    help="加密方式（默认：465 端口用 ssl，其余 starttls）",
)
@template_option
def weekly(
    book: Path | None,
    rollup_dir: Path | None,
    week: str | None,
    out: Path | None,
    send_mail: bool,
    recipients: tuple[str, ...],
    eml: Path | None,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_user: str | None,
    security: str | None,
    template_dir: Path | None,
) -> None:
    """生成周报工作簿（客户信息脱敏），可发送邮件或写成 .eml；--rollup 生成分行周报。

    工作簿也可以是文件夹：用其中文件名带本周所在月份的网点工作簿（定时任务不必每月改命令）。

    工作簿有数据错误时退出码为 1（照常生成和发送；错误用 branchkit validate 查看）。"""
    from . import jobs
    from .read import read_book
    from .weekly import as_of, week_label

    if rollup_dir is not None:
        _parent_weekly(
            [rollup_dir, *([book] if book else [])],
            week,
            out,
            send_mail,
            list(recipients),
            eml,
            (smtp_host, smtp_port, smtp_user, security),
            template_dir,
        )
        return
    if book is None:
        raise click.BadParameter("请给出网点工作簿，或用 --rollup 指定各网点工作簿所在的文件夹")
    if book.is_dir():  # a scheduled job names the folder; the week says which month's workbook
        from .filenames import month_workbook

        book = month_workbook(book, as_of(week or week_label(dt.date.today()), dt.date.today()))
    if eml is not None:  # refused before the weekly workbook is written, not after
        from .outputs import MAIL, claim

        claim(eml, MAIL, [book])
    loaded = read_book(book)
    today = dt.date.today()
    data, written = jobs.weekly(loaded, week or week_label(today), out, today)
    click.echo(f"周报已生成：{written}（数据截至 {data.day}）")
    from .render.weekly import notes_for_the_sender

    for line in notes_for_the_sender(data):
        click.echo(f"注意：{line}")
    if send_mail or eml:
        _weekly_mail(
            data,
            written,
            loaded.settings,
            book,
            (send_mail, list(recipients), eml),
            template_dir,
            (smtp_host, smtp_port, smtp_user, security),
        )
    _exit_for_errors(data.problem_count[0])


def _weekly_mail(
    data: Any,
    written: Path,
    settings: Any,
    book: Path,
    how: tuple[bool, list[str], Path | None],
    template_dir: Path | None,
    smtp: tuple[str | None, int | None, str | None, str | None],
) -> None:
    """The weekly workbook's mail: sent, or written as an .eml for Outlook."""
    from . import jobs, mail

    send_mail, recipients, eml = how
    message, to = jobs.weekly_mail(
        data, written, settings, recipients, template_dir, sending=send_mail
    )
    if eml:
        click.echo(_eml_written(mail.write_eml(message, eml, [book]), to))
    if send_mail:
        where = jobs.send_mail(message, settings, smtp)
        click.echo(f"已发送给 {len(to)} 位收件人（{where}）")


def _parent_weekly(
    inputs: list[Path],
    week: str | None,
    out: Path | None,
    send_mail: bool,
    recipients: list[str],
    eml: Path | None,
    smtp: tuple[str | None, int | None, str | None, str | None],
    template_dir: Path | None,
) -> None:
    """`weekly --rollup DIR`: the parent branch's weekly workbook and mail."""
    from . import jobs, mail
    from .render.rollup import week_before_the_month
    from .rollupjob import weekly as parent
    from .settings import Settings
    from .weekly import week_label

    today = dt.date.today()
    data = parent.build(inputs, week or week_label(today), today, out, progress=_progress_bar)
    click.echo(
        f"分行周报已生成：{data.path}（{len(data.rollup.branches)} 个网点，数据截至 {data.day}）"
    )
    if began_before := week_before_the_month(data.rollup):
        click.echo(began_before)
    for skipped in data.rollup.left_out:
        click.echo(f"未计入：{skipped.file}：{skipped.reason}", err=True)
    if send_mail or eml:
        settings = Settings()
        message = parent.message(data, recipients, mail.sender(settings), template_dir)
        if eml:
            click.echo(_eml_written(mail.write_eml(message, eml, [data.path]), recipients))
        if send_mail:
            mail.check_addresses(recipients)
            where = jobs.send_mail(message, settings, smtp)
            click.echo(f"已发送给 {len(recipients)} 位收件人（{where}）")
    # as `rollup` exits: 1 when a workbook was left out (the weekly still made and sent)
    sys.exit(EXIT_PROBLEMS if data.rollup.left_out else EXIT_OK)


def _eml_written(path: Path, recipients: Sequence[str]) -> str:
    """Where the .eml went; without recipients it is still useful: Outlook lets them be filled in."""
    unaddressed = "" if recipients else "（没有收件人：请在 Outlook 中填写）"
    return f"邮件已写入：{path}{unaddressed}"


if __name__ == "__main__":
    main()
