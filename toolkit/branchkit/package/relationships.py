"""Relationship parts (`_rels/*.rels`): who refers to which part, and under which id."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from .namespaces import REL as REL_NS
from .xmltext import attrs, insert_child

REL_WORKSHEET = REL_NS + "/worksheet"


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


def parse_rels(xml: str) -> list[Rel]:
    rels = []
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", xml):
        a = attrs(tag)
        rels.append(
            Rel(
                a.get("Id", ""),
                a.get("Type", ""),
                a.get("Target", ""),
                a.get("TargetMode") == "External",
            )
        )
    return rels


def rels_xml(rels: Iterable[Rel]) -> str:
    body = "".join(
        f'<Relationship Id="{escape(r.id)}" Type="{escape(r.type)}" Target="{escape(r.target)}"'
        + (' TargetMode="External"' if r.external else "")
        + "/>"
        for r in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    )


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(from_part: str, to_part: str) -> str:
    return posixpath.relpath(to_part, posixpath.dirname(from_part))


def insert_rel(xml: str, rel: Rel) -> str:
    tag = f'<Relationship Id="{escape(rel.id)}" Type="{escape(rel.type)}" Target="{escape(rel.target)}"/>'
    return insert_child(xml, "Relationships", tag)


def remove_rel(xml: str, rid: str) -> str:
    return re.sub(rf'<(?:\w+:)?Relationship\b[^>]*Id="{re.escape(rid)}"[^>]*/>', "", xml)


def unique_rid(rels: str) -> str:
    taken = {r.id for r in parse_rels(rels)}
    n = 1
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def target_of(rels: str, part: str, kind: str) -> str | None:
    """The part that `part` refers to with a relationship of this kind ('styles', 'calcChain')."""
    return next(
        (resolve(part, r.target) for r in parse_rels(rels) if r.type.endswith("/" + kind)), None
    )
