"""Reading the tables marketers upload: CSV/TSV/TXT (also gzip or zip), XLSX and Parquet.

Everything about how a text file was written is detected from a sample and reported in plain
sentences (:attr:`Detection.notes`); every detection can be overridden with
:class:`ReadOptions`. Text cells are kept exactly as written (decoded, outer quotes removed,
surrounding whitespace stripped, empty cells missing); converting numbers and dates is the job of
:mod:`segmentation.profiling`, which gets :attr:`Detection.decimal`.

Bad input raises :class:`~segmentation._errors.DataLoadError` with a message naming the file.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import pandas as pd

from segmentation._errors import DataLoadError
from segmentation._sniff import (
    DELIMITER_NAMES,
    SAMPLE_BYTES,
    SAMPLE_LINES,
    detect_dialect,
    detect_encoding,
    encoding_label,
    looks_binary,
    sample_lines,
)
from segmentation._source import Content, format_size, open_source
from segmentation._text_reader import read_text_table, tidy_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DELIMITER_NAMES",
    "SUPPORTED_ENCODINGS",
    "Detection",
    "LoadedTable",
    "ReadOptions",
    "describe_size",
    "encoding_label",
    "load_table",
]

DEFAULT_MAX_BYTES = 2 * 1024**3
SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "gb18030", "shift_jis", "cp932")
_PREVIEW_LINES = 15
_MAX_SAMPLE_BYTES = 64 * 1024**2
_SHOWN_NAMES = 5


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field left ``None`` is detected.

    ``delimiter`` is ``","``, ``";"``, ``"\\t"``, ``"|"``, ``" "`` (runs of spaces or tabs) or any
    single character. ``skip_rows`` counts the lines before the header (or first data row).
    ``sheet`` picks an XLSX sheet by name or 0-based position.
    """

    encoding: str | None = None
    delimiter: str | None = None
    header: bool | None = None
    skip_rows: int | None = None
    decimal: str | None = None
    quoted_lines: bool | None = None
    sheet: str | int | None = None


@dataclass(frozen=True)
class Detection:
    """How a file was read, with plain-language ``notes`` explaining what was detected or changed.

    For XLSX and Parquet the text-only fields hold neutral values (``encoding="binary"``,
    ``delimiter=""``); ``sheet``/``sheet_names`` describe the workbook.
    """

    format: str
    compression: str | None
    inner_name: str | None
    encoding: str
    delimiter: str
    header: bool
    skip_rows: int
    decimal: str
    quoted_lines: bool
    notes: tuple[str, ...]
    preview_lines: tuple[str, ...]
    sheet: str | None = None
    sheet_names: tuple[str, ...] = ()
    ragged_lines: tuple[int, ...] = ()  # first few 1-based line numbers of rows longer than the header
    renamed_columns: tuple[tuple[str, str], ...] = ()  # (as written, as named in the frame)

    def as_options(self) -> ReadOptions:
        """The detected settings as explicit :class:`ReadOptions` (a starting point for overrides)."""
        return ReadOptions(
            encoding=self.encoding if self.format == "csv" else None,
            delimiter=self.delimiter if self.format == "csv" else None,
            header=self.header,
            skip_rows=self.skip_rows,
            decimal=self.decimal,
            quoted_lines=self.quoted_lines if self.format == "csv" else None,
            sheet=self.sheet,
        )


@dataclass(frozen=True)
class LoadedTable:
    """A loaded table: ``frame`` of shape (n_rows, n_columns), its display ``name`` and how it was read."""

    frame: pd.DataFrame
    name: str
    detection: Detection
    n_bytes: int


