"""Agenda -> text (Markdown, HTML, plain) and the 夕会议程 tab, all through Jinja2 templates.

`agenda.lines.j2` (per language) words the 夕会 agenda's numbers and keys as "style|text" lines,
`morning.lines.j2` the 晨会's; a layout per format decides how each style looks. A branch copies the templates to a folder, edits
wording or order, and passes `--template DIR`: its files are looked up first, the shipped ones
fill the gaps.
"""

from __future__ import annotations

from pathlib import Path

from ..agenda import Agenda
from ..morning import MorningAgenda
from ..schema import GENERATED_MARK
from ..vocab import MORNING, agenda_sheet_name
from .spec import SheetSpec, Style, Text
from .text import PACKAGE_TEMPLATES as PACKAGE_TEMPLATES
from .text import environment

FORMATS = ("md", "html", "txt")
STYLES = ("title", "h1", "h2", "body", "strong", "note")


AnyAgenda = Agenda | MorningAgenda


def agenda_lines(
    agenda: AnyAgenda, lang: str = "zh", template_dir: str | Path | None = None
) -> list[tuple[str, str]]:
    name = "morning.lines.j2" if agenda.meeting == MORNING else "agenda.lines.j2"
    text = environment(lang, template_dir).get_template(name).render(agenda=agenda)
    lines = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        style, sep, body = raw.partition("|")
        lines.append((style.strip(), body) if sep and style.strip() in STYLES else ("body", raw))
    return lines


def render_agenda(
    agenda: AnyAgenda, fmt: str, lang: str = "zh", template_dir: str | Path | None = None
) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    env = environment(lang, template_dir)
    lines = agenda_lines(agenda, lang, template_dir)
    return env.get_template(f"agenda.{fmt}.j2").render(
        lines=lines, lang="zh-CN" if lang == "zh" else lang
    )


def agenda_sheet(
    agenda: AnyAgenda, lang: str = "zh", template_dir: str | Path | None = None
) -> SheetSpec:
    """The printable 夕会议程 (or 晨会议程) tab: portrait A4, scaled to one page."""
    name = agenda_sheet_name(agenda.meeting)
    lines = agenda_lines(agenda, lang, template_dir)
    title = next((text for style, text in lines if style == "title"), name)
    body: list[tuple[Style, str]] = [(style, text) for style, text in lines if style != "title"]  # type: ignore[misc]
    # The first note (date, host, length) becomes the subtitle beside the generated mark.
    first_note = next((i for i, (style, _) in enumerate(body) if style == "note"), None)
    subtitle = GENERATED_MARK
    if first_note is not None:
        subtitle = f"{body.pop(first_note)[1]} · {GENERATED_MARK}"
    return SheetSpec(
        name, title, subtitle, [Text(body)], landscape=False, one_page=True, text_width=8
    )
