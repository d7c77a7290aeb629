"""Helpers shared by the subcommands: reading inputs, naming columns, writing outputs."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from segmentation import (
    ColumnError,
    LoadedTable,
    Role,
    SegmentationError,
    coerce_table,
    infer_roles,
    load_table,
    safe_table_bytes,
)

__all__ = ["CliTable", "print_json", "read_input", "resolve_column", "split_names", "write_table"]


@dataclass(frozen=True)
class CliTable:
    """An input file as read for a subcommand.

    ``raw`` is the table exactly as loaded (text kept as written, so ids such as ``007`` and
    every column survive into outputs); ``typed`` has numbers, dates and flags converted
    according to the inferred ``roles``.
    """

    path: str
    loaded: LoadedTable
    raw: pd.DataFrame
    typed: pd.DataFrame
    roles: dict[str, Role]


def read_input(path: str) -> CliTable:
    """Load ``path`` with detection, infer column roles and convert values to their types."""
    loaded = load_table(Path(path))
    roles = infer_roles(loaded.frame)
    typed = coerce_table(loaded.frame, roles, decimal=loaded.detection.decimal)
    return CliTable(path=path, loaded=loaded, raw=loaded.frame, typed=typed, roles=roles)


def _normalise(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def resolve_column(frame: pd.DataFrame, name: str, *, file: str, flag: str) -> str:
    """Return the column of ``frame`` called ``name``.

    Exact matches win; otherwise a match ignoring case and repeated spaces is accepted when it
    is unique. Raises :class:`ColumnError` listing the columns the file has.
    """
    columns = [str(c) for c in frame.columns]
    if name in columns:
        return name
    matches = [c for c in columns if _normalise(c) == _normalise(name)]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(repr(c) for c in columns[:30]) + (" ..." if len(columns) > 30 else "")
    raise ColumnError(f"{flag} {name!r}: {file} has no such column. Its columns are: {shown}.")


def split_names(text: str) -> list[str]:
    """Split a comma-separated list of column names; ``\\,`` keeps a literal comma in a name."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    names = [p for p in parts if p]
    if not names:
        raise SegmentationError(
            f"no column names in {text!r}; give them separated by commas, like 'age,income'."
        )
    return names


def write_table(frame: pd.DataFrame, path: str) -> None:
    """Write ``frame`` as formula-safe CSV (UTF-8) or XLSX, or as Parquet, by the file name's suffix."""
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise SegmentationError(f"cannot write {path}: the folder {target.parent} does not exist.")
    suffix = target.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(target, index=False)
        return
    # 10 significant digits: sums such as 3336.759999999997 are written as 3336.76.
    target.write_bytes(
        safe_table_bytes(frame, file_format="xlsx" if suffix == ".xlsx" else "csv", float_format="%.10g")
    )


def print_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON on stdout (non-ASCII kept readable)."""
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
