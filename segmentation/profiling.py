"""Understanding a loaded table: column roles, typed values, table shape and data quality.

The Data page and ``segmentation inspect`` show what this module finds: a role per column
(editable by the user), whether the file lists customers or transactions, and a data-quality
report that names the column, the count and example values of each problem.

Counts of bad values always cover every row; only role inference samples rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from segmentation._parsing import DateParse, NumberParse, parse_dates, parse_numbers
from segmentation._quality import DataIssue, TableShape, column_issues, column_values, table_issues
from segmentation._roles import ID_ROLES, NUMBER_ROLES, ROLE_LABELS, Role, as_roles, infer_roles
from segmentation._transactions import customer_key

__all__ = [
    "ROLE_LABELS",
    "ColumnProfile",
    "DataIssue",
    "DateParse",
    "NumberParse",
    "Role",
    "ShapeGuess",
    "TableProfile",
    "coerce_table",
    "detect_table_shape",
    "infer_roles",
    "parse_dates",
    "parse_numbers",
    "profile_table",
]

_DTYPE_LABELS: dict[Role, str] = {
    **{role: "number" for role in NUMBER_ROLES},
    Role.DATE: "date",
    Role.CONSENT: "yes/no",
}
_TRUE_WORDS = frozenset(
    {"yes", "y", "true", "t", "1", "1.0", "ja", "oui", "si", "sí", "是", "opt-in", "opted in", "subscribed"}
)
_FALSE_WORDS = frozenset(
    {"no", "n", "false", "f", "0", "0.0", "nein", "non", "否", "opt-out", "opted out", "unsubscribed"}
)
_N_EXAMPLES = 3


@dataclass(frozen=True)
class ShapeGuess:
    """Whether a table lists customers (one row each) or transactions, and why we think so."""

    shape: TableShape
    reason: str


@dataclass(frozen=True)
class ColumnProfile:
    """Summary of one column: its role, a plain type label, missing values and distinct values."""

    name: str
    role: Role
    dtype: str
    missing: int
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    role_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": str(self.role),
            "dtype": self.dtype,
            "missing": self.missing,
            "distinct": self.distinct,
        }


@dataclass(frozen=True)
class TableProfile:
    """Everything the Data page shows about a table before it is used."""

    rows: int
    shape: TableShape
    shape_reason: str
    roles: dict[str, Role]
    columns: tuple[ColumnProfile, ...]
    issues: tuple[DataIssue, ...] = field(default_factory=tuple)

    def to_dict(self, *, file_format: str | None = None) -> dict[str, Any]:
        """The ``segmentation inspect --json`` payload (``format`` only when given)."""
        payload: dict[str, Any] = {} if file_format is None else {"format": file_format}
        payload.update(
            {
                "rows": self.rows,
                "shape": self.shape,
                "columns": [c.to_dict() for c in self.columns],
                "issues": [i.to_dict() for i in self.issues],
            }
        )
        return payload


# --------------------------------------------------------------------------- typing values


def _as_consent(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    words = series.astype("str").str.strip().str.casefold()
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    result[words.isin(_TRUE_WORDS).fillna(False).astype(bool)] = True
    result[words.isin(_FALSE_WORDS).fillna(False).astype(bool)] = False
    return result


def coerce_table(frame: pd.DataFrame, roles: Mapping[str, Role | str], *, decimal: str = ".") -> pd.DataFrame:
    """Convert each column to the type its role implies; the input is not modified.

    Numbers (numeric, amount, quantity, price) become float64 with bad values NaN; dates become
    datetime64; consent becomes nullable boolean; ids, items, categories and text become ``str``
    with ids kept exactly as written (``"007"`` stays ``"007"``). Columns without a role, and
    ignored ones, are copied unchanged.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    roles : dict
        Column name → :class:`Role` (as from :func:`infer_roles`, possibly edited).
    decimal : {".", ","}
        The file's decimal mark.

    Returns
    -------
    DataFrame of shape (n_rows, n_columns)
    """
    roles = as_roles(roles)
    converted: dict[Any, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        role = roles.get(str(column))
        if role in NUMBER_ROLES:
            converted[column] = parse_numbers(series, decimal=decimal).values
        elif role is Role.DATE:
            converted[column] = parse_dates(series).values
        elif role is Role.CONSENT:
            converted[column] = _as_consent(series)
        elif role is None or role is Role.IGNORE:
            converted[column] = series.copy()
        elif role in ID_ROLES or role in (Role.ITEM, Role.CATEGORY, Role.CATEGORICAL):
            converted[column] = customer_key(series)
        else:
            converted[column] = series.astype("str").where(series.notna())
    return pd.DataFrame(converted, index=frame.index)


# --------------------------------------------------------------------------- table shape


def _shape_guess(id_column: str, n_ids: int, n_distinct: int, roles: dict[str, Role]) -> ShapeGuess:
    purchase_columns = [
        c for c, r in roles.items() if r in (Role.DATE, Role.ORDER_ID, Role.ITEM, Role.AMOUNT)
    ]
    repeated = n_ids - n_distinct
    if n_ids and repeated > 0.05 * n_ids and purchase_columns:
        return ShapeGuess(
            "transactions",
            f"{id_column!r} repeats ({n_ids:,} rows for {n_distinct:,} customers, about "
            f"{n_ids / max(n_distinct, 1):.1f} rows each) and the file has purchase columns "
            f"({', '.join(repr(c) for c in purchase_columns[:3])}), "
            "so each row is taken as one purchase line.",
        )
    return ShapeGuess(
        "customers", f"Each {id_column!r} appears about once, so each row is taken as one customer."
    )


_NO_ID = ShapeGuess("customers", "No customer id column was found, so each row is taken as one customer.")


def detect_table_shape(frame: pd.DataFrame, roles: Mapping[str, Role | str]) -> ShapeGuess:
    """Guess whether ``frame`` has one row per customer or one row per purchase.

    A table is a transaction table when its customer ids repeat (more than 5 % of rows) and it
    has a date, an order id, an item or an amount; otherwise it is a customer table.
    """
    roles = as_roles(roles)
    id_columns = [c for c, r in roles.items() if r is Role.CUSTOMER_ID]
    if not id_columns:
        return _NO_ID
    ids = customer_key(frame[id_columns[0]]).dropna()
    return _shape_guess(id_columns[0], len(ids), int(ids.nunique()), roles)


def profile_table(
    frame: pd.DataFrame, *, roles: Mapping[str, Role | str] | None = None, decimal: str = "."
) -> TableProfile:
    """Profile every column and list data-quality issues.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        As loaded (text) or typed.
    roles : dict, optional
        Column name → :class:`Role`; inferred when omitted.
    decimal : {".", ","}
        The file's decimal mark, for reading numbers written as text.

    Returns
    -------
    TableProfile
        Rows, shape guess, one :class:`ColumnProfile` per column and the :class:`DataIssue` list
        (table-wide issues first, then by column order).
    """
    roles = as_roles(roles) if roles is not None else infer_roles(frame)
    rows = len(frame)
    # Factorize each column once; every count and check below reuses it.
    summaries = {str(column): column_values(frame[column]) for column in frame.columns}
    id_columns = [c for c, r in roles.items() if r is Role.CUSTOMER_ID and c in summaries]
    guess = _NO_ID
    if id_columns:
        ids = summaries[id_columns[0]]
        guess = _shape_guess(id_columns[0], rows - ids.missing, ids.n_distinct, roles)
    columns: list[ColumnProfile] = []
    issues = table_issues(frame, guess.shape)
    for name, values in summaries.items():
        role = roles.get(name, Role.IGNORE)
        columns.append(
            ColumnProfile(
                name=name,
                role=role,
                dtype=_DTYPE_LABELS.get(role, "text"),
                missing=values.missing,
                missing_share=values.missing / rows if rows else 0.0,
                distinct=values.n_distinct,
                examples=values.examples(),
                role_label=ROLE_LABELS[role],
            )
        )
        issues.extend(column_issues(name, role, values, rows=rows, shape=guess.shape, decimal=decimal))
    return TableProfile(
        rows=rows,
        shape=guess.shape,
        shape_reason=guess.reason,
        roles=roles,
        columns=tuple(columns),
        issues=tuple(issues),
    )
