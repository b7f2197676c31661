"""The branch's product catalogue (产品): each product's indicator and unit, and each indicator's
unit, built once per workbook. Everything that needs a unit asks here, so a product listed twice
or an indicator sold in two units is settled the same way everywhere (the first row wins).

The checklist's quantities (清单项目 计量: 外呼户数, 沙龙场次…) are indicators too: whole counts
in the unit their name ends with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .schema import REFERRAL_INDICATORS
from .table import Table
from .vocab import COUNT_CAP, Unit, measure_unit, unit_word

# The referral indicators count cards (docs/口径.md#转介数量与质量); they have no product row.
REFERRAL_UNITS = dict(zip(REFERRAL_INDICATORS, ("张", "个"), strict=True))  # cards; closed ones
OTHER_CAP = COUNT_CAP  # one sale of a product of no known unit


@dataclass(frozen=True)
class Product:
    name: str
    indicator: str
    unit: Unit | str  # as 产品 says it: a Unit, or the text typed outside the list ('' blank)
    limit: float | None = None  # 产品 单笔上限, in the product's unit

    @property
    def cap(self) -> float:
        """The largest amount one sale can be (docs/口径.md#数据错误): 单笔上限, else the
        unit's default."""
        if self.limit:
            return self.limit
        return self.unit.cap if isinstance(self.unit, Unit) else OTHER_CAP


def measure_units(measures: Iterable[str | None]) -> dict[str, str]:
    """Each distinct 计量 of 清单项目 and its unit, in the order they first appear."""
    return {m: measure_unit(m) for m in dict.fromkeys(m for m in measures if m)}


@dataclass(frozen=True)
class Catalogue:
    products: Mapping[str, Product]
    indicator_units: Mapping[str, Unit | str]  # as 产品 gives them, the first row of each
    measures: Mapping[str, str] = field(default_factory=dict)  # 计量 -> unit (a whole count)

    @classmethod
    def from_table(cls, products: Table, measures: Mapping[str, str] | None = None) -> Catalogue:
        by_name: dict[str, Product] = {}
        units: dict[str, Unit | str] = {}
        for name, indicator, unit, limit in products.zip("product", "indicator", "unit", "cap"):
            if name and name not in by_name:
                by_name[name] = Product(
                    name, indicator or "", unit or "", limit if limit and limit > 0 else None
                )
            if indicator and indicator not in units:
                units[indicator] = unit or ""
        return cls(by_name, units, dict(measures or {}))

    def product(self, name: str | None) -> Product | None:
        return self.products.get(name) if name else None

    def unit_of_product(self, product: str | None) -> str:
        """The product's unit as the workbook writes it ('万元'), '' when unknown."""
        found = self.product(product)
        return unit_word(found.unit) if found else ""

    def measured_in(self, indicator: str) -> Unit | None:
        """The Unit an indicator's products are sold in; None for the referral counts, the
        checklist's quantities and a unit branchkit does not know."""
        if indicator in REFERRAL_UNITS:
            return None
        unit = self.indicator_units.get(indicator)
        return unit if isinstance(unit, Unit) else None

    def unit_of(self, indicator: str) -> str:
        """An indicator's unit as the workbook writes it: the referral counts are cards;
        checklist quantities by their name; others as 产品 lists them."""
        return (
            REFERRAL_UNITS.get(indicator)
            or unit_word(self.indicator_units.get(indicator))
            or self.measures.get(indicator, "")
        )

    def is_count(self, indicator: str) -> bool:
        """Whole things (张 / 户 / 笔, the referral counts, the checklist's quantities): never
        fractions (docs/口径.md#计数类指标)."""
        if indicator in self.measures or indicator in REFERRAL_UNITS:
            return True
        unit = self.measured_in(indicator)
        return unit is not None and unit.is_count

    def products_of(self, indicator: str) -> list[str]:
        return [p.name for p in self.products.values() if p.indicator == indicator]
