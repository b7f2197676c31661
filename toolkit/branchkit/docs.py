"""Documentation generated from the code, so it cannot drift: `python -m branchkit.docs`.

README.md, docs/工作簿.md (the workbook contract) and docs/口径.md (the figure rules) hold
sections between markers that are written here from the declarations the code runs on: the
column table from the schema, the 设置 table from the settings declaration, the accepted words
of every closed set from vocab's word tables, the default checklist from the list a new workbook
gets, the command table from each command's --help, and each figure's one-line 口径 from the
same notes the 说明 sheet shows. The prose around the markers is written by hand; a test renders
every file again and fails when anything between markers differs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from . import schema
from .templates import describe_column

ROOT = Path(__file__).resolve().parents[2]
FILES = ("README.md", "docs/工作簿.md", "docs/口径.md")
MARKERS = ("columns", "settings", "commands", "rules", "choices", "checklist")


def columns_table() -> str:
    lines = ["| 工作表 | 列名 | 必填 | 说明 |", "|---|---|---|---|"]
    for sheet in schema.INPUT_SHEETS:
        for col in sheet.columns:
            lines.append(
                f"| {sheet.name} | {col.header} | {'是' if col.required else ''} | {describe_column(col)} |"
            )
    return "\n".join(lines)


def settings_table() -> str:
    from .settings import SETTING_ITEMS

    lines = ["| 项目 | 不填时 | 说明 |", "|---|---|---|"]
    for item in SETTING_ITEMS:
        lines.append(f"| {item.label} | {item.shown} | {item.help} |")
    return "\n".join(lines)


def choices_table() -> str:
    """Every closed set a person types (a column's choices, a 设置 item): its words, and the
    English keys the reader accepts as well (Traditional spellings of the words are read too)."""
    from .settings import SETTING_ITEMS

    lines = ["| 工作表 | 列或项目 | 写法 | 也可写（英文） |", "|---|---|---|---|"]
    for sheet in schema.INPUT_SHEETS:
        for col in sheet.columns:
            if col.words:
                words = " / ".join(w for _, w in col.words)
                keys = " / ".join(m.value for m, _ in col.words)
                lines.append(f"| {sheet.name} | {col.header} | {words} | {keys} |")
    for item in SETTING_ITEMS:
        if item.words:
            words = " / ".join(item.words.values())
            keys = " / ".join(m.value for m in item.words)
            lines.append(f"| {schema.SETTINGS.name} | {item.label} | {words} | {keys} |")
    return "\n".join(lines)


def checklist_table() -> str:
    """The default 清单项目 a new workbook starts with."""
    from .checklist import DEFAULT_ITEMS

    lines = [
        "| 时段 | 类别 | 事项 | 标准 | 责任岗位 | 频次 | 计量 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(item) + " |" for item in DEFAULT_ITEMS]
    return "\n".join(lines)


def commands_table() -> str:
    import click

    from .cli import main

    ctx = click.Context(main, info_name="branchkit")
    lines = ["| 命令 | 作用 |", "|---|---|"]
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        if command is not None and not command.hidden:
            # The help's first paragraph whole: a table cell wraps, click's short help would cut it.
            first = (command.help or "").strip().split("\n\n")[0]
            lines.append(f"| `branchkit {name}` | {' '.join(first.split())} |")
    return "\n".join(lines)


def rules_list() -> str:
    from .phrases import FIGURE_NOTES

    return "\n".join(f"- **{name}**：{note}" for name, note in FIGURE_NOTES)


def figure_note(name: str) -> str:
    """One figure's 口径 line, as the 说明 sheet and README say it."""
    from .phrases import FIGURE_NOTES

    return dict(FIGURE_NOTES)[name]


_BODIES: dict[str, Callable[[], str]] = {
    "columns": columns_table,
    "settings": settings_table,
    "commands": commands_table,
    "rules": rules_list,
    "choices": choices_table,
    "checklist": checklist_table,
}
# <!-- note:时间进度:start --> … <!-- note:时间进度:end -->: that figure's line of FIGURE_NOTES.
_NOTE = re.compile(r"(<!-- note:([^:]+):start -->\n).*?(<!-- note:\2:end -->)", re.S)


def render(text: str) -> str:
    """`text` with every marked section written afresh (unmarked text is left as it is)."""
    for marker in MARKERS:
        pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
        if pattern.search(text):
            body = _BODIES[marker]()
            text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)  # noqa: B023
    return _NOTE.sub(lambda m: m.group(1) + figure_note(m.group(2)) + "\n" + m.group(3), text)


def notes_in(text: str) -> list[str]:
    """The figures whose 口径 line `text` carries between note markers."""
    return [m.group(2) for m in _NOTE.finditer(text)]


if __name__ == "__main__":
    for name in sys.argv[1:] or FILES:
        path = Path(name) if sys.argv[1:] else ROOT / name
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
