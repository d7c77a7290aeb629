"""Finding the "Total" and "Subtotal" rows that spreadsheet reports carry below their data.

Private helper of :mod:`segmentation.io.loading`. A row is a summary row, and is left out of the
table, when all of these hold:

* its first filled cell is a total word ("Total", "Grand Total", "Subtotal", "Sum", "Summe",
  "Gesamt", "Total général", "合计", "總計", "合計", "小计" ..., any case, optional ":");
* its other cells hold numbers or nothing (at most one other text cell, or a quarter of the columns);
* and either its numbers add up: in at least half of its numeric cells (and at least one) the value
  equals the sum of the rows above it (since the previous summary row, or since the top), over at
  least two rows; or the label stands in the first column, the row holds no other text and it ends
  its block (it is the last row, or a blank row follows).

So a customer called "Total" with an e-mail address and a city is never dropped, and neither is a
"Total" row in the middle of the data whose numbers do not add up. Only rows whose first cell is a
total word are examined, so the check costs one pass over the first filled cell of each row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TOTAL_WORDS", "SummaryRows", "find_summary_rows"]

TOTAL_WORDS = frozenset(
    {
        "total",
        "totals",
        "grand total",
        "subtotal",
        "sub total",
        "sub-total",
        "sum",
        "summe",
        "gesamt",
        "gesamtsumme",
        "zwischensumme",
        "total général",
        "total general",
        "sous-total",
        "totale",
        "合计",
        "总计",
        "總計",
        "合計",
        "小计",
        "小計",
    }
)
_LONGEST_WORD = max(len(word) for word in TOTAL_WORDS) + 3
_MAX_CANDIDATES = 1000
_SHOWN = 5
_MONEY_SIGNS = re.compile(r"[\s$€£¥%'\u00a0\u202f]")


@dataclass(frozen=True)
class SummaryRows:
    """Positions (0-based, in the frame) of the summary rows found, and notes for the user."""

    positions: tuple[int, ...]
    notes: tuple[str, ...]


def _normalised(labels: pd.Series) -> pd.Series:
    text = labels.astype("str").str.strip().str.rstrip(":：").str.strip().str.casefold()
    return text.str.replace(r"\s+", " ", regex=True)


def _label_hits(cells: pd.Series) -> np.ndarray:
    """Which of ``cells`` are total words (text cells only)."""
    if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_datetime64_any_dtype(cells):
        return np.zeros(len(cells), dtype=bool)
    if cells.dtype == object:
        is_text = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=len(cells))
    else:
        is_text = cells.notna().to_numpy(dtype=bool)
    hits = np.zeros(len(cells), dtype=bool)
    short = is_text.copy()
    short[is_text] = (cells[is_text].astype("str").str.len() <= _LONGEST_WORD).to_numpy(dtype=bool)
    if short.any():
        hits[short] = _normalised(cells[short]).isin(TOTAL_WORDS).to_numpy(dtype=bool)
    return hits


def _candidates(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """``(row position, column position)`` of rows whose first filled cell is a total word.

    Only the first column is scanned in full; other columns only in the rows empty before them.
    """
    found: list[tuple[int, int]] = []
    open_rows = np.arange(len(frame))
    for column in range(frame.shape[1]):
        if not len(open_rows):
            break
        cells = frame.iloc[open_rows, column]
        filled = cells.notna().to_numpy(dtype=bool)
        hits = _label_hits(cells[filled])
        found += [(int(row), column) for row in open_rows[filled][hits]]
        open_rows = open_rows[~filled]
    return sorted(found)[:_MAX_CANDIDATES]


def _numbers(column: pd.Series, decimal: str) -> np.ndarray:
    """The column as floats (NaN where not a number); text numbers may carry currency and separators."""
    if pd.api.types.is_bool_dtype(column):
        return np.full(len(column), np.nan)
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(column):
        return np.full(len(column), np.nan)
    text = column.astype("str")
    numbers = np.full(len(column), np.nan)
    if decimal == ".":  # plain numbers parse directly; only the others need cleaning
        parsed = pd.to_numeric(text, errors="coerce")
        numbers = np.array(parsed.to_numpy(dtype=float, na_value=np.nan), dtype=float)  # writable copy
    unparsed = np.isnan(numbers) & column.notna().to_numpy(dtype=bool)
    if unparsed.any():
        numbers[unparsed] = _cleaned_numbers(text[unparsed], decimal)
    return numbers


def _cleaned_numbers(text: pd.Series, decimal: str) -> np.ndarray:
    text = text.str.replace(_MONEY_SIGNS, "", regex=True)
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    negative = text.str.startswith("(", na=False) & text.str.endswith(")", na=False)
    text = text.where(~negative, "-" + text.str.strip("()"))
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _adds_up(total: float, above: np.ndarray) -> bool:
    values = above[~np.isnan(above)]
    if len(values) < 2:
        return False
    expected = float(values.sum())
    # shown values and the total may be rounded to the cent; by at most half a cent each, but the
    # allowance is kept tight (a millionth of the magnitudes) so a random value seldom "adds up"
    magnitude = float(np.abs(values).sum())
    tolerance = min(0.005 * (len(values) + 1), max(0.01, 1e-6 * magnitude))
    return abs(total - expected) <= tolerance


def find_summary_rows(
    frame: pd.DataFrame, *, line_numbers: np.ndarray, row_word: str = "Row", decimal: str = "."
) -> SummaryRows:
    """Find total and subtotal rows in ``frame`` of shape (n_rows, n_columns).

    ``line_numbers`` of shape (n_rows,) gives each row's number in the file (a gap means blank
    rows were left out between them); ``row_word`` names them in notes ("Row", "Line").
    """
    candidates = _candidates(frame)
    if not candidates:
        return SummaryRows((), ())
    candidate_rows = {row for row, _ in candidates}
    numeric_columns: dict[int, np.ndarray] = {}
    kept: list[tuple[int, str, str]] = []
    previous = -1
    n_rows, n_columns = frame.shape
    for row, label_column in candidates:
        cells = frame.iloc[row]
        other_text, checks = 0, []
        for column in range(n_columns):
            value = cells.iloc[column]
            if column == label_column or value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if column not in numeric_columns:
                numeric_columns[column] = _numbers(frame.iloc[:, column], decimal)
            number = numeric_columns[column][row]
            if np.isnan(number):
                other_text += 1
            else:
                checks.append(column)
        if other_text > max(1, n_columns // 4):
            previous = row
            continue
        others = np.array(sorted(candidate_rows - {row}), dtype=np.int64)
        matched = []
        for column in checks:
            numbers = numeric_columns[column]
            since_previous = numbers[previous + 1 : row]
            from_top = np.delete(numbers[:row], others[others < row])
            if _adds_up(numbers[row], since_previous) or _adds_up(numbers[row], from_top):
                matched.append(str(frame.columns[column]))
        adds_up = bool(matched) and 2 * len(matched) >= len(checks)
        block_end = row == n_rows - 1 or line_numbers[row + 1] > line_numbers[row] + 1
        if adds_up:
            kept.append((row, str(cells.iloc[label_column]), f"{', '.join(matched[:3])} add up"))
        elif label_column == 0 and block_end and other_text == 0:
            kept.append(
                (
                    row,
                    str(cells.iloc[label_column]),
                    "the last row of its block, labelled in the first column",
                )
            )
        previous = row
    if not kept:
        return SummaryRows((), ())
    notes = [
        f"{row_word} {int(line_numbers[row])} ({label!r}) looks like a total of the rows above "
        f"({reason}) and was left out."
        for row, label, reason in kept[:_SHOWN]
    ]
    if len(kept) > _SHOWN:
        notes.append(f"{len(kept) - _SHOWN} more total or subtotal row(s) were left out.")
    return SummaryRows(tuple(row for row, _, _ in kept), tuple(notes))
