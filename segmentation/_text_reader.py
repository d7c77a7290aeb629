"""Parsing a delimited text table once its dialect is known, every cell kept as text.

Private helper of :mod:`segmentation.loading`. The fast path is pyarrow's multi-threaded CSV
reader; files it cannot take as they are (ragged rows, runs of spaces, spaces before quotes)
go through pandas' C parser, which pads short rows and, given enough column names, keeps the
extra cells of long rows.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from segmentation._errors import DataLoadError
from segmentation._sniff import Dialect, encoding_label, unwrap_line
from segmentation._source import Content

__all__ = ["TextRead", "read_text_table", "tidy_text"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SHOWN_LINES = 5


@dataclass(frozen=True)
class TextRead:
    """A parsed text table with positional column labels ``0..n-1``."""

    frame: pd.DataFrame
    width: int  # columns covered by the header (or the usual row length without one)
    ragged_lines: tuple[int, ...]  # first few 1-based line numbers of rows longer than ``width``
    n_ragged: int
    n_short: int  # rows with fewer cells than ``width`` (known on the fast path only)
    n_empty_rows: int


def _tidy_arrow(values: pa.ChunkedArray) -> pa.ChunkedArray:
    trimmed = pc.utf8_trim_whitespace(values)
    # keep the original buffers when nothing was trimmed: saves a copy per column on big files
    if pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(values)).as_py():
        trimmed = values
    empty = pc.equal(trimmed, "")
    if pc.any(empty).as_py():
        trimmed = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
    return trimmed


def tidy_text(column: pd.Series) -> pd.Series:
    """Strip surrounding whitespace and turn empty cells into missing values; result has ``str`` dtype."""
    text = column if column.dtype == "str" else column.astype("str")
    tidy = _tidy_arrow(pa.chunked_array(pa.array(text.array)))
    return pd.Series(pd.array(tidy, dtype="str"), index=column.index, name=column.name)


def _unwrapped_source(content: Content, encoding: str) -> bytes:
    """The text with the quotes around each whole line removed, as UTF-8 bytes, one line per line."""
    data = content.all_bytes()
    # Read every line as one quoted CSV field so pyarrow's C++ parser unwraps and un-doubles the quotes;
    # that needs a field separator that never occurs in the file.
    separator = next((c for c in "\x1f\x1e\x1d\x1c\x01\x02" if c.encode() not in data), None)
    if separator is None:
        text = data.decode(encoding)
        return "\n".join(unwrap_line(line) for line in _LINE_BREAK.split(text)).encode("utf-8")
    table = pa_csv.read_csv(
        io.BytesIO(data),
        read_options=pa_csv.ReadOptions(column_names=["line"], encoding=encoding.replace("-sig", "")),
        parse_options=pa_csv.ParseOptions(delimiter=separator, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(
            column_types={"line": pa.large_string()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    del data
    return "\n".join(table.column("line").to_pylist()).encode("utf-8")


def _read_fast(source: Any, *, encoding: str, dialect: Dialect, width: int) -> tuple[pd.DataFrame, list[int]]:
    """pyarrow reader; returns the frame and the field counts of rows that do not have ``width`` fields."""
    invalid_counts: list[int] = []

    def record_invalid(row: Any) -> str:
        invalid_counts.append(int(row.actual_columns))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pa_csv.read_csv(
        source,
        read_options=pa_csv.ReadOptions(
            skip_rows=dialect.data_line, column_names=names, encoding=encoding.replace("-sig", "")
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=dialect.delimiter, newlines_in_values=True, invalid_row_handler=record_invalid
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),  # what pandas' str dtype holds
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if invalid_counts:
        return pd.DataFrame(), invalid_counts
    for position in range(width):
        table = table.set_column(position, names[position], _tidy_arrow(table.column(position)))
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    frame.columns = range(width)
    return frame, []


def _field_upper_bound(content: Content, *, encoding: str, delimiter: str) -> int:
    """Most fields any line could hold (quotes ignored, so never too few)."""
    text = content.all_bytes().decode(encoding, errors="replace")
    if delimiter == " ":
        return max((len(line.split()) for line in _LINE_BREAK.split(text)), default=1)
    return max((line.count(delimiter) for line in _LINE_BREAK.split(text)), default=0) + 1


def _read_c(
    source_factory: Any, *, content: Content, encoding: str, dialect: Dialect, width: int
) -> pd.DataFrame:
    """pandas C parser; widens the column list once when a row has more fields than expected."""
    for attempt in range(2):
        try:
            return pd.read_csv(
                source_factory(),
                sep=r"\s+" if dialect.delimiter == " " else dialect.delimiter,
                engine="c",
                header=None,
                names=list(range(width)),
                index_col=False,
                skiprows=dialect.data_line,
                dtype="str",
                keep_default_na=False,
                na_values=[""],
                skipinitialspace=True,
                skip_blank_lines=False,
                encoding=encoding,
                quotechar='"',
            )
        except pd.errors.ParserError as exc:
            if attempt == 0 and "fields in line" in str(exc):
                widest = _field_upper_bound(content, encoding=encoding, delimiter=dialect.delimiter)
                width = max(width + 1, widest)
                continue
            raise DataLoadError(
                f"{content.name} could not be split into columns ({exc}). Check the column separator and "
                "quote characters in 'How the file was read', or fix the line named above."
            ) from exc
    raise AssertionError("unreachable")


def read_text_table(content: Content, *, encoding: str, dialect: Dialect) -> TextRead:
    """Parse ``content`` as text with ``dialect``; every column ``str`` dtype, empty cells NaN.

    Raises :class:`DataLoadError` when the bytes do not decode with ``encoding`` or cannot be
    split into columns.
    """
    if dialect.quoted_lines:
        data = _unwrapped_source(content, encoding)
        content = Content(name=content.name, kind="text", n_bytes=content.n_bytes, data=data)
        encoding = "utf-8"
    # with a header, the header decides the width: cells beyond it are kept as extra columns
    width = len(dialect.header_fields) if dialect.header_fields else dialect.width
    n_short = 0
    invalid_counts: list[int] = []
    frame: pd.DataFrame | None = None
    try:
        if dialect.delimiter != " " and len(dialect.delimiter) == 1 and not dialect.spaces_before_quotes:
            try:
                source = content.readable()
                fast, invalid_counts = _read_fast(source, encoding=encoding, dialect=dialect, width=width)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                invalid_counts = []  # e.g. an unclosed quote: let the C parser explain the problem
            else:
                if invalid_counts:
                    n_short = sum(1 for count in invalid_counts if count < width)
                else:
                    frame = fast
        if frame is None:
            wider = max([width, *invalid_counts])
            raw = _read_c(content.readable, content=content, encoding=encoding, dialect=dialect, width=wider)
            # pop each raw column as it is tidied, so at most one column exists twice
            tidy: dict[int, pd.Series] = {}
            for position in range(raw.shape[1]):
                tidy[position] = tidy_text(raw.pop(position))  # type: ignore[arg-type]  # int labels
            frame = pd.DataFrame(tidy)
    except (UnicodeDecodeError, UnicodeError) as exc:
        raise DataLoadError(
            f"{content.name} does not decode as {encoding_label(encoding)} ({exc}); "
            "choose another text encoding."
        ) from exc
    n_columns = frame.shape[1]
    extra = list(range(width, n_columns))
    ragged_lines: tuple[int, ...] = ()
    n_ragged = 0
    if extra:
        has_extra = frame[extra].notna().any(axis=1).to_numpy()
        n_ragged = int(has_extra.sum())
        ragged_lines = tuple(int(i) + dialect.data_line + 1 for i in has_extra.nonzero()[0][:_SHOWN_LINES])
        keep = [p for p in range(n_columns) if p < width or frame[p].notna().any()]
        frame = frame[keep]
    filled = frame.notna().any(axis=1).to_numpy()
    n_empty_rows = int((~filled).sum())
    if n_empty_rows:
        frame = frame[filled].reset_index(drop=True)
    return TextRead(frame, width, ragged_lines, n_ragged, n_short, n_empty_rows)
