"""The workspace: ``runs list``, ``campaigns list``, ``migration RUN_A RUN_B`` and ``forget WHO``."""

from __future__ import annotations

import argparse
from typing import Any

from segmentation import ParameterError
from segmentation.cli._lazy import DEFERRED
from segmentation.cli._stored import add_workspace_option, open_from

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    from segmentation import StoredItem, compare_segmentations
    from segmentation.cli._common import print_json, split_names, write_table

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``runs``, ``campaigns``, ``migration`` and ``forget`` subcommands."""
    for kind, plural, what in (
        ("run", "runs", "segmentation runs saved with 'segment --save' or in the app"),
        ("campaign", "campaigns", "campaigns saved with 'export --save' or in the app, with their lift"),
    ):
        group = subparsers.add_parser(plural, help=f"list the {what}", description=f"The {what}.")
        add_workspace_option(group)
        actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=type(group))
        actions.required = True
        listing = actions.add_parser("list", help=f"list the stored {plural}, newest first")
        add_workspace_option(listing)
        listing.add_argument("--json", action="store_true", help="print the list as JSON")
        listing.set_defaults(handler=_run_list, kind=kind)

    migration = subparsers.add_parser(
        "migration",
        help="compare two stored runs: who moved between segments, who is new, who is gone",
        description="Match the customers of two stored segmentation runs (names or ids from 'runs list') "
        "and count how many moved from each segment of RUN_A to each segment of RUN_B.",
    )
    migration.add_argument("run_a", metavar="RUN_A", help="the earlier run (name or id)")
    migration.add_argument("run_b", metavar="RUN_B", help="the later run (name or id)")
    migration.add_argument(
        "--valuable", metavar="SEGMENTS", help="segment numbers of RUN_A counted valuable, e.g. '0,2'"
    )
    migration.add_argument(
        "--at-risk", metavar="SEGMENTS", help="segment numbers of RUN_B counted at risk, e.g. '3'"
    )
    migration.add_argument(
        "-o",
        "--output",
        metavar="MOVERS",
        help="write the customers who moved from a valuable to an at-risk segment (.csv/.xlsx/.parquet)",
    )
    migration.add_argument("--json", action="store_true", help="print the comparison as JSON")
    add_workspace_option(migration)
    migration.set_defaults(handler=_run_migration)

    forget = subparsers.add_parser(
        "forget",
        help="delete one customer from every stored dataset, run, list and recommendation",
        description="A privacy request: remove the customer with this id or email from everything the "
        "workspace keeps, overwrite the old files and database pages, and record an audit entry "
        "(date, counts and a salted hash; nothing personal).",
    )
    forget.add_argument("who", metavar="CUSTOMER_ID_OR_EMAIL", help="the customer's id or email")
    forget.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_workspace_option(forget)
    forget.set_defaults(handler=_run_forget)


def _row(item: StoredItem) -> dict[str, Any]:
    parent = {"run": "dataset_id", "campaign": "run_id"}.get(item.kind, "parent_id")
    return {
        "id": item.id,
        "name": item.name,
        "created_at": item.created_at.isoformat(timespec="seconds"),
        "customers": item.n_rows,
        "size_bytes": item.size_bytes,
        **item.summary,
        parent: item.parent_id,
    }


def _lift_text(value: Any) -> str:
    return "-" if value is None else f"{value * 100:+.2f} pt"


def _run_list(args: argparse.Namespace) -> None:
    with open_from(args) as workspace:
        items = workspace.items(args.kind)
        rows = [_row(item) for item in items]
        if args.kind == "campaign":
            latest: dict[int, dict[str, Any]] = {}
            for lift, report in workspace.lifts():
                latest.setdefault(int(lift.parent_id or 0), {"measured_at": lift.created_at, **report})
            for row in rows:
                overall = latest.get(row["id"], {}).get("overall", {})
                row["lift"] = overall.get("absolute_lift")
                row["lift_p_value"] = overall.get("p_value")
    if args.json:
        print_json(rows)
        return
    if not rows:
        print(f"No {args.kind}s in the workspace {workspace.location} yet.")
        return
    for row in rows:
        if args.kind == "run":
            detail = f"k={row['k']} {row['algorithm']}, {row['features']} features"
        else:
            detail = (
                f"{row['treatment']:,} to contact, {row['control']:,} control, lift {_lift_text(row['lift'])}"
            )
        print(
            f"{row['id']:>4}  {row['name'][:40]:<40} {row['created_at']:<25} {row['customers']:>9,}  {detail}"
        )


def _segments(text: str | None, flag: str) -> list[int]:
    if not text:
        return []
    try:
        return [int(part) for part in split_names(text)]
    except ValueError as exc:
        raise ParameterError(
            f"{flag} {text!r}: give segment numbers separated by commas, like '0,2'."
        ) from exc


def _run_migration(args: argparse.Namespace) -> None:
    if args.output and not (args.valuable and args.at_risk):
        raise ParameterError("--output writes the movers: say which segments with --valuable and --at-risk.")
    with open_from(args) as workspace:
        before = workspace.load_run(args.run_a)
        after = workspace.load_run(args.run_b)
    result = compare_segmentations(
        before.labels,
        after.labels,
        before_names=before.names,
        after_names=after.names,
        valuable=_segments(args.valuable, "--valuable"),
        at_risk=_segments(args.at_risk, "--at-risk"),
    )
    if args.output:
        write_table(result.movers, args.output)
    if args.json:
        print_json(
            {
                "from": before.item.name,
                "to": after.item.name,
                "from_id": before.item.id,
                "to_id": after.item.id,
                **result.to_dict(),
            }
        )
        return
    print(f"From {before.item.name!r} to {after.item.name!r}:")
    for row in result.to_dict()["matrix"]:
        print(
            f"  {row['from_name'][:30]:<30} -> {row['to_name'][:30]:<30} {row['customers']:>9,} "
            f"({row['row_share']:.1%} of {row['from_name']})"
        )
    print(
        f"Stayed {result.stayed:,}, moved {result.moved:,}, new {result.new_customers:,}, "
        f"lost {result.lost_customers:,}."
    )
    if args.valuable and args.at_risk:
        written = f"; written to {args.output}" if args.output else ""
        print(f"{len(result.movers):,} customers went from a valuable to an at-risk segment{written}.")


def _run_forget(args: argparse.Namespace) -> None:
    with open_from(args) as workspace:
        report = workspace.forget_customer(args.who)
    if args.json:
        print_json(report.to_dict())
        return
    print(
        f"Forgotten: {report.datasets:,} dataset rows, {report.runs:,} run labels, {report.campaigns:,} "
        f"campaign list rows, {report.recommendations:,} recommendation rows; {report.payloads_rewritten} "
        f"stored files rewritten (audit entry {report.audit_id})."
    )
