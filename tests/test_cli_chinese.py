"""The command line speaks Chinese throughout: click's own words never reach the user.

The rule every output here is held to: an ASCII word of three or more letters that the user sees
comes from branchkit's authors (the program, command and option names, choice values, default
values, the help texts and any metavar they wrote) or from what the user typed. A word from
anywhere else is click talking English. On top of that, a list of click's English phrases must
not appear at all.

Every command registered on `main` is walked, so commands added later are covered without
listing them here.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from branchkit.cli import main
from branchkit.cli_text import ABORTED, HELP_OPTION_HELP, ChineseGroup, display_width, wrap
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from .conftest import SAMPLE

PROG = "branchkit"
USAGE_ERROR = 2  # click's exit code for a command line it cannot use

CLICK_ENGLISH = [
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Positional arguments",
    "Show this message",
    "Show the version",
    "Error:",
    "Invalid value",
    "No such",
    "Missing",
    "Try '",
    "for help",
    "is not one of",
    "is not a valid",
    "is not in the range",
    "does not match",
    "requires an argument",
    "does not take a value",
    "unexpected extra",
    "Did you mean",
    "Possible options",
    "Choose from",
    ", version",
    "Aborted",
    "default:",
    "required]",
    "Deprecated",
    "deprecated",
    "[OPTIONS]",
    "COMMAND",
    "[ARGS]",
    "BOOK",
    "TEXT",
    "PATH",
    "DIRECTORY",
    "INTEGER",
    "FLOAT",
    "DATETIME",
    "%Y",
]

WORD = re.compile(r"[A-Za-z]{3,}")


def walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


def authors_words(root: click.Command) -> set[str]:
    """Every ASCII word branchkit's authors put into the command tree."""
    texts = [PROG]
    top = click.Context(root, **root.context_settings)  # the help option's names are set there
    for path, command in walk(root):
        texts += [*path, command.help or "", command.short_help or "", command.epilog or ""]
        for param in command.get_params(click.Context(command, parent=top)):
            texts += [*param.opts, *getattr(param, "secondary_opts", []), param.metavar or ""]
            texts += [getattr(param, "help", None) or "", str(param.default or "")]
            texts += [str(c) for c in getattr(param.type, "choices", [])]
    return {word for text in texts for word in WORD.findall(text)}


def assert_chinese(output: str, root: click.Command, typed: list[str]) -> None:
    for phrase in CLICK_ENGLISH:
        assert phrase not in output, f"click's English {phrase!r} in:\n{output}"
    allowed = authors_words(root) | {w for arg in typed for w in WORD.findall(arg)}
    stray = set(WORD.findall(output)) - allowed
    assert not stray, (
        f"English words {sorted(stray)} from neither the authors nor the user:\n{output}"
    )


def run(root: click.Command, args: list[str]) -> Result:
    return CliRunner().invoke(root, args, prog_name=PROG)


COMMAND_PATHS = [path for path, _ in walk(main)]


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join((PROG, *p)))
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_commands_help_is_chinese(path: tuple[str, ...], flag: str) -> None:
    result = run(main, [*path, flag])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"用法：{' '.join((PROG, *path))} [选项]")
    assert "选项：" in result.output and HELP_OPTION_HELP in result.output
    assert_chinese(result.output, main, [])


def test_the_group_help_lists_every_command_with_its_chinese_summary() -> None:
    output = run(main, ["-h"]).output
    assert "命令：" in output and "用法：branchkit [选项] 命令 [参数]..." in output
    for name, command in main.commands.items():
        if not command.hidden:
            assert re.search(rf"^  {re.escape(name)}  ", output, re.M), name


def test_help_lines_fit_an_80_column_terminal() -> None:
    """click measures characters; a Chinese character takes two columns, so its help ran past
    the edge of the window."""
    for path in COMMAND_PATHS:
        for line in run(main, [*path, "-h"]).output.splitlines():
            assert display_width(line) <= 80, line


def test_bare_program_shows_the_help_with_clicks_exit_code() -> None:
    """click 8.2 made `branchkit` with no command exit 2 (it was 0); that stays click's choice."""
    result = run(main, [])
    expected = USAGE_ERROR if hasattr(click.exceptions, "NoArgsIsHelpError") else 0
    assert result.exit_code == expected
    assert result.output.startswith("用法：branchkit")
    assert_chinese(result.output, main, [])


