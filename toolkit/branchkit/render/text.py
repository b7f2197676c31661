"""The Jinja2 set-up shared by every text branchkit writes: the agenda (tab, Markdown, HTML,
text) and the weekly e-mail.

Templates are looked up in a branch's own folder first (`--template DIR`), then in the shipped
language folder, then in the shared layouts. Numbers reach the templates as numbers; these
filters are the one way they are written.

Compiling a template costs more than rendering it (the agenda's lines and macros: about 60 ms of
a click), so compiled templates are kept between runs in Jinja2's bytecode cache in the user
cache folder (`usercache`), as Python keeps compiled modules: each entry is checked against its
template's source, and the file names carry what else the compiled code depends on (this
module, Jinja2's version).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .. import vocab
from ..problems import BookError
from .marks import PACE_COLORS
from .numbers import month_day, number, percent, percent_beside

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "jinja"
CELL_SEPARATOR = "\t"  # between the cells of a table line ("row|李四\t客户助理\t…")


def environment(lang: str = "zh", template_dir: str | Path | None = None) -> jinja2.Environment:
    """The environment for `lang`; without a branch's folder, one per process (its templates
    stay compiled in it, and Jinja2 reloads any whose file changes)."""
    if template_dir is None:
        return _shipped_environment(lang)
    return _environment(lang, template_dir)


@cache
def _shipped_environment(lang: str) -> jinja2.Environment:
    return _environment(lang, None)


def _environment(lang: str, template_dir: str | Path | None) -> jinja2.Environment:
    folders = [str(template_dir)] if template_dir else []
    folders += [str(PACKAGE_TEMPLATES / lang), str(PACKAGE_TEMPLATES / "layout")]
    env = _Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(
        num=number,
        pct=percent,
        md=month_day,
        word=_word,
        paced=paced,
        cells=cells,
        aligned=aligned,
        grid_columns=grid_columns,
        pct_beside=percent_beside,
        markdown=markdown_text,
    )
    env.globals["words"] = WORDS
    env.globals["pace_colors"] = PACE_COLORS
    env.globals["cell_padding_em"] = CELL_PADDING_EM
    return env


class _Template(jinja2.Template):
    """A template whose failure while rendering, when it happens in a branch's own template, is
    one line naming that file and line (a name the template uses that branchkit does not give,
    a filter used wrongly), not an internal error."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except BookError:
            raise
        except Exception as exc:
            where = _branch_frame(exc)
            if where is None:
                raise
            raise BookError(
                where[0], f"模板第 {where[1]} 行出错（用到了没有的名称，或写法不对）：{_FIX}"
            ) from exc


class _Environment(jinja2.Environment):
    """Templates from a branch's folder (`--template DIR`) with a syntax error are refused in
    one line naming the file and line; the shipped ones are branchkit's own to get right."""

    template_class = _Template

    def get_template(self, *args: Any, **kwargs: Any) -> jinja2.Template:
        try:
            return super().get_template(*args, **kwargs)
        except jinja2.TemplateSyntaxError as exc:
            if not exc.filename or _shipped(exc.filename):
                raise
            raise BookError(exc.filename, f"模板第 {exc.lineno} 行有语法错误：{_FIX}") from exc


_FIX = "请对照 branchkit 自带的同名模板改正（加 --debug 可查看详细信息）"


def _shipped(filename: str) -> bool:
    return Path(filename).resolve().is_relative_to(PACKAGE_TEMPLATES)


