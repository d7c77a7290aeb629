"""Assembling the working dataset: the customer table every later stage segments.

A marketer brings either a customer table (one row per customer) or a transaction table
(many rows per customer, with dates). Either way the rest of the journey needs the same
thing: one row per customer, an id column, and the roles of the columns; with transactions,
also the transactions themselves (for recommendations) and, optionally, a product catalog
that gives items their names and categories.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from segmentation.customers.features import build_customer_features, detect_transaction_columns
from segmentation.customers.transactions import TransactionColumns
from segmentation.demo.shop import demo_data_dir, write_demo_data
from segmentation.errors import ColumnError
from segmentation.io.loading import load_table
from segmentation.profiling.roles import name_hint
from segmentation.profiling.table_profile import Role, coerce_table, infer_roles

__all__ = [
    "DEMO_NAME",
    "CatalogColumns",
    "CustomerDataset",
    "attach_catalog",
    "customer_table_dataset",
    "demo_dataset",
    "detect_catalog_columns",
    "fingerprint",
    "transaction_dataset",
]

#: Roles of the columns ``build_customer_features`` creates; the score columns are derived
#: from recency/frequency/monetary, so they are kept out of feature defaults by role.
FEATURE_ROLES: Mapping[str, Role] = {
    "recency_days": Role.NUMERIC,
    "frequency": Role.NUMERIC,
    "monetary": Role.AMOUNT,
    "avg_order_value": Role.AMOUNT,
    "items_bought": Role.QUANTITY,  # files without money: items, never spend
    "items_per_order": Role.QUANTITY,
    "tenure_days": Role.NUMERIC,
    "mean_days_between_purchases": Role.NUMERIC,
    "distinct_items": Role.NUMERIC,
    "returns_count": Role.NUMERIC,
    "returns_value": Role.AMOUNT,
    "r_score": Role.IGNORE,
    "f_score": Role.IGNORE,
    "m_score": Role.IGNORE,
    "rfm_score": Role.IGNORE,
    "rfm_segment": Role.CATEGORICAL,
}

_NAME_HINTS = ("name", "title", "description", "desc", "label", "名称", "品名", "商品名")


@dataclass(frozen=True)
class CatalogColumns:
    """Which catalog columns hold the item id, its readable name and its category."""

    item: str
    name: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class CustomerDataset:
    """One row per customer, plus what produced it.

    ``customers`` has one row per customer with ``customer_id_col`` holding the id as text;
    ``roles`` gives the role of each of its columns. With a transaction source,
    ``transactions`` (typed, with catalog names/categories attached when a catalog was given)
    and ``transaction_columns`` describe the purchases behind it.
    """

    source_name: str
    customers: pd.DataFrame
    customer_id_col: str
    roles: dict[str, Role]
    transactions: pd.DataFrame | None = None
    transaction_columns: TransactionColumns | None = None
    catalog: pd.DataFrame | None = None
    catalog_columns: CatalogColumns | None = None
    as_of: date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def fingerprint(*parts: object) -> str:
    """A short stable hash of ``parts`` (bytes hashed as is, other values by their ``repr``)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:16]


