"""README sections generated from the code, so the docs cannot drift: `python -m branchkit.docs`.

The column table comes from the schema, the 设置 table from the settings declaration, the
command table from each command's --help, the 口径说明 from the same notes the 说明 sheet shows.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import schema
from .templates import describe_column

MARKERS = ("columns", "settings", "commands", "rules")


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


def render(readme: str) -> str:
    for marker in MARKERS:
        body = {
            "columns": columns_table,
            "settings": settings_table,
            "commands": commands_table,
            "rules": rules_list,
        }[marker]()
        pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
        readme = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), readme)  # noqa: B023
    return readme


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
