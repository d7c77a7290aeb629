"""How campaign rules read a column: numbers (decimal point or comma) and text as compared.

Shared by the simple column filters (:mod:`segmentation.campaigns.rules`) and the audience
builder's conditions (:mod:`segmentation.campaigns.conditions`), so both read "1.234,50" and
" DE " the same way.
"""

from __future__ import annotations

import pandas as pd

from segmentation.keys import clean_text
from segmentation.parsing import parse_numbers

__all__ = ["folded_text", "numbers"]


def folded_text(values: pd.Series) -> pd.Series:
    """Free text as compared by filters: NFKC, zero-width characters removed, trimmed, case-folded.

    Unlike :func:`segmentation.keys.match_key` it keeps the whole text (no email extraction,
    ``1.0`` stays ``1.0``).
    """
    return clean_text(values).fillna("").str.casefold()


def numbers(values: pd.Series) -> pd.Series:
    """Numbers of a filter or rank column, read by the one number parser (decimal point or comma)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    with_points = parse_numbers(values).values
    with_commas = parse_numbers(values, decimal=",").values
    # A decimal-comma file parses better with commas read as decimal marks; take whichever reads more.
    return with_commas if with_commas.notna().sum() > with_points.notna().sum() else with_points
