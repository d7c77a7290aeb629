"""The one way the product writes a table a spreadsheet may open: formula-safe CSV and XLSX bytes.

Formula injection: a spreadsheet runs a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return (or their full-width forms ``＝ ＋ － ＠``) as a formula. Opened with
another separator than it was written with (Excel uses ``;`` in German or French), a cell such
as ``Smith;=1+2`` is cut in two and the second piece starts with ``=``. :func:`escape_formulas`
puts a ``'`` in front of such cells and after each such inner separator; numbers stored as
numbers, and text columns whose every value is a plain number, are left alone. CSV cells holding
``,``, ``;``, a tab, a quote or a line break are quoted; XLSX cells are inline text or numbers,
never formulas. :func:`unescape_text` undoes the escaping when ids are read back (``lift``).

Campaign lists, ZIP members, the command line's ``write_table`` and every download button of the
app write through :func:`safe_table_bytes`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from segmentation.campaigns.xlsx_writer import write_workbook
from segmentation.errors import ParameterError

__all__ = [
    "FORMULA_TRIGGERS",
    "NUMBER_PATTERN",
    "XLSX_MAX_ROWS",
    "escape_formulas",
    "escape_text",
    "safe_table_bytes",
    "unescape_text",
]

#: First characters that make a spreadsheet treat a text cell as a formula (full-width forms too:
#: some spreadsheet programs fold them to their ASCII forms).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_TRIGGERS = "=+\\-@\t\r\uff1d\uff0b\uff0d\uff20"
_STARTS_WITH_TRIGGER = rf"^[{_TRIGGERS}]"
# A separator (any of the three a spreadsheet may use, or a line break), optional quotes, then a
# trigger: opened with another separator than it was written with, the cell is cut there and the
# piece after the separator would start with the trigger.
_INNER_TRIGGER = rf"([,;\t\r\n]\"*)([{_TRIGGERS}])"
_ESCAPED_INNER = rf"([,;\t\r\n]\"*)'([{_TRIGGERS}])"
_HAS_INNER_TRIGGER = rf"[,;\t\r\n]\"*[{_TRIGGERS}]"
_HAS_ESCAPED_INNER = rf"[,;\t\r\n]\"*'[{_TRIGGERS}]"
_NEEDS_ESCAPE = rf"^[{_TRIGGERS}]|[,;\t\r\n]\"*[{_TRIGGERS}]"
#: A plain number written as text ("-5", "3.5", "1,25", "1e-3"): shown as a number, never run.
NUMBER_PATTERN = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$"
_NEEDS_QUOTES = r"[,;\t\"\r\n]"
#: Excel's row limit, header included.
XLSX_MAX_ROWS = 1_048_576
# Control characters the XLSX format cannot store (tab, newline and carriage return are allowed).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _needs_escape(text: pd.Series) -> np.ndarray:
    return np.asarray(text.str.contains(_NEEDS_ESCAPE, regex=True, na=False), dtype=bool)


def _escape_strings(text: pd.Series, needs: np.ndarray | None = None) -> pd.Series:
    """Escape a Series of str (missing values allowed); assumes every present value is text."""
    needs = _needs_escape(text) if needs is None else needs
    if not needs.any():
        return text
    # Only the few cells that need it are rewritten: a million-row column stays fast.
    changed = text[needs]
    # Without look-ahead (so pyarrow does it); a tab is both a separator and a trigger, so "\t\t="
    # needs a second pass.
    while True:
        pending = changed.str.contains(_HAS_INNER_TRIGGER, regex=True, na=False)
        if not pending.any():
            break
        changed = changed.where(~pending, changed.str.replace(_INNER_TRIGGER, r"\1'\2", regex=True))
    result = text.copy()
    result[needs] = "'" + changed
    return result


def escape_text(value: object) -> object:
    """``value`` made safe when it is text: see :func:`escape_formulas`; other values are returned as is."""
    if not isinstance(value, str):
        return value
    return _escape_strings(pd.Series([value], dtype="object")).iloc[0]


def unescape_text(values: pd.Series) -> pd.Series:
    """Undo :func:`escape_formulas` on text read back from an exported file (``'=x`` becomes ``=x``)."""
    text = values.astype("str").where(values.notna(), "")
    rest = text.str[1:]
    escaped = text.str.startswith("'") & (
        rest.str.contains(_STARTS_WITH_TRIGGER, regex=True)
        | rest.str.contains(_HAS_ESCAPED_INNER, regex=True)
    )
    plain = rest[escaped]
    while True:  # as in escaping, "\t'\t'=" needs a second pass
        pending = plain.str.contains(_HAS_ESCAPED_INNER, regex=True, na=False)
        if not pending.any():
            break
        plain = plain.where(~pending, plain.str.replace(_ESCAPED_INNER, r"\1\2", regex=True))
    result = text.copy()
    result[escaped] = plain
    return result


def _is_number_column(values: pd.Series) -> bool:
    """Numbers, booleans, dates and durations stored as such cannot be formulas."""
    dtype = values.dtype
    return bool(
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def _escape_column(values: pd.Series) -> pd.Series:
    if _is_number_column(values):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("object")
    if values.dtype == object:
        is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
    else:
        is_text = values.notna()
    text = values.astype("str") if is_text.all() else values[is_text].astype("str")
    needs = _needs_escape(text)
    if not needs.any():
        return values
    filled = text[text.str.strip() != ""]
    if filled.str.fullmatch(NUMBER_PATTERN).all():
        # A column of plain numbers kept as text (amounts or ids read as written) shows as numbers.
        return values
    escaped = _escape_strings(text, needs)
    if values.dtype == object:
        result = values.copy()
        result[is_text] = escaped
        return result
    return escaped.reindex(values.index).astype(values.dtype)


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and header cells cannot run as spreadsheet formulas.

    A text cell that starts with one of :data:`FORMULA_TRIGGERS`, or holds a separator
    (``,`` ``;`` tab or a line break) followed by one (``Smith;=1+2``), gets a leading ``'``, and
    each such inner separator is followed by a ``'`` too, so the cell is safe whichever separator
    the spreadsheet splits the file with. Numbers, dates, booleans and missing values are left
    alone, and so is a text column whose every value is a plain number (``-5`` is shown as -5).
    :func:`unescape_text` undoes it.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)

    Returns
    -------
    DataFrame of shape (n_rows, n_columns)
    """
    escaped = {position: _escape_column(frame.iloc[:, position]) for position in range(frame.shape[1])}
    result = pd.DataFrame(escaped, index=frame.index)
    result.columns = [str(escape_text(str(c))) for c in frame.columns]
    return result


def _csv_cells(values: pd.Series, float_format: str | None) -> pd.Series:
    """Each cell as CSV text, quoted when it holds a separator, a quote or a line break."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype("object").map({True: "True", False: "False"})
    elif float_format is not None and pd.api.types.is_float_dtype(values.dtype):
        text = values.map(lambda v: float_format % v)
    elif values.dtype == object:
        text = values.map(str)
    else:
        text = values.astype("str")
    text = text.astype("str").where(~missing, "")
    needs = text.str.contains(_NEEDS_QUOTES, regex=True, na=False).to_numpy(dtype=bool)
    if not needs.any():
        return text
    result = text.copy()
    result[needs] = '"' + text[needs].str.replace('"', '""', regex=False) + '"'
    return result


def _csv_text(frame: pd.DataFrame, float_format: str | None) -> str:
    if frame.shape[1] == 0:
        return "\n"
    header = _csv_cells(pd.Series([str(c) for c in frame.columns], dtype="object"), None)
    lines = [",".join(header.tolist())]
    if len(frame):
        cells = [_csv_cells(frame.iloc[:, i], float_format) for i in range(frame.shape[1])]
        rows = cells[0]
        for column in cells[1:]:  # element-wise joins of Arrow strings: far faster than str.cat
            rows = rows + "," + column
        lines.extend(rows.tolist())
    return "\n".join(lines) + "\n"


def safe_table_bytes(
    frame: pd.DataFrame,
    *,
    file_format: str = "csv",
    excel_friendly: bool = False,
    float_format: str | None = None,
    sheet_name: str = "Sheet1",
    summary_rows: list[list[object]] | None = None,
) -> bytes:
    """The one way the product writes a table a spreadsheet may open: formula-safe CSV or XLSX bytes.

    Every cell goes through :func:`escape_formulas`. CSV cells holding ``,``, ``;``, a tab, a
    quote or a line break are quoted (like ``csv.QUOTE_MINIMAL`` for each of the three
    separators at once), so a file opened with ``;`` or tab as the separator (Excel's default in
    German or French) cannot turn a piece of a cell into a formula either. XLSX cells are
    written as inline text or numbers, never as formulas.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    file_format : {"csv", "xlsx"}
    excel_friendly : bool
        CSV only: start with a byte-order mark so Excel reads UTF-8 (``Zoë``, ``客户``).
    float_format : str, optional
        CSV only: printf format of floats, e.g. ``"%.10g"``; by default Python's shortest repr.
    sheet_name : str
        XLSX only: name of the sheet holding the table.
    summary_rows : list of rows, optional
        XLSX only: a second sheet "Summary" with these rows (escaped too).
    """
    if file_format not in ("csv", "xlsx"):
        raise ParameterError(f"file format {file_format!r} is not supported; use csv or xlsx.")
    escaped = escape_formulas(frame)
    if file_format == "xlsx":
        if len(frame) + 1 > XLSX_MAX_ROWS:
            raise ParameterError(
                f"the table has {len(frame):,} rows, more than the {XLSX_MAX_ROWS - 1:,} Excel can hold; "
                "export it as CSV or ZIP instead."
            )
        summary = None
        if summary_rows is not None:
            summary = [[_xlsx_value(escape_text(v)) for v in row] for row in summary_rows]
        return write_workbook(escaped, [str(c) for c in escaped.columns], summary, sheet_name=sheet_name)
    text = _csv_text(escaped, float_format)
    return ("\ufeff" + text if excel_friendly else text).encode("utf-8")


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)
    if isinstance(value, np.generic):
        return value.item()
    return value
