"""The subcommands' Spark paths (``--engine spark``): read with Spark, compute on Spark, write with Spark.

Column roles are guessed on the first rows (as the pandas path guesses them on the whole file);
outputs are written by Spark as a folder of part files (Parquet, or CSV for a ``.csv`` name).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from segmentation import (
    ColumnError,
    ParameterError,
    SparkEngine,
    SweepResult,
    TransactionColumns,
    coerce_table,
    default_specs,
    detect_transaction_columns,
    get_engine,
    infer_roles,
    load_model,
    save_model,
)
from segmentation.cli._common import print_json, read_input, resolve_column, split_names
from segmentation.cli._personas_file import check_personas_path
from segmentation.cli._spark_personas import spark_personas

__all__ = [
    "spark_assign",
    "spark_evaluate",
    "spark_features",
    "spark_recommend",
    "spark_segment",
    "spark_sweep",
]

#: Rows read to guess column roles and types.
GUESS_ROWS = 5_000


def _check_output(path: str) -> None:
    if path.lower().endswith((".xlsx", ".xls")):
        raise ParameterError(
            f"-o {path}: Spark writes Parquet or CSV (a folder of part files); name it .parquet or .csv."
        )


def _engine() -> SparkEngine:
    engine = get_engine("spark")
    assert isinstance(engine, SparkEngine)
    return engine


def _first_rows(engine: Any, path: str) -> pd.DataFrame:
    return engine.first_rows(path, GUESS_ROWS)


def spark_features(args: argparse.Namespace, flags: tuple[tuple[str, str, str, str], ...]) -> int:
    """``features --engine spark``: transactions → one row per customer with RFM, written by Spark."""
    _check_output(args.output)
    engine = _engine()
    sample = _first_rows(engine, args.transactions)
    roles = infer_roles(sample)
    explicit = {
        field: None
        if getattr(args, f"{field}_col") is None
        else resolve_column(sample, getattr(args, f"{field}_col"), file=args.transactions, flag=flag)
        for field, flag, _, _ in flags
    }
    columns: TransactionColumns = detect_transaction_columns(coerce_table(sample, roles), roles, **explicit)
    customer_id_col = None
    if args.customers and args.customer_id_col:
        people = _first_rows(engine, args.customers)
        customer_id_col = resolve_column(
            people, args.customer_id_col, file=args.customers, flag="--customer-id-col"
        )
    rows, notes = engine.features_with_notes_to(
        args.transactions,
        args.output,
        columns=columns,
        as_of=args.as_of,
        customers=args.customers or None,
        customer_id_col=customer_id_col,
    )
    print(f"wrote {args.output}: {rows:,} customers (Spark; a folder of part files)")
    for note in notes:
        print(f"note: {note}")
    return 0


def _specs(engine: Any, path: str, features_text: str) -> tuple[Any, ...]:
    sample = _first_rows(engine, path)
    names = [resolve_column(sample, n, file=path, flag="--features") for n in split_names(features_text)]
    roles = {str(c): str(r) for c, r in infer_roles(sample).items()}
    typed = coerce_table(sample, infer_roles(sample))
    for name in names:
        numbers = pd.to_numeric(sample[name], errors="coerce")
        if numbers.notna().sum() == sample[name].notna().sum() and roles.get(name) not in (
            "categorical",
            "category",
        ):
            typed[name], roles[name] = numbers.astype("float64"), "numeric"
    return tuple(default_specs(typed, names, roles))


def spark_sweep(args: argparse.Namespace) -> SweepResult:
    """``sweep --engine spark``: the k sweep on Spark (same measures and advice)."""
    engine = _engine()
    specs = _specs(engine, args.file, args.features)
    return engine.sweep(
        args.file, specs, k_values=range(args.k_min, args.k_max + 1), algorithm=args.algorithm, seed=args.seed
    )


def spark_segment(args: argparse.Namespace) -> None:
    """``segment --engine spark``: fit on Spark, save the JSON model, write each customer with a segment.

    With ``--personas`` the segments are described first (see :mod:`._spark_personas`) and named
    after their personas, in the model and in the written ``segment_name`` column.
    """
    _check_output(args.output)
    if args.personas:
        check_personas_path(args.personas)
    engine = _engine()
    specs = _specs(engine, args.file, args.features)
    fitted = engine.fit_model(args.file, specs, k=args.k, algorithm=args.algorithm, seed=args.seed)
    names = {s: f"Segment {s}" for s in range(fitted.model.n_segments)}
    if args.personas:
        names.update(spark_personas(args, engine, fitted.model))
    model = fitted.model.with_names(names)
    if args.model:
        save_model(model, args.model)
    sizes = engine.assign_to(model, args.file, args.output)
    _print_sizes(args.output, sizes, model.n_segments)


def spark_assign(args: argparse.Namespace) -> None:
    """``assign --engine spark``: score every customer with a saved JSON model, written by Spark."""
    _check_output(args.output)
    model = load_model(args.model)
    sizes = _engine().assign_to(model, args.file, args.output)
    _print_sizes(args.output, sizes, model.n_segments)


def _print_sizes(output: str, sizes: dict[int, int], k: int) -> None:
    if not sizes:
        raise ColumnError("the customer table has no rows.")
    shown = ", ".join(
        f"segment {s} {n:,}" for s, n in sorted(sizes.items(), key=lambda item: (item[0] < 0, item[0]))
    )
    print(f"Wrote {output}: {sum(sizes.values()):,} customers in {k} segments ({shown}).")
    if any(s < 0 for s in sizes):
        sys.stderr.write("note: segment -2 is 'Not segmented (no data)'.\n")


def _role_column(sample: pd.DataFrame, given: str | None, role: str, *, path: str, flag: str) -> str | None:
    if given is not None:
        return resolve_column(sample, given, file=path, flag=flag)
    found = [str(c) for c, r in infer_roles(sample).items() if str(r) == role]
    return found[0] if len(found) == 1 else None


def spark_evaluate(args: argparse.Namespace) -> int:
    """``evaluate-recs --engine spark``: popularity, the default model and Spark ALS on the same hold-out."""
    if args.models:
        raise ParameterError(
            "--models is not used with --engine spark (it compares popularity, the default and ALS)."
        )
    engine = _engine()
    sample = _first_rows(engine, args.transactions)
    customer = _role_column(
        sample, args.customer_col, "customer_id", path=args.transactions, flag="--customer-col"
    )
    item = _role_column(sample, args.item_col, "item", path=args.transactions, flag="--item-col")
    time = _role_column(sample, args.time_col, "date", path=args.transactions, flag="--time-col")
    if customer is None or item is None:
        raise ColumnError(
            f"{args.transactions}: name the customer and item columns with --customer-col and --item-col."
        )
    report = engine.evaluate_recommendations(
        args.transactions, customer_col=customer, item_col=item, time_col=time, k=args.k, seed=0
    )
    if args.json:
        print_json(report.to_dict())
        return 0
    print(report.protocol)
    for score in report.results:
        marker = "  (default)" if score.model == report.default_model else ""
        print(
            f"{score.model:<12} P@k {score.precision_at_k:.4f}  R@k {score.recall_at_k:.4f}  "
            f"NDCG@k {score.ndcg_at_k:.4f}  cover {score.coverage:.1%}  {score.seconds:.2f}s{marker}"
        )
    return 0


def spark_recommend(args: argparse.Namespace, default_model: str) -> int:
    """``recommend --engine spark``: each customer's top-N new items from implicit ALS, written by Spark."""
    if args.model != default_model:
        raise ParameterError(
            f"--model {args.model}: the spark engine recommends with ALS; leave --model out."
        )
    _check_output(args.output)
    engine = _engine()
    sample = _first_rows(engine, args.transactions)
    customer = _role_column(
        sample, args.customer_col, "customer_id", path=args.transactions, flag="--customer-col"
    )
    item = _role_column(sample, args.item_col, "item", path=args.transactions, flag="--item-col")
    if customer is None or item is None:
        raise ColumnError(
            f"{args.transactions}: name the customer and item columns with --customer-col and --item-col."
        )
    segment_id_col = quantity = None
    if args.segments:
        segment_id_col = _segment_id_column(engine, args.segments, customer)
    if args.segments or args.catalog:
        # Returns: a negative quantity, or a negative amount without a quantity (as pandas reads them).
        quantity = _role_column(sample, None, "quantity", path=args.transactions, flag="")
        quantity = quantity or _role_column(sample, None, "amount", path=args.transactions, flag="")
    catalog = _catalog(engine, args.catalog) if args.catalog else None
    listed = engine.recommend_to(
        args.transactions,
        args.output,
        customer_col=customer,
        item_col=item,
        n=args.top_n,
        segments=args.segments or None,
        segment_id_col=segment_id_col,
        quantity_col=quantity,
        catalog=catalog,
        catalog_item_col=item if catalog is not None and item in catalog.columns else None,
    )
    print(f"wrote {args.output}: top-{args.top_n} new items for {listed:,} customers (Spark ALS)")
    return 0


def _segment_id_column(engine: SparkEngine, path: str, customer: str) -> str:
    """The id column of the segment file: the transactions' customer column, else its one id column."""
    sample = _first_rows(engine, path)
    if customer in sample.columns:
        return customer
    found = [str(c) for c, r in infer_roles(sample).items() if str(r) == "customer_id"]
    if len(found) == 1:
        return found[0]
    reason = "several columns could be" if found else "no column looks like"
    listed = ", ".join(repr(str(c)) for c in (found or list(sample.columns)))
    raise ColumnError(
        f"{path}: {reason} the customer id; choose one with --customer-col (candidates: {listed})."
    )


def _catalog(engine: SparkEngine, path: str) -> pd.DataFrame:
    """The item catalog as the pandas path reads it (a local file), or through Spark (a cluster path)."""
    if "://" not in path.removeprefix("file://"):
        return read_input(path.removeprefix("file://")).raw
    return engine.collect(path)
