"""``segmentation inspect`` and ``segmentation features``: understand a file, build customer features."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from segmentation import ParameterError
from segmentation.cli._arguments import currency as currency_argument
from segmentation.cli._engine import add_engine_option, on_spark
from segmentation.cli._lazy import DEFERRED

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation import (
        ROLE_LABELS,
        CurrencyGuess,
        Role,
        TableProfile,
        TransactionColumns,
        build_customer_features,
        detect_currency,
        detect_table_shape,
        detect_transaction_columns,
        format_money,
        profile_table,
    )
    from segmentation.cli._common import CliTable, print_json, read_input, resolve_column, write_table
    from segmentation.cli._spark import spark_features

__all__ = ["register"]

_COLUMN_FLAGS = (
    ("customer", "--customer-col", "C", "customer id column"),
    ("date", "--date-col", "D", "purchase date column"),
    ("amount", "--amount-col", "A", "amount paid per line (or give --quantity-col and --price-col)"),
    ("quantity", "--quantity-col", "Q", "quantity column (multiplied by --price-col)"),
    ("price", "--price-col", "P", "unit price column"),
    ("order", "--order-col", "O", "order / invoice number column (frequency counts distinct orders)"),
    ("item", "--item-col", "I", "product / item column"),
    ("category", "--category-col", "K", "product category column (spend shares per category)"),
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``inspect`` and ``features`` subcommands."""
    inspect = subparsers.add_parser(
        "inspect",
        help="show column roles, table shape and data-quality issues of a file",
        description="Read FILE (CSV/TSV/TXT, possibly gzipped or zipped, XLSX, Parquet, JSON), guess what "
        "each column is and whether rows are customers or transactions, and list data-quality issues.",
    )
    inspect.add_argument("file", metavar="FILE", help="the table to inspect")
    inspect.add_argument(
        "--json",
        action="store_true",
        help="print JSON (keys: format, rows, shape, columns, issues, currency)",
    )
    inspect.set_defaults(handler=_run_inspect)

    features = subparsers.add_parser(
        "features",
        help="build one row per customer (RFM and behaviour features) from transactions",
        description="Turn purchase lines into one row per customer: recency_days, frequency, monetary, "
        "avg_order_value, tenure_days, mean_days_between_purchases, distinct_items, returns, category "
        "spend shares, RFM scores and RFM segment. Column flags may be left out when the columns are "
        "recognised; otherwise the error lists the candidates.",
    )
    features.add_argument("transactions", metavar="TRANSACTIONS", help="the transaction file")
    features.add_argument(
        "--customers", metavar="FILE", help="customer attributes to join on the customer id"
    )
    features.add_argument("--customer-id-col", metavar="C", help="id column of the --customers file")
    for field, flag, metavar, text in _COLUMN_FLAGS:
        features.add_argument(flag, dest=f"{field}_col", metavar=metavar, help=text)
    features.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="day recency is measured from (default: the day after the last purchase)",
    )
    features.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output file (.csv, .xlsx, .parquet)"
    )
    features.add_argument(
        "--currency",
        type=currency_argument,
        metavar="CODE",
        help="currency the printed money is written in, e.g. EUR (default: detected from TRANSACTIONS)",
    )
    add_engine_option(features)
    features.set_defaults(handler=_run_features)


def _print_profile(path: str, file_format: str, profile: TableProfile, currency: CurrencyGuess) -> None:
    print(f"{path}: {file_format}, {profile.rows:,} rows, {len(profile.columns)} columns")
    print(f"Shape: {profile.shape} — {profile.shape_reason}")
    print(f"Currency: {currency.summary}" + ("" if currency.sure else " (--currency CODE sets it)"))
    print()
    width = max((len(c.name) for c in profile.columns), default=6)
    header = f"{'column':<{width}}  {'role':<46}  {'sure':>4}  {'type':<7}  {'missing':>8}  {'distinct':>9}"
    print(f"{header}  examples")
    for column in profile.columns:
        examples = ", ".join(column.examples)[:40]
        print(
            f"{column.name:<{width}}  {ROLE_LABELS[column.role]:<46}  {column.confidence:>4.0%}  "
            f"{column.dtype:<7}  {column.missing:>8,}  {column.distinct:>9,}  {examples}"
        )
    consent = [c for c in profile.columns if c.consent is not None]
    if consent:
        print()
        print("Consent columns:")
        for column in consent:
            print(f"  - {column.consent_meaning}")
    uncertain = [c for c in profile.columns if c.uncertain]
    if uncertain:
        print()
        print("Check these guesses:")
        for column in uncertain:
            runner_up = f" (or {ROLE_LABELS[column.runner_up]})" if column.runner_up is not None else ""
            print(f"  - {column.name!r}: {ROLE_LABELS[column.role]}{runner_up}: {column.evidence}.")
    print()
    if not profile.issues:
        print("No data-quality issues found.")
    else:
        print(f"{len(profile.issues)} data-quality issue(s):")
        for issue in profile.issues:
            print(f"  - [{issue.kind}] {issue.message}")


