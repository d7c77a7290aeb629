"""``segmentation clv``: lifetime value and chance still active per customer, from purchase lines."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from typing import Any

from segmentation.cli import _cmd_data
from segmentation.cli._arguments import positive_int
from segmentation.cli._cmd_data import _COLUMN_FLAGS, _explicit_columns
from segmentation.cli._lazy import DEFERRED, import_deferred

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    from segmentation import (
        CLV_MODEL_LABELS,
        CLV_MODELS,
        DEFAULT_CLV_MODELS,
        ClvResult,
        detect_transaction_columns,
        fit_clv,
        purchase_history,
    )
    from segmentation.cli._common import print_json, read_input, write_table

__all__ = ["register"]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date written as YYYY-MM-DD, like 1997-09-30."
        ) from None


def _yearly_rate(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid rate {text!r}; give a yearly rate such as 0.1 for 10%."
        ) from None
    if not math.isfinite(value) or not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a yearly rate from 0 to 1 (0.1 means 10% a year).")
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``clv`` subcommand."""
    clv = subparsers.add_parser(
        "clv",
        help="predict lifetime value and the chance each customer is still active, from purchases",
        description="Fit BG/NBD (repeat purchases; with --compare-pareto-nbd also Pareto/NBD, keeping "
        "the one that predicted better) and Gamma-Gamma (spend) to TRANSACTIONS up to the calibration end, "
        "check the predictions against what customers bought afterwards, refit on the whole period and "
        "write, per customer: probability_active, expected_purchases and expected_value (discounted) "
        "over the horizon. The fit is a point estimate (maximum likelihood), so there is no interval. "
        "Column flags may be left out when the columns are recognised.",
    )
    clv.add_argument(
        "transactions", metavar="TRANSACTIONS", help="the transaction file (one line per purchase)"
    )
    for field, flag, metavar, text in _COLUMN_FLAGS:
        clv.add_argument(flag, dest=f"{field}_col", metavar=metavar, help=text)
    clv.add_argument(
        "--calibration-end",
        type=_day,
        metavar="YYYY-MM-DD",
        help="last day the models learn from; later purchases check them (default: hold out the last third)",
    )
    clv.add_argument(
        "--horizon-days", type=positive_int, default=365, help="days ahead to predict (default 365)"
    )
    clv.add_argument(
        "--discount-rate",
        type=_yearly_rate,
        default=0.1,
        help="yearly rate future spend is discounted at (default 0.1 = 10%%)",
    )
    clv.add_argument(
        "--compare-pareto-nbd",
        action="store_true",
        help="also fit Pareto/NBD and keep whichever predicts the holdout better (several times slower)",
    )
    clv.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output file (.csv, .xlsx, .parquet)"
    )
    clv.add_argument(
        "--json",
        action="store_true",
        help="print JSON (keys: model, parameters, holdout, customers, spend_parameters, checks)",
    )
    clv.set_defaults(handler=_run_clv)


def _payload(result: ClvResult) -> dict[str, Any]:
    return {
        "model": result.model_label,
        "parameters": {k: round(v, 6) for k, v in result.parameters.items()},
        "holdout": result.holdout.to_dict(),
        "customers": len(result.customers),
        "spend_parameters": {k: round(v, 6) for k, v in result.spend_parameters.items()},
        "horizon_days": result.horizon_days,
        "discount_rate": result.discount_rate,
        "as_of": result.as_of.isoformat(),
        "checks": [
            {
                "model": CLV_MODEL_LABELS[check.model],
                "log_likelihood": round(check.log_likelihood, 2),
                "correlation": round(check.correlation, 4),
                "mean_squared_error": round(check.mean_squared_error, 4),
            }
            for check in result.checks
        ],
    }


def _run_clv(args: argparse.Namespace) -> int:
    import_deferred(_cmd_data.__name__)  # the column flags are read by 'features' code: load what it needs
    table = read_input(args.transactions)
    columns = detect_transaction_columns(table.typed, table.roles, **_explicit_columns(args, table))
    history = purchase_history(
        table.typed,
        columns=columns,
        calibration_end=args.calibration_end,
        decimal=table.loaded.detection.decimal,
    )
    result = fit_clv(
        history,
        horizon_days=args.horizon_days,
        discount_rate=args.discount_rate,
        models=CLV_MODELS if args.compare_pareto_nbd else DEFAULT_CLV_MODELS,
    )
    # The id column keeps the file's name for it, as in 'segmentation features'.
    write_table(result.customers.rename(columns={"customer": columns.customer}), args.output)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print_json(_payload(result))
        return 0
    check = result.holdout
    print(
        f"wrote {args.output}: {len(result.customers):,} customers, {result.model_label} + Gamma-Gamma, "
        f"{args.horizon_days} days ahead from {result.as_of.isoformat()}"
    )
    print(
        f"holdout {check.calibration_end.isoformat()}..{check.holdout_end.isoformat()}: predicted "
        f"{check.predicted_total:,.0f} purchases, actual {check.actual_total:,.0f} "
        f"({check.aggregate_error:+.1%}); per-customer correlation {check.correlation:.2f}"
    )
    return 0
