"""Parsing a delimited text table once its dialect is known, every cell kept as text.

Private helper of :mod:`segmentation.io.loading`. The fast path is pyarrow's multi-threaded CSV
reader. Rows with too few or too many cells are set aside by it, numbered by a second
single-threaded read, and put back in place with their extra cells in extra columns. Files
pyarrow cannot take (runs of spaces, spaces before quotes, very many odd rows) go through
pandas' C parser, which pads short rows and, given enough column names, keeps long rows whole.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from segmentation.errors import DataLoadError
from segmentation.io.sniffing import MAX_RECORD_LINES, Dialect, encoding_label, sample_records, unwrap_line
from segmentation.io.source import Content

__all__ = ["TextRead", "read_text_table", "tidy_text"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SHOWN_LINES = 5
_SMALL_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class TextRead:
    """A parsed text table with positional column labels ``0..n-1``."""

    frame: pd.DataFrame
    width: int  # columns covered by the header (or the usual row length without one)
    ragged_lines: tuple[int, ...]  # first few 1-based line numbers of rows longer than ``width``
    n_ragged: int
    n_short: int  # rows with fewer cells than ``width`` (known on the fast path only)
    n_empty_rows: int
    # 0-based positions of the kept rows among all rows read (blank lines count); None: all kept
    row_positions: np.ndarray | None = None


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


def _unwrap_arrow_lines(lines: pa.ChunkedArray) -> bytes:
    """:func:`unwrap_line` over an array of lines, joined with newlines; intermediates freed early."""
    trimmed = pc.utf8_trim_whitespace(lines)
    wrapped = pc.and_(
        pc.greater_equal(pc.utf8_length(trimmed), 2),
        pc.and_(pc.starts_with(trimmed, '"'), pc.ends_with(trimmed, '"')),
    )
    inner = pc.utf8_slice_codeunits(trimmed, 1, -1)
    del trimmed
    inner = pc.replace_substring(inner, '""', '"')
    unwrapped = pc.if_else(wrapped, inner, lines)
    del inner, lines
    # "line" + "\n" + "" for every line: the values buffer then holds the whole text
    joined = pc.binary_join_element_wise(
        unwrapped, pa.scalar("", pa.large_string()), pa.scalar("\n", pa.large_string())
    ).combine_chunks()
    del unwrapped
    values = joined.buffers()[2]
    if len(joined) == 0 or values is None:
        return b""
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)
    start, end = int(offsets[joined.offset]), int(offsets[joined.offset + len(joined)])
    return values.slice(start, end - start).to_pybytes()


def _unwrapped_source(content: Content, encoding: str) -> bytes:
    """The text with the quotes around each whole line removed, as UTF-8 bytes, one line per line.

    Same rule as :func:`unwrap_line`, run by pyarrow over all lines at once: each physical line
    is read as one unquoted field (that needs a field separator that never occurs in the file).
    """
    data = content.all_bytes()
    separator = next((c for c in "\x1f\x1e\x1d\x1c\x01\x02" if c.encode() not in data), None)
    if separator is not None:
        try:
            table = pa_csv.read_csv(
                io.BytesIO(data),
                read_options=pa_csv.ReadOptions(column_names=["line"], encoding=encoding.replace("-sig", "")),
                parse_options=pa_csv.ParseOptions(
                    delimiter=separator, quote_char=False, ignore_empty_lines=False
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={"line": pa.large_string()}, strings_can_be_null=False
                ),
            )
        except pa.ArrowInvalid:
            pass  # unwrap line by line below
        else:
            del data
            return _unwrap_arrow_lines(table.column("line"))
    text = data.decode(encoding)
    return "\n".join(unwrap_line(line) for line in _LINE_BREAK.split(text)).encode("utf-8")


_MAX_REPAIRED_ROWS = 100_000  # beyond this many odd rows the C parser is faster than repairing in Python


def _read_arrow(
    source: Any, *, encoding: str, dialect: Dialect, width: int, threads: bool
) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    """pyarrow reader; returns the rows with ``width`` fields and ``(record number, text)`` of the others.

    Blank lines stay rows (all empty, dropped later) so record numbers count every line.
    """
    odd_rows: list[tuple[int | None, str]] = []

    def record_odd_row(row: Any) -> str:
        odd_rows.append((row.number, str(row.text)))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pa_csv.read_csv(
        source,
        read_options=pa_csv.ReadOptions(
            skip_rows=dialect.data_line,
            column_names=names,
            encoding=encoding.replace("-sig", ""),
            use_threads=threads,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=dialect.delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=record_odd_row,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),  # what pandas' str dtype holds
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return table, odd_rows


def _with_odd_rows(
    columns: list[pa.ChunkedArray], n_rows: int, odd_rows: list[tuple[int | None, str]], *, dialect: Dialect
) -> tuple[list[pa.ChunkedArray], int] | None:
    """Put rows with too few or too many cells back in their places among the ``n_rows`` regular ones.

    Returns the new columns and the number of short rows, or ``None`` when the odd rows' places
    are unknown. Empties ``columns`` as it goes, so each old column is freed once copied.
    """
    if any(number is None for number, _ in odd_rows) or len(odd_rows) > _MAX_REPAIRED_ROWS:
        return None
    positions = np.array([int(number or 0) - dialect.data_line - 1 for number, _ in odd_rows], dtype=np.int64)
    n_total = n_rows + len(odd_rows)
    width = len(columns)
    is_odd = np.zeros(n_total, dtype=bool)
    if positions.min() < 0 or positions.max() >= n_total:
        return None
    is_odd[positions] = True
    if int(is_odd.sum()) != len(odd_rows):
        return None
    take = np.empty(n_total, dtype=np.int64)
    take[~is_odd] = np.arange(n_rows)
    take[positions] = n_rows + np.arange(len(odd_rows))
    cells = [next(csv.reader(io.StringIO(text), delimiter=dialect.delimiter), []) for _, text in odd_rows]
    n_columns = max(width, *(len(row) for row in cells))
    repaired = []
    for j in range(n_columns):
        base = columns.pop(0) if columns else pa.chunked_array([pa.nulls(n_rows, pa.large_string())])
        odd = pa.array([row[j] if j < len(row) else None for row in cells], type=pa.large_string())
        repaired.append(
            pc.take(pa.chunked_array([*base.chunks, odd], type=pa.large_string()), pa.array(take))
        )
        del base
    return repaired, sum(1 for row in cells if len(row) < width)


def _arrow_frame(columns: list[pa.ChunkedArray]) -> pd.DataFrame:
    """Tidy each column (emptying ``columns`` so the raw ones are freed early) into a ``str`` frame."""
    names = [f"c{i}" for i in range(len(columns))]
    tidied = []
    while columns:
        tidied.append(_tidy_arrow(columns.pop(0)))
    table = pa.table(tidied, names=names)
    del tidied
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    frame.columns = range(len(names))
    return frame


def _arrow_source(content: Content) -> Any:
    """A stream of the raw bytes: given a path, pyarrow would unpack by extension (text named .gz)."""
    if content.path is None:
        return content.readable()
    return pa.input_stream(str(content.path), compression=None)


def _read_fast(
    content: Content, *, encoding: str, dialect: Dialect, width: int
) -> tuple[pd.DataFrame | None, int, int]:
    """The pyarrow path: ``(frame, width, n_short)``, or ``(None, widest row seen, 0)`` for the C parser."""
    with _arrow_source(content) as source:
        table, odd_rows = _read_arrow(source, encoding=encoding, dialect=dialect, width=width, threads=True)
    if not odd_rows:
        columns = table.columns
        del table
        return _arrow_frame(columns), width, 0
    del table
    # only a single-threaded read numbers the odd rows
    with _arrow_source(content) as source:
        table, odd_rows = _read_arrow(source, encoding=encoding, dialect=dialect, width=width, threads=False)
    columns, n_rows = table.columns, table.num_rows
    del table
    repaired = _with_odd_rows(columns, n_rows, odd_rows, dialect=dialect)
    if repaired is None:
        widest = max(len(text.split(dialect.delimiter)) for _, text in odd_rows)
        return None, max(width, widest), 0
    del columns
    new_columns, n_short = repaired
    return _arrow_frame(new_columns), width, n_short


def _field_upper_bound(content: Content, *, encoding: str, delimiter: str) -> int:
    """Most fields any record could hold (quoted separators counted too, so never too few)."""
    text = content.all_bytes().decode(encoding, errors="replace")
    # quoted cells may hold line breaks: count per record, not per physical line
    records = (
        sample_records(text, truncated=False, limit=sys.maxsize) if '"' in text else _LINE_BREAK.split(text)
    )
    if delimiter == " ":
        return max((len(record.split()) for record in records), default=1)
    return max((record.count(delimiter) for record in records), default=0) + 1


def _read_c(
    source_factory: Any, *, content: Content, encoding: str, dialect: Dialect, width: int
) -> pd.DataFrame:
    """pandas C parser; widens the column list once when a row has more fields than expected."""
    for attempt in range(2):
        try:
            # with runs of spaces a longer row only warns, and its extra cells would be lost
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return _c_parse(source_factory(), encoding=encoding, dialect=dialect, width=width)
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            too_wide = "fields in line" in str(exc) or isinstance(exc, pd.errors.ParserWarning)
            if attempt == 0 and too_wide:
                widest = _field_upper_bound(content, encoding=encoding, delimiter=dialect.delimiter)
                width = max(width + 1, widest)
                continue
            raise DataLoadError(
                f"{content.name} could not be split into columns ({exc}). Check the column separator and "
                "quote characters in 'How the file was read', or fix the line named above."
            ) from exc
    raise AssertionError("unreachable")


def _c_parse(source: Any, *, encoding: str, dialect: Dialect, width: int) -> pd.DataFrame:
    return pd.read_csv(
        source,
        sep=r"\s+" if dialect.delimiter == " " else dialect.delimiter,
        engine="c",
        header=None,
        names=list(range(width)),
        index_col=False,
        skiprows=dialect.data_record,  # the C parser skips records, not physical lines
        dtype="str",
        keep_default_na=False,
        na_values=[""],
        skipinitialspace=True,
        skip_blank_lines=False,
        encoding=encoding,
        quotechar='"',
        compression=None,  # a text file named .gz or .zip is still plain text here
    )


def _nothing_after(content: Content, *, encoding: str, line: int) -> bool:
    """True when a small file has only blank lines after its first ``line`` lines (header only)."""
    head = content.head(_SMALL_FILE_BYTES + 1)
    if len(head) > _SMALL_FILE_BYTES:
        return False
    lines = _LINE_BREAK.split(head.decode(encoding, errors="replace"))
    return not any(text.strip() for text in lines[line:])


def _line_numbers(frame: pd.DataFrame, rows: np.ndarray, *, first_line: int) -> tuple[int, ...]:
    """1-based physical line numbers of ``rows`` (ascending positions), counting line breaks in cells above.

    Only the rows above the last one asked for are looked at, one vectorised count per column.
    """
    if not len(rows):
        return ()
    last = int(rows[-1])
    breaks = np.zeros(last + 1, dtype=np.int64)
    for position in range(frame.shape[1]):
        cells = pa.array(frame.iloc[:last, position].astype("str").array)
        counted = pc.fill_null(pc.count_substring_regex(cells, r"\r\n|\r|\n"), 0)
        breaks[1:] += counted.to_numpy(zero_copy_only=False).astype(np.int64)
    return tuple(int(line) for line in first_line + rows + np.cumsum(breaks)[rows])


def _refuse_stray_quote(frame: pd.DataFrame, *, name: str, first_line: int) -> None:
    """Refuse a table where one cell swallowed the lines after a quote that is never closed.

    A quoted cell may hold line breaks (notes), but not ``MAX_RECORD_LINES`` of them: that is a
    stray quote, and every row after it would silently become part of one cell.
    """
    for position in range(frame.shape[1]):
        cells = pa.array(frame.iloc[:, position].astype("str").array)
        breaks = pc.fill_null(pc.count_substring(cells, "\n"), 0)
        most = pc.max(breaks).as_py() or 0
        if most >= MAX_RECORD_LINES:
            row = int(pc.index(breaks, most).as_py())
            line = _line_numbers(frame, np.array([row]), first_line=first_line)[0]
            raise DataLoadError(
                f"{name}: a quote opened on line {line} is never closed, so the {most:,} lines after it "
                "were read as one cell; remove or close that quote character and load the file again."
            )


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
    if _nothing_after(content, encoding=encoding, line=dialect.data_line):
        # pyarrow's threaded reader on empty input can leave a thread that aborts the process at exit
        empty = pd.DataFrame({position: pd.Series([], dtype="str") for position in range(width)})
        return TextRead(empty, width, (), 0, 0, 0)
    frame: pd.DataFrame | None = None
    widest = width
    n_short = 0
    try:
        if dialect.delimiter != " " and len(dialect.delimiter) == 1 and not dialect.spaces_before_quotes:
            # on e.g. an unclosed quote, let the C parser read the file or explain the problem
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
                frame, widest, n_short = _read_fast(content, encoding=encoding, dialect=dialect, width=width)
        if frame is None:
            raw = _read_c(content.readable, content=content, encoding=encoding, dialect=dialect, width=widest)
            # pop each raw column as it is tidied, so at most one column exists twice
            tidy: dict[int, pd.Series] = {}
            for position in range(raw.shape[1]):
                tidy[position] = tidy_text(raw.pop(position))  # type: ignore[arg-type]  # int labels
            frame = pd.DataFrame(tidy)
    except (pa.ArrowException, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataLoadError(
            f"{content.name} could not be split into columns ({exc}). Check the column separator and "
            "quote settings in 'How the file was read'."
        ) from exc
    except (UnicodeDecodeError, UnicodeError) as exc:
        raise DataLoadError(
            f"{content.name} does not decode as {encoding_label(encoding)} ({exc}); "
            "choose another text encoding."
        ) from exc
    _refuse_stray_quote(frame, name=content.name, first_line=dialect.data_line + 1)
    n_columns = frame.shape[1]
    extra = list(range(width, n_columns))
    ragged_lines: tuple[int, ...] = ()
    n_ragged = 0
    if extra:
        has_extra = frame[extra].notna().any(axis=1).to_numpy()
        n_ragged = int(has_extra.sum())
        shown = has_extra.nonzero()[0][:_SHOWN_LINES]
        ragged_lines = _line_numbers(frame, shown, first_line=dialect.data_line + 1)
        keep = [p for p in range(n_columns) if p < width or frame[p].notna().any()]
        frame = frame[keep]
    filled = frame.notna().any(axis=1).to_numpy()
    n_empty_rows = int((~filled).sum())
    row_positions = None
    if n_empty_rows:
        frame = frame[filled].reset_index(drop=True)
        row_positions = np.nonzero(filled)[0]
    return TextRead(frame, width, ragged_lines, n_ragged, n_short, n_empty_rows, row_positions)