def test_version_is_chinese() -> None:
    result = run(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"branchkit 版本 {importlib.metadata.version('branchkit')}\n"


# ---------------------------------------------------------------- typical mistakes

MISTAKES = [
    (["refresh", "本月.xlsx", "--date", "2026-13-01"], ["--date", "“2026-13-01”", "日期"]),
    (["refresh", "本月.xlsx", "--date", "20号"], ["--date", "“20号”", "2026-11-20"]),
    (["rankings", "本月.xlsx", "--period", "year"], ["--period", "“year”", "日、周、月"]),
    (["build-agenda", "本月.xlsx", "--format", "pdf"], ["--format", "“pdf”", "xlsx、md"]),
    (["weekly", "本月.xlsx", "--smtp-port", "abc"], ["--smtp-port", "“abc”", "整数"]),
    (["refresh"], ["缺少参数：工作簿"]),
    (["refresh", "本月.xlsx", "--bogus"], ["没有这个选项：--bogus"]),
    (["refresh", "本月.xlsx", "--dte", "2026-11-20"], ["--dte", "--date"]),
    (["refresh", "本月.xlsx", "--date"], ["--date", "日期"]),
    (["validate", "本月.xlsx", "--json=yes"], ["--json", "不带值"]),
    (["refresh", "本月.xlsx", "多余.xlsx"], ["多余的参数：多余.xlsx"]),
    (["nope"], ["没有这个命令：nope"]),
    (["weakly", "本月.xlsx"], ["没有这个命令：weakly", "weekly"]),
    (["--debug"], ["缺少命令"]),
    (["--bogus"], ["没有这个选项：--bogus"]),
]


@pytest.mark.parametrize("args,told", MISTAKES, ids=lambda v: " ".join(v) if v else "")
def test_mistakes_are_told_in_chinese_with_clicks_exit_code(
    args: list[str], told: list[str]
) -> None:
    result = run(main, args)
    assert result.exit_code == USAGE_ERROR, result.output
    assert result.output.startswith("用法：branchkit")
    assert "查看帮助：branchkit" in result.output and " -h\n" in result.output
    error = result.output.splitlines()[-1]
    assert error.startswith("错误：")
    for fragment in told:
        assert fragment in error, (fragment, error)
    assert_chinese(result.output, main, args)


@pytest.mark.parametrize(
    ("path", "option", "shown", "default"),
    [
        (["rankings"], "--period", "[日|周|月]", "默认：月"),
        (["build-agenda"], "--meeting", "[夕会|周例会|月例会|晨会]", "默认：夕会"),
    ],
)
def test_closed_choices_are_shown_in_chinese(
    path: list[str], option: str, shown: str, default: str
) -> None:
    help_text = "".join(run(main, [*path, "--help"]).output.split())  # however it wraps
    assert f"{option}{shown}" in help_text and default in help_text
    for key in ("day", "month", "daily", "weekly", "morning"):
        assert key not in help_text


@pytest.mark.parametrize(
    ("args", "same"),
    [
        (["rankings", "--period"], ["周", "week", "本周至今"]),
        (["build-agenda", "--format", "txt", "--meeting"], ["周例会", "weekly"]),
        (["build-agenda", "--format", "txt", "--meeting"], ["夕会", "日例会", "daily"]),
    ],
)
def test_a_choice_is_taken_in_chinese_and_by_its_english_key(
    args: list[str], same: list[str]
) -> None:
    outputs = set()
    for word in same:
        command, option = args[:-1], args[-1]
        result = run(main, [*command, str(SAMPLE), "--date", "2026-11-20", option, word])
        assert result.exit_code in (0, 1), result.output
        outputs.add(result.output)
    assert len(outputs) == 1


def test_the_usage_shown_with_an_error_is_the_failing_commands() -> None:
    result = run(main, ["rankings", "本月.xlsx", "--period", "year"])
    assert result.output.splitlines()[:2] == [
        "用法：branchkit rankings [选项] 工作簿",
        "查看帮助：branchkit rankings -h",
    ]


# ---------------------------------------------------------------- any command, however added


def toy() -> click.Group:
    """A group using what branchkit's commands do not use yet, registered every way click
    allows: the decorator, add_command of a plain click.Command, a nested group."""

    @click.group(cls=ChineseGroup)
    def toy_main() -> None:
        """玩具命令组。"""

    @toy_main.command()
    @click.argument("names", nargs=-1)
    @click.option("--count", type=click.IntRange(1, 9), default=3, show_default=True, help="次数")
    @click.option("--mode", type=click.Choice(["fast", "slow"]), required=True, help="快慢")
    @click.option("--loud/--quiet", default=False, show_default=True, help="音量")
    @click.option("--folder", type=click.Path(exists=True, file_okay=False), help="文件夹")
    def greet(names: tuple[str, ...], count: int, mode: str, loud: bool, folder: str) -> None:
        """问候每个人。"""
        click.echo("，".join(names) * count)

    @toy_main.command(deprecated=True)
    def old() -> None:
        """旧的命令。"""

    @toy_main.command()
    def stop() -> None:
        """中途取消。"""
        raise click.Abort()

    @toy_main.command()
    @click.pass_context
    def picky(ctx: click.Context) -> None:
        """自己报错。"""
        ctx.fail("这个命令今天不用")

    toy_main.add_command(
        click.Command(
            "plain",
            callback=lambda size: None,
            params=[click.Option(["--size"], type=float, help="大小")],
            help="在别处做好的命令。",
        )
    )

    @toy_main.group()
    @click.option("--fast", is_flag=True, help="快")
    def nested(fast: bool) -> None:
        """子命令组。"""

    @nested.command()
    @click.argument("day", type=click.DateTime(["%Y-%m-%d"]), required=False)
    def leaf(day: object) -> None:
        """叶子命令。"""

    return toy_main


def test_every_help_of_a_group_built_every_way_is_chinese() -> None:
    root = toy()
    for path, _ in walk(root):
        result = run(root, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("用法：")
        assert_chinese(result.output, root, [])
    greet = run(root, ["greet", "--help"]).output
    assert "用法：branchkit greet [选项] [文字]..." in greet
    assert "（默认：3；1–9）" in greet and "（必填）" in greet and "（默认：quiet）" in greet
    assert "（已停用）" in run(root, ["--help"]).output
    assert "--size 数字" in run(root, ["plain", "--help"]).output
    assert (
        "用法：branchkit nested leaf [选项] [日期]"
        in run(root, ["nested", "leaf", "--help"]).output
    )


TOY_MISTAKES = [
    (["greet", "--mode", "fast", "--count", "12"], ["--count", "“12”", "1–9"]),
    (["greet"], ["缺少选项：--mode", "fast、slow"]),
    (["greet", "--mode", "fast", "--folder", "没有这个文件夹"], ["--folder", "找不到"]),
    (["plain", "--size", "big"], ["--size", "“big”", "数字"]),
    (["nested", "--fast"], ["缺少命令"]),
    (["nested", "leaf", "tomorrow"], ["参数 日期", "“tomorrow”"]),
    (["picky"], ["这个命令今天不用"]),
]


@pytest.mark.parametrize("args,told", TOY_MISTAKES, ids=lambda v: " ".join(v) if v else "")
def test_any_commands_mistakes_are_chinese(args: list[str], told: list[str]) -> None:
    root = toy()
    result = run(root, args)
    assert result.exit_code == USAGE_ERROR, result.output
    error = result.output.splitlines()[-1]
    assert error.startswith("错误：")
    for fragment in told:
        assert fragment in error, (fragment, error)
    assert_chinese(result.output, root, args)


def test_cancelling_is_chinese_and_exits_1_like_click() -> None:
    result = run(toy(), ["stop"])
    assert result.exit_code == 1
    assert result.output.strip() == ABORTED


def test_a_deprecated_command_warns_in_chinese_and_still_runs() -> None:
    root = toy()
    result = run(root, ["old"])
    assert result.exit_code == 0
    assert "old" in result.output and "已停用" in result.output
    assert_chinese(result.output, root, ["old"])


def test_other_click_programs_in_the_same_process_keep_their_english() -> None:
    """The Excel buttons import branchkit inside a Python that may run other click programs:
    nothing here may change them."""
    run(main, ["-h"])
    run(main, ["refresh", "--bogus"])

    @click.command()
    @click.option("--n", type=int)
    def other(n: int) -> None:
        """Someone else's tool."""

    def other_says(args: list[str]) -> str:
        return CliRunner().invoke(other, args, prog_name="other").output

    assert "Usage: other [OPTIONS]" in other_says(["--help"])
    assert "Show this message and exit." in other_says(["--help"])
    assert "Error: No such option" in other_says(["--bogus"])
    assert "Error: Invalid value for '--n'" in other_says(["--n", "x"])


# ---------------------------------------------------------------- wrapping Chinese

PIECES = st.one_of(
    st.sampled_from(list("网点营销管理转介排行跟进夕会工作簿")),
    st.sampled_from(list("，。、；：（）“”")),
    st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True),
    st.just(" "),
)


@given(st.lists(PIECES, max_size=60).map("".join), st.integers(min_value=12, max_value=60))
def test_wrapped_lines_fit_and_keep_every_character(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_closing_punctuation_never_starts_a_line() -> None:
    assert wrap("甲乙丙丁，戊己", 8) == ["甲乙丙", "丁，戊己"]
    assert wrap("甲乙丙（丁）", 8) == ["甲乙丙", "（丁）"]
    assert wrap("用 Excel 打开", 9) == ["用 Excel", "打开"]


def test_a_failure_inside_a_command_is_never_reported_as_cancelled(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Python raises EOFError for a stream cut short (a damaged cache file, a truncated part):
    # that is an internal error with --debug to see it, not the user pressing Ctrl+D.
    from branchkit import jobs

    def cut_short(*args: object, **kwargs: object) -> None:
        raise EOFError("Ran out of input")

    monkeypatch.setattr(jobs, "refresh", cut_short)
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"")
    result = CliRunner().invoke(main, ["refresh", str(book)])
    assert result.exit_code == 3, result.output
    assert result.output.startswith("内部错误：EOFError") and ABORTED not in result.output
