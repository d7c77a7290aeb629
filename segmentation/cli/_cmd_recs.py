"""``segmentation recommend`` (top-N items per customer) and ``evaluate-recs`` (offline model scores)."""

from __future__ import annotations

import argparse
from typing import Any

from segmentation import DEFAULT_RECOMMENDER, RECOMMENDERS, ColumnError, ParameterError
from segmentation.cli._arguments import positive_int
from segmentation.cli._engine import add_engine_option, on_spark
from segmentation.cli._lazy import DEFERRED

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation import (
        MODELS,
        Role,
        build_interactions,
        evaluate_interactions,
        fit_recommender,
        recommend_top_n,
    )
    from segmentation.cli._common import (
        CliTable,
        print_json,
        read_input,
        resolve_column,
        split_names,
        write_table,
    )
    from segmentation.cli._spark import spark_evaluate, spark_recommend

__all__ = ["register"]


def _add_column_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "transactions", metavar="TRANSACTIONS", help="order lines or ratings: customer, item, time"
    )
    parser.add_argument("--customer-col", metavar="C", help="customer id column (default: detected)")
    parser.add_argument("--item-col", metavar="I", help="item / product id column (default: detected)")
    parser.add_argument(
        "--time-col", metavar="T", help="date or epoch-seconds column (default: detected; else row order)"
    )


