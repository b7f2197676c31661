"""The tabs' conditional formats: their formulas are written as XlsxWriter itself writes them,
also where branchkit skips XlsxWriter's function-name expansion for formulas without a call."""

from __future__ import annotations

import io

import xlsxwriter
from branchkit.render.xlsx import _plain_formulas
from hypothesis import given, settings
from hypothesis import strategies as st

PIECES = st.sampled_from(
    [
        "=",
        "{",
        "}",
        "(",
        ")",
        '"超出进度"',
        '"低于进度"',
        "FILTER(",
        "XLOOKUP(",
        "SINGLE(",
        "_xlfn.",
        "FORECAST.ETS.CONFINT(",
        "A1",
        "$B$2",
        " ",
        ",",
        "SUM",
        "1.5",
    ]
)
FORMULA = st.one_of(
    st.lists(PIECES, max_size=8).map("".join),
    st.text(max_size=20),
)


def _worksheet() -> object:
    return xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True}).add_worksheet()


@settings(max_examples=300)
@given(FORMULA, st.booleans(), st.booleans())
def test_a_formula_is_prepared_as_xlsxwriter_prepares_it(
    formula: str, expand: bool, future: bool
) -> None:
    plain, fast = _worksheet(), _worksheet()
    plain.use_future_functions = fast.use_future_functions = future  # type: ignore[attr-defined]
    _plain_formulas(fast)
    expected = plain._prepare_formula(formula, expand)  # type: ignore[attr-defined]
    assert fast._prepare_formula(formula, expand) == expected  # type: ignore[attr-defined]
