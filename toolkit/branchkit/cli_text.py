"""Chinese for everything click itself says: help layout, usage lines, errors, --version.

click marks its words for gettext, but gettext's domain is process-wide: installing a catalog
would turn every click program in the process Chinese, and branchkit also runs inside Excel's
Python next to whatever else is loaded there. So the translation is scoped to branchkit's own
commands instead: `ChineseGroup` and `ChineseCommand` write their help themselves, and turn
click's exceptions into Chinese ones built from what the exception carries (the parameter, its
type, the option name), never by matching click's English sentences, which change between
releases. Any command registered on a `ChineseGroup` gets this, however it was registered.

The rule the tests hold the output to: an ASCII word the user sees comes from branchkit's
authors (the program, command and option names, choice values, the help texts) or from what
the user typed; none comes from click.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any

import click
from click.formatting import join_options

from .termtext import clip, display_width, paragraphs, wrap, wrap_paragraphs

# ---------------------------------------------------------------- the words (one place)

USAGE = "用法："
HINT = "查看帮助：{command} {option}"
ERROR = "错误：{message}"
OPTIONS_HEADING = "选项"
ARGUMENTS_HEADING = "参数"
COMMANDS_HEADING = "命令"
OPTIONS_METAVAR = "[选项]"
COMMAND_METAVAR = "命令 [参数]..."
CHAINED_COMMAND_METAVAR = "命令1 [参数]... [命令2 [参数]...]..."
HELP_OPTION_HELP = "显示本帮助并退出"
VERSION_OPTION_HELP = "显示版本号并退出"
VERSION_MESSAGE = "%(prog)s 版本 %(version)s"
ABORTED = "已取消。"
DEPRECATED = "（已停用）"
DEPRECATED_WARNING = "提醒：命令 {name} 已停用，以后的版本会删除它。"
DEFAULT = "默认：{value}"
DYNAMIC_DEFAULT = "运行时决定"
REQUIRED = "必填"
ENVVAR = "环境变量 {names}"

NO_SUCH_OPTION = "没有这个选项：{name}"
NO_SUCH_COMMAND = "没有这个命令：{name}"
DID_YOU_MEAN = "（是不是要用 {names}？）"
MISSING_ARGUMENT = "缺少参数：{name}"
MISSING_OPTION = "缺少选项：{name}"
MISSING_VALUE = "缺少参数"
MISSING_COMMAND = "缺少命令"
CHOOSE_FROM = "（可选：{choices}）"
EXTRA_ARGUMENTS = "多余的参数：{args}"
OPTION_NEEDS_VALUE = "选项 {name} 后面要写{what}"
OPTION_NEEDS_VALUES = "选项 {name} 后面要写 {count} 个{what}"
OPTION_TAKES_NO_VALUE = "选项 {name} 不带值"
OPTION_MISUSED = "选项 {name} 的写法不对"
ARGUMENT_MISUSED = "参数的个数不对"
BAD_VALUE = "{who}的值{value}不对：{expected}"
BAD_VALUE_UNQUOTED = "{who}的值不对：{expected}"
WHO_OPTION = "选项 {name} "
WHO_ARGUMENT = "参数 {name} "
QUOTED = "“{value}”"
BAD_COMMAND_LINE = "命令行的写法不对"
CANNOT_OPEN = "无法打开文件 {name}"
FAILED = "出错了"

# Placeholders for a value in usage lines and option lists, by what the value is.
ARGUMENT_NAMES = {"book": "工作簿"}
INTEGER = "整数"
NUMBER = "数字"
DATE = "日期"
YES_NO = "1/0"
FILE = "文件"
FOLDER = "文件夹"
PATH = "路径"
TEXT = "文字"
IDENTIFIER = "标识符"
VALUE = "值"

EXPECT_DATE = "应为日期，写法如 {examples}"
NO_SUCH_DAY = "{year} 年 {month} 月没有 {day} 日（这个月只到 {last} 日）"
EXPECT_CHOICE = "只能是 {choices} 之一"
EXPECT_INTEGER = "应为整数"
EXPECT_NUMBER = "应为数字"
EXPECT_RANGE = "应为{what}，范围 {range}"
EXPECT_YES_NO = "应为 1（是）或 0（否）"
EXPECT_MISSING_PATH = "找不到这个文件或文件夹"
EXPECT_FILE = "应为文件，不是文件夹"
EXPECT_FOLDER = "应为文件夹，不是文件"
EXPECT_USABLE_PATH = "这个文件或文件夹不能使用（检查权限）"
EXPECT_VALUE = "请检查这个值"
EXAMPLE_DAY = dt.date(2026, 11, 20)

# Compiled on first use: a class spanning the CJK blocks takes milliseconds to compile, and
# only a message from click needs it, never a command that runs.
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
# A Python repr of a string: how click quotes the value the user typed in its messages.
_REPR = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_LEADING_TOKEN = re.compile(r"^\s*(\S+)\s")


def is_chinese(message: str) -> bool:
    """Whether a message is already in Chinese, as an author's own message is. The values it
    quotes do not count: a Chinese value the user typed inside click's English is still
    click's English."""
    return bool(re.search(_CJK, _REPR.sub("", message)))


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings, measured in terminal columns so a line of
    Chinese fits the window instead of running twice as long as click thinks."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{'':>{self.current_indent}}{USAGE}{prog}"
        if not args:
            self.write(head + "\n")
            return
        later = " " * min(display_width(head) + 1, self.width // 2)
        for line in wrap(args, self.width, head + " ", later):
            self.write(line + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        for line in wrap_paragraphs(text, self.width, " " * self.current_indent):
            self.write(line + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        margin = " " * self.current_indent
        text_width = max(self.width - self.current_indent - first_col, 10)
        for first, second in rows:
            if not second:
                self.write(f"{margin}{first}\n")
                continue
            lines = wrap_paragraphs(second, text_width)
            if display_width(first) <= first_col - col_spacing:
                self.write(f"{margin}{first}{' ' * (first_col - display_width(first))}")
            else:
                self.write(f"{margin}{first}\n{margin}{' ' * first_col}")
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{margin}{' ' * first_col}{line}\n" if line else "\n")


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


# ---------------------------------------------------------------- names for values


def _choice_text(choice: Any) -> str:
    return choice.name if isinstance(choice, enum.Enum) else str(choice)


class Words(click.Choice):
    """A choice shown and typed in Chinese (`[日|周|月]`, 默认：月). `table` gives, on first use
    (the vocabulary is not imported for every command), the words shown mapped to the keys the
    command receives, and aliases; the keys themselves are accepted too, so scripts written with
    the English keys keep working."""

    def __init__(self, table: Callable[[], tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:
        self._table = table
        self.case_sensitive = True

    @functools.cached_property
    def _words(self) -> tuple[dict[str, str], dict[str, str]]:
        words, aliases = self._table()
        shown = {word: str(getattr(key, "value", key)) for word, key in words.items()}
        extra = {word: str(getattr(key, "value", key)) for word, key in aliases.items()}
        return shown, {key: key for key in shown.values()} | extra | shown

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]  # read only: from `table`
        return tuple(self._words[0])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        accepted = self._words[1]
        if isinstance(value, str) and value.strip() in accepted:
            return accepted[value.strip()]
        return super().convert(value, param, ctx)  # refused, listing the words

    def word(self, key: Any) -> str:
        """The word shown for a key (a default)."""
        key = str(getattr(key, "value", key))
        return next((w for w, k in self._words[0].items() if k == key), key)


def type_name(kind: click.ParamType) -> str:
    """What a value of this type is called in a usage line: the Chinese for click's TEXT, PATH..."""
    if isinstance(kind, click.DateTime):
        return DATE
    if isinstance(kind, click.types.IntParamType):
        return INTEGER
    if isinstance(kind, click.types.FloatParamType):
        return NUMBER
    if isinstance(kind, click.types.BoolParamType):
        return YES_NO
    if isinstance(kind, click.Path):
        if kind.file_okay and not kind.dir_okay:
            return FILE
        return FOLDER if kind.dir_okay and not kind.file_okay else PATH
    if isinstance(kind, click.File):
        return FILE
    if isinstance(kind, click.types.UUIDParameterType):
        return IDENTIFIER
    if isinstance(kind, click.Tuple):
        return " ".join(type_name(item) for item in kind.types)
    return TEXT if isinstance(kind, click.types.StringParamType) else VALUE


def value_name(param: click.Parameter) -> str:
    """The placeholder for a parameter's value (`工作簿`, `日期`, `[day|week|month]`). A metavar
    the command's author set is used as written."""
    if param.metavar:
        return param.metavar
    if isinstance(param.type, click.Choice):
        return "[" + "|".join(_choice_text(c) for c in param.type.choices) + "]"
    if isinstance(param, click.Argument) and param.name in ARGUMENT_NAMES:
        return ARGUMENT_NAMES[param.name]
    return type_name(param.type)


def argument_usage(param: click.Argument) -> str:
    name = value_name(param) if param.required else f"[{value_name(param)}]"
    return name + ("..." if param.nargs != 1 else "")


def option_spec(param: click.Option) -> str:
    """The left column of an option's line: `-h, --help`, `--date 日期`, `--send / --no-send`."""

    def spell(opts: Sequence[str]) -> str:
        names, _ = join_options(opts)
        if param.is_flag or param.count:
            return names
        return f"{names} {value_name(param)}" + ("..." if param.nargs > 1 else "")

    specs = [spell(param.opts)] + ([spell(param.secondary_opts)] if param.secondary_opts else [])
    return " / ".join(specs)


def _unset(value: Any) -> bool:
    """click 8.3 marks "no default" with a sentinel of its own rather than None."""
    return value is None or value is getattr(click.core, "UNSET", None)


def _without_prefix(opt: str) -> str:
    """`--loud` -> `loud`, as click names a --loud/--quiet flag's default."""
    first = opt[:1]
    if first.isalnum():
        return opt
    return opt[2:] if opt[1:2] == first else opt[1:]


def default_text(param: click.Option, ctx: click.Context) -> str | None:
    """What `[default: ...]` would show, or None when click would show nothing."""
    show = param.show_default if param.show_default is not None else ctx.show_default
    if isinstance(show, str):
        return show
    if not show:
        return None
    resilient, ctx.resilient_parsing = ctx.resilient_parsing, True
    try:
        value = param.get_default(ctx, call=False)
    finally:
        ctx.resilient_parsing = resilient
    if _unset(value):
        return None
    if param.is_bool_flag and param.secondary_opts:
        return _without_prefix((param.opts if value else param.secondary_opts)[0])
    if param.is_bool_flag and not value:
        return None
    if inspect.isfunction(value):
        return DYNAMIC_DEFAULT
    if isinstance(value, (list, tuple)):
        return ", ".join(_choice_text(v) for v in value)
    if isinstance(param.type, Words):
        return param.type.word(value)
    if isinstance(value, enum.Enum):
        return value.name
    return '""' if value == "" else str(value)


def _bounded(kind: click.ParamType) -> bool:
    """An IntRange / FloatRange with at least one end."""
    ranged = isinstance(kind, click.types._NumberRangeBase)
    return ranged and (getattr(kind, "min", None), getattr(kind, "max", None)) != (None, None)


def range_text(kind: Any) -> str:
    """An IntRange / FloatRange as `1–10`, `≥ 0`, `< 5`."""
    low, high = kind.min, kind.max
    if low is not None and high is not None and not kind.min_open and not kind.max_open:
        return f"{low}–{high}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if kind.min_open else '≥'} {low}")
    if high is not None:
        parts.append(f"{'<' if kind.max_open else '≤'} {high}")
    return "，".join(parts)


def option_help(param: click.Option, ctx: click.Context) -> str:
    """The option's own help text, then what click puts in [brackets], in Chinese."""
    extras = []
    if param.show_envvar and param.envvar:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
        extras.append(ENVVAR.format(names="、".join(names)))
    default = default_text(param, ctx)
    if default:
        extras.append(DEFAULT.format(value=default))
    if _bounded(param.type):
        extras.append(range_text(param.type))
    if param.required:
        extras.append(REQUIRED)
    text = inspect.cleandoc(param.help or "")
    return text + (f"（{'；'.join(extras)}）" if extras else "")


def short_help(command: click.Command, limit: int) -> str:
    """One line for a command list: its short_help or the first paragraph of its help, cut to
    `limit` columns."""
    text = command.short_help or (command.help or "").partition("\f")[0]
    text = next(paragraphs(inspect.cleandoc(text)), ("", False))[0] if text.strip() else ""
    return clip(text + (DEPRECATED if command.deprecated else ""), limit)


# ---------------------------------------------------------------- errors


def _opt_name(param: click.Parameter) -> str:
    """An option by its longest spelling, as the user would type it."""
    return max(param.opts, key=len) if param.opts else value_name(param)


def _who(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option):
        return WHO_OPTION.format(name=_opt_name(param))
    if isinstance(param, click.Argument):
        return WHO_ARGUMENT.format(name=value_name(param))
    return ""


def _or_list(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + " 或 " + items[-1]


def _did_you_mean(possibilities: Iterable[str] | None) -> str:
    names = sorted(possibilities or [])
    return DID_YOU_MEAN.format(names=_or_list(names)) if names else ""


def expectation(kind: click.ParamType, value: str | None) -> str:
    """What a value of this type should have looked like."""
    if isinstance(kind, click.DateTime):
        examples = dict.fromkeys(EXAMPLE_DAY.strftime(f) for f in kind.formats)
        return EXPECT_DATE.format(examples=_or_list(examples))
    if isinstance(kind, click.Choice):
        return EXPECT_CHOICE.format(choices="、".join(_choice_text(c) for c in kind.choices))
    if _bounded(kind):
        what = INTEGER if isinstance(kind, click.types.IntParamType) else NUMBER
        return EXPECT_RANGE.format(what=what, range=range_text(kind))
    if isinstance(kind, click.types.IntParamType):
        return EXPECT_INTEGER
    if isinstance(kind, click.types.FloatParamType):
        return EXPECT_NUMBER
    if isinstance(kind, click.types.BoolParamType):
        return EXPECT_YES_NO
    if isinstance(kind, click.Path) and value is not None:
        from pathlib import Path

        path = Path(value)
        if not path.exists():
            return EXPECT_MISSING_PATH
        if path.is_dir() and not kind.dir_okay:
            return EXPECT_FILE
        if path.is_file() and not kind.file_okay:
            return EXPECT_FOLDER
        return EXPECT_USABLE_PATH
    return EXPECT_VALUE


def offending_value(message: str, kind: click.ParamType | None) -> str | None:
    """The value the user typed, which click's types quote first in their failure messages
    (a number out of range comes bare, at the start); None when it is not there."""
    found = _REPR.search(message)
    if found:
        try:
            return str(ast.literal_eval(found.group(0)))
        except (ValueError, SyntaxError):
            return None
    bare = _LEADING_TOKEN.match(message)
    if bare and isinstance(kind, click.types._NumberRangeBase):
        return bare.group(1)
    return None


def _find_option(ctx: click.Context | None, name: str) -> click.Option | None:
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def chinese_message(exc: click.ClickException, ctx: click.Context | None = None) -> str:
    """The Chinese for a click exception, built from what it carries rather than its English."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        return NO_SUCH_OPTION.format(name=exc.option_name) + _did_you_mean(exc.possibilities)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click 8.4 and later
    if no_such_command is not None and isinstance(exc, no_such_command):
        return NO_SUCH_COMMAND.format(name=exc.command_name) + _did_you_mean(exc.possibilities)
    if is_chinese(exc.message) and not isinstance(exc, click.BadParameter):
        return exc.message
    if isinstance(exc, click.exceptions.BadOptionUsage):
        return _bad_option_usage(exc, exc.ctx or ctx)
    if isinstance(exc, click.MissingParameter):
        return _missing(exc.param)
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, click.exceptions.BadArgumentUsage):
        return ARGUMENT_MISUSED
    if isinstance(exc, click.FileError):
        return CANNOT_OPEN.format(name=exc.ui_filename)
    return BAD_COMMAND_LINE if isinstance(exc, click.UsageError) else FAILED


def _bad_option_usage(exc: click.exceptions.BadOptionUsage, ctx: click.Context | None) -> str:
    option = _find_option(ctx, exc.option_name)
    if option is None:
        return OPTION_MISUSED.format(name=exc.option_name)
    if option.is_flag or option.count:
        return OPTION_TAKES_NO_VALUE.format(name=exc.option_name)
    what = value_name(option)
    if option.nargs > 1:
        return OPTION_NEEDS_VALUES.format(name=exc.option_name, count=option.nargs, what=what)
    return OPTION_NEEDS_VALUE.format(name=exc.option_name, what=what)


def _missing(param: click.Parameter | None) -> str:
    if param is None:
        return MISSING_VALUE
    if isinstance(param, click.Option):
        text = MISSING_OPTION.format(name=_opt_name(param))
    else:
        text = MISSING_ARGUMENT.format(name=value_name(param))
    if isinstance(param.type, click.Choice):
        text += CHOOSE_FROM.format(choices="、".join(_choice_text(c) for c in param.type.choices))
    return text


def _bad_value(exc: click.BadParameter) -> str:
    who = _who(exc.param)
    if is_chinese(exc.message):  # the author's own check, already in words a user reads
        return BAD_VALUE_UNQUOTED.format(who=who, expected=exc.message)
    kind = exc.param.type if exc.param is not None else None
    value = offending_value(exc.message, kind)
    expected = expectation(kind, value) if kind is not None else EXPECT_VALUE
    if value is None:
        return BAD_VALUE_UNQUOTED.format(who=who, expected=expected)
    return BAD_VALUE.format(who=who, value=QUOTED.format(value=value), expected=expected)


def _show_error(message: str, ctx: click.Context | None, file: IO[Any] | None) -> None:
    """click's error layout (usage, hint, blank line, the error) in Chinese, on stderr."""
    color = ctx.color if ctx is not None else None
    if ctx is not None:
        text = ctx.get_usage()
        if ctx.command.get_help_option(ctx) is not None:
            text += "\n" + HINT.format(command=ctx.command_path, option=ctx.help_option_names[0])
        click.echo(text + "\n", file=file, err=file is None, color=color)
    click.echo(ERROR.format(message=message), file=file, err=file is None, color=color)


class ChineseUsageError(click.UsageError):
    """A usage error whose message is Chinese, shown in click's layout with Chinese words."""

    def show(self, file: IO[Any] | None = None) -> None:
        _show_error(self.format_message(), self.ctx, file)


class ChineseClickError(click.ClickException):
    """Any other click error, as one Chinese line."""

    def show(self, file: IO[Any] | None = None) -> None:
        _show_error(self.format_message(), None, file)


def translated(exc: click.ClickException, ctx: click.Context) -> click.ClickException:
    """The Chinese twin of a click exception, with the same exit code. click's help-for-no-
    arguments error (8.2 and later) carries our own help text and is left alone."""
    no_args_is_help = getattr(click.exceptions, "NoArgsIsHelpError", ())
    if isinstance(exc, (ChineseUsageError, ChineseClickError, no_args_is_help)):
        return exc
    twin: click.ClickException
    if isinstance(exc, click.UsageError):
        twin = ChineseUsageError(chinese_message(exc, ctx), exc.ctx or ctx)
    else:
        twin = ChineseClickError(chinese_message(exc, ctx))
    twin.exit_code = exc.exit_code  # type: ignore[misc]  # click types it a class constant
    return twin


# ---------------------------------------------------------------- the command classes


class _ChineseHelp(click.Command):
    """Help, usage and parse errors of a branchkit command, written here in Chinese."""

    context_class = ChineseContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [OPTIONS_METAVAR]
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument) and not getattr(param, "hidden", False):
                pieces.append(argument_usage(param))
        return pieces

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if self.deprecated:
            text += DEPRECATED
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Arguments get a section only when one has a help text (click 8.5 allows them one)."""
        arguments = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(p, "help", None) for p in arguments):
            rows = [
                (value_name(p), inspect.cleandoc(getattr(p, "help", "") or "")) for p in arguments
            ]
            with formatter.section(ARGUMENTS_HEADING):
                formatter.write_dl(rows)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (option_spec(p), option_help(p, ctx))
            for p in self.get_params(ctx)
            if isinstance(p, click.Option) and not p.hidden
        ]
        if rows:
            with formatter.section(OPTIONS_HEADING):
                formatter.write_dl(rows)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self, limit)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # click's "unexpected extra argument" check is done here instead, to say it in Chinese.
        allow_extra, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except click.ClickException as exc:
            raise translated(exc, ctx) from exc
        finally:
            ctx.allow_extra_args = allow_extra
        if rest and not allow_extra and not ctx.resilient_parsing:
            raise ChineseUsageError(EXTRA_ARGUMENTS.format(args=" ".join(rest)), ctx)
        return rest


class ChineseCommand(_ChineseHelp):
    """A branchkit command: what `@main.command()` makes."""

    def invoke(self, ctx: click.Context) -> Any:
        if self.deprecated:
            click.echo(click.style(DEPRECATED_WARNING.format(name=self.name), fg="red"), err=True)
        if self.callback is not None:
            return ctx.invoke(self.callback, **ctx.params)
        return None


def _adopt(command: click.Command) -> None:
    """A command built elsewhere (plain `click.command`, then `add_command`) gets the Chinese
    behaviour too: its class is swapped for a subclass that puts the Chinese methods first."""
    if not isinstance(command, _ChineseHelp):
        base = type(command)
        chinese = ChineseGroup if isinstance(command, click.Group) else ChineseCommand
        command.__class__ = type(f"Chinese{base.__name__}", (chinese, base), {})
    for sub in getattr(command, "commands", {}).values():
        _adopt(sub)


class ChineseGroup(_ChineseHelp, click.Group):
    """A command group whose commands, and their help and errors, speak Chinese."""

    command_class = ChineseCommand
    group_class = type  # subgroups made with @group.group() are of this same class

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _adopt(cmd)
        super().add_command(cmd, name)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        command = CHAINED_COMMAND_METAVAR if self.chain else COMMAND_METAVAR
        return [*super().collect_usage_pieces(ctx), command]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if listed:
            # click cuts each line to fit one row; two rows keep a Chinese sentence whole
            limit = 2 * (formatter.width - 6 - max(display_width(name) for name, _ in listed))
            with formatter.section(COMMANDS_HEADING):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in listed])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        known = self.get_command(ctx, name) is not None or (
            ctx.token_normalize_func is not None
            and self.get_command(ctx, ctx.token_normalize_func(name)) is not None
        )
        if not known and not ctx.resilient_parsing:
            if not name[:1].isalnum():  # as click does: an unknown option is the better message
                self.parse_args(ctx, args)
            import difflib  # only for a suggestion when something is missing

            close = difflib.get_close_matches(name, self.list_commands(ctx))
            raise ChineseUsageError(NO_SUCH_COMMAND.format(name=name) + _did_you_mean(close), ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        if not self.invoke_without_command and not _pending_command(ctx):
            raise ChineseUsageError(MISSING_COMMAND, ctx)
        try:
            return click.Group.invoke(self, ctx)
        except click.ClickException as exc:
            raise translated(exc, ctx) from exc
        except (click.Abort, KeyboardInterrupt) as exc:
            # Not EOFError, which click counts as a prompt's end of input: there are no prompts
            # here, so an EOFError is a real failure (a file cut short) and must not read 已取消.
            if not isinstance(exc, click.Abort):
                click.echo(err=True)  # end the line the interrupted key press left open
            click.echo(ABORTED, err=True)
            raise click.exceptions.Exit(1) from exc


def _pending_command(ctx: click.Context) -> list[str]:
    """The subcommand name click set aside while parsing the group (renamed in click 8.2)."""
    pending = getattr(ctx, "_protected_args", None)
    return list(pending if pending is not None else ctx.protected_args)


def version_option(package_name: str) -> Callable[[Any], Any]:
    """`--version`, printing `branchkit 版本 0.1.0`."""
    return click.version_option(
        package_name=package_name, message=VERSION_MESSAGE, help=VERSION_OPTION_HELP
    )
