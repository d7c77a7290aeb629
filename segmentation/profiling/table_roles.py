"""The table-level half of role inference: one customer id, the table's shape, roles fitted to it.

:func:`infer_columns` first guesses each column on its own
(:func:`segmentation.profiling.roles.guess_column`), then :func:`settle_table` chooses the
customer id among the candidates (person-named first, then a bare "id", then ids found by their
values), decides whether rows are customers or purchases, and adjusts the roles that depend on
it: products, categories and quantities are purchase-line roles; in a customer table they are
per-customer traits.
"""

from __future__ import annotations

import re

import pandas as pd

from segmentation.parsing import parse_numbers
from segmentation.profiling.column_facts import read_facts, sample_rows
from segmentation.profiling.roles import (
    _CONSTANT_MIN_VALUES,
    _WHOLE_TOTALS,
    REPEATED_ID_SHARE,
    ColumnGuess,
    Role,
    RoleInference,
    _guess,
    _id_kind,
    _number_guess,
    _text_guess,
    guess_column,
    name_hint,
    normalise_name,
)

__all__ = ["infer_columns", "infer_roles", "settle_table"]

_PURCHASE_ROLES = frozenset({Role.DATE, Role.ORDER_ID, Role.ITEM, Role.AMOUNT, Role.PRICE, Role.QUANTITY})
# In a table of purchases, "number of ..." per line is the quantity bought.
_UNITS = re.compile(r"(?i)^ (?:number[ _]of|num[ _]|no[ _]of|n[ _]of)[ _]?[a-z]")


def _repeated_share(series: pd.Series) -> float:
    """Share of filled rows whose id already appeared on an earlier row (every row is checked)."""
    present = series.dropna()
    if pd.api.types.is_object_dtype(present.dtype) or pd.api.types.is_string_dtype(present.dtype):
        present = present.astype("str").str.strip()
        present = present[present != ""]
    return float(present.duplicated().mean()) if len(present) else 0.0


def _choose_customer_id(
    frame: pd.DataFrame, guesses: dict[str, ColumnGuess], *, orders: bool
) -> tuple[str | None, tuple[str, ...], float]:
    """The customer id among the candidates: person-named first, then a bare "id", then by values.

    In a table of orders (``orders``) only a person-named id can be the customer's: a bare "Id"
    there numbers the orders. A table without any customer id whose item id is unique per row
    lists items (a product table): that id identifies the rows.
    """
    candidates = [c for c, g in guesses.items() if g.role is Role.CUSTOMER_ID]
    tier = {"person": 0, "generic": 1}
    if not candidates and not orders:
        items = [c for c, g in guesses.items() if g.role is Role.ITEM and _id_kind(c) == "item"]
        unique = [c for c in items if _repeated_share(frame[c]) == 0]
        return (unique[0], (unique[0],), 0.0) if unique else (None, (), 0.0)
    if not candidates:
        return None, (), 0.0
    ranked = sorted(candidates, key=lambda c: tier.get(_id_kind(c) or "", 2))
    chosen = ranked[0]
    if orders and _id_kind(chosen) != "person":
        return None, tuple(ranked), 0.0
    repeated = _repeated_share(frame[chosen])
    if _id_kind(chosen) not in tier and repeated > REPEATED_ID_SHARE:
        # Codes found by their values alone identify rows only when each appears once.
        return None, tuple(ranked), 0.0
    return chosen, tuple(ranked), repeated


def settle_table(frame: pd.DataFrame, guesses: dict[str, ColumnGuess]) -> RoleInference:
    """Keep one customer id and fit the other roles to the table's shape.

    Rows are purchases (transactions) when the customer id repeats and the table has purchase
    columns, or when an order, invoice or payment number fills most rows.
    """
    orders = any(g.role is Role.ORDER_ID and frame[c].notna().mean() >= 0.5 for c, g in guesses.items())
    chosen, candidates, repeated = _choose_customer_id(frame, guesses, orders=orders)
    others = [c for c in candidates if c != chosen]
    purchase = any(g.role in _PURCHASE_ROLES for c, g in guesses.items())
    transactions = orders or (chosen is not None and repeated > REPEATED_ID_SHARE and purchase)
    customers = chosen is not None and not transactions
    has_quantity = any(g.role is Role.QUANTITY for g in guesses.values())
    line_items = any(
        g.role in (Role.QUANTITY, Role.PRICE) or (g.role is Role.ITEM and not _described_only(c))
        for c, g in guesses.items()
    )
    settled: dict[str, ColumnGuess] = {}
    for column, guess in guesses.items():
        if column == chosen:
            guess = _id_guess(column, guess, others, transactions=transactions, repeated=repeated)
        elif column in others:
            guess = _other_id_guess(frame[column], chosen, transactions=transactions)
        elif guess.role is Role.ITEM and _described_only(column) and not line_items:
            # A "Description" is a product only beside quantities, prices or other item columns.
            facts = read_facts(frame[column])
            trait = _text_guess(facts, None, None)
            described = trait.role if trait.role in (Role.CATEGORICAL, Role.TEXT) else Role.TEXT
            guess = _guess(
                described, 0.65, Role.ITEM, "a description, but nothing else in the table is a product"
            )
        elif guess.role is Role.ITEM:
            guess = _item_guess(frame[column], guess, customers=customers)
        elif not transactions and guess.evidence == _WHOLE_TOTALS:
            guess = _guess(Role.NUMERIC, 0.6, Role.AMOUNT, f"{_WHOLE_TOTALS}, and each row is not a purchase")
        elif (
            transactions and not has_quantity and guess.role is Role.NUMERIC and _UNITS.search(f" {column} ")
        ):
            guess = _guess(Role.QUANTITY, 0.65, Role.NUMERIC, "a count per purchase line: units bought")
        elif customers and guess.role in (Role.CATEGORY, Role.QUANTITY):
            role = Role.NUMERIC if guess.role is Role.QUANTITY else Role.CATEGORICAL
            guess = _guess(role, 0.75, guess.role, f"{guess.evidence}, but each row is one customer")
        settled[column] = guess
    return RoleInference(settled, candidates, chosen)


