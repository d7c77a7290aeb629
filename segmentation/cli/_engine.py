"""The ``--engine`` option of the heavy subcommands, defined once (light imports: ``--help`` stays fast).

``--engine spark`` (or ``SEGMENTATION_ENGINE=spark``) runs the subcommand on Apache Spark (see
docs/spark.md); the default is pandas. The Spark paths live in :mod:`segmentation.cli._spark`.
"""

from __future__ import annotations

import argparse
import os

from segmentation import ParameterError

__all__ = ["ENGINE_CHOICES", "add_engine_option", "on_spark"]

#: The same names as ``segmentation.engines.base.ENGINES`` (a test keeps them equal).
ENGINE_CHOICES = ("pandas", "spark")
_VARIABLE = "SEGMENTATION_ENGINE"


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine {pandas,spark}`` to a subcommand."""
    parser.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default=None,
        help="where to compute: pandas on this machine (default) or Apache Spark (needs the 'spark' "
        f"extra and Java; paths may be hdfs://, s3a://, abfss://). Default: ${_VARIABLE}, else pandas",
    )


def on_spark(args: argparse.Namespace) -> bool:
    """True when ``--engine spark`` was given, or no ``--engine`` and ``$SEGMENTATION_ENGINE`` is spark."""
    chosen = getattr(args, "engine", None) or os.environ.get(_VARIABLE, "").strip().lower() or "pandas"
    if chosen not in ENGINE_CHOICES:
        raise ParameterError(
            f"{_VARIABLE}={chosen!r} is not an engine; choose one of {', '.join(ENGINE_CHOICES)}."
        )
    return chosen == "spark"