def _blank(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _column_names(
    written: list[object], *, header: bool, prefix: str = "column"
) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Unique string names: blanks become ``column_<i>``, repeats ``name (2)``.

    Returns ``(names, renamed, notes)``.
    """
    names: list[str] = []
    renamed: list[tuple[str, str]] = []
    seen: set[str] = set()
    taken = {str(w).strip() for w in written if header and not _blank(w)}
    duplicates: list[str] = []
    for position, value in enumerate(written, start=1):
        text = "" if not header or _blank(value) else str(value).strip()
        name = text or f"{prefix}_{position}"
        if name in seen:
            duplicates.append(name)
            copy = 2
            while f"{name} ({copy})" in seen or f"{name} ({copy})" in taken:
                copy += 1
            name = f"{name} ({copy})"
        if header and text != name:
            renamed.append((text, name))
        seen.add(name)
        names.append(name)
    notes = []
    if duplicates:
        shown = ", ".join(repr(d) for d in dict.fromkeys(duplicates))
        notes.append(
            f"Some column names appear more than once ({shown}); all are kept, later ones as 'name (2)'."
        )
    return names, renamed, notes


def _without_empty_unnamed(
    frame: pd.DataFrame, renamed: list[tuple[str, str]]
) -> tuple[pd.DataFrame, list[tuple[str, str]], list[str]]:
    """Drop columns with neither a name nor a value (trailing separators); name the other blank ones."""
    unnamed = [new for old, new in renamed if not old]
    empty = [name for name in unnamed if frame[name].isna().all()]
    notes = []
    if empty:
        notes.append(
            f"Left out {len(empty)} column(s) with no name and no values (lines ending in a separator)."
        )
    kept = [name for name in unnamed if name not in empty]
    if kept:
        notes.append(f"Columns without a name were called {', '.join(kept[:_SHOWN_NAMES])}.")
    still_renamed = [(old, new) for old, new in renamed if new not in empty]
    return (frame.drop(columns=empty) if empty else frame), still_renamed, notes


def _text_sample(content: Content, encoding: str, *, skip_rows: int) -> list[str]:
    """Decoded first lines: about 200, or enough to see past ``skip_rows`` chosen lines."""
    size = SAMPLE_BYTES
    while True:
        head = content.head(size + 1)
        truncated = len(head) > size
        text = head[:size].decode(encoding, errors="replace")
        lines = sample_lines(text, truncated=truncated, limit=skip_rows + SAMPLE_LINES)
        if not truncated or len(lines) >= skip_rows + 20 or size >= _MAX_SAMPLE_BYTES:
            return lines
        size *= 4


def _load_text(content: Content, options: ReadOptions) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    head = content.head(SAMPLE_BYTES)
    if not head.strip():
        raise DataLoadError(f"{display} is empty (only blank lines); export the table again.")
    # UTF-16/32 text is full of NUL bytes, so the binary check only applies to byte-oriented encodings
    wide_text = head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    wide_text = wide_text or "16" in (options.encoding or "")
    wide_text = wide_text or "32" in (options.encoding or "")
    if not wide_text and looks_binary(head):
        raise DataLoadError(
            f"{display} does not look like a text table (it holds binary data); upload a CSV, TXT, "
            "XLSX or Parquet file, or the original export."
        )
    encoding, encoding_note, replace_invalid = detect_encoding(content, override=options.encoding)
    if replace_invalid:
        repaired = content.all_bytes().decode(encoding, errors="replace").encode(encoding)
        content = replace(content, data=repaired, path=None)
    lines = _text_sample(content, encoding, skip_rows=options.skip_rows or 0)
    if not any(line.strip() for line in lines):
        raise DataLoadError(f"{display} is empty (only blank lines); export the table again.")
    dialect = detect_dialect(
        lines,
        delimiter=options.delimiter,
        header=options.header,
        skip_rows=options.skip_rows,
        decimal=options.decimal,
        quoted_lines=options.quoted_lines,
    )
    parsed = read_text_table(content, encoding=encoding, dialect=dialect)
    notes = [*content.notes, encoding_note, *dialect.notes]
    header_fields: list[object] = list(dialect.header_fields[: parsed.width])
    header_fields += [None] * (parsed.width - len(header_fields))
    names, renamed, name_notes = _column_names(header_fields, header=dialect.header)
    n_extra = parsed.frame.shape[1] - parsed.width
    names += [f"extra_{i}" for i in range(1, n_extra + 1)]
    notes += name_notes
    if parsed.n_ragged:
        shown = ", ".join(str(n) for n in parsed.ragged_lines)
        notes.append(
            f"{parsed.n_ragged} row(s) have more cells than the header (first at line(s) {shown}); "
            f"the extra cells are kept in {', '.join(names[parsed.width :][:_SHOWN_NAMES])}."
        )
    if parsed.n_short:
        notes.append(
            f"{parsed.n_short} row(s) have fewer cells than the header; the missing cells are empty."
        )
    if parsed.n_empty_rows:
        notes.append(f"Left out {parsed.n_empty_rows} empty line(s) or row(s) with every cell empty.")
    frame, renamed, column_notes = _without_empty_unnamed(parsed.frame.set_axis(names, axis=1), renamed)
    notes += column_notes
    if frame.empty:
        if options.skip_rows:
            problem = f"has no data rows after skipping {options.skip_rows} line(s); skip fewer lines."
        elif dialect.header:
            problem = "has a header row but no data rows; check that the export included the data."
        else:
            problem = "has no data rows."
        raise DataLoadError(f"{display} {problem}")
    detection = Detection(
        format="csv",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding=encoding,
        delimiter=dialect.delimiter,
        header=dialect.header,
        skip_rows=dialect.skip_rows,
        decimal=dialect.decimal,
        quoted_lines=dialect.quoted_lines,
        notes=tuple(notes),
        preview_lines=tuple(lines[:_PREVIEW_LINES]),
        ragged_lines=parsed.ragged_lines,
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def _tidy_binary_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text-like columns (object, category, string) become tidy ``str``; numbers and dates stay native."""
    columns = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        is_text = column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype | pd.StringDtype)
        columns[position] = tidy_text(column) if is_text else column
    return pd.DataFrame(columns, index=frame.index)


