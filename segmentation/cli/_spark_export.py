"""``export --engine spark``: the campaign rules on Spark, the list written safely.

The rules run on Spark (:mod:`segmentation.engines.spark_audience`). A list for an email or ad
tool (``.csv``, ``.xlsx``, ``.zip``) is then brought to this machine and written by the same safe
writers as the pandas path (formula escaping, the manifest, ``--split-control``, ``--save``);
a ``.parquet`` name, a folder or a cluster path (``hdfs://``, ``s3a://`` ...) is written by
Spark as Parquet, with the manifest beside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from segmentation import (
    Audience,
    CampaignSpec,
    ContactColumns,
    ParameterError,
    SparkEngine,
    get_engine,
)

__all__ = [
    "SPARK_LIST_FORMATS",
    "spark_first_rows",
    "spark_list",
    "spark_writes_output",
    "write_spark_manifest",
]

#: Files written on this machine from the collected list; anything else is Parquet written by Spark.
SPARK_LIST_FORMATS = (".csv", ".xlsx", ".zip")
GUESS_ROWS = 5_000


def _engine() -> SparkEngine:
    engine = get_engine("spark")
    assert isinstance(engine, SparkEngine)
    return engine


def _is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def spark_writes_output(args: argparse.Namespace) -> bool:
    """True when Spark writes OUT as Parquet (a .parquet name, a folder or a cluster path)."""
    if args.format:
        return False
    return _is_url(args.output) or Path(args.output).suffix.lower() not in SPARK_LIST_FORMATS


def spark_first_rows(path: str) -> pd.DataFrame:
    """The first rows of the segmented table (column names and roles), read by Spark."""
    return _engine().first_rows(path, GUESS_ROWS)


def _check(args: argparse.Namespace) -> None:
    if spark_writes_output(args):
        for flag, given in (
            ("--split-control", args.split_control),
            ("--save", args.save),
            ("--recs", args.recs),
        ):
            if given:
                raise ParameterError(
                    f"{flag} needs the list on this machine: name the output .csv, .xlsx or .zip "
                    f"(Spark writes {args.output} as Parquet, with a 'group' column to filter on)."
                )
    elif _is_url(args.output):
        raise ParameterError(
            f"-o {args.output}: a .csv, .xlsx or .zip list is written on this machine; give a local path, "
            "or name the output .parquet for Spark to write it there."
        )


def spark_list(
    args: argparse.Namespace,
    spec: CampaignSpec,
    *,
    contacts: ContactColumns,
    recommendations: pd.DataFrame | None,
    recommendation_customer_col: str | None,
    actions: dict[int, str] | None,
) -> tuple[Audience, bool]:
    """The list built on Spark; True when Spark already wrote it to OUT (Parquet), else it is in memory."""
    _check(args)
    engine = _engine()
    if spark_writes_output(args):
        audience = engine.campaign_list_to(
            args.segmented, args.output, spec, contacts=contacts, actions=actions
        )
        return audience, True
    audience = engine.campaign_list(
        args.segmented,
        spec,
        contacts=contacts,
        recommendations=recommendations,
        recommendation_customer_col=recommendation_customer_col,
        actions=actions,
    )
    return audience, False


def write_spark_manifest(args: argparse.Namespace, manifest: dict[str, Any], payload: bytes) -> str:
    """Write the manifest beside a list Spark wrote (any path Spark understands); its path."""
    target = f"{args.output.rstrip('/')}.manifest.json"
    _engine().write_bytes(target, payload)
    sys.stderr.write(f"Spark wrote the list to {args.output} (Parquet, a folder of part files).\n")
    return target
