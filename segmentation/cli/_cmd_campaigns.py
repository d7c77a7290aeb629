"""``segmentation export`` (campaign target list + manifest) and ``segmentation lift`` (campaign results)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from segmentation._errors import ColumnError, DataLoadError, ParameterError, SegmentationError
from segmentation.cli._arguments import positive_int, seed, share
from segmentation.cli._lazy import DEFERRED

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation.campaigns import (
        Audience,
        CampaignSpec,
        ContactColumns,
        build_audience,
        build_manifest,
        export_csv,
        export_xlsx,
        export_zip,
        manifest_bytes,
        parse_filter,
        suppression_entries,
    )
    from segmentation.cli._common import print_json, read_input, resolve_column, split_names
    from segmentation.lift import LiftComparison, measure_lift, summarise_lift
    from segmentation.loading import load_table
    from segmentation.profiling import Role

__all__ = ["register"]

_FORMATS = ("csv", "xlsx", "zip")
_SEGMENT_COLUMNS = frozenset({"segment", "segment_name", "rfm_segment", "group"})


def register(subparsers: Any) -> None:
    """Add the ``export`` and ``lift`` subcommands."""
    export = subparsers.add_parser(
        "export",
        help="write a campaign target list (consent, suppression, dedupe, control group) and its manifest",
        description="Build a campaign list from the output of 'segmentation segment': only customers who "
        "may be contacted, no duplicates, formula-safe cells, and a seeded control group kept in the file "
        "with group=control. Writes OUT and OUT.manifest.json.",
    )
    export.add_argument("segmented", metavar="SEGMENTED", help="customer table with segment and segment_name")
    export.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="file to write (.csv, .xlsx, .zip)"
    )
    export.add_argument("--recs", metavar="RECS", help="recommendations from 'segmentation recommend'")
    export.add_argument(
        "--personas", metavar="JSON", help="personas JSON from 'segment --personas' (actions)"
    )
    export.add_argument("--segments", help="persona names to target, comma-separated (default: all)")
    export.add_argument("--rfm-groups", help="rfm_segment values to target, comma-separated (default: all)")
    export.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="EXPR",
        help="keep customers matching EXPR, e.g. 'country=DE', 'country=DE|FR', 'monetary>=100' (repeatable)",
    )
    consent = export.add_mutually_exclusive_group()
    consent.add_argument(
        "--consent-col", metavar="C", help="column with marketing consent (yes/no, opt-in ...)"
    )
    consent.add_argument(
        "--no-consent-check", action="store_true", help="do not check consent (recorded in the manifest)"
    )
    export.add_argument("--suppress", metavar="FILE", help="emails or ids never to contact")
    export.add_argument("--holdout", type=share, default=0.1, help="control share per segment (default 0.1)")
    export.add_argument("--seed", type=seed, default=0, help="seed of the control-group draw (default 0)")
    export.add_argument("--name", default="campaign", help="campaign name (default 'campaign')")
    export.add_argument(
        "--format", choices=_FORMATS, help="file format (default: from OUT's extension, else csv)"
    )
    export.add_argument("--excel-friendly", action="store_true", help="start CSV files with a BOM for Excel")
    export.add_argument(
        "--hash-emails", action="store_true", help="SHA-256 of emails instead of emails and names"
    )
    export.add_argument(
        "--top-n", type=positive_int, default=3, help="recommended items per customer (default 3)"
    )
    export.add_argument(
        "--columns",
        help="fields to include, comma-separated: id,email,name,segment,"
        "segment_name,action,items and/or column names (default: all of these fields)",
    )
    export.add_argument("--id-col", help="customer id column (default: detected)")
    export.add_argument("--email-col", help="email column (default: detected)")
    export.add_argument("--name-cols", help="name columns, comma-separated (default: detected)")
    export.set_defaults(handler=run_export)

    lift = subparsers.add_parser(
        "lift",
        help="measure a campaign's lift: treatment vs control conversion and revenue",
        description="Join campaign results (customer id, converted 0/1 and/or revenue) to an exported list "
        "and compare treatment with control, overall and per segment.",
    )
    lift.add_argument(
        "export", metavar="EXPORT", help="the list written by 'segmentation export' (CSV or XLSX)"
    )
    lift.add_argument("results", metavar="RESULTS", help="results per customer")
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


def _one_role(roles: dict[str, Role], role: Role, *, file: str, flag: str, required: bool) -> str | None:
    found = [column for column, r in roles.items() if r == role]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        shown = ", ".join(repr(c) for c in found)
        raise ColumnError(
            f"{file} has several possible {role.value} columns ({shown}); choose one with {flag}."
        )
    if required:
        shown = ", ".join(repr(c) for c in roles)
        raise ColumnError(
            f"{file} has no column that looks like a {role.value}; name it with {flag}. Columns: {shown}."
        )
    return None


def _contacts(frame: pd.DataFrame, roles: dict[str, Role], args: argparse.Namespace) -> ContactColumns:
    file = args.segmented
    customer_id: str | None
    email: str | None
    if args.id_col:
        customer_id = resolve_column(frame, args.id_col, file=file, flag="--id-col")
    else:
        customer_id = _one_role(roles, Role.CUSTOMER_ID, file=file, flag="--id-col", required=True)
    if args.email_col:
        email = resolve_column(frame, args.email_col, file=file, flag="--email-col")
    else:
        email = _one_role(roles, Role.EMAIL, file=file, flag="--email-col", required=False)
    if args.name_cols:
        names = tuple(
            resolve_column(frame, n, file=file, flag="--name-cols") for n in split_names(args.name_cols)
        )
    else:
        # The segment columns are written by 'segment'; a name-like role on them is not a person's name.
        names = tuple(
            column for column, role in roles.items() if role == Role.NAME and column not in _SEGMENT_COLUMNS
        )
    return ContactColumns(customer_id=str(customer_id), email=email, name=names)


def _consent_column(frame: pd.DataFrame, roles: dict[str, Role], args: argparse.Namespace) -> str | None:
    if args.no_consent_check:
        return None
    if args.consent_col:
        return resolve_column(frame, args.consent_col, file=args.segmented, flag="--consent-col")
    found = [column for column, role in roles.items() if role == Role.CONSENT]
    if len(found) != 1:
        which = (
            "no consent column" if not found else f"several consent columns ({', '.join(map(repr, found))})"
        )
        raise ParameterError(
            f"{args.segmented} has {which}; name it with --consent-col, or pass --no-consent-check to export "
            "without checking consent."
        )
    sys.stderr.write(f"Using {found[0]!r} as the consent column (only customers who said yes are listed).\n")
    return found[0]


def _actions(path: str | None) -> dict[int, str] | None:
    if path is None:
        return None
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        return {int(s["segment"]): str(s.get("action") or "") for s in payload["segments"]}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise DataLoadError(
            f"{path} is not a personas file from 'segmentation segment --personas' "
            '(expected {"segments": [{"segment": 0, "action": ...}]}).'
        ) from exc


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    return suffix if suffix in _FORMATS else "csv"


def _report_audience(audience: Audience, output: str) -> None:
    for rule in audience.rules:
        if rule.removed:
            sys.stderr.write(f"  removed {rule.removed:,}: {rule.rule}\n")
    for note in audience.notes:
        sys.stderr.write(f"note: {note}\n")
    sys.stderr.write(
        f"Wrote {output}: {len(audience.frame):,} of {audience.n_input:,} customers "
        f"({audience.n_treatment:,} to contact, {audience.n_control:,} in the control group).\n"
    )


def run_export(args: argparse.Namespace) -> int:
    """Build the list, write OUT and OUT.manifest.json."""
    output = Path(args.output)
    if not output.parent.exists():
        raise SegmentationError(f"cannot write {args.output}: the folder {output.parent} does not exist.")
    table = read_input(args.segmented)
    frame, roles = table.raw, table.roles
    spec = CampaignSpec(
        name=args.name,
        segments=tuple(split_names(args.segments)) if args.segments else (),
        rfm_groups=tuple(split_names(args.rfm_groups)) if args.rfm_groups else (),
        filters=tuple(parse_filter(f) for f in args.filter),
        consent_col=_consent_column(frame, roles, args),
        consent_waived=bool(args.no_consent_check),
        suppression=suppression_entries(read_input(args.suppress).raw) if args.suppress else (),
        control_share=args.holdout,
        seed=args.seed,
        columns=tuple(split_names(args.columns)) if args.columns else (),
        top_n_items=args.top_n,
        hash_emails=bool(args.hash_emails),
    )
    spec = replace(
        spec, filters=tuple(replace(f, column=_filter_column(frame, f.column, args)) for f in spec.filters)
    )
    contacts = _contacts(frame, roles, args)
    recommendations = read_input(args.recs).raw if args.recs else None
    audience = build_audience(
        frame,
        spec,
        contacts=contacts,
        recommendations=recommendations,
        recommendation_customer_col=_recs_customer_col(recommendations, contacts.customer_id, args.recs),
        actions=_actions(args.personas),
    )
    file_format = _output_format(args)
    manifest = build_manifest(
        audience,
        source_sha256=hashlib.sha256(Path(args.segmented).read_bytes()).hexdigest(),
        created_at=datetime.now(UTC),
        source_name=Path(args.segmented).name,
        file_name=output.name,
        file_format=file_format,
    )
    if file_format == "xlsx":
        payload = export_xlsx(audience.frame, manifest=manifest)
    elif file_format == "zip":
        payload = export_zip(audience.frame, manifest=manifest, excel_friendly=args.excel_friendly)
    else:
        payload = export_csv(audience.frame, excel_friendly=args.excel_friendly)
    manifest["file"]["sha256"] = hashlib.sha256(payload).hexdigest()
    output.write_bytes(payload)
    Path(f"{args.output}.manifest.json").write_bytes(manifest_bytes(manifest))
    _report_audience(audience, args.output)
    return 0


def _filter_column(frame: pd.DataFrame, column: str, args: argparse.Namespace) -> str:
    return resolve_column(frame, column, file=args.segmented, flag="--filter")


def _recs_customer_col(recommendations: pd.DataFrame | None, id_col: str, file: str | None) -> str | None:
    if recommendations is None:
        return None
    for candidate in (id_col, "customer", "customer_id"):
        if candidate in recommendations.columns:
            return candidate
    raise ColumnError(
        f"{file} has no customer column; expected {id_col!r} (as in the customer file) or 'customer'."
    )


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


def run_lift(args: argparse.Namespace) -> int:
    """Join results to the list and print the lift table (or JSON)."""
    export = load_table(Path(args.export)).frame
    results = load_table(Path(args.results)).frame
    if export.shape[1] == 0:
        raise DataLoadError(f"{args.export} has no columns.")
    list_id = str(export.columns[0])
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
