"""Helpers shared by the loader tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from segmentation.io.loading import LoadedTable

SIMPLE_ROWS = "customer_id,city,amount\nC001,Berlin,12.50\nC002,Paris,7.00\nC003,Lyon,30.25\n"


def write(tmp_path: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def cells(loaded: LoadedTable) -> list[list[object]]:
    """The frame as a list of rows, NaN shown as None."""
    frame = loaded.frame.astype(object).where(loaded.frame.notna(), None)
    return frame.to_numpy().tolist()


def assert_all_text(frame: pd.DataFrame) -> None:
    assert all(dtype == "str" for dtype in frame.dtypes), frame.dtypes
