"""From purchase lines to one row per customer: behaviour features and RFM.

``build_customer_features`` turns a transaction table (customer, date, amount or quantity ×
price, optional order, item and category) into recency, frequency, monetary, order value,
tenure, purchase rhythm, variety, returns and category shares, then scores RFM and names the
RFM segment. Aggregation works on integer codes with ``numpy.bincount`` and hashing, so five
million lines take seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from segmentation._plural import counted
from segmentation.customers.aggregate import behaviour, join_customers
from segmentation.customers.rfm import (
    RFM_SEGMENT_RULES,
    RfmCutPoints,
    RfmSegmentRule,
    default_cut_points,
    rfm_scores,
    rfm_segment,
    rfm_segment_grid,
    rfm_segment_table,
)
from segmentation.customers.transactions import TransactionColumns, check_column, column_listing, read_lines
from segmentation.errors import ColumnError, ParameterError
from segmentation.profiling.roles import Role, as_roles

__all__ = [
    "FEATURE_COLUMNS",
    "RFM_SEGMENT_RULES",
    "CustomerFeatures",
    "RfmCutPoints",
    "RfmSegmentRule",
    "build_customer_features",
    "default_cut_points",
    "detect_transaction_columns",
    "rfm_scores",
    "rfm_segment",
    "rfm_segment_grid",
    "rfm_segment_table",
]

#: The behaviour columns, in output order (``distinct_items`` only with an item column;
#: ``share_<category>`` columns follow ``returns_value`` when there is a category column).
FEATURE_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "tenure_days",
    "mean_days_between_purchases",
    "distinct_items",
    "returns_count",
    "returns_value",
)
RFM_COLUMNS = ("r_score", "f_score", "m_score", "rfm_score", "rfm_segment")


@dataclass(frozen=True)
class CustomerFeatures:
    """One row per customer built from transactions.

    ``frame`` has the customer id first (named as in the transactions), then the feature
    columns, ``share_<category>`` columns, the RFM columns and any joined customer attributes.
    ``cut_points`` are the thresholds used, or (when ``rank_based``) the quintile boundaries to
    start editing from. ``notes`` say in plain words what was dropped or assumed.
    """

    frame: pd.DataFrame
    id_col: str
    as_of: date
    n_lines: int
    n_returns: int
    returns_value: float
    cut_points: RfmCutPoints
    notes: tuple[str, ...]
    rank_based: bool = True
    monetary_is_money: bool = True


# --------------------------------------------------------------------------- column detection

_PURCHASE_DATE_HINT = re.compile(
    r"order|purchase|invoice|transaction|sale|bought|kauf|bestell|commande|achat|"
    r"compra|pedido|订单|购买|注文|購入",
    re.IGNORECASE,
)


# Money columns that are parts or side effects of a payment, not what the customer paid for the line.
_SECONDARY_MONEY = re.compile(
    r"refund|fee|tax|shipping|freight|discount|subtotal|converted|coupon|tip|deposit|balance|cost",
    re.IGNORECASE,
)


def _main_amount(amounts: list[str]) -> str | None:
    """The one money column that is what was paid, when the others are refunds, fees, taxes..."""
    main = [a for a in amounts if not _SECONDARY_MONEY.search(a)]
    return main[0] if len(main) == 1 else None


def _candidates(roles: dict[str, Role], role: Role) -> list[str]:
    return [c for c, r in roles.items() if r is role]


def _pick_required(
    frame: pd.DataFrame,
    roles: dict[str, Role],
    role: Role,
    *,
    question: str,
    flag: str,
    fallback: list[str] | None = None,
    prefer: re.Pattern[str] | None = None,
) -> str:
    found = _candidates(roles, role)
    if len(found) > 1 and prefer is not None:
        preferred = [c for c in found if prefer.search(c)]
        found = preferred if len(preferred) == 1 else found
    if len(found) > 1:
        # A column filled on every line beats ones left blank on many (Shopify's "Paid at" is
        # only on an order's first line; "Created at" is on all of them).
        complete = [c for c in found if frame[c].notna().all()]
        sparse = [c for c in found if frame[c].isna().mean() > 0.1]
        found = complete if len(complete) == 1 and len(sparse) == len(found) - 1 else found
    if len(found) == 1:
        return found[0]
    shown = found or fallback or [str(c) for c in frame.columns]
    raise ColumnError(f"{question} Candidates: {column_listing(shown)}. Pass {flag}.")


def _pick_optional(roles: dict[str, Role], role: Role) -> str | None:
    found = _candidates(roles, role)
    return found[0] if found else None


def detect_transaction_columns(
    frame: pd.DataFrame,
    roles: Mapping[str, Role | str],
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    order: str | None = None,
    item: str | None = None,
    category: str | None = None,
) -> TransactionColumns:
    """Decide which columns hold the customer, date, money, order, item and category.

    Columns given explicitly win; the rest come from ``roles``. Without a customer id column, a
    single email column identifies the customers. Money is an amount column (when there are
    several, the one that is not a refund, fee, tax, shipping or discount column), or a
    quantity and a unit price multiplied; a file with neither (member, date, item) is accepted
    and its "monetary" then counts items (see :func:`build_customer_features`).

    Raises
    ------
    ColumnError
        When the customer or date column is missing or ambiguous; the message lists the
        candidate columns and the flag to pass.
    """
    roles = as_roles(roles)
    explicit = {
        "customer": customer,
        "date": date,
        "amount": amount,
        "quantity": quantity,
        "price": price,
        "order": order,
        "item": item,
        "category": category,
    }
    for what, name in explicit.items():
        check_column(frame, name, what)
    text_columns = [
        c for c, r in roles.items() if r in (Role.CUSTOMER_ID, Role.TEXT, Role.CATEGORICAL, Role.NUMERIC)
    ]
    emails = _candidates(roles, Role.EMAIL)
    if customer is None and not _candidates(roles, Role.CUSTOMER_ID) and len(emails) == 1:
        # An order export without a customer number (Shopify) names its buyers by email.
        customer = emails[0]
    customer = customer or _pick_required(
        frame,
        roles,
        Role.CUSTOMER_ID,
        question="Which column is the customer id?",
        flag="--customer-col",
        fallback=emails + text_columns,
    )
    date = date or _pick_required(
        frame,
        roles,
        Role.DATE,
        question="Which column is the purchase date?",
        flag="--date-col",
        prefer=_PURCHASE_DATE_HINT,
    )
    if amount is None and not (quantity and price):
        amounts = _candidates(roles, Role.AMOUNT)
        if len(amounts) > 1 and _main_amount(amounts) is not None:
            amounts = [str(_main_amount(amounts))]
        if len(amounts) > 1:
            raise ColumnError(
                f"Which column is the amount paid per line? Candidates: {column_listing(amounts)}. "
                "Pass --amount-col (or --quantity-col and --price-col)."
            )
        amount = amounts[0] if amounts else None
    if amount is None:
        quantity = quantity or _pick_optional(roles, Role.QUANTITY)
        price = price or _pick_optional(roles, Role.PRICE)
    return TransactionColumns(
        customer=customer,
        date=date,
        amount=amount,
        quantity=quantity,
        price=price,
        order=order or _pick_optional(roles, Role.ORDER_ID),
        item=item or _pick_optional(roles, Role.ITEM),
        category=category or _pick_optional(roles, Role.CATEGORY),
    )


# --------------------------------------------------------------------------- entry point


def _day_text(day: int) -> str:
    return str(np.datetime64(day, "D"))


def _as_of_day(as_of: date | datetime | str | None, last_day: int) -> int:
    if as_of is None:
        return last_day + 1
    try:
        stamp = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"The as-of date {as_of!r} is not a date; write it like 2024-12-31.") from exc
    if pd.isna(stamp):
        raise ParameterError(f"The as-of date {as_of!r} is empty; write it like 2024-12-31 or leave it out.")
    return int(stamp.normalize().to_datetime64().astype("datetime64[D]").astype(np.int64))


def build_customer_features(
    transactions: pd.DataFrame,
    *,
    columns: TransactionColumns,
    as_of: date | datetime | str | None = None,
    customers: pd.DataFrame | None = None,
    customer_id_col: str | None = None,
    top_categories: int = 5,
    cut_points: RfmCutPoints | None = None,
    decimal: str = ".",
) -> CustomerFeatures:
    """Build one row per customer with behaviour features, RFM scores and RFM segment.

    Definitions (days are calendar days; the as-of day defaults to the day after the last
    purchase in the data, and lines after it are left out):

    * ``recency_days`` = as-of − last purchase day; ``tenure_days`` = as-of − first purchase day.
    * ``frequency`` = distinct order ids (lines without one: distinct days), or distinct
      purchase days when there is no order column.
    * ``monetary`` = total of the non-negative line values (amount, or quantity × price);
      negative lines are returns or cancellations, counted in ``returns_count`` and
      ``returns_value`` (a positive total) instead. Without any money column, monetary counts
      the items bought (quantities, or lines) and a note says so.
    * ``avg_order_value`` = monetary / frequency; ``mean_days_between_purchases`` =
      (last − first purchase day) / (distinct purchase days − 1), NaN with one purchase day.
    * ``distinct_items`` (with an item column); ``share_<category>`` = share of monetary spent
      in each of the ``top_categories`` categories with the highest total, plus ``share_other``.
    * RFM scores via :func:`rfm_scores` (rank quintiles, or ``cut_points``).

    Customers whose only lines are returns are left out (noted). Customers in ``customers``
    without purchases are not added; buyers missing from it get empty attributes.

    Parameters
    ----------
    transactions : DataFrame of shape (n_lines, n_columns)
        Raw text (as loaded) or typed columns.
    columns : TransactionColumns
        From :func:`detect_transaction_columns` or the user.
    as_of : date or "YYYY-MM-DD", optional
    customers : DataFrame of shape (n_people, n_attributes), optional
        Customer attributes, joined on the id matched as trimmed text.
    customer_id_col : str, optional
        The id column of ``customers``; by default the same name as in the transactions, or the
        one column inferred as customer id.
    top_categories : int
        Number of ``share_<category>`` columns before ``share_other``.
    cut_points : RfmCutPoints, optional
        Fixed RFM thresholds instead of rank quintiles.
    decimal : {".", ","}
        Decimal mark of amounts written as text.

    Returns
    -------
    CustomerFeatures
        ``frame`` of shape (n_customers, n_columns), sorted by customer id.

    Raises
    ------
    ColumnError
        When a column is missing, or the date or amount column mostly fails to parse.
    """
    if top_categories < 0:
        raise ParameterError(f"top_categories={top_categories} must be 0 or more.")
    for what in ("customer", "date", "amount", "quantity", "price", "order", "item", "category"):
        check_column(transactions, getattr(columns, what), what)
    notes: list[str] = []
    lines = read_lines(transactions, columns, notes, decimal=decimal)
    if len(lines.day) == 0:
        raise ColumnError(
            f"No usable purchase lines: every line lacks a customer id in {columns.customer!r} or a date in "
            f"{columns.date!r}."
        )
    as_of_day = _as_of_day(as_of, int(lines.day.max()))
    if as_of_day < int(lines.day.min()):
        raise ParameterError(
            f"The as-of date {_day_text(as_of_day)} is before the first purchase "
            f"({_day_text(int(lines.day.min()))}); choose a later date."
        )
    after = lines.day > as_of_day
    if after.any():
        notes.append(f"Left out {counted(int(after.sum()), 'line')} dated after the as-of date.")
        lines = lines.subset(~after)
    frame, kept = behaviour(lines, as_of_day=as_of_day, top_categories=top_categories)
    only_returns = len(lines.customer_names) - len(kept)
    if only_returns:
        notes.append(
            f"Left out {counted(only_returns, 'customer')} whose only lines are returns or cancellations."
        )
    if frame.empty:
        raise ColumnError(
            "No customer has a purchase (every line is a return or dated after the as-of date)."
        )
    id_col = str(columns.customer)
    frame.insert(0, id_col, pd.array(lines.customer_names[kept], dtype="str"))
    frame = frame.sort_values(id_col, kind="stable").reset_index(drop=True)
    scores = rfm_scores(frame, cut_points=cut_points)
    frame = pd.concat([frame, scores], axis=1)
    if customers is not None:
        frame = join_customers(frame, id_col, customers, customer_id_col, notes)
    n_returns = int((lines.value < 0).sum())
    return CustomerFeatures(
        frame=frame,
        id_col=id_col,
        as_of=date.fromisoformat(_day_text(as_of_day)),
        n_lines=len(lines.day),
        n_returns=n_returns,
        returns_value=abs(float(lines.value[lines.value < 0].sum())),
        cut_points=cut_points if cut_points is not None else default_cut_points(frame),
        notes=tuple(notes),
        rank_based=cut_points is None,
        monetary_is_money=lines.has_money,
    )