def _other_id_guess(series: pd.Series, chosen: str | None, *, transactions: bool) -> ColumnGuess:
    """An id-like column that is not the customer id: the transaction id when unique per line."""
    taken = f"{chosen!r} was taken as the customer id" if chosen else "the values repeat"
    # shops number orders 5000, 5001 ...: consecutive values are a row counter only without an order name
    order_named = name_hint(series.name) is Role.ORDER_ID
    if transactions and _repeated_share(series) == 0 and (order_named or not _is_row_number(series)):
        return _guess(Role.ORDER_ID, 0.65, Role.TEXT, f"a unique id per line while {taken}: a transaction id")
    return _guess(Role.TEXT, 0.7, Role.CUSTOMER_ID, f"another id-like column; {taken}")


def _is_row_number(series: pd.Series) -> bool:
    """Consecutive whole numbers (1, 2, 3 ...): a row counter rather than an identifier."""
    numbers = parse_numbers(sample_rows(series)).values.dropna()
    if numbers.empty or not bool((numbers % 1 == 0).all()):
        return False
    full = parse_numbers(series).values.dropna()
    return bool(full.is_unique) and float(full.max() - full.min() + 1) == float(len(full))


def _id_guess(
    column: str, guess: ColumnGuess, others: list[str], *, transactions: bool, repeated: float
) -> ColumnGuess:
    kind = _id_kind(column)
    confidence = {"person": 0.95, "generic": 0.85}.get(kind or "", 0.55)
    if others:
        confidence = min(confidence, 0.8 if kind == "person" else 0.6)
    why = (
        f"repeats on {repeated:.0%} of rows: one customer, many rows"
        if transactions
        else ("unique per row" if repeated == 0 else f"repeats on {repeated:.0%} of rows")
    )
    other_text = f"; other candidates: {', '.join(repr(c) for c in others)}" if others else ""
    return _guess(Role.CUSTOMER_ID, confidence, guess.runner_up, f"{guess.evidence}, {why}{other_text}")


def _described_only(column: str) -> bool:
    """The name says item only through "description" ("Description", not "Product Description")."""
    words = normalise_name(column)
    return "description" in words.split() and name_hint(words.replace("description", " ")) is not Role.ITEM


def _item_guess(series: pd.Series, guess: ColumnGuess, *, customers: bool) -> ColumnGuess:
    """Items are code-like or name values that repeat across the rows of a transaction table."""
    if customers:
        facts = read_facts(series)
        trait = _number_guess(facts, None, None) if facts.kind == "number" else _text_guess(facts, None, None)
        return _guess(
            trait.role if trait.role is not Role.CUSTOMER_ID else Role.TEXT,
            0.75,
            Role.ITEM,
            "the name says product, but each row is one customer: a per-customer trait",
        )
    sample = sample_rows(series)
    distinct_share = sample.nunique() / len(sample) if len(sample) else 0.0
    if distinct_share > 0.95 and len(sample) >= _CONSTANT_MIN_VALUES:
        return _guess(Role.TEXT, 0.6, Role.ITEM, "the name says product, but the values hardly repeat")
    return _guess(
        Role.ITEM, guess.confidence, guess.runner_up, f"{guess.evidence}; the values repeat across rows"
    )


def infer_columns(frame: pd.DataFrame) -> RoleInference:
    """Guess the role of every column, with confidence, runner-up and evidence.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Text columns (as loaded from CSV) or native numbers/dates (Excel, Parquet).

    Returns
    -------
    RoleInference
        One :class:`ColumnGuess` per column, in column order; at most one customer id.
    """
    guesses = {str(column): guess_column(column, frame[column]) for column in frame.columns}
    return settle_table(frame, guesses)


def infer_roles(frame: pd.DataFrame) -> dict[str, Role]:
    """Guess the role of every column from its name and (a sample of) its values.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Text columns (as loaded from CSV) or native numbers/dates (Excel, Parquet).

    Returns
    -------
    dict
        Column name → :class:`Role`, in column order. At most one column is the customer id.
    """
    return infer_columns(frame).roles
