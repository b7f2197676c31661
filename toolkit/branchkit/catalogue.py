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

COUNT_UNITS = ("张", "户", "笔")
# The referral indicators count cards (SPEC §3); they have no product row.
REFERRAL_UNITS = dict(zip(REFERRAL_INDICATORS, ("张", "个"), strict=True))  # cards; closed ones
# The largest believable amount of one sale, by unit (SPEC §8); any other unit: 1,000.
DEFAULT_CAPS = {"万元": 10_000.0, "元": 100_000_000.0}
OTHER_CAP = 1_000.0


@dataclass(frozen=True)
class Product:
    name: str
    indicator: str
    unit: str
    limit: float | None = None  # 产品 单笔上限, in the product's unit

    @property
    def cap(self) -> float:
        """The largest amount one sale can be (SPEC §8): 单笔上限, else the unit's default."""
        return self.limit if self.limit else DEFAULT_CAPS.get(self.unit, OTHER_CAP)


def measure_unit(measure: str) -> str:
    """The unit a checklist quantity counts in, from its name: 外呼户数 -> 户, 沙龙场次 -> 场,
    上门次数 -> 次; '' when the name does not say."""
    if measure.endswith("场次"):
        return "场"
    if measure.endswith("数") and len(measure) > 1:
        return measure[-2]
    return ""


def measure_units(measures: Iterable[str | None]) -> dict[str, str]:
    """Each distinct 计量 of 清单项目 and its unit, in the order they first appear."""
    return {m: measure_unit(m) for m in dict.fromkeys(m for m in measures if m)}


@dataclass(frozen=True)
class Catalogue:
    products: Mapping[str, Product]
    indicator_units: Mapping[str, str]
    measures: Mapping[str, str] = field(default_factory=dict)  # 计量 -> unit (a whole count)

    @classmethod
    def from_table(cls, products: Table, measures: Mapping[str, str] | None = None) -> Catalogue:
        by_name: dict[str, Product] = {}
        units: dict[str, str] = {}
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
        found = self.product(product)
        return found.unit if found else ""

    def unit_of(self, indicator: str) -> str:
        """An indicator's unit: the referral counts are cards; checklist quantities by their
        name; others as 产品 lists them."""
        return (
            REFERRAL_UNITS.get(indicator)
            or self.indicator_units.get(indicator)
            or self.measures.get(indicator, "")
        )

    def is_count(self, indicator: str) -> bool:
        """Whole things (张 / 户 / 笔, the referral counts, the checklist's quantities): never
        fractions (SPEC §3)."""
        return indicator in self.measures or self.unit_of(indicator) in (
            *COUNT_UNITS,
            *REFERRAL_UNITS.values(),
        )

    def products_of(self, indicator: str) -> list[str]:
        return [p.name for p in self.products.values() if p.indicator == indicator]
