"""``segmentation export``: a campaign list (consent, suppression, dedupe, control group) and its manifest."""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from segmentation import ColumnError, DataLoadError, ParameterError, SegmentationError
from segmentation.cli._arguments import positive_int, seed, share
from segmentation.cli._engine import add_engine_option, on_spark
from segmentation.cli._lazy import DEFERRED
from segmentation.cli._stored import add_save_options, check_name_free, open_from, taken

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import pandas as pd

    from segmentation import (
        Audience,
        AudienceQuery,
        CampaignSpec,
        ContactColumns,
        NameTakenError,
        Role,
        SuppressionList,
        build_audience,
        build_manifest,
        campaign_slug,
        consent_candidates,
        describe_consent,
        export_csv,
        export_send_zip,
        export_xlsx,
        export_zip,
        file_entry,
        infer_roles,
        manifest_bytes,
        parse_filter,
        query_from_file,
        read_consent_name,
        read_suppression,
        safe_table_bytes,
        send_ready,
        suppression_columns,
        suppression_table,
    )
    from segmentation.cli._common import read_input, resolve_column, split_names
    from segmentation.cli._spark_export import spark_first_rows, spark_list, write_spark_manifest

__all__ = ["register"]

_FORMATS = ("csv", "xlsx", "zip")
_POLARITIES = ("opt-in", "opt-out")
MAX_HOLDOUT = 0.9
# The parts of the manifest that say who is on the list (kept as the stored campaign's rules).
_RULE_KEYS = ("segments", "rfm_groups", "filters", "consent", "suppression", "control_share", "seed")
_SEGMENT_COLUMNS = frozenset({"segment", "segment_name", "rfm_segment", "group"})


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand."""
    export = subparsers.add_parser(
        "export",
        help="write a campaign target list (consent, suppression, dedupe, control group) and its manifest",
        description="Build a campaign list from the output of 'segmentation segment': only customers who "
        "may be contacted, no duplicates, formula-safe cells, and a seeded control group kept in the file "
        "with group=control (or, with --split-control, written to its own file). Writes OUT and "
        "OUT.manifest.json. The consent column is never picked for you: name it with --consent-col "
        "(and say what 'yes' means with --consent-means when its name does not say it).",
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
    export.add_argument(
        "--audience",
        "--where-json",
        metavar="FILE",
        help="audience builder query as JSON (AND/OR groups of conditions, as the Campaigns page saves "
        "it), applied after --segments/--rfm-groups/--filter; consent and suppression still apply",
    )
    consent = export.add_mutually_exclusive_group()
    consent.add_argument(
        "--consent-col", metavar="C", help="column with marketing consent (yes/no, ja/nein, opt-in ...)"
    )
    consent.add_argument(
        "--no-consent-check", action="store_true", help="do not check consent (recorded in the manifest)"
    )
    export.add_argument(
        "--consent-means",
        choices=_POLARITIES,
        help="what 'yes' means in the consent column: opt-in (may contact) or opt-out (do not contact); "
        "required when the column's name does not say it",
    )
    export.add_argument(
        "--suppress", metavar="FILE", action="append", default=[], help="emails or ids never to contact "
        "(a table, a list without a header, or one line separated by ; or ,); repeatable",
    )  # fmt: skip
    export.add_argument(
        "--suppress-col", metavar="NAME", help="column of the suppression file(s) holding the emails or ids"
    )
    export.add_argument(
        "--split-control",
        action="store_true",
        help="write the people to contact to OUT (contact columns first) and the control group to "
        "OUT's name with .control before the extension (list.csv -> list.control.csv)",
    )
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
    add_save_options(export, "campaign")
    add_engine_option(export)
    export.set_defaults(handler=run_export)


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
    phones = [column for column, role in roles.items() if role == Role.PHONE]
    phone = phones[0] if len(phones) == 1 else None
    return ContactColumns(customer_id=str(customer_id), email=email, name=names, phone=phone)


def _consent_column(frame: pd.DataFrame, args: argparse.Namespace) -> str | None:
    """The consent column the user named; never picked for them."""
    if args.no_consent_check:
        if args.consent_means:
            raise ParameterError("--consent-means goes with --consent-col, not with --no-consent-check.")
        return None
    if not args.consent_col:
        candidates = consent_candidates(frame)
        shown = "; ".join(c.description for c in candidates)
        found = f"Candidates: {shown}" if candidates else "No column name there says consent"
        raise ParameterError(
            f"{args.segmented}: name the consent column with --consent-col (and --consent-means "
            f"opt-in|opt-out when its name does not say it), or pass --no-consent-check. {found}."
        )
    column = resolve_column(frame, args.consent_col, file=args.segmented, flag="--consent-col")
    reading = read_consent_name(column)
    if args.consent_means is None and (reading is None or not reading.certain):
        said = "does not look like a consent column" if reading is None else reading.description
        raise ParameterError(
            f"--consent-col {column!r}: its name does not say which way round it is ({said}); add "
            "--consent-means opt-in (yes = may contact) or --consent-means opt-out (yes = do not contact)."
        )
    return column


def _suppression_lists(args: argparse.Namespace) -> tuple[SuppressionList, ...]:
    lists = []
    for path in args.suppress:
        name = Path(path).name
        table = suppression_table(path, name=name)
        if args.suppress_col:
            column = resolve_column(table, args.suppress_col, file=path, flag="--suppress-col")
        else:
            columns = suppression_columns(table)
            emails = [c.column for c in columns if c.evidence.startswith("holds emails")]
            if len(columns) == 1:
                column = columns[0].column
            elif len(emails) == 1:
                column = emails[0]
            else:
                shown = ", ".join(c.description for c in columns)
                raise ColumnError(
                    f"{path} has several columns that could hold the people to suppress: {shown}; "
                    "name the right one with --suppress-col."
                )
            sys.stderr.write(
                f"Suppression list {name}: using column {column!r} (choose with --suppress-col).\n"
            )
        lists.append(read_suppression(table, column=column, source=name))
    return tuple(lists)


def _check_options(args: argparse.Namespace) -> None:
    if not 0.0 <= args.holdout <= MAX_HOLDOUT:
        raise ParameterError(
            f"--holdout {args.holdout} is outside 0 to {MAX_HOLDOUT}; a typical control share is 0.05 to 0.2."
        )
    if args.seed < 0:
        raise ParameterError(f"--seed {args.seed} is negative; use a whole number of 0 or more.")
    if args.top_n < 1:
        raise ParameterError(f"--top-n {args.top_n}: include at least 1 recommended item.")
    if args.consent_means and not args.consent_col and not args.no_consent_check:
        raise ParameterError("--consent-means needs --consent-col: name the column it describes.")


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
    for warning in audience.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stderr.write(
        f"Wrote {output}: {audience.n_treatment + audience.n_control:,} of {audience.n_input:,} customers "
        f"({audience.n_treatment:,} to contact, {audience.n_control:,} in the control group).\n"
    )


def control_path(output: str) -> Path:
    """Where ``--split-control`` writes the control group: ``list.csv`` → ``list.control.csv``."""
    path = Path(output)
    return path.with_name(f"{path.stem}.control{path.suffix}")


def _payload(frame: pd.DataFrame, file_format: str, manifest: dict[str, Any], excel_friendly: bool) -> bytes:
    if file_format == "xlsx":
        return export_xlsx(frame, manifest=manifest)
    if file_format == "zip":
        return export_zip(frame, manifest=manifest, excel_friendly=excel_friendly)
    return export_csv(frame, excel_friendly=excel_friendly)


def _source_sha256(path: str) -> str | None:
    """SHA-256 of the customer file's bytes; None for a folder or a cluster path (Spark reads those)."""
    source = Path(path)
    return hashlib.sha256(source.read_bytes()).hexdigest() if "://" not in path and source.is_file() else None


