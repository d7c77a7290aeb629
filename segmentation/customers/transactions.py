"""Transaction lines as integer codes and numbers, ready for per-customer aggregation.

Assumes the columns named in the mapping exist (checked by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.errors import ColumnError
from segmentation.keys import customer_key  # re-exported: one id normalisation for the package
from segmentation.parsing import parse_dates, parse_numbers

__all__ = ["TransactionColumns", "TypedLines", "check_column", "column_listing", "customer_key", "read_lines"]


@dataclass(frozen=True)
class TransactionColumns:
    """Which column of a transaction table holds what. ``None`` means the file has no such column."""

    customer: str
    date: str
    amount: str | None = None
    quantity: str | None = None
    price: str | None = None
    order: str | None = None
    item: str | None = None
    category: str | None = None


# A date or amount column where more than this share of filled cells cannot be read is
# probably the wrong column, so we stop instead of silently dropping most lines.
_MOSTLY_BAD = 0.5


@dataclass(frozen=True)
class TypedLines:
    """Usable lines: codes index the ``*_names`` arrays; -1 means missing; value < 0 is a return."""

    customer_codes: np.ndarray
    customer_names: np.ndarray
    day: np.ndarray
    value: np.ndarray
    order_codes: np.ndarray | None
    item_codes: np.ndarray | None
    category_codes: np.ndarray | None
    category_names: np.ndarray | None
    has_money: bool

    def subset(self, keep: np.ndarray) -> TypedLines:
        """Lines where ``keep`` is True; customers left without lines are dropped from the names."""
        codes, used = pd.factorize(self.customer_codes[keep], sort=True)
        return replace(
            self,
            customer_codes=codes.astype(np.int64),
            customer_names=self.customer_names[np.asarray(used, dtype=np.int64)],
            day=self.day[keep],
            value=self.value[keep],
            order_codes=None if self.order_codes is None else self.order_codes[keep],
            item_codes=None if self.item_codes is None else self.item_codes[keep],
            category_codes=None if self.category_codes is None else self.category_codes[keep],
        )


def column_listing(columns: list[str]) -> str:
    return ", ".join(repr(c) for c in columns) if columns else "none"


def check_column(frame: pd.DataFrame, name: str | None, what: str) -> None:
    if name is not None and name not in frame.columns:
        shown = ", ".join(repr(str(c)) for c in frame.columns[:30])
        raise ColumnError(f"The {what} column {name!r} is not in the transactions. Its columns are: {shown}.")


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of shape (n,) into the distinct trimmed values (-1: missing or blank), and those values.

    Trims the distinct values rather than every row: millions of lines have far fewer ids.
    """
    raw_codes, raw_uniques = pd.factorize(series, use_na_sentinel=True)
    keys = customer_key(pd.Series(raw_uniques))
    key_codes, names = pd.factorize(keys, use_na_sentinel=True)
    codes = np.where(raw_codes >= 0, key_codes[np.maximum(raw_codes, 0)] if len(key_codes) else -1, -1)
    return codes.astype(np.int64), np.asarray(names, dtype=object)


def _mostly_bad(column: str, what: str, n_bad: int, filled: int, examples: tuple[str, ...]) -> None:
    if filled and n_bad > _MOSTLY_BAD * filled:
        shown = ", ".join(repr(e) for e in examples[:3])
        raise ColumnError(
            f"The {what} column {column!r} could not be read in {n_bad:,} of {filled:,} filled rows, like "
            f"{shown}. Choose another column or fix the file."
        )


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Days since 1970-01-01 as int64; missing or unreadable dates are the int64 minimum."""
    series = frame[column]
    parsed = parse_dates(series)
    _mostly_bad(column, "date", parsed.n_bad, int(series.notna().sum()), parsed.examples)
    days = parsed.values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return days.astype(np.int64)


def _numbers(frame: pd.DataFrame, column: str, what: str, decimal: str) -> np.ndarray:
    series = frame[column]
    parsed = parse_numbers(series, decimal=decimal)
    _mostly_bad(column, what, parsed.n_bad, int(series.notna().sum()), parsed.examples)
    return parsed.values.to_numpy(dtype="float64", na_value=np.nan)


def _line_values(
    frame: pd.DataFrame, columns: TransactionColumns, notes: list[str], decimal: str
) -> np.ndarray:
    """Money per line (amount, or quantity × price); items per line when the file has no money."""
    if columns.amount is not None:
        value = _numbers(frame, columns.amount, "amount", decimal)
        source = f"{columns.amount!r}"
    elif columns.quantity is not None and columns.price is not None:
        value = _numbers(frame, columns.quantity, "quantity", decimal) * _numbers(
            frame, columns.price, "price", decimal
        )
        source = f"{columns.quantity!r} × {columns.price!r}"
    elif columns.quantity is not None:
        notes.append(
            "The file has no amount or price, so 'items_bought' is the number of items bought "
            f"({columns.quantity!r}) "
            "and 'items_per_order' the items per order (there is no 'monetary' spend)."
        )
        return np.nan_to_num(_numbers(frame, columns.quantity, "quantity", decimal), nan=1.0)
    else:
        notes.append(
            "The file has no amount, quantity or price, so 'items_bought' counts the lines bought "
            "(one item each) "
            "and 'items_per_order' the items per order (there is no 'monetary' spend)."
        )
        return np.ones(len(frame), dtype="float64")
    missing = np.isnan(value)
    if missing.any():
        notes.append(
            f"Counted {counted(int(missing.sum()), 'line')} with no readable value in {source} as "
            "purchases worth 0."
        )
    return np.where(missing, 0.0, value)


def read_lines(
    frame: pd.DataFrame, columns: TransactionColumns, notes: list[str], *, decimal: str = "."
) -> TypedLines:
    """Read the mapped columns into codes and numbers; lines without id or date are dropped (noted)."""
    customer_codes, customer_names = _codes(frame[columns.customer])
    day = _days(frame, columns.date)
    value = _line_values(frame, columns, notes, decimal)
    order = _codes(frame[columns.order])[0] if columns.order is not None else None
    item = _codes(frame[columns.item])[0] if columns.item is not None else None
    category_codes, category_names = _codes(frame[columns.category]) if columns.category else (None, None)
    lines = TypedLines(
        customer_codes,
        customer_names,
        day,
        value,
        order,
        item,
        category_codes,
        category_names,
        has_money=columns.amount is not None or (columns.quantity is not None and columns.price is not None),
    )
    no_id = customer_codes < 0
    no_date = day == np.iinfo(np.int64).min
    if no_id.any():
        notes.append(
            f"Left out {counted(int(no_id.sum()), 'line')} with no customer id in {columns.customer!r}."
        )
    if (no_date & ~no_id).any():
        notes.append(
            f"Left out {counted(int((no_date & ~no_id).sum()), 'line')} with no readable date in "
            f"{columns.date!r}."
        )
    return lines.subset(~(no_id | no_date))
