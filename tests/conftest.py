"""Shared fixtures. Each module's own fixtures live in its test file."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Streamlit must never phone home, also when tests import it.
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


def _interpreter_of(script: str) -> str | None:
    """The interpreter named on a console script's ``#!`` line, or None when it has none."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    parts = first[2:].decode(errors="replace").split()
    return parts[0] if parts else None


def segmentation_command() -> list[str]:
    """The command that runs the installed ``segmentation`` console script, as an argv prefix.

    Looks next to the running interpreter first (any venv or prefix layout, also Windows'
    ``Scripts/``), then on ``PATH`` when that script runs an interpreter of this same environment
    (a script from another installation would test other code), else ``python -m segmentation.cli``.
    """
    here = Path(os.path.abspath(sys.executable)).parent
    beside = shutil.which("segmentation", path=os.pathsep.join([str(here), str(here / "Scripts")]))
    if beside is not None:
        return [beside]
    on_path = shutil.which("segmentation")
    if on_path is not None:
        interpreter = _interpreter_of(on_path)
        # Same folder, same environment (python vs python3 are both there); resolving links would
        # make every venv look like the system Python.
        if interpreter is not None and Path(os.path.abspath(interpreter)).parent == here:
            return [on_path]
    return [sys.executable, "-m", "segmentation.cli"]


@pytest.fixture(scope="session")
def segmentation_cli() -> list[str]:
    """Argv prefix running the ``segmentation`` command line the way a user's shell would."""
    return segmentation_command()


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """One quiet local[2] SparkSession for the whole test session (skips without pyspark)."""
    pytest.importorskip("pyspark", reason="the spark engine's tests need the 'spark' extra")
    from segmentation.engines.spark_session import get_spark, stop_spark

    spark = get_spark(master="local[2]", shuffle_partitions="4")
    yield spark
    stop_spark()