def customer_table_dataset(
    frame: pd.DataFrame,
    roles: Mapping[str, Role],
    *,
    source_name: str,
    customer_id_col: str | None = None,
) -> CustomerDataset:
    """Use a customer table (one row per customer) as the working dataset.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, n_columns)
        The typed table (see :func:`segmentation.profiling.table_profile.coerce_table`).
    roles : mapping of column name to :class:`Role`
    source_name : str
        The file name, used in messages.
    customer_id_col : str, optional
        The id column; by default the single column whose role is ``customer_id``. When the
        table has none, a ``row_number`` column (1, 2, ...) is added and a note says so.
    """
    notes: list[str] = []
    roles = dict(roles)
    if customer_id_col is None:
        candidates = [c for c, r in roles.items() if r == Role.CUSTOMER_ID]
        if len(candidates) > 1:
            raise ColumnError(
                f"{source_name} has several columns that look like customer ids: "
                f"{', '.join(repr(c) for c in candidates)}. Mark only one of them as the customer id."
            )
        customer_id_col = candidates[0] if candidates else None
    elif customer_id_col not in frame.columns:
        raise ColumnError(f"{source_name} has no column {customer_id_col!r} to use as the customer id.")
    customers = frame
    if customer_id_col is None:
        customer_id_col = "row_number"
        while customer_id_col in customers.columns:
            customer_id_col = "_" + customer_id_col
        customers = frame.copy()
        customers.insert(0, customer_id_col, [str(i) for i in range(1, len(frame) + 1)])
        customers[customer_id_col] = customers[customer_id_col].astype("str")
        roles[customer_id_col] = Role.CUSTOMER_ID
        notes.append(
            f"{source_name} has no customer id column, so each row was numbered in a new "
            f"'{customer_id_col}' column (1 = first data row)."
        )
    else:
        roles[customer_id_col] = Role.CUSTOMER_ID
    return CustomerDataset(
        source_name=source_name,
        customers=customers,
        customer_id_col=customer_id_col,
        roles=roles,
        notes=tuple(notes),
    )


def detect_catalog_columns(
    catalog: pd.DataFrame, *, item_col: str | None = None, roles: Mapping[str, Role] | None = None
) -> CatalogColumns:
    """Find the item id, name and category columns of a product catalog.

    ``item_col`` names the id column when known (usually the transactions' item column, the
    name both files share). Raises :class:`ColumnError` when no id column can be found.
    """
    roles = dict(roles) if roles is not None else infer_roles(catalog)
    columns = [str(c) for c in catalog.columns]
    if item_col is None or item_col not in columns:
        ids = [c for c in columns if roles.get(c) in (Role.ITEM, Role.CUSTOMER_ID, Role.ORDER_ID)]
        if not ids:
            raise ColumnError(
                "The catalog has no column that looks like an item id; its columns are "
                f"{', '.join(repr(c) for c in columns)}. Name the id column like the item column "
                "of the transactions."
            )
        item_col = ids[0]
    name_col = next(
        (
            c
            for c in columns
            if c != item_col
            and roles.get(c) not in (Role.NUMERIC, Role.AMOUNT, Role.PRICE, Role.DATE)
            and any(h in c.casefold() for h in _NAME_HINTS)
        ),
        None,
    )
    # In a catalog (one row per product) a category column is read as a product trait; its name says so.
    category_col = next(
        (c for c in columns if roles.get(c) == Role.CATEGORY and c != item_col), None
    ) or next((c for c in columns if c != item_col and name_hint(c) is Role.CATEGORY), None)
    return CatalogColumns(item=item_col, name=name_col, category=category_col)


def attach_catalog(
    transactions: pd.DataFrame,
    columns: TransactionColumns,
    catalog: pd.DataFrame,
    catalog_columns: CatalogColumns,
) -> tuple[pd.DataFrame, TransactionColumns]:
    """Add the catalog's item name and category to each transaction line.

    Returns the new transactions and column mapping (its ``category`` set to the catalog's
    category when the transactions had none). Lines whose item is not in the catalog keep an
    empty name and category. Assumes validated input.
    """
    if columns.item is None:
        return transactions, columns
    keep = [c for c in (catalog_columns.name, catalog_columns.category) if c is not None]
    if not keep:
        return transactions, columns
    lookup = catalog[[catalog_columns.item, *keep]].copy()
    lookup[catalog_columns.item] = lookup[catalog_columns.item].astype("str").str.strip()
    lookup = lookup.drop_duplicates(subset=catalog_columns.item, keep="first").set_index(catalog_columns.item)
    keys = transactions[columns.item].astype("str").str.strip()
    result = transactions.copy()
    new_columns = columns
    for col in keep:
        target = col
        if target in result.columns:
            if col == catalog_columns.category and columns.category == col:
                continue  # the transactions already carry this category
            target = f"catalog_{col}"
        result[target] = keys.map(lookup[col])
        if col == catalog_columns.category and columns.category is None:
            new_columns = replace(new_columns, category=target)
    return result, new_columns


