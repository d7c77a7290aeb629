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

from segmentation.keys import customer_key
from segmentation.parsing import DateParse, NumberParse, parse_dates, parse_numbers
from segmentation.profiling.quality import DataIssue, TableShape, column_issues, column_values, table_issues
from segmentation.profiling.roles import (
    ID_ROLES,
    NUMBER_ROLES,
    REPEATED_ID_SHARE,
    ROLE_LABELS,
    UNCERTAIN_BELOW,
    ColumnGuess,
    Role,
    RoleInference,
    as_roles,
)
from segmentation.profiling.table_roles import infer_columns, infer_roles
from segmentation.vocabulary import ConsentName, ConsentPolarity, read_consent_name, read_yes_no

__all__ = [
    "ROLE_LABELS",
    "UNCERTAIN_BELOW",
    "ColumnGuess",
    "ColumnProfile",
    "DataIssue",
    "DateParse",
    "NumberParse",
    "Role",
    "RoleInference",
    "ShapeGuess",
    "TableProfile",
    "coerce_table",
    "detect_table_shape",
    "infer_columns",
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
_N_EXAMPLES = 3


@dataclass(frozen=True)
class ShapeGuess:
    """Whether a table lists customers (one row each) or transactions, and why we think so."""

    shape: TableShape
    reason: str


@dataclass(frozen=True)
class ColumnProfile:
    """Summary of one column: its role, a plain type label, missing values and distinct values.

    ``confidence`` (0-1), ``runner_up`` and ``evidence`` say how sure the role is and why (a role
    the user set has confidence 1). For a consent column, ``consent`` is the polarity its name
    says ("opt-in": yes means may contact; "opt-out": yes means do not contact) and whether that
    reading is certain.
    """

    name: str
    role: Role
    dtype: str
    missing: int
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    role_label: str = ""
    confidence: float = 1.0
    runner_up: Role | None = None
    evidence: str = ""
    consent: ConsentName | None = None

    @property
    def uncertain(self) -> bool:
        """True when the guess is worth a second look (or a consent polarity is unsure)."""
        return self.confidence < UNCERTAIN_BELOW or (self.consent is not None and not self.consent.certain)

    @property
    def consent_meaning(self) -> str:
        """The consent polarity in words, e.g. "'unsubscribed': yes means do not contact" ("" otherwise)."""
        if self.consent is None:
            return ""
        return f"{self.name!r}: {self.consent.description}"

    def to_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "name": self.name,
            "role": str(self.role),
            "dtype": self.dtype,
            "missing": self.missing,
            "distinct": self.distinct,
            "confidence": self.confidence,
            "runner_up": None if self.runner_up is None else str(self.runner_up),
            "evidence": self.evidence,
        }
        if self.consent is not None:
            payload["consent_means"] = str(self.consent.polarity)
            payload["consent_certain"] = self.consent.certain
        return payload


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
            # The literal yes/no; what it means for contact depends on the column's polarity.
            converted[column] = read_yes_no(series)
        elif role is None or role is Role.IGNORE:
            converted[column] = series.copy()
        elif role in ID_ROLES or role in (Role.ITEM, Role.CATEGORY, Role.CATEGORICAL):
            converted[column] = customer_key(series)
        else:
            converted[column] = series.astype("str").where(series.notna())
    return pd.DataFrame(converted, index=frame.index)


# --------------------------------------------------------------------------- table shape

_PURCHASE_ROLES = (Role.DATE, Role.ORDER_ID, Role.ITEM, Role.AMOUNT, Role.PRICE, Role.QUANTITY)


def _candidates_note(candidates: tuple[str, ...], chosen: str | None) -> str:
    others = [c for c in candidates if c != chosen]
    if not others:
        return ""
    return f" Other columns that could be the customer id: {', '.join(repr(c) for c in others)}."


def _shape_guess(
    id_column: str, n_ids: int, n_distinct: int, roles: dict[str, Role], candidates: tuple[str, ...] = ()
) -> ShapeGuess:
    purchase_columns = [c for c, r in roles.items() if r in _PURCHASE_ROLES]
    repeated = n_ids - n_distinct
    note = _candidates_note(candidates, id_column)
    if n_ids and repeated > REPEATED_ID_SHARE * n_ids and purchase_columns:
        return ShapeGuess(
            "transactions",
            f"{id_column!r} repeats ({n_ids:,} rows for {n_distinct:,} customers, about "
            f"{n_ids / max(n_distinct, 1):.1f} rows each) and the file has purchase columns "
            f"({', '.join(repr(c) for c in purchase_columns[:3])}), "
            "so each row is taken as one purchase line." + note,
        )
    if n_ids and repeated > REPEATED_ID_SHARE * n_ids:
        return ShapeGuess(
            "customers",
            f"{id_column!r} repeats ({n_ids:,} rows for {n_distinct:,} customers) but the file has no date, "
            "order, item or amount column, so each row is taken as one customer; check the repeated ids."
            + note,
        )
    return ShapeGuess(
        "customers", f"Each {id_column!r} appears about once, so each row is taken as one customer." + note
    )