def _header_row(raw: pd.DataFrame) -> int:
    """First row filled more than half as much as the fullest of the top rows (title rows sit above it)."""
    top = raw.head(50).notna().sum(axis=1)
    widest = int(top.max()) if len(top) else 0
    for position, filled in enumerate(top):
        if filled and 2 * filled > widest:
            return position
    return 0


def _load_xlsx(content: Content, options: ReadOptions) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    notes = list(content.notes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl style/extension warnings mean nothing to a marketer
            with pd.ExcelFile(content.readable(), engine="openpyxl") as workbook:
                sheet_names = tuple(str(s) for s in workbook.sheet_names)
                sheet = _choose_sheet(options.sheet, sheet_names, display=display)
                raw = workbook.parse(sheet, header=None)
                if options.sheet is None and raw.dropna(how="all").empty:
                    for other in sheet_names:
                        candidate = workbook.parse(other, header=None)
                        if not candidate.dropna(how="all").empty:
                            sheet, raw = other, candidate
                            break
    except DataLoadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise DataLoadError(f"{display} could not be read as an Excel workbook ({exc}).") from exc
    if len(sheet_names) > 1:
        listed = ", ".join(sheet_names)
        notes.append(f"Read the sheet {sheet!r} (the workbook has {len(sheet_names)}: {listed}).")
    raw = raw.dropna(how="all", axis=1)
    if raw.empty:
        raise DataLoadError(f"{display}: the sheet {sheet!r} is empty; choose the sheet holding the table.")
    skip_rows = _header_row(raw) if options.skip_rows is None else options.skip_rows
    if skip_rows and options.skip_rows is None:
        notes.append(f"Skipped {skip_rows} row(s) above the table (titles or notes).")
    first = raw.iloc[skip_rows] if skip_rows < len(raw) else pd.Series(dtype=object)
    header = options.header
    if header is None:
        header = all(isinstance(v, str) for v in first.dropna()) and len(first.dropna()) > 0
    body = raw.iloc[skip_rows + (1 if header else 0) :]
    body = body.loc[body.notna().any(axis=1)].reset_index(drop=True).infer_objects()
    written = list(first) if header else [None] * raw.shape[1]
    names, renamed, name_notes = _column_names(written, header=header)
    notes += name_notes
    if body.empty:
        problem = f"after skipping {skip_rows} row(s)" if options.skip_rows else "below the header row"
        raise DataLoadError(f"{display} has no data rows {problem} in the sheet {sheet!r}.")
    tidy = _tidy_binary_frame(body).set_axis(names, axis=1)
    frame, renamed, column_notes = _without_empty_unnamed(tidy, renamed)
    notes += column_notes
    detection = Detection(
        format="xlsx",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding="binary",
        delimiter="",
        header=header,
        skip_rows=skip_rows,
        decimal=options.decimal or ".",
        quoted_lines=False,
        notes=tuple(notes),
        preview_lines=(),
        sheet=sheet,
        sheet_names=sheet_names,
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def _choose_sheet(chosen: str | int | None, sheet_names: tuple[str, ...], *, display: str) -> str:
    if chosen is None:
        return sheet_names[0]
    if isinstance(chosen, int) and 0 <= chosen < len(sheet_names):
        return sheet_names[chosen]
    if str(chosen) in sheet_names:
        return str(chosen)
    raise DataLoadError(f"{display} has no sheet {chosen!r}; its sheets are: {', '.join(sheet_names)}.")


def _load_parquet(content: Content, options: ReadOptions) -> tuple[pd.DataFrame, Detection]:
    display = f"{content.inner_name} in {content.name}" if content.inner_name else content.name
    try:
        raw = pd.read_parquet(content.readable())
    except Exception as exc:  # pyarrow raises several error types on damaged files
        raise DataLoadError(f"{display} could not be read as a Parquet file ({exc}).") from exc
    if raw.empty:
        raise DataLoadError(f"{display} holds no rows.")
    # a named index (df.set_index("customer_id").to_parquet()) is data, often the ids themselves
    named_index = any(level is not None for level in raw.index.names)
    raw = raw.reset_index(drop=not named_index, allow_duplicates=True)
    names, renamed, name_notes = _column_names(list(raw.columns), header=True)
    frame = _tidy_binary_frame(raw).set_axis(names, axis=1)
    detection = Detection(
        format="parquet",
        compression=content.compression,
        inner_name=content.inner_name,
        encoding="binary",
        delimiter="",
        header=True,
        skip_rows=0,
        decimal=options.decimal or ".",
        quoted_lines=False,
        notes=(*content.notes, *name_notes),
        preview_lines=(),
        renamed_columns=tuple(renamed),
    )
    return frame, detection


def load_table(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    name: str | None = None,
    options: ReadOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedTable:
    """Load a table file, detecting its format and how it was written.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (what the Streamlit uploader gives).
    name
        The file's name, used to recognise its format by extension and in messages; defaults to
        the path's file name.
    options
        Overrides of the detected settings; each field left ``None`` is detected.
    max_bytes
        Files (or unpacked contents) larger than this are refused.

    Returns
    -------
    LoadedTable
        ``frame`` of shape (n_rows, n_columns). Text formats give ``str`` columns holding the
        cells as written (stripped, empty cells NaN); XLSX and Parquet keep numeric and date
        columns native. ``detection`` says how the file was read, with notes for the user.

    Raises
    ------
    DataLoadError
        The file is missing, empty, binary, too large, a zip without exactly one table, an
        unreadable workbook or Parquet file, or has a header but no data rows.
    """
    options = options or ReadOptions()
    if options.delimiter is not None and len(options.delimiter) != 1:
        raise DataLoadError(f"The column separator must be one character, not {options.delimiter!r}.")
    if options.decimal not in (None, ".", ","):
        raise DataLoadError(f"The decimal mark must be '.' or ',', not {options.decimal!r}.")
    if options.skip_rows is not None and options.skip_rows < 0:
        raise DataLoadError(f"Lines to skip must be 0 or more, not {options.skip_rows}.")
    content = open_source(source, name=name, max_bytes=max_bytes)
    readers = {"text": _load_text, "xlsx": _load_xlsx, "parquet": _load_parquet}
    frame, detection = readers[content.kind](content, options)
    return LoadedTable(frame=frame, name=content.name, detection=detection, n_bytes=content.n_bytes)


def describe_size(n_bytes: int) -> str:
    """Human-readable file size, e.g. ``"12.5 MB"``."""
    return format_size(n_bytes)