def run_export(args: argparse.Namespace) -> int:
    """Build the list, write OUT (and its control file with --split-control) and OUT.manifest.json."""
    _check_options(args)
    spark = on_spark(args)
    output = Path(args.output)
    if "://" not in args.output and not output.parent.exists():
        raise SegmentationError(f"cannot write {args.output}: the folder {output.parent} does not exist.")
    if args.save:
        with open_from(args) as workspace:  # a taken name fails before anything is written
            check_name_free(workspace, "campaign", args.save, args.replace)
    if spark:  # Spark reads the whole table later; its first rows give the columns and their roles
        frame = spark_first_rows(args.segmented)
        roles = infer_roles(frame)
    else:
        table = read_input(args.segmented)
        frame, roles = table.raw, table.roles
    consent_col = _consent_column(frame, args)
    spec = CampaignSpec(
        name=args.name,
        segments=tuple(split_names(args.segments)) if args.segments else (),
        rfm_groups=tuple(split_names(args.rfm_groups)) if args.rfm_groups else (),
        filters=tuple(parse_filter(f) for f in args.filter),
        consent_col=consent_col,
        consent_waived=bool(args.no_consent_check),
        consent_polarity=args.consent_means,
        consent_confirmed=args.consent_means is not None,
        suppression_lists=_suppression_lists(args),
        control_share=args.holdout,
        seed=args.seed,
        columns=tuple(split_names(args.columns)) if args.columns else (),
        top_n_items=args.top_n,
        hash_emails=bool(args.hash_emails),
    )
    spec = replace(
        spec,
        filters=tuple(replace(f, column=_filter_column(frame, f.column, args)) for f in spec.filters),
        query=_audience_query(frame, args),
    )
    contacts = _contacts(frame, roles, args)
    recommendations = read_input(args.recs).raw if args.recs else None
    options: dict[str, Any] = {
        "contacts": contacts,
        "recommendations": recommendations,
        "recommendation_customer_col": _recs_customer_col(recommendations, contacts.customer_id, args.recs),
        "actions": _actions(args.personas),
    }
    written_by_spark = False
    if spark:
        audience, written_by_spark = spark_list(args, spec, **options)
    else:
        audience = build_audience(frame, spec, **options)
    if audience.consent is not None:
        how = "as you said" if audience.consent.confirmed else "from its name; override with --consent-means"
        sys.stderr.write(
            f"Consent: {describe_consent(audience.consent.column, audience.consent.polarity)} ({how}).\n"
        )
    file_format = "parquet" if written_by_spark else _output_format(args)
    manifest = build_manifest(
        audience,
        source_sha256=_source_sha256(args.segmented),
        created_at=datetime.now(UTC),
        source_name=Path(args.segmented.rstrip("/")).name,
        file_name=output.name,
        file_format=file_format,
    )
    if spark:
        manifest["engine"] = "spark"
    if written_by_spark:  # the rows stay in Spark; the Audience carries the counts
        manifest["totals"]["listed"] = audience.n_treatment + audience.n_control
        write_spark_manifest(args, manifest, manifest_bytes(manifest))
        _report_audience(audience, args.output)
        return 0
    if args.split_control:
        _write_split(audience, manifest, args, file_format)
    else:
        payload = _payload(audience.frame, file_format, manifest, args.excel_friendly)
        manifest["file"]["sha256"] = hashlib.sha256(payload).hexdigest()
        output.write_bytes(payload)
    Path(f"{args.output}.manifest.json").write_bytes(manifest_bytes(manifest))
    _report_audience(audience, args.output)
    if args.save:
        _save_campaign(args, audience, manifest)
    return 0


