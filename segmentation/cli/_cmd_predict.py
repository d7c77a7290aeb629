"""``segmentation predict``: propensity scores from a yes/no column, or churn risk from purchases."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from segmentation import PROPENSITY_MODELS, ColumnError
from segmentation.cli._arguments import positive_int, seed
from segmentation.cli._lazy import DEFERRED

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation import (
        PropensityResult,
        Role,
        churn_table,
        detect_transaction_columns,
        fit_propensity,
        propensity_model_dict,
    )
    from segmentation.cli._common import (
        CliTable,
        print_json,
        read_input,
        resolve_column,
        split_names,
        write_table,
    )

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``predict`` subcommand."""
    predict = subparsers.add_parser(
        "predict",
        help="score each customer's chance of yes in a yes/no column (or of churn, from purchases)",
        description="Train logistic regression, a shallow decision tree, random forest, gradient boosting "
        "and an SVM with stratified cross-validation, pick the best by ROC AUC, and write every customer's "
        "propensity (0-1) and decile. The id, the target and columns that leak it are left out. With "
        "--churn-days N on a transaction file, the outcome is 'no purchase in the N days after the cut-off'.",
    )
    predict.add_argument(
        "file", metavar="FILE", help="one row per customer (or purchase lines with --churn-days)"
    )
    predict.add_argument(
        "--target", metavar="COL", help="the yes/no outcome column (yes/no, 1/0, true/false)"
    )
    predict.add_argument(
        "--features", metavar="A,B", help="use only these columns (default: every usable one)"
    )
    predict.add_argument(
        "--models", metavar="A,B", help=f"models to compare (default all: {', '.join(PROPENSITY_MODELS)})"
    )
    predict.add_argument(
        "--seed", type=seed, default=0, help="random seed; same seed, same scores (default 0)"
    )
    predict.add_argument("--id-col", metavar="C", help="customer id column (default: detected)")
    predict.add_argument(
        "--churn-days",
        type=positive_int,
        metavar="N",
        help="FILE is purchase lines: predict 'no purchase in the next N days' (no --target needed)",
    )
    predict.add_argument(
        "--cutoff",
        metavar="YYYY-MM-DD",
        help="with --churn-days: last day of history (default: last date - N days)",
    )
    predict.add_argument(
        "--customer-col", metavar="C", help="with --churn-days: customer column (default: detected)"
    )
    predict.add_argument(
        "--date-col", metavar="D", help="with --churn-days: purchase date column (default: detected)"
    )
    predict.add_argument(
        "--keep-leaks",
        action="store_true",
        help="keep columns that alone predict the target almost perfectly",
    )
    predict.add_argument(
        "--model-out", metavar="MODEL.json", help="also save the chosen model as readable JSON"
    )
    predict.add_argument(
        "-o", "--output", required=True, metavar="SCORES", help="file to write (.csv, .xlsx)"
    )
    predict.add_argument(
        "--json",
        action="store_true",
        help="print JSON (keys: target, best_model, models, deciles, excluded_features ...)",
    )
    predict.set_defaults(handler=_run_predict)


def _single(table: CliTable, role: Role) -> str | None:
    found = [column for column, r in table.roles.items() if r == role]
    return found[0] if len(found) == 1 else None


def _customer_table(
    args: argparse.Namespace, table: CliTable
) -> tuple[pd.DataFrame, str, str | None, Any, str]:
    if args.target is None:
        raise ColumnError(
            f"{args.file}: say what to predict: --target COL (a yes/no column) or, for purchase lines, "
            "--churn-days N."
        )
    target = resolve_column(table.raw, args.target, file=args.file, flag="--target")
    id_col = (
        resolve_column(table.raw, args.id_col, file=args.file, flag="--id-col")
        if args.id_col
        else _single(table, Role.CUSTOMER_ID)
    )
    return table.typed, target, id_col, table.roles, ""


def _churn_frame(args: argparse.Namespace, table: CliTable) -> tuple[pd.DataFrame, str, str | None, Any, str]:
    explicit = {
        "customer": resolve_column(table.raw, args.customer_col, file=args.file, flag="--customer-col")
        if args.customer_col
        else None,
        "date": resolve_column(table.raw, args.date_col, file=args.file, flag="--date-col")
        if args.date_col
        else None,
    }
    columns = detect_transaction_columns(table.typed, table.roles, **explicit)
    churn = churn_table(
        table.typed,
        columns=columns,
        churn_days=args.churn_days,
        cutoff=args.cutoff,
        decimal=table.loaded.detection.decimal,
    )
    return churn.frame, churn.target, churn.id_col, None, churn.description


def _run_predict(args: argparse.Namespace) -> int:
    if args.cutoff is not None and args.churn_days is None:
        raise ColumnError("--cutoff only applies with --churn-days N (churn from purchase lines).")
    table = read_input(args.file)
    make_frame = _churn_frame if args.churn_days is not None else _customer_table
    frame, target, id_col, roles, described = make_frame(args, table)
    features = None
    if args.features:
        features = [
            resolve_column(frame, name, file=args.file, flag="--features")
            for name in split_names(args.features)
        ]
    result = fit_propensity(
        frame,
        target=target,
        id_col=id_col,
        roles=roles,
        features=features,
        models=split_names(args.models) if args.models else None,
        seed=args.seed,
        keep_leaks=args.keep_leaks,
    )
    scores = result.scores.copy()
    scores.insert(len(scores.columns) - 2, target, frame[target].reset_index(drop=True))
    write_table(scores, args.output)
    if args.model_out:
        Path(args.model_out).write_text(
            json.dumps(propensity_model_dict(result), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    if args.json:
        payload = result.to_dict()
        if described:
            payload["outcome"] = described
        print_json(payload)
        return 0
    _print_summary(result, described, args)
    return 0


def _print_summary(result: PropensityResult, described: str, args: argparse.Namespace) -> None:
    if described:
        print(described)
    print(result.headline)
    print(f"{'model':<24} {'AUC':>6} {'± std':>6} {'seconds':>8}")
    for model in result.models:
        marker = "  (chosen)" if model.name == result.best_model else ""
        print(f"{model.label:<24} {model.auc:>6.3f} {model.auc_std:>6.3f} {model.seconds:>8.1f}{marker}")
    print(result.gains_sentence)
    for excluded in result.excluded_features:
        print(f"left out {excluded.column!r}: {excluded.reason}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    saved = f" and the model to {args.model_out}" if args.model_out else ""
    print(f"wrote {args.output}: propensity and decile for {len(result.scores):,} customers{saved}")
