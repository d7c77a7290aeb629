"""Suppression lists: people never to contact, read however the file was written.

Suppression files come from email tools, CRMs and spreadsheets: a column of emails with a
header, a headerless list, one line of addresses separated by ``;`` or ``,``, ``Person <e@x>``,
``mailto:e@x``, customer numbers written by Excel as ``1000.0``. Every entry is compared by
:func:`segmentation.keys.match_key`, the same normalisation the list's ids and emails go through,
so they always meet.

Which column of a file holds the entries is shown and chosen, never guessed silently:
:func:`suppression_columns` gives every column with its evidence ("holds emails", "its name says
customer number"), :func:`default_suppression_column` picks one only when exactly one is
plausible, and :func:`read_suppression` takes the column the user chose.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from segmentation.errors import ColumnError, DataLoadError
from segmentation.io.loading import load_table
from segmentation.keys import EMAIL_PATTERN, clean_text, match_key

__all__ = [
    "SuppressionColumn",
    "SuppressionList",
    "default_suppression_column",
    "read_suppression",
    "suppression_columns",
    "suppression_table",
]

#: Column of the table made from a list without a header.
LIST_COLUMN = "entry"
_ID_NAME = re.compile(
    r"(?:^|[^a-z])ids?(?:$|[^a-z])|customer|client|kunde|kundennr|nummer|number|\bno\b|member|account|"
    r"contact|e-?mail|mail|adresse|address|cliente|顧客|客户|会員|メール|邮箱",
    re.IGNORECASE,
)
_NUMBER_LIKE = re.compile(r"^[+-]?\d+(?:\.0+)?$")


@dataclass(frozen=True)
class SuppressionColumn:
    """A column of a suppression file, what it seems to hold, and whether it is a plausible choice."""

    column: str
    evidence: str
    plausible: bool

    @property
    def description(self) -> str:
        return f"{self.column!r} ({self.evidence})"


@dataclass(frozen=True)
class SuppressionList:
    """The entries of one suppression file, as match keys (see :func:`segmentation.keys.match_key`)."""

    source: str
    column: str | None
    entries: tuple[str, ...]


def _decoded(data: bytes) -> str | None:
    if data[:2] == b"PK" or data[:4] == b"PAR1" or b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def suppression_table(source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> pd.DataFrame:
    """Read a suppression file into a table of text, whatever its shape.

    A text file whose first line holds an email address, or that has a single line, is a list
    without a header: every address (or every ``,``/``;``/tab-separated value) becomes a row of
    column :data:`LIST_COLUMN`. Otherwise the file is read by :func:`segmentation.io.loading.load_table`;
    a single column whose header is itself an id or an email keeps that header as an entry.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = name or (Path(source).name if not isinstance(source, bytes) else "suppression list")
    text = _decoded(data)
    if text is not None:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise DataLoadError(f"{name} is empty; a suppression list needs at least one email or id.")
        if re.search(EMAIL_PATTERN, lines[0]):
            found = re.findall(EMAIL_PATTERN, text)
            return pd.DataFrame({LIST_COLUMN: pd.Series(found, dtype="str")})
        if len(lines) == 1:
            parts = [p for p in re.split(r"[,;\t]", lines[0]) if p.strip()]
            return pd.DataFrame({LIST_COLUMN: pd.Series(parts, dtype="str")})
    frame = load_table(data, name=name).frame
    if frame.shape[1] == 1:
        header = clean_text(str(frame.columns[0]))
        if _NUMBER_LIKE.match(header) or re.search(EMAIL_PATTERN, header):
            values = pd.concat([pd.Series([header]), frame.iloc[:, 0].astype("str")], ignore_index=True)
            return pd.DataFrame({LIST_COLUMN: values.where(values != "nan")})
    return frame


def _email_share(values: pd.Series) -> float:
    text = clean_text(values).dropna()
    text = text[text != ""]
    if text.empty:
        return 0.0
    return float(text.str.contains(EMAIL_PATTERN, regex=True).mean())


def suppression_columns(table: pd.DataFrame) -> tuple[SuppressionColumn, ...]:
    """Every column of ``table`` with what it seems to hold; emails and id-named columns are plausible."""
    columns = []
    for column in table.columns:
        share = _email_share(table[column])
        name = str(column)
        if share >= 0.5:
            columns.append(SuppressionColumn(name, f"holds emails ({share:.0%} of values)", True))
        elif name == LIST_COLUMN or _ID_NAME.search(name):
            evidence = "a list without a header" if name == LIST_COLUMN else "its name says it holds ids"
            columns.append(SuppressionColumn(name, evidence, True))
        else:
            columns.append(SuppressionColumn(name, "neither emails nor an id name", False))
    return tuple(columns)


def default_suppression_column(table: pd.DataFrame) -> str | None:
    """The column to preselect: the only column, or the only plausible one; None when unsure."""
    columns = suppression_columns(table)
    if len(columns) == 1:
        return columns[0].column
    plausible = [c.column for c in columns if c.plausible]
    return plausible[0] if len(plausible) == 1 else None


def read_suppression(table: pd.DataFrame, *, column: str, source: str) -> SuppressionList:
    """The entries of ``column`` as match keys (``Person <e@x>``, ``mailto:``, ``1000.0`` all read).

    Raises :class:`ColumnError` when ``column`` is not in the table.
    """
    if column not in table.columns:
        shown = ", ".join(repr(str(c)) for c in table.columns)
        raise ColumnError(
            f"the suppression list {source} has no column {column!r}; its columns are: {shown}."
        )
    keys = match_key(table[column])
    return SuppressionList(source=source, column=column, entries=tuple(sorted(set(keys[keys != ""]))))
