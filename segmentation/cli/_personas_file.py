"""``segment --personas``: the personas described and written as JSON, the same way on either engine."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from segmentation import (
    FeatureFill,
    Persona,
    SegmentationError,
    describe_segments,
    guess_money_column,
    personas_to_dict,
)
from segmentation.cli._common import CliTable
from segmentation.cli._customer_table import id_column

__all__ = ["check_personas_path", "describe_table", "personas_payload", "write_personas"]


def check_personas_path(path: str) -> None:
    """Raise SegmentationError when the personas file cannot be written there (before any work is done)."""
    target = Path(path)
    if target.is_dir():
        raise SegmentationError(f"--personas {path}: that is a folder; name a file such as personas.json.")
    if not target.parent.is_dir():
        raise SegmentationError(f"cannot write {path}: the folder {target.parent} does not exist.")


def describe_table(
    table: CliTable,
    typed: pd.DataFrame,
    labels: np.ndarray,
    *,
    features: Sequence[str],
    seed: int,
    currency: str,
) -> tuple[Persona, ...]:
    """The personas of ``typed`` (the typed ``table``) under ``labels``, money and id columns guessed."""
    return describe_segments(
        typed,
        labels,
        features=list(features),
        money_col=guess_money_column(typed),
        id_col=id_column(table),
        seed=seed,
        currency=currency,
    )


def personas_payload(
    personas: Sequence[Persona],
    *,
    currency: str,
    fills: Sequence[FeatureFill],
    no_data: int,
    missing_values: int,
) -> dict[str, Any]:
    """The personas JSON: the segments, the currency, the filled values and the customers not segmented."""
    described = personas_to_dict(personas)
    described["currency"] = currency or None
    described["missing_values_filled"] = [fill.to_dict() for fill in fills]
    described["not_segmented"] = {"no_data": int(no_data), "missing_values": int(missing_values)}
    return described


def write_personas(path: str, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` as indented UTF-8 JSON."""
    Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