def transaction_dataset(
    transactions: pd.DataFrame,
    *,
    columns: TransactionColumns,
    source_name: str,
    as_of: date | None = None,
    customers: pd.DataFrame | None = None,
    customers_id_col: str | None = None,
    catalog: pd.DataFrame | None = None,
    catalog_columns: CatalogColumns | None = None,
) -> CustomerDataset:
    """Build the customer table (RFM and behaviour features) from a transaction table.

    Parameters
    ----------
    transactions : DataFrame of shape (n_lines, n_columns)
        Typed transaction lines.
    columns : TransactionColumns
        Which columns hold the customer, date, amount ... (see
        :func:`segmentation.customers.features.detect_transaction_columns`).
    as_of : date, optional
        The day recency is measured from; by default the day after the last purchase.
    customers : DataFrame, optional
        Customer attributes (age, region, consent ...), joined on the customer id.
    catalog : DataFrame, optional
        Product catalog giving items names and categories.
    """
    notes: list[str] = []
    if catalog is not None:
        catalog_columns = catalog_columns or detect_catalog_columns(catalog, item_col=columns.item)
        transactions, columns = attach_catalog(transactions, columns, catalog, catalog_columns)
    features = build_customer_features(
        transactions,
        columns=columns,
        as_of=as_of,
        customers=customers,
        customer_id_col=customers_id_col,
    )
    notes.extend(features.notes)
    table = features.frame
    roles = infer_roles(table)
    if customers is not None:
        attribute_roles = infer_roles(customers)
        roles.update({c: r for c, r in attribute_roles.items() if c in table.columns})
    roles.update({c: r for c, r in FEATURE_ROLES.items() if c in table.columns})
    roles.update({c: Role.NUMERIC for c in table.columns if str(c).startswith("share_")})
    roles[features.id_col] = Role.CUSTOMER_ID
    return CustomerDataset(
        source_name=source_name,
        customers=table,
        customer_id_col=features.id_col,
        roles=roles,
        transactions=transactions,
        transaction_columns=columns,
        catalog=catalog,
        catalog_columns=catalog_columns,
        as_of=features.as_of,
        notes=tuple(notes),
    )


DEMO_NAME = "Demo shop (bundled sample data)"
DEMO_FILE_NAMES = ("demo_orders.csv.gz", "demo_customers.csv", "demo_products.csv")


def _read_typed(path: Path) -> tuple[pd.DataFrame, dict[str, Role]]:
    loaded = load_table(path)
    roles = infer_roles(loaded.frame)
    return coerce_table(loaded.frame, roles, decimal=loaded.detection.decimal), roles


def demo_dataset(folder: Path | None = None) -> CustomerDataset:
    """The bundled demo shop: customers built from its orders, with attributes and catalog joined.

    Reads the files in the project's ``data/`` folder through the same loader as an upload;
    when they are missing (an installed package without the repository), they are generated
    with the committed seed into a temporary folder first.
    """
    folder = folder or demo_data_dir()
    if not all((folder / name).is_file() for name in DEMO_FILE_NAMES):
        folder = Path(tempfile.mkdtemp(prefix="segmentation-demo-"))
        write_demo_data(folder)
    orders, order_roles = _read_typed(folder / DEMO_FILE_NAMES[0])
    customers, _ = _read_typed(folder / DEMO_FILE_NAMES[1])
    products, product_roles = _read_typed(folder / DEMO_FILE_NAMES[2])
    columns = detect_transaction_columns(orders, order_roles)
    catalog_columns = detect_catalog_columns(products, item_col=columns.item, roles=product_roles)
    return transaction_dataset(
        orders,
        columns=columns,
        source_name=DEMO_NAME,
        customers=customers,
        catalog=products,
        catalog_columns=catalog_columns,
    )
