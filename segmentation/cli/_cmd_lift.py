"""``segmentation lift``: did the customers who got the campaign do better than the control group?"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from segmentation import ColumnError, DataLoadError, ParameterError
from segmentation.cli._lazy import DEFERRED
from segmentation.cli._stored import open_from

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation import LiftComparison, combine_split_lists, load_table, measure_lift, summarise_lift
    from segmentation.cli._common import print_json, resolve_column

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``lift`` subcommand."""
    lift = subparsers.add_parser(
        "lift",
        help="measure a campaign's lift: treatment vs control conversion and revenue",
        description="Join campaign results (customer id, converted 0/1 and/or revenue) to an exported list "
        "and compare treatment with control, overall and per segment. With --campaign NAME the list comes "
        "from the workspace, only RESULTS is given, and the measured lift is kept with the campaign.",
    )
    lift.add_argument(
        "export", metavar="EXPORT", help="the list written by 'segmentation export' (CSV or XLSX)"
    )
    lift.add_argument("results", metavar="RESULTS", nargs="?", help="results per customer")
    lift.add_argument(
        "--campaign",
        metavar="NAME",
        help="a campaign kept in the workspace ('export --save NAME'); then give only RESULTS",
    )
    lift.add_argument(
        "--control",
        metavar="CONTROL",
        help="the control-group file of a list exported with --split-control (then EXPORT is the send list)",
    )
    lift.add_argument(
        "--id-col", help="customer id column of EXPORT (default: from EXPORT.manifest.json, else the first)"
    )
    lift.add_argument("--customer-col", help="customer id column of RESULTS (default: the list's id column)")
    lift.add_argument(
        "--converted-col", help="0/1 conversion column of RESULTS (default: 'converted' if present)"
    )
    lift.add_argument("--revenue-col", help="revenue column of RESULTS (default: 'revenue' if present)")
    lift.add_argument(
        "--missing",
        choices=("not-converted", "exclude"),
        default="not-converted",
        help="listed customers absent from RESULTS count as not converted (default) or are left out",
    )
    lift.add_argument("--json", action="store_true", help="print the report as JSON")
    lift.set_defaults(handler=run_lift)


def _list_id_column(export: pd.DataFrame, args: argparse.Namespace) -> str:
    """--id-col, else the id column the manifest beside the list names, else the list's first column."""
    if args.id_col:
        return resolve_column(export, args.id_col, file=args.export, flag="--id-col")
    manifest = Path(f"{args.export}.manifest.json")
    if manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8"))["contacts"]["customer_id"]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            recorded = None
        if recorded in export.columns:
            return str(recorded)
    return str(export.columns[0])


def _default_column(frame: pd.DataFrame, wanted: str) -> str | None:
    matches = [c for c in frame.columns if str(c).strip().casefold() == wanted]
    return str(matches[0]) if matches else None


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _lift_row(comparison: LiftComparison) -> str:
    lift = comparison.absolute_lift
    ci = comparison.ci95
    return (
        f"{comparison.label[:28]:<28} {comparison.treatment.n:>9,} {_percent(comparison.treatment.rate):>7} "
        f"{comparison.control.n:>9,} {_percent(comparison.control.rate):>7} "
        f"{'-' if lift is None else f'{lift * 100:+.2f}':>8} "
        f"{'-' if ci is None else f'{ci[0] * 100:+.2f}..{ci[1] * 100:+.2f}':>16} "
        f"{'-' if comparison.p_value is None else f'{comparison.p_value:.3g}':>7}"
    )


def _stored_list(args: argparse.Namespace) -> tuple[pd.DataFrame, int]:
    """The stored campaign's treatment and control lists as one list; RESULTS is the one positional."""
    if args.results is not None:
        raise ParameterError(
            f"with --campaign give only RESULTS (the list is in the workspace), not {args.export!r} "
            f"and {args.results!r}."
        )
    if args.control:
        raise ParameterError(
            "--control goes with an exported list; --campaign already has its control group."
        )
    args.results, args.export = args.export, f"campaign {args.campaign!r}"
    with open_from(args) as workspace:
        campaign = workspace.load_campaign(args.campaign)
    if args.id_col is None:
        args.id_col = campaign.id_column
    return combine_split_lists(campaign.treatment, campaign.control), campaign.item.id


def run_lift(args: argparse.Namespace) -> int:
    """Join results to the list and print the lift table (or JSON)."""
    campaign_id = None
    if args.campaign:
        export, campaign_id = _stored_list(args)
    else:
        if args.results is None:
            raise ParameterError("give the exported list and the RESULTS file (or --campaign NAME RESULTS).")
        export = load_table(Path(args.export)).frame
        if args.control:
            export = combine_split_lists(export, load_table(Path(args.control)).frame)
    results = load_table(Path(args.results)).frame
    if export.shape[1] == 0:
        raise DataLoadError(f"{args.export} has no columns.")
    list_id = _list_id_column(export, args)
    if args.customer_col:
        results_id = resolve_column(results, args.customer_col, file=args.results, flag="--customer-col")
    elif list_id in results.columns:
        results_id = list_id
    else:
        raise ColumnError(
            f"{args.results} has no {list_id!r} column (the list's id column); name its id column with "
            "--customer-col."
        )
    converted = (
        resolve_column(results, args.converted_col, file=args.results, flag="--converted-col")
        if args.converted_col
        else _default_column(results, "converted")
    )
    revenue = (
        resolve_column(results, args.revenue_col, file=args.results, flag="--revenue-col")
        if args.revenue_col
        else _default_column(results, "revenue")
    )
    if converted is None and revenue is None:
        raise ParameterError(
            f"{args.results} has no 'converted' or 'revenue' column; "
            "name them with --converted-col / --revenue-col."
        )
    report = measure_lift(
        export,
        results,
        customer_col=list_id,
        results_customer_col=results_id,
        converted_col=converted,
        revenue_col=revenue,
        missing=args.missing.replace("-", "_"),
    )
    if campaign_id is not None:
        with open_from(args) as workspace:
            workspace.save_lift(campaign_id=campaign_id, report=report.to_dict())
    if args.json:
        print_json(report.to_dict())
    else:
        print(
            f"{'':<28} {'treated':>9} {'rate':>7} {'control':>9} {'rate':>7} "
            f"{'lift pt':>8} {'95% CI (pt)':>16} {'p':>7}"
        )
        for comparison in (report.overall, *report.segments):
            print(_lift_row(comparison))
        print()
        print(summarise_lift(report.overall))
    for warning in (*report.overall.warnings, *(w for s in report.segments for w in s.warnings)):
        sys.stderr.write(f"warning: {warning}\n")
    for note in report.notes:
        sys.stderr.write(f"note: {note}\n")
    return 0
