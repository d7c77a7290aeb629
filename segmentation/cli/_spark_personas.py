"""``segment --engine spark --personas``: the pandas path's personas, described on the driver.

Spark scores the table with the fitted model and counts it exactly; the driver gets every
customer (at most ``SEGMENTATION_SPARK_DESCRIBE_LIMIT``, default 200,000) or a sample stratified by
segment, reads those rows back through the pandas path's own loader and typing, and describes them
with the same call (:func:`segmentation.cli._personas_file.describe_table`). Up to the limit the
JSON is the pandas engine's; above it the sizes, shares, revenue shares, missing values and
customers not segmented are Spark's exact counts, and ``described_from`` says how many customers
the descriptions come from.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from segmentation import NOT_SEGMENTED, Persona, SegmentationModel, SparkEngine
from segmentation.cli._common import CliTable, read_input
from segmentation.cli._customer_table import money_currency, typed_features
from segmentation.cli._personas_file import describe_table, personas_payload, write_personas

__all__ = ["spark_personas"]


def _read_back(frame: pd.DataFrame, path: str) -> CliTable:
    """The rows Spark collected, read as the pandas path reads a file: text as CSV, typed data as Parquet."""
    as_text = all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
    with tempfile.TemporaryDirectory(prefix="segmentation-personas-") as folder:
        copy = Path(folder) / ("customers.csv" if as_text else "customers.parquet")
        if as_text:
            frame.to_csv(copy, index=False)
        else:
            frame.to_parquet(copy, index=False)
        table = read_input(str(copy))
    return replace(table, path=path)


def _revenue_shares(totals: Mapping[int, float] | None) -> dict[int, float] | None:
    if totals is None:
        return None
    total = sum(totals.values())
    return {s: v / total for s, v in totals.items()} if total > 0 else {}


def _with_exact_counts(
    personas: tuple[Persona, ...], sizes: Mapping[int, int], revenue: dict[int, float] | None
) -> tuple[Persona, ...]:
    """Sizes, shares (and revenue shares when Spark could add the money up) counted over every customer."""
    described = sum(n for s, n in sizes.items() if s != NOT_SEGMENTED)
    exact = []
    for persona in personas:
        size = sizes.get(persona.segment, 0)
        revenue_share = persona.revenue_share
        if revenue is not None and revenue_share is not None:
            revenue_share = revenue.get(persona.segment, 0.0) if revenue else None
        exact.append(replace(persona, size=size, share=size / described, revenue_share=revenue_share))
    return tuple(exact)


def spark_personas(args: argparse.Namespace, engine: SparkEngine, model: SegmentationModel) -> dict[int, str]:
    """Describe the segments ``model`` gives ``args.file``, write ``args.personas``; the persona names."""
    with engine.segmented(model, args.file) as segmented:
        sample = segmented.sample(seed=args.seed)
        table = _read_back(sample.frame, args.file)
        typed, _ = typed_features(table, args.features)
        currency = money_currency(args, table)
        personas = describe_table(
            table, typed, sample.labels, features=model.feature_names, seed=args.seed, currency=currency
        )
        counts = sample.counts
        extra: dict[str, Any] = {}
        if sample.sampled:
            money = next((p.money_col for p in personas if p.money_col), None)
            revenue = _revenue_shares(segmented.totals(money)) if money in segmented.columns else None
            personas = _with_exact_counts(personas, counts.sizes, revenue)
            exact = ["size", "share"] + (["revenue_share"] if revenue is not None else [])
            extra["described_from"] = {
                "customers": len(sample.labels),
                "of_customers": counts.n_segmented,
                "sampled": True,
                "stratified_by": "segment",
                "seed": sample.seed,
                "exact": exact,
            }
            shares = "shares and revenue shares" if revenue is not None else "shares"
            sys.stderr.write(
                f"note: the personas describe a sample of {len(sample.labels):,} of {counts.n_segmented:,} "
                f"customers (stratified by segment, seed {sample.seed}); segment sizes and {shares} are "
                "counted over every customer.\n"
            )
    filled = replace(
        model, features=tuple(replace(f, n_filled=counts.missing.get(f.spec.name, 0)) for f in model.features)
    )
    payload = personas_payload(
        personas,
        currency=currency,
        fills=filled.fills,
        no_data=counts.no_data,
        missing_values=counts.sizes.get(NOT_SEGMENTED, 0) - counts.no_data,
    )
    write_personas(args.personas, {**payload, **extra})
    return {p.segment: p.name for p in personas if p.segment >= 0}