def _save_campaign(args: argparse.Namespace, audience: Audience, manifest: dict[str, Any]) -> None:
    """Keep the treatment and control lists in the workspace (``export --save NAME``)."""
    send, control = send_ready(audience)
    plain = json.loads(manifest_bytes(manifest))
    rules = {key: plain[key] for key in _RULE_KEYS if key in plain}
    with open_from(args) as workspace:
        try:
            item = workspace.save_campaign(
                name=args.save,
                run_id=None,
                rules=rules,
                treatment=send,
                control=control,
                manifest=plain,
                id_column=audience.contacts.customer_id,
                replace=args.replace,
            )
        except NameTakenError as exc:
            raise taken("campaign", args.save) from exc
        sys.stderr.write(
            f"Saved campaign {item.name!r} (id {item.id}) in the workspace {workspace.location}; measure it "
            f"later with: segmentation lift --campaign {shlex.quote(item.name)} RESULTS.csv\n"
        )


def _write_split(
    audience: Audience, manifest: dict[str, Any], args: argparse.Namespace, file_format: str
) -> None:
    """Treatment to OUT, control beside it (a ZIP holds both); records both files in ``manifest``."""
    send, control = send_ready(audience)
    output = Path(args.output)
    if file_format == "zip":
        payload = export_send_zip(
            send,
            control,
            manifest=manifest,
            stem=campaign_slug(args.name),
            excel_friendly=args.excel_friendly,
        )
        output.write_bytes(payload)
        manifest["file"]["sha256"] = hashlib.sha256(payload).hexdigest()
        manifest["files"] = {"zip": file_entry(output.name, payload, len(send) + len(control))}
        return
    kind = "xlsx" if file_format == "xlsx" else "csv"
    send_bytes = safe_table_bytes(
        send, file_format=kind, excel_friendly=args.excel_friendly, sheet_name="Send"
    )
    control_bytes = safe_table_bytes(
        control, file_format=kind, excel_friendly=args.excel_friendly, sheet_name="Control"
    )
    control_file = control_path(args.output)
    output.write_bytes(send_bytes)
    control_file.write_bytes(control_bytes)
    manifest["file"]["sha256"] = hashlib.sha256(send_bytes).hexdigest()
    manifest["files"] = {
        "send": file_entry(output.name, send_bytes, len(send)),
        "control": file_entry(control_file.name, control_bytes, len(control)),
    }
    sys.stderr.write(f"Control group ({len(control):,} customers, not to contact): {control_file}\n")


def _filter_column(frame: pd.DataFrame, column: str, args: argparse.Namespace) -> str:
    return resolve_column(frame, column, file=args.segmented, flag="--filter")


def _audience_query(frame: pd.DataFrame, args: argparse.Namespace) -> AudienceQuery | None:
    """The --audience file's query, its column names resolved like --filter's (case and spaces ignored)."""
    if not args.audience:
        return None
    path = Path(args.audience)
    if not path.is_file():
        raise DataLoadError(f"--audience {args.audience}: no such file.")
    query = query_from_file(path.read_bytes(), name=path.name)
    groups = tuple(
        replace(
            group,
            conditions=tuple(
                replace(c, column=resolve_column(frame, c.column, file=args.segmented, flag="--audience"))
                for c in group.conditions
            ),
        )
        for group in query.groups
    )
    return replace(query, groups=groups)


def _recs_customer_col(recommendations: pd.DataFrame | None, id_col: str, file: str | None) -> str | None:
    if recommendations is None:
        return None
    for candidate in (id_col, "customer", "customer_id"):
        if candidate in recommendations.columns:
            return candidate
    raise ColumnError(
        f"{file} has no customer column; expected {id_col!r} (as in the customer file) or 'customer'."
    )