def register(subparsers: Any) -> None:
    """Add the ``recommend`` and ``evaluate-recs`` subcommands."""
    recommend = subparsers.add_parser(
        "recommend",
        help="top-N items per customer with a reason, already-bought items excluded",
        description="Fit a recommendation model on the purchase history and write each customer's top-N "
        "items they do not have yet, with a score and a reason ('Because they bought ...'). Customers "
        "without history (in --segments only) get their segment's most popular items.",
    )
    _add_column_flags(recommend)
    recommend.add_argument("--segments", metavar="SEGMENTED", help="output of 'segmentation segment'")
    recommend.add_argument("--catalog", metavar="ITEMS", help="item catalog with names (and categories)")
    recommend.add_argument(
        "--model",
        default=DEFAULT_RECOMMENDER,
        help=f"one of {', '.join(RECOMMENDERS)} (default {DEFAULT_RECOMMENDER})",
    )
    recommend.add_argument(
        "--top-n", type=positive_int, default=10, metavar="N", help="items per customer (default 10)"
    )
    recommend.add_argument(
        "-o", "--output", required=True, metavar="RECS", help="file to write (.csv, .xlsx)"
    )
    add_engine_option(recommend)
    recommend.set_defaults(handler=_run_recommend)

    evaluate = subparsers.add_parser(
        "evaluate-recs",
        help="compare recommendation models offline (latest 20%% of each customer held out)",
        description="Hold out each customer's latest 20%% of interactions, train every model on the rest "
        "and report precision@k, recall@k, NDCG@k, catalog coverage and seconds, popularity included.",
    )
    _add_column_flags(evaluate)
    evaluate.add_argument("--k", type=positive_int, default=10, help="list length (default 10)")
    evaluate.add_argument(
        "--models", metavar="A,B", help=f"models to compare (default all: {', '.join(RECOMMENDERS)})"
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_engine_option(evaluate)
    evaluate.set_defaults(handler=_run_evaluate)


def _detect(table: CliTable, role: Role, *, flag: str, what: str, required: bool = True) -> str | None:
    found = [column for column, r in table.roles.items() if r == role]
    if len(found) == 1:
        return found[0]
    if not found and not required:
        return None
    listed = ", ".join(repr(c) for c in (found or list(table.raw.columns)))
    reason = "several columns could be" if found else "no column looks like"
    raise ColumnError(f"{table.path}: {reason} the {what}; choose one with {flag} (candidates: {listed}).")


def _optional_single(table: CliTable, role: Role) -> str | None:
    found = [column for column, r in table.roles.items() if r == role]
    return found[0] if len(found) == 1 else None


def _columns(table: CliTable, args: argparse.Namespace) -> tuple[str, str, str | None, str | None]:
    def pick(value: str | None, role: Role, flag: str, what: str, required: bool) -> str | None:
        if value is not None:
            return resolve_column(table.raw, value, file=table.path, flag=flag)
        return _detect(table, role, flag=flag, what=what, required=required)

    customer = pick(args.customer_col, Role.CUSTOMER_ID, "--customer-col", "customer id", True)
    if args.item_col is None and Role.ITEM not in table.roles.values():
        raise ColumnError(
            f"{table.path} has no item column (product, SKU, item…): recommendations need to know what "
            "each customer bought; pick one with --item-col (its columns: "
            f"{', '.join(repr(str(c)) for c in table.raw.columns)})."
        )
    item = pick(args.item_col, Role.ITEM, "--item-col", "item id", True)
    time = pick(args.time_col, Role.DATE, "--time-col", "purchase time", False)
    # Returns are lines with a negative quantity, or a negative amount when there is no quantity.
    quantity = _optional_single(table, Role.QUANTITY) or _optional_single(table, Role.AMOUNT)
    assert customer is not None and item is not None
    if len({customer, item}) < 2:
        raise ColumnError(f"the customer and item columns must differ; both are {customer!r}.")
    return customer, item, time, quantity


def _interaction_frame(table: CliTable, columns: tuple[str, str, str | None, str | None]) -> pd.DataFrame:
    customer, item, time, quantity = columns
    # Ids exactly as written (raw); time and quantity as converted values (typed).
    data = {"customer": table.raw[customer], "item": table.raw[item]}
    if time is not None:
        data["time"] = table.typed[time] if time in table.typed.columns else table.raw[time]
    if quantity is not None:
        data["quantity"] = table.typed[quantity]
    return pd.DataFrame(data)


def _run_evaluate(args: argparse.Namespace) -> int:
    if on_spark(args):
        return spark_evaluate(args)
    table = read_input(args.transactions)
    columns = _columns(table, args)
    frame = _interaction_frame(table, columns)
    models = split_names(args.models) if args.models else None
    for name in models or ():
        if name.strip().lower().replace("-", "_") not in MODELS:
            raise ParameterError(f"--models: {name!r} is not a model; choose from {', '.join(MODELS)}.")
    if args.k < 1:
        raise ParameterError(f"--k {args.k}: the list length must be at least 1.")
    interactions = build_interactions(
        frame,
        customer_col="customer",
        item_col="item",
        time_col="time" if columns[2] else None,
        value_col="quantity" if columns[3] else None,
        weighting="count",
    )
    report = evaluate_interactions(
        interactions,
        k=args.k,
        models=[m.strip().lower().replace("-", "_") for m in models] if models else None,
    )
    if args.json:
        print_json(report.to_dict())
        return 0
    print(report.protocol)
    print(f"{'model':<12} {'P@k':>7} {'R@k':>7} {'NDCG@k':>7} {'cover':>7} {'seconds':>8}")
    for score in report.results:
        marker = "  (default)" if score.model == report.default_model else ""
        print(
            f"{score.model:<12} {score.precision_at_k:>7.4f} {score.recall_at_k:>7.4f} "
            f"{score.ndcg_at_k:>7.4f} "
            f"{score.coverage:>7.1%} {score.seconds:>8.2f}{marker}"
        )
    return 0


def _read_segments(path: str, customer_col: str) -> tuple[dict[str, int], dict[int, str], list[str]]:
    table = read_input(path)
    if "segment" not in table.raw.columns:
        raise ColumnError(f"{path} has no 'segment' column; pass the output of 'segmentation segment'.")
    if customer_col in table.raw.columns:
        id_col = customer_col
    else:
        id_col = _detect(table, Role.CUSTOMER_ID, flag="--customer-col", what="customer id") or customer_col
    numbers = pd.to_numeric(table.raw["segment"], errors="coerce")
    if numbers.isna().any():
        row = int(numbers.isna().to_numpy().argmax()) + 2
        raise ColumnError(f"{path}: the 'segment' column must hold segment numbers; row {row} does not.")
    ids = table.raw[id_col].astype(str).tolist()
    segments = dict(zip(ids, numbers.astype(int).tolist(), strict=True))
    names: dict[int, str] = {}
    if "segment_name" in table.raw.columns:
        names = dict(
            zip(numbers.astype(int).tolist(), table.raw["segment_name"].astype(str).tolist(), strict=True)
        )
    return segments, names, ids


def _run_recommend(args: argparse.Namespace) -> int:
    if args.top_n < 1:
        raise ParameterError(f"--top-n {args.top_n}: give at least 1 item per customer.")
    if on_spark(args):
        return spark_recommend(args, DEFAULT_RECOMMENDER)
    table = read_input(args.transactions)
    columns = _columns(table, args)
    customer_col, item_col = columns[0], columns[1]
    interactions = build_interactions(
        _interaction_frame(table, columns),
        customer_col="customer",
        item_col="item",
        time_col="time" if columns[2] else None,
        value_col="quantity" if columns[3] else None,
        weighting="count",
    )
    fitted = fit_recommender(interactions, model=args.model)
    segments = segment_names = None
    customers = list(interactions.customer_ids.astype(str))
    if args.segments:
        segments, segment_names, segment_ids = _read_segments(args.segments, customer_col)
        known = set(customers)
        customers += [c for c in dict.fromkeys(segment_ids) if c not in known]
    catalog = read_input(args.catalog).raw if args.catalog else None
    catalog_item_col = item_col if catalog is not None and item_col in catalog.columns else None
    recs = recommend_top_n(
        fitted,
        n=args.top_n,
        customers=customers,
        segments=segments,
        segment_names=segment_names,
        catalog=catalog,
        catalog_item_col=catalog_item_col,
    )
    if catalog is None:
        recs = recs.drop(columns="item_name")
    recs = recs.rename(columns={"customer": customer_col, "item": item_col})
    write_table(recs, args.output)
    n_cold = int(recs.loc[recs["cold_start"], customer_col].nunique())
    fallback = "their segment's most popular items" if segments is not None else "the most popular items"
    print(
        f"wrote {args.output}: top {args.top_n} of {interactions.n_items:,} items for "
        f"{recs[customer_col].nunique():,} customers with model {fitted.model_name}"
        + (f" ({n_cold:,} without purchase history got {fallback})" if n_cold else "")
    )
    return 0