def _order_shape(filled: dict[str, float], roles: dict[str, Role]) -> ShapeGuess | None:
    """Rows are purchases when an order, invoice or payment number fills most of them."""
    orders = [c for c, r in roles.items() if r is Role.ORDER_ID and filled.get(c, 0.0) >= 0.5]
    if not orders:
        return None
    customers = [c for c, r in roles.items() if r is Role.CUSTOMER_ID]
    who = (
        f"; {customers[0]!r} is the customer id"
        if customers
        else "; no customer id column was found, so pick one before building customers"
    )
    return ShapeGuess(
        "transactions",
        f"{orders[0]!r} numbers orders, invoices or payments on {filled[orders[0]]:.0%} of rows, so each "
        f"row is taken as one purchase line{who}.",
    )


def _no_id(candidates: tuple[str, ...] = ()) -> ShapeGuess:
    listed = f" Candidates: {', '.join(repr(c) for c in candidates)}." if candidates else ""
    return ShapeGuess(
        "customers",
        "No customer id column was found, so each row is taken as one customer; mark the id column "
        "in the roles table if there is one." + listed,
    )


def detect_table_shape(frame: pd.DataFrame, roles: Mapping[str, Role | str]) -> ShapeGuess:
    """Guess whether ``frame`` has one row per customer or one row per purchase.

    A table is a transaction table when an order/invoice/payment number fills most rows, or when
    its customer ids repeat (more than 5 % of rows) and it has a date, an order id, an item, an
    amount, a price or a quantity; otherwise it is a customer table.
    """
    roles = as_roles(roles)
    filled = {
        c: float(frame[c].notna().mean()) for c, r in roles.items() if r is Role.ORDER_ID and c in frame
    }
    by_orders = _order_shape(filled, roles)
    if by_orders is not None:
        return by_orders
    id_columns = [c for c, r in roles.items() if r is Role.CUSTOMER_ID]
    if not id_columns:
        return _no_id()
    ids = customer_key(frame[id_columns[0]]).dropna()
    return _shape_guess(id_columns[0], len(ids), int(ids.nunique()), roles, tuple(id_columns))


def _column_guesses(
    frame: pd.DataFrame, roles: dict[str, Role] | None
) -> tuple[dict[str, Role], dict[str, ColumnGuess], tuple[str, ...]]:
    """Roles (given or inferred) and, for each column, the guess to show with it.

    A role the user set differently from the guess is shown with confidence 1, the guess as
    runner-up; a consent column keeps the polarity its name says (unsure when it says none).
    """
    inference = infer_columns(frame)
    if roles is None:
        return inference.roles, inference.guesses, inference.id_candidates
    shown: dict[str, ColumnGuess] = {}
    for column, role in roles.items():
        guess = inference.guesses.get(column)
        if guess is not None and guess.role is role:
            shown[column] = guess
            continue
        consent = None
        if role is Role.CONSENT:
            consent = read_consent_name(column) or ConsentName(ConsentPolarity.OPT_IN, certain=False)
        runner_up = None if guess is None else guess.role
        evidence = "set by you" + (
            "" if guess is None else f" (we guessed {guess.role.value}: {guess.evidence})"
        )
        shown[column] = ColumnGuess(role, 1.0, runner_up, evidence, consent)
    candidates = tuple(c for c, r in roles.items() if r is Role.CUSTOMER_ID)
    return roles, shown, candidates


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
        Rows, shape guess, one :class:`ColumnProfile` per column (with the role's confidence,
        runner-up, evidence and, for consent, its polarity) and the :class:`DataIssue` list
        (table-wide issues first, then by column order).
    """
    roles, guesses, candidates = _column_guesses(frame, None if roles is None else as_roles(roles))
    rows = len(frame)
    # Factorize each column once; every count and check below reuses it.
    summaries = {str(column): column_values(frame[column]) for column in frame.columns}
    id_columns = [c for c, r in roles.items() if r is Role.CUSTOMER_ID and c in summaries]
    filled = {c: 1 - v.missing / rows if rows else 0.0 for c, v in summaries.items()}
    guess = _order_shape(filled, roles) or _no_id(candidates)
    if id_columns and guess.shape == "customers":
        ids = summaries[id_columns[0]]
        guess = _shape_guess(id_columns[0], rows - ids.missing, ids.n_distinct, roles, candidates)
    columns: list[ColumnProfile] = []
    issues = table_issues(frame, guess.shape)
    for name, values in summaries.items():
        role = roles.get(name, Role.IGNORE)
        shown = guesses.get(name)
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
                confidence=1.0 if shown is None else shown.confidence,
                runner_up=None if shown is None else shown.runner_up,
                evidence="" if shown is None else shown.evidence,
                consent=None if shown is None or role is not Role.CONSENT else shown.consent,
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