def _run_inspect(args: argparse.Namespace) -> int:
    table = read_input(args.file)
    profile = profile_table(table.raw, roles=table.roles, decimal=table.loaded.detection.decimal)
    file_format = table.loaded.detection.format
    currency = detect_currency(table.raw, roles=table.roles)
    if args.json:
        print_json({**profile.to_dict(file_format=file_format), "currency": currency.to_dict()})
    else:
        _print_profile(args.file, file_format, profile, currency)
    return 0


def _parse_as_of(text: str | None) -> pd.Timestamp | None:
    if text is None:
        return None
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except ValueError as exc:
        raise ParameterError(
            f"--as-of {text!r} is not a date written as YYYY-MM-DD, like 2024-12-31."
        ) from exc


def _explicit_columns(args: argparse.Namespace, table: CliTable) -> dict[str, str | None]:
    chosen: dict[str, str | None] = {}
    for field, flag, _, _ in _COLUMN_FLAGS:
        name = getattr(args, f"{field}_col")
        chosen[field] = (
            None if name is None else resolve_column(table.raw, name, file=args.transactions, flag=flag)
        )
    if (chosen["quantity"] is None) != (chosen["price"] is None) and chosen["amount"] is None:
        raise ParameterError(
            "Give both --quantity-col and --price-col (their product is the line amount), or --amount-col."
        )
    return chosen


def _detection_notes(args: argparse.Namespace, table: CliTable, columns: TransactionColumns) -> list[str]:
    """Say which guessed column was taken where another was possible, and the flag to change it."""
    notes = []
    if args.customer_col is None and table.roles.get(columns.customer) is Role.EMAIL:
        notes.append(
            f"customers are told apart by their email in {columns.customer!r} (--customer-col to change)."
        )
    amounts = [c for c, r in table.roles.items() if r is Role.AMOUNT and c != columns.amount]
    if args.amount_col is None and columns.amount is not None and amounts:
        others = ", ".join(repr(c) for c in amounts)
        notes.append(f"the amount paid is {columns.amount!r}, not {others} (--amount-col to change).")
    return notes


def _run_features(args: argparse.Namespace) -> int:
    as_of = _parse_as_of(args.as_of)
    if on_spark(args):
        return spark_features(args, _COLUMN_FLAGS)
    table = read_input(args.transactions)
    columns = detect_transaction_columns(table.typed, table.roles, **_explicit_columns(args, table))
    shape = detect_table_shape(table.raw, {**table.roles, columns.customer: Role.CUSTOMER_ID})
    if shape.shape == "customers":
        print(f"note: this looks like a customer table, not purchases: {shape.reason}", file=sys.stderr)
    for note in _detection_notes(args, table, columns):
        print(f"note: {note}", file=sys.stderr)
    customers = None
    customer_id_col = None
    if args.customers:
        people = read_input(args.customers)
        customers = people.raw
        if args.customer_id_col:
            customer_id_col = resolve_column(
                people.raw, args.customer_id_col, file=args.customers, flag="--customer-id-col"
            )
    # Typed lines: dates and numbers are already converted; ids stay as written.
    result = build_customer_features(
        table.typed,
        columns=columns,
        as_of=as_of,
        customers=customers,
        customer_id_col=customer_id_col,
        decimal=table.loaded.detection.decimal,
    )
    write_table(result.frame, args.output)
    # Returns have a value only when the file has money; otherwise saying "worth 0.00" would invent one.
    currency = args.currency or detect_currency(table.raw, roles=table.roles).code
    money = format_money(result.returns_value, currency) if currency else f"{result.returns_value:,.2f}"
    worth = f" worth {money}" if result.monetary_is_money else ""
    print(
        f"wrote {args.output}: {len(result.frame):,} customers from {result.n_lines:,} lines "
        f"(as of {result.as_of.isoformat()}; {result.n_returns:,} return lines{worth})"
    )
    for note in result.notes:
        print(f"note: {note}")
    return 0
