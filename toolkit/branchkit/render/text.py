"""The Jinja2 set-up shared by every text branchkit writes: the agenda (tab, Markdown, HTML,
text) and the weekly e-mail.

Templates are looked up in a branch's own folder first (`--template DIR`), then in the shipped
language folder, then in the shared layouts. Numbers reach the templates as numbers; these
filters are the one way they are written.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from .. import vocab
from .numbers import month_day, number, percent

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "jinja"


def environment(lang: str = "zh", template_dir: str | Path | None = None) -> jinja2.Environment:
    folders = [str(template_dir)] if template_dir else []
    folders += [str(PACKAGE_TEMPLATES / lang), str(PACKAGE_TEMPLATES / "layout")]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(num=number, pct=percent, md=month_day)
    # The workbook's own words for branchkit's keys, for the Chinese templates.
    env.globals["words"] = {
        "pace": vocab.PACE_LABELS,
        "stars": vocab.STAR_TITLES,
        "meetings": vocab.MEETING_NAMES,
    }
    return env
