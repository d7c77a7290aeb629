"""Choosing an engine by name: ``get_engine("spark")``, or the ``SEGMENTATION_ENGINE`` variable."""

from __future__ import annotations

import importlib.util

from segmentation.engines.base import SPARK_INSTALL_HINT, Engine, EngineError, chosen_engine_name
from segmentation.engines.pandas_engine import PandasEngine
from segmentation.engines.spark_engine import SparkEngine

__all__ = ["get_engine", "spark_available"]


def spark_available() -> bool:
    """True when pyspark can be imported (Java is checked only when a session starts)."""
    return importlib.util.find_spec("pyspark") is not None


def get_engine(name: str | None = None) -> Engine:
    """The engine called ``name``, else ``$SEGMENTATION_ENGINE``, else pandas.

    Raises
    ------
    EngineError
        ``spark`` without pyspark installed (the message says how to install it), or an unknown name.
    """
    chosen = chosen_engine_name(name)
    if chosen == "pandas":
        return PandasEngine()
    if not spark_available():
        raise EngineError(
            f"the spark engine needs pyspark, which is not installed; install it with {SPARK_INSTALL_HINT}."
        )
    return SparkEngine()