def _branch_frame(exc: BaseException) -> tuple[str, int] | None:
    """The last place in a branch's own template the failure passed through (Jinja2 rewrites
    tracebacks to show template files and lines)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") and not _shipped(filename):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


# The workbook's own words for branchkit's keys (vocab's tables), for the templates:
# `words.pace[p.pace]`, or `case.nature|word("case_natures")` where a value may also be text a
# person typed outside the list (shown as typed).
WORDS: dict[str, Mapping[Any, str]] = {
    "pace": vocab.PACE_LABELS,
    "stars": vocab.STAR_TITLES,
    "meetings": vocab.MEETING_NAMES,
    "case_categories": vocab.CASE_CATEGORY_WORDS,
    "case_natures": vocab.CASE_NATURE_WORDS,
}


def _word(value: Any, table: str) -> str:
    return vocab.word(WORDS[table], value)


def cells(values: Any) -> str:
    """A table line's cells, as the layouts split them: text, tabs and line breaks inside a
    cell made spaces, None an empty cell."""
    return CELL_SEPARATOR.join(
        "" if v is None else " ".join(str(v).replace(CELL_SEPARATOR, " ").split()) for v in values
    )


LONGEST_CELL = 40  # half-width characters: a wider cell wraps in an HTML table
WRAPPING_CELL = 12  # ... and one this wide may wrap rather than widen the table


# Space on each side of an HTML agenda cell, in em of the row's type (the layout's CSS says the
# same): a ten-column table of people fits a third of a TV screen in readable type.
CELL_PADDING_EM = 0.12


def grid_columns(table: Any) -> str:
    """The CSS grid columns of an HTML table drawn one row element at a time (so a screen can
    go on with it in its next column): every row the same template, so the rows line up. A
    column is at least as wide as its widest cell (in em of the row's type: a Chinese
    character is one), a long text column at least a few characters (it wraps); what room is
    left is shared as the columns are wide. A table wider than its column is seen by the
    screen's script, which then tries smaller type."""
    from .lines import print_width

    def widths(i: int) -> tuple[float, float]:
        cells = max(print_width(r[i]) for r in table.rows) if table.rows else 0.0
        header = print_width(table.header[i])
        # a column of figures lets its header take two lines; a text column wants its header,
        # and a long one (the day's targets) wraps rather than squeeze the names
        want = min(max(cells, header / 2 if i in table.numeric else header), LONGEST_CELL)
        wraps = i not in table.numeric and i not in table.paces and want > WRAPPING_CELL
        least = WRAPPING_CELL if wraps else max(cells, header / 2)
        # em (padding, and a little for a pixel rounded away, included), share
        return least / 2 + 2 * CELL_PADDING_EM + 0.1, want + 2

    found = [widths(i) for i in range(len(table.header))]
    return " ".join(f"minmax({least:.1f}em, {share:.1f}fr)" for least, share in found)


def aligned(table: Any) -> list[str]:
    """A table (render.agenda.AgendaTable) as lines whose columns line up in a fixed-width font,
    the columns of figures aligned right."""
    from ..termtext import aligned as line_up

    return line_up([table.header, *table.rows], right=table.numeric)


# Markdown reads structure into punctuation anywhere in a line (links, images, emphasis, code,
# table cells) and into a few marks at its start (a heading, a list item, a thematic break, a
# setext underline); & < > would start an entity or pass HTML through.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_LINE_START = re.compile(r"^(?:[#+=-](?=[\s#=-]|$)|[0-9]{1,9}(?=[.)](?:\s|$)))")


def markdown_text(value: Any) -> str:
    """`value` as Markdown that reads as exactly this text: the one filter every line and cell
    of the Markdown agenda goes through, since most of them quote what staff typed (names,
    notes, a case's 描述, masked names such as 张*). A value is one line (line breaks made
    spaces, leading blanks dropped: four would start a code block); each character Markdown
    could read as markup is escaped with a backslash, & < > written as entities, and a line
    start that would make a heading or a list item (# , - , + , 1. , ===) has its mark escaped."""
    text = " ".join(str(value).splitlines()).lstrip()
    text = _MD_INLINE.sub(r"\\\1", text)
    text = "".join(_MD_ENTITIES.get(c, c) for c in text)
    found = _MD_LINE_START.match(text)
    if found is None:
        return text
    if found.group(0)[:1].isdigit():  # 1. or 1) : the mark after the number
        end = found.end()
        return f"{text[:end]}\\{text[end:]}"
    return "\\" + text


def paced(text: str) -> markupsafe.Markup:
    """Text for HTML, each pace's words (低于进度) marked with the pace they name — class
    pace-behind — so the screen colours them as the tabs do; everything else escaped."""
    marked = markupsafe.escape(text)
    for pace, label in vocab.PACE_LABELS.items():
        marked = marked.replace(
            label, markupsafe.Markup('<span class="pace-{}">{}</span>').format(pace, label)
        )
    return marked


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be written (a full disk, a read-only temporary folder) or read (a file
    cut short by a crash, or damaged) only means compiling again; it never stops the agenda. A
    damaged entry is compiled afresh and written over."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # Jinja2 unpickles the entry's header unguarded: any error is possible
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


STALE_CACHE_SECONDS = 30 * 24 * 3600  # another version's entries, unused for a month, go


def _forget_other_versions(folder: Path, fingerprint: str) -> None:
    """Entries compiled by another branchkit or Jinja2 version are never read again; they are
    removed once old (not at once: two installed versions may take turns on one computer)."""
    import time

    cutoff = time.time() - STALE_CACHE_SECONDS
    for entry in folder.glob("*.cache"):
        if entry.name.startswith(fingerprint + "-"):
            continue
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < cutoff:
                entry.unlink()


@cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja2's file cache in the user cache folder (usercache); None when there is none."""
    from .. import usercache

    found = usercache.folder("jinja2")
    if found is None:
        return None
    fingerprint = hashlib.sha256(
        Path(__file__).read_bytes() + jinja2.__version__.encode("ascii")
    ).hexdigest()[:12]
    _forget_other_versions(found, fingerprint)
    return _QuietBytecodeCache(str(found), pattern=f"{fingerprint}-%s.cache")
