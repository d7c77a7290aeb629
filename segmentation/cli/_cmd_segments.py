"""``sweep``, ``segment`` and ``assign``: choose k, segment a customer file, score new customers."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import warnings
from pathlib import Path
from typing import Any

from segmentation import ALGORITHMS, DataQualityWarning, ParameterError
from segmentation.cli._arguments import currency, seed, segment_count
from segmentation.cli._engine import add_engine_option, on_spark
from segmentation.cli._lazy import DEFERRED
from segmentation.cli._stored import add_save_options, check_name_free, open_from, taken

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    import numpy as np
    import pandas as pd

    from segmentation import (
        NO_DATA_NAME,
        NOT_SEGMENTED,
        FeatureFill,
        NameTakenError,
        assign_segments,
        counted,
        fills_for_rows,
        fit_segments,
        incomplete_rows,
        load_model,
        missing_value_fills,
        numbers_for_model,
        personas_to_dict,
        rows_without_data,
        save_model,
        segment_name_column,
        sweep_k,
    )
    from segmentation.cli._common import CliTable, print_json, read_input, write_table
    from segmentation.cli._customer_table import id_column, money_currency, typed_features
    from segmentation.cli._personas_file import (
        check_personas_path,
        describe_table,
        personas_payload,
        write_personas,
    )
    from segmentation.cli._spark import spark_assign, spark_segment, spark_sweep

__all__ = ["register"]

_OUTPUT_COLUMNS = ("segment", "segment_name")


def register(subparsers: Any) -> None:
    """Add the ``sweep``, ``segment`` and ``assign`` subcommands."""
    sweep = subparsers.add_parser(
        "sweep",
        help="try a range of k and recommend the number of segments",
        description="Segment FILE for every k in a range and report inertia (elbow), silhouette, "
        "Calinski-Harabasz, Davies-Bouldin and stability, with a recommended k.",
    )
    _add_common(sweep)
    sweep.add_argument("--k-min", type=segment_count, default=2, help="smallest k to try (default 2)")
    sweep.add_argument(
        "--k-max", type=segment_count, default=10, help="largest k to try (default 10, at most 30)"
    )
    sweep.add_argument("--json", action="store_true", help="print the results as JSON")
    sweep.set_defaults(handler=_run_sweep)

    segment = subparsers.add_parser(
        "segment",
        help="segment a customer file into k segments",
        description="Segment FILE and write it back with 'segment' and 'segment_name' columns. Missing "
        "values are filled (each fill is reported on stderr); customers with no value in any feature are "
        "not segmented: segment -2, 'Not segmented (no data)', and no persona (-1 is 'Unassigned', "
        "customers the density method left out).",
    )
    _add_common(segment)
    segment.add_argument(
        "--k", type=segment_count, required=True, help="number of segments (ignored by hdbscan)"
    )
    segment.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output table (.csv/.xlsx/.parquet)"
    )
    segment.add_argument("--model", metavar="MODEL.json", help="also save the fitted model as JSON")
    segment.add_argument("--personas", metavar="PERSONAS.json", help="also save the segment personas as JSON")
    segment.add_argument(
        "--currency",
        type=currency,
        metavar="CODE",
        help="currency of the money columns in the personas, e.g. EUR (default: detected from FILE; "
        "a word such as 'points' is written after the number)",
    )
    add_save_options(segment, "run")
    segment.set_defaults(handler=_run_segment)

    assign = subparsers.add_parser(
        "assign",
        help="put new customers in the segments of a saved model",
        description="Apply MODEL.json (from 'segment --model' or the app) to FILE.",
    )
    assign.add_argument("file", metavar="FILE", help="customer table (CSV, Excel, Parquet ...)")
    assign.add_argument(
        "--model", required=True, metavar="MODEL.json", help="model saved by 'segment --model'"
    )
    assign.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output table (.csv/.xlsx/.parquet)"
    )
    add_engine_option(assign)
    assign.set_defaults(handler=_run_assign)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="customer table, one row per customer")
    parser.add_argument(
        "--features",
        required=True,
        help="comma-separated feature columns, e.g. 'Age,Annual Income (k$)' (use \\, for a comma in a name)",
    )
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="kmeans", help="clustering method")
    parser.add_argument(
        "--seed", type=seed, default=0, help="random seed; same seed, same result (default 0)"
    )
    add_engine_option(parser)


def _progress_to_stderr(fraction: float, message: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{fraction:4.0%} {message}   ")
        if fraction >= 1:
            sys.stderr.write("\n")


def _print_fills(fills: tuple[FeatureFill, ...]) -> None:
    """Say on stderr how many values were filled per feature, and with what: nothing is filled silently."""
    for fill in fills:
        sys.stderr.write(f"note: {fill.sentence}.\n")


def _run_sweep(args: argparse.Namespace) -> None:
    if args.k_min > args.k_max:
        raise ParameterError(f"--k-min {args.k_min} is larger than --k-max {args.k_max}.")
    if on_spark(args):
        result = spark_sweep(args)
    else:
        table = read_input(args.file)
        typed, specs = typed_features(table, args.features)
        _print_fills(missing_value_fills(typed, specs))
        result = sweep_k(
            typed,
            specs,
            k_values=range(args.k_min, args.k_max + 1),
            algorithm=args.algorithm,
            seed=args.seed,
            progress=_progress_to_stderr,
        )
    if args.json:
        print_json(result.to_dict())
        return
    shown = result.to_frame().rename(columns={"smallest_share": "smallest segment"})
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nElbow: {result.elbow_k if result.elbow_k is not None else 'none found'}")
    print(f"Recommended k: {result.recommended_k}. {result.reason}")
    if result.disagreement:
        print(result.disagreement)
    print(
        f"Silhouette estimated on {result.silhouette_sample_size:,} of {result.n_customers:,} customers "
        f"(each compared with {result.silhouette_reference_size:,})."
    )


def _with_segments(raw: pd.DataFrame, labels: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    clashing = [c for c in _OUTPUT_COLUMNS if c in raw.columns]
    if clashing:
        warnings.warn(
            f"the input already has {', '.join(repr(c) for c in clashing)}; the output replaces them.",
            DataQualityWarning,
            stacklevel=2,
        )
    out = raw.drop(columns=clashing)
    out["segment"] = labels
    out["segment_name"] = names
    return out


def _run_segment(args: argparse.Namespace) -> None:
    if on_spark(args):
        if args.save:
            raise ParameterError(
                "--save is not available with --engine spark yet; segment with the pandas engine to keep "
                "the run in the workspace."
            )
        spark_segment(args)
        return
    if args.replace and not args.save:
        raise ParameterError("--replace goes with --save NAME.")
    if args.save:
        with open_from(args) as workspace:  # a taken name fails before the work, not after
            check_name_free(workspace, "run", args.save, args.replace)
    if args.personas:
        check_personas_path(args.personas)
    table = read_input(args.file)
    typed, specs = typed_features(table, args.features)
    result = fit_segments(typed, specs, k=args.k, algorithm=args.algorithm, seed=args.seed)
    currency = money_currency(args, table)
    personas = describe_table(
        table, typed, result.labels, features=result.features, seed=args.seed, currency=currency
    )
    names = {p.segment: p.name for p in personas if p.segment >= 0}
    no_data = rows_without_data(result.model, typed)
    column = segment_name_column(result.labels, names, not_segmented=result.not_segmented, no_data=no_data)
    write_table(_with_segments(table.raw, result.labels, column), args.output)
    _print_fills(result.model.fills)
    if args.model:
        save_model(result.model.with_names(names), args.model)
    if args.personas:
        payload = personas_payload(
            personas,
            currency=currency,
            fills=result.model.fills,
            no_data=int(no_data.sum()),
            missing_values=int((result.not_segmented & ~no_data).sum()),
        )
        write_personas(args.personas, payload)
    if args.save:
        _save_run(args, table, result, personas, names)
    segments_first = np.where(result.labels < 0, result.k - result.labels, result.labels)
    counts = pd.Series(column[np.argsort(segments_first, kind="stable")]).value_counts(sort=False)
    sizes = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"Wrote {args.output}: {len(result.labels):,} customers in {result.k} segments ({sizes}).")


def _save_run(
    args: argparse.Namespace, table: CliTable, result: Any, personas: Any, names: dict[int, str]
) -> None:
    """Keep the input table and the run in the workspace (``segment --save NAME``)."""
    id_name = id_column(table)
    customer_ids = (
        table.raw[id_name] if id_name else pd.Series(np.arange(1, len(table.raw) + 1)).astype("str")
    )
    with open_from(args) as workspace:
        dataset = workspace.save_dataset(
            name=Path(args.file).name,
            source_name=Path(args.file).name,
            kind="customers",
            table=table.raw,
            source_sha256=hashlib.sha256(Path(args.file).read_bytes()).hexdigest(),
            detection={"roles": {str(c): str(r) for c, r in table.roles.items()}},
        )
        try:
            item = workspace.save_run(
                name=args.save,
                dataset_id=dataset.id,
                customer_ids=customer_ids,
                labels=result.labels,
                features=list(result.features),
                algorithm=args.algorithm,
                k=result.k,
                seed=args.seed,
                specs={spec.name: dataclasses.asdict(spec) for spec in result.specs},
                model_json=result.model.with_names(names).to_json(),
                personas=personas_to_dict(personas)["segments"],
                names=names,
                replace=args.replace,
            )
        except NameTakenError as exc:
            raise taken("run", args.save) from exc
        sys.stderr.write(f"Saved run {item.name!r} (id {item.id}) in the workspace {workspace.location}.\n")


def _run_assign(args: argparse.Namespace) -> None:
    if on_spark(args):
        spark_assign(args)
        return
    model = load_model(args.model)
    table = read_input(args.file)
    typed = numbers_for_model(model, table.raw, decimal=table.loaded.detection.decimal)
    labels = assign_segments(model, typed)
    no_data = rows_without_data(model, typed)
    column = segment_name_column(
        labels, model.segment_names, not_segmented=incomplete_rows(model, typed), no_data=no_data
    )
    write_table(_with_segments(table.raw, labels, column), args.output)
    _print_fills(fills_for_rows(model, typed))
    if no_data.any():
        sys.stderr.write(
            f"note: {counted(int(no_data.sum()), 'customer')} with no value in any of the model's features "
            f"{'is' if no_data.sum() == 1 else 'are'} listed as {NO_DATA_NAME!r} (segment {NOT_SEGMENTED}).\n"
        )
    counts = pd.Series(column).value_counts()
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"Wrote {args.output}: {len(labels):,} customers ({summary}).")
