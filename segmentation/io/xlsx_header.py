"""Where the header of a sheet is: below title rows, and over one row or two (merged cells).

Private helper of :mod:`segmentation.io.loading`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segmentation.io.xlsx_cells import SheetCells
from segmentation.io.xlsx_reader import cell_table

__all__ = ["header_row", "is_blank", "two_row_header"]


def is_blank(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def header_row(raw: pd.DataFrame) -> int:
    """First row filled more than half as much as the fullest of the top rows (title rows sit above it)."""
    top = raw.head(50).notna().sum(axis=1)
    widest = int(top.max()) if len(top) else 0
    for position, filled in enumerate(top):
        if filled and 2 * filled > widest:
            return position
    return 0


def two_row_header(
    cells: SheetCells, *, columns: np.ndarray, top: list[object], row: int
) -> list[object] | None:
    """Names joining a header of two rows ("Customer" merged over "ID" and "Name"), or ``None``.

    Only when the top row has gaps (merged cells keep their text in the first one), the row
    below names every column in text, and the row after that holds some non-text value.
    """
    if all(is_blank(v) for v in top) or not any(is_blank(v) for v in top):
        return None
    below, _ = cell_table(cells, columns=columns, first_row=row, last_row=row + 1)
    if len(below) < 2:
        return None
    names, data = list(below.iloc[0]), list(below.iloc[1])
    if not all(isinstance(v, str) and v.strip() for v in names):
        return None
    if all(isinstance(v, str) or is_blank(v) for v in data):
        return None
    joined: list[object] = []
    above = ""
    for upper, lower in zip(top, names, strict=True):
        above = above if is_blank(upper) else str(upper).strip()
        joined.append(f"{above} {lower.strip()}" if above else lower.strip())
    return joined
