"""Reading numbers and dates the way marketing exports write them.

Both parsers work on the *distinct* values of a column and map the results back, so a
five-million-line file with a few thousand different dates costs a few thousand parses.
Missing cells (NaN, empty or blank text) stay missing and are never counted as bad.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.money import NUMBER_DECORATION

__all__ = [
    "EXCEL_SERIAL_RANGE",
    "DateFormatName",
    "DateParse",
    "DistinctText",
    "NumberParse",
    "dates_from_distinct",
    "distinct_text",
    "is_text",
    "numbers_from_distinct",
    "parse_dates",
    "parse_numbers",
]

DateFormatName = Literal[
    "ISO", "day-first", "month-first", "YYYYMMDD", "epoch seconds", "epoch milliseconds", "Excel serial days"
]

_N_EXAMPLES = 5
# Dates outside this window are almost always placeholders (1900-01-01, 9999-12-31) or wrong units.
_EARLIEST = pd.Timestamp("1900-01-01")
_LATEST = pd.Timestamp("2100-12-31")
_DATE_DTYPE = "datetime64[ns]"
# Excel's day numbers (days since 1899-12-30) for 1950-01-01 .. 2099-12-31: a date column saved
# with the "General" format. Only read so in a column already taken for dates (by its name).
EXCEL_SERIAL_RANGE = (18_264, 73_050)

# Plain pattern strings (no compiled objects or flags) so pandas runs them in Arrow's RE2 engine.
_CURRENCY = NUMBER_DECORATION
# Literal characters rather than \s or \u escapes, which would send pandas back to Python's re.
_SPACES = "[ \t\u00a0\u202f\u2009']"
_MINUS = "[\u2212\u2012\u2013\u2014\ufe63\uff0d]"


@dataclass(frozen=True)
class NumberParse:
    """Result of :func:`parse_numbers`.

    ``values`` is float64 aligned with the input (NaN where missing or bad), ``bad`` marks cells
    that hold text but not a number, ``examples`` are up to five distinct bad raw values, most
    frequent first.
    """

    values: pd.Series
    bad: pd.Series
    n_bad: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class DateParse:
    """Result of :func:`parse_dates`.

    ``values`` is datetime64 aligned with the input (NaT where missing or bad); ``format_name``
    is the format the column was read with; ``ambiguous`` is True when every date could be read
    day-first or month-first (day-first was used).
    """

    values: pd.Series
    format_name: DateFormatName
    n_bad: int
    examples: tuple[str, ...]
    ambiguous: bool
    bad: pd.Series


@dataclass(frozen=True)
class DistinctText:
    """A text column as codes of shape (n,) into its distinct stripped values (-1: missing or blank).

    ``texts`` keeps blank entries (mapped from no row) so positions match pandas' factorize.
    """

    codes: np.ndarray
    texts: pd.Series

    @property
    def n_distinct(self) -> int:
        return int((self.texts != "").sum())


def is_text(series: pd.Series) -> bool:
    """True for text and mixed columns; False for numbers, booleans and datetimes."""
    return not (
        pd.api.types.is_numeric_dtype(series.dtype)
        or pd.api.types.is_bool_dtype(series.dtype)
        or pd.api.types.is_datetime64_any_dtype(series.dtype)
    )


def distinct_text(series: pd.Series) -> DistinctText:
    """Split a text column into distinct stripped values once, for all checks to share."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    distinct = pd.Series(uniques, copy=False)
    if not pd.api.types.is_string_dtype(distinct.dtype) or distinct.dtype == object:
        distinct = distinct.astype("str")
    texts = distinct.str.strip().reset_index(drop=True)
    blank = (texts == "").to_numpy()
    if blank.any():
        # Blank text is a missing cell written with spaces: send it to the missing code.
        remap = np.where(blank, -1, np.arange(len(texts)))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return DistinctText(codes.astype(np.int64), texts)


def _examples(raw_uniques: pd.Series, codes: np.ndarray, bad_uniques: np.ndarray) -> tuple[str, ...]:
    """Up to five distinct bad values, the most frequent first."""
    bad_codes = np.flatnonzero(bad_uniques)
    if len(bad_codes) == 0:
        return ()
    counts = np.bincount(codes[codes >= 0], minlength=len(bad_uniques))[bad_codes]
    order = bad_codes[np.argsort(-counts, kind="stable")][:_N_EXAMPLES]
    return tuple(str(raw_uniques.iloc[i]) for i in order)


def _map_back(
    codes: np.ndarray, unique_values: np.ndarray, unique_bad: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Spread per-distinct-value results back to the rows (missing where the code is -1)."""
    present = codes >= 0
    safe = np.where(present, codes, 0)
    if len(unique_values) == 0:
        missing = np.full(len(codes), np.nan).astype(unique_values.dtype)
        return missing, np.zeros(len(codes), dtype=bool)
    values = unique_values[safe]
    values[~present] = np.datetime64("NaT") if values.dtype.kind == "M" else np.nan
    return values, unique_bad[safe] & present


# --------------------------------------------------------------------------- numbers


def _clean_number_text(texts: pd.Series, *, decimal: str) -> pd.Series:
    """Turn written numbers into plain ``-1234.5`` text (assumes stripped, non-blank text)."""
    negative = texts.str.contains(r"^[^\d]*\(.*\)[^\d]*$")
    cleaned = texts.str.replace(r"[()]", "", regex=True)
    cleaned = cleaned.str.replace(_MINUS, "-", regex=True)
    cleaned = cleaned.str.replace(_CURRENCY, "", regex=True)
    cleaned = cleaned.str.replace(_SPACES, "", regex=True)
    cleaned = cleaned.str.replace(r"%$", "", regex=True)
    # A trailing minus ("12-") is how some accounting systems write negatives.
    trailing_minus = cleaned.str.match(r"^\d[\d.,]*-$")
    cleaned = cleaned.where(~trailing_minus, cleaned.str.rstrip("-"))

    n_comma = cleaned.str.count(",")
    n_dot = cleaned.str.count(r"\.")
    both = (n_comma > 0) & (n_dot > 0)
    comma_later = cleaned.str.contains(r",[^.]*$")
    grouped_comma = cleaned.str.match(r"^[-+]?\d{1,3}(?:,\d{3})+$")
    grouped_dot = cleaned.str.match(r"^[-+]?\d{1,3}(?:\.\d{3})+$")
    # The decimal mark of each value: the later mark when both appear; a single mark when it is
    # the file's decimal mark, or when it cannot be a thousands separator ("12,5" in a
    # dot-decimal file). Repeated marks are thousands separators.
    lone_comma = (n_comma == 1) & (n_dot == 0) & ((decimal == ",") | ~grouped_comma)
    lone_dot = (n_dot == 1) & (n_comma == 0) & ((decimal == ".") | ~grouped_dot)
    comma_decimal = (both & comma_later) | lone_comma
    dot_decimal = (both & ~comma_later) | lone_dot
    # Marks that are neither a decimal mark nor thousands in groups of three ("192.168.1.1",
    # "1.2.3") make the value unreadable rather than a run of digits.
    stray_marks = ((n_comma + n_dot) > 0) & ~(dot_decimal | comma_decimal | grouped_comma | grouped_dot)
    thousands_only = cleaned.str.replace(r"[.,]", "", regex=True).where(~stray_marks, "not a number")
    result = thousands_only.where(~dot_decimal, cleaned.str.replace(",", "", regex=False))
    result = result.where(~comma_decimal, cleaned.str.replace(".", "", regex=False).str.replace(",", "."))
    sign = np.where((negative | trailing_minus).to_numpy(dtype=bool), "-", "")
    return pd.Series(sign, index=texts.index, dtype="str") + result


def parse_numbers(series: pd.Series, *, decimal: str = ".") -> NumberParse:
    """Read a column of numbers written as text (or already numeric).

    Handles thousands separators (``1,234.50``, ``1.234,50``, ``1 234,50``), currency symbols and
    codes (``$1,234.50``, ``1.234,50 €``, ``EUR 12``), a trailing percent sign (``12%`` → 12),
    spaces, the unicode minus, trailing minus and accounting parentheses (``(12.00)`` → -12).

    Parameters
    ----------
    series : Series of shape (n,)
        Text or numbers.
    decimal : {".", ","}
        The file's decimal mark; values with both marks use the later one as decimal.

    Returns
    -------
    NumberParse
        float64 values of shape (n,), a bad-value mask, its count and examples.
    """
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
        non_finite = ~finite & values.notna().to_numpy()
        values = values.where(finite | values.isna(), np.nan)
        bad = pd.Series(non_finite, index=series.index)
        return NumberParse(values, bad, int(non_finite.sum()), ("inf",) if non_finite.any() else ())
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        bad_mask = series.notna()
        examples = tuple(str(v) for v in series[bad_mask].unique()[:_N_EXAMPLES])
        values = pd.Series(np.nan, index=series.index, dtype="float64")
        return NumberParse(values, bad_mask, int(bad_mask.sum()), examples)

    fast = _plain_numbers(series) if decimal == "." else None
    if fast is not None:
        return fast
    return numbers_from_distinct(distinct_text(series), series.index, decimal=decimal)


def _plain_numbers(series: pd.Series) -> NumberParse | None:
    """A column of plain numbers ("-5.585988", "1e3") read by Arrow in one pass, else None.

    Arrow's cast accepts exactly what :func:`pandas.to_numeric` reads from plain number text and
    fails on anything else (blanks, spaces, separators, currency), which then takes the general
    path. Full-precision exports have a different text in almost every row, so skipping the
    distinct-value step here makes reading them several times faster.
    """
    try:
        parsed = pc.cast(pa.array(series, from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        return None
    values = parsed.to_numpy(zero_copy_only=False)
    present = series.notna().to_numpy()
    bad = ~np.isfinite(values) & present
    if bad.any():
        values = np.where(bad, np.nan, values)
    examples = tuple(dict.fromkeys(str(v) for v in series[bad].head(100)))[:_N_EXAMPLES]
    return NumberParse(
        values=pd.Series(values, index=series.index, dtype="float64"),
        bad=pd.Series(bad, index=series.index),
        n_bad=int(bad.sum()),
        examples=examples,
    )


def numbers_from_distinct(distinct: DistinctText, index: pd.Index, *, decimal: str = ".") -> NumberParse:
    """:func:`parse_numbers` for a text column already split into distinct values."""
    codes, texts = distinct.codes, distinct.texts
    # The fast path reads "1.234" as 1.234, so in decimal-comma files dotted values take the slow one.
    plain = texts if decimal == "." else texts.where(~texts.str.contains(".", regex=False))
    parsed = pd.to_numeric(plain, errors="coerce").astype("float64")
    failed = parsed.isna().to_numpy() & (texts != "").to_numpy()
    if failed.any():
        retry = texts[failed]
        parsed.loc[failed] = pd.to_numeric(_clean_number_text(retry, decimal=decimal), errors="coerce")
    unique_values = parsed.to_numpy(dtype="float64", na_value=np.nan)
    unique_bad = ~np.isfinite(unique_values) & (texts != "").to_numpy()
    unique_values = np.where(unique_bad, np.nan, unique_values)
    row_values, row_bad = _map_back(codes, unique_values, unique_bad)
    return NumberParse(
        values=pd.Series(row_values, index=index, dtype="float64"),
        bad=pd.Series(row_bad, index=index),
        n_bad=int(row_bad.sum()),
        examples=_examples(texts, codes, unique_bad),
    )


# --------------------------------------------------------------------------- dates

_NAMED_MONTH_FORMATS: tuple[tuple[str, DateFormatName], ...] = (
    ("%d %b %Y", "day-first"),
    ("%d %B %Y", "day-first"),
    ("%d-%b-%Y", "day-first"),
    ("%d-%b-%y", "day-first"),
    ("%b %d, %Y", "month-first"),
    ("%B %d, %Y", "month-first"),
    ("%b %d %Y", "month-first"),
)


def _in_range(values: pd.Series) -> pd.Series:
    return values.notna() & (values >= _EARLIEST) & (values <= _LATEST)


def _finish(values: pd.Series) -> pd.Series:
    """tz-naive, nanosecond resolution, plausible years only."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    values = values.where(_in_range(values))
    return values.astype("datetime64[ns]")


def _parse_epoch(numbers: pd.Series) -> tuple[pd.Series, DateFormatName]:
    """Epoch seconds or milliseconds, chosen by magnitude."""
    median = float(numbers.abs().median()) if numbers.notna().any() else 0.0
    # Below 1e8 (March 1973) a number is far likelier an age, a score or a count than a timestamp.
    finite = numbers.where(
        np.isfinite(numbers.astype("float64")) & (numbers.abs() < 1e14) & (numbers.abs() >= 1e8)
    )
    if median > 1e11:
        return pd.to_datetime(finite, unit="ms", errors="coerce"), "epoch milliseconds"
    return pd.to_datetime(finite, unit="s", errors="coerce"), "epoch seconds"


def _excel_serial_like(numbers: pd.Series) -> bool:
    values = numbers.dropna()
    low, high = EXCEL_SERIAL_RANGE
    return bool(len(values)) and float(((values >= low) & (values <= high)).mean()) >= 0.9


def _parse_excel_serial(numbers: pd.Series) -> pd.Series:
    low, high = EXCEL_SERIAL_RANGE
    days = numbers.astype("float64").where((numbers >= low) & (numbers <= high))
    return pd.to_datetime(days, unit="D", origin="1899-12-30", errors="coerce")


def _parse_compact(texts: pd.Series) -> pd.Series:
    return pd.to_datetime(texts, format="%Y%m%d", errors="coerce")


def _parse_digits(texts: pd.Series) -> tuple[pd.Series, DateFormatName]:
    """All-digit dates: YYYYMMDD when they read as such, epoch otherwise."""
    compact = _parse_compact(texts.where(texts.str.len() == 8))
    if _in_range(compact).mean() >= 0.5:
        return compact, "YYYYMMDD"
    numbers = pd.to_numeric(texts, errors="coerce")
    if _excel_serial_like(numbers):
        return _parse_excel_serial(numbers), "Excel serial days"
    return _parse_epoch(numbers)


def _parse_dmy(texts: pd.Series) -> tuple[pd.Series, DateFormatName, bool]:
    """Numeric day/month/year dates; month-first only when some second field is over 12.

    The texts are rewritten to ISO order with Arrow regex replacements and read by pandas' fast
    ISO parser: strptime-style formats are ten times slower on millions of distinct timestamps.
    """
    padded = texts.str.replace(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})", r"\1-\2-\3", regex=True)
    padded = padded.str.replace(r"\b(\d)\b", r"0\1", regex=True)
    shaped = padded.str.match(r"^\d\d-\d\d-(?:\d{4}|\d{2})(?:[ T,]|$)")
    # Zero-padded two-digit fields compare as text, which is much faster than converting them.
    day_first_evidence = bool((padded.str.slice(0, 2).where(shaped, "00") > "12").any())
    month_first = bool((padded.str.slice(3, 5).where(shaped, "00") > "12").any()) and not day_first_evidence
    ambiguous = bool(shaped.any()) and not day_first_evidence and not month_first
    day, month = (r"\2", r"\1") if month_first else (r"\1", r"\2")
    iso = padded.str.replace(r"^(\d\d)-(\d\d)-(\d{4})", rf"\3-{month}-{day}", regex=True)
    # Two-digit years: 00-69 → 2000s, 70-99 → 1900s.
    iso = iso.str.replace(r"^(\d\d)-(\d\d)-([0-6]\d)\b", rf"20\3-{month}-{day}", regex=True)
    iso = iso.str.replace(r"^(\d\d)-(\d\d)-([7-9]\d)\b", rf"19\3-{month}-{day}", regex=True)
    iso = iso.str.replace(",", "", regex=False)
    values = _parse_iso(iso.where(shaped))
    twelve_hour = iso.str.contains(r"(?i)[ap]m$") & shaped
    if twelve_hour.any():
        clock = iso[twelve_hour].str.upper()
        with_seconds = pd.to_datetime(clock, format="%Y-%m-%d %I:%M:%S %p", errors="coerce", utc=True)
        without = pd.to_datetime(clock, format="%Y-%m-%d %I:%M %p", errors="coerce", utc=True)
        values = values.copy()
        values.loc[twelve_hour] = with_seconds.fillna(without)
    return values, ("month-first" if month_first else "day-first"), ambiguous


def _parse_iso(texts: pd.Series) -> pd.Series:
    # "2019-10-01 00:23:48 UTC" (event exports, BigQuery): a spelled-out zone pandas' ISO reader refuses
    texts = texts.str.replace(r"(?i)(\d)\s+(?:UTC|GMT|Z)$", r"\1+00:00", regex=True)
    return pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)


_TWELVE_HOUR = (
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])"
    r"\s*(?:(?:GMT|UTC)?\s*([+-]\d{1,2})(?::?(\d{2}))?)?$"
)


def _parse_iso_twelve_hour(texts: pd.Series) -> pd.Series:
    """ISO-ordered dates with a 12-hour clock and a "GMT+1" offset (Google Forms, some CRMs), in UTC."""
    parts = texts.str.extract(_TWELVE_HOUR)
    number = parts[[0, 1, 2, 3, 4, 5]].apply(pd.to_numeric, errors="coerce")
    afternoon = parts[6].str.upper().eq("PM").fillna(False).to_numpy(dtype=bool)
    hour = number[3] % 12 + np.where(afternoon, 12, 0)
    stamp = pd.to_datetime(
        pd.DataFrame(
            {
                "year": number[0],
                "month": number[1],
                "day": number[2],
                "hour": hour,
                "minute": number[4],
                "second": number[5].fillna(0),
            }
        ),
        errors="coerce",
    )
    offset_hours = pd.to_numeric(parts[7], errors="coerce").fillna(0)
    offset_minutes = pd.to_numeric(parts[8], errors="coerce").fillna(0) * np.sign(offset_hours)
    offset = pd.to_timedelta(offset_hours * 60 + offset_minutes, unit="m")
    return (stamp - offset).dt.tz_localize("UTC")


def _parse_named_month(texts: pd.Series) -> tuple[pd.Series, DateFormatName]:
    best: tuple[pd.Series, DateFormatName] = (pd.Series(pd.NaT, index=texts.index), "day-first")
    best_rate = 0.0
    for fmt, name in _NAMED_MONTH_FORMATS:
        values = pd.to_datetime(texts, format=fmt, errors="coerce")
        rate = float(values.notna().mean())
        if rate > best_rate:
            best, best_rate = (values, name), rate
    return best


def _parse_date_texts(texts: pd.Series) -> tuple[pd.Series, DateFormatName, bool]:
    """Parse distinct, stripped, non-blank date texts with the single best-fitting format."""
    digits = texts.str.fullmatch(r"[-+]?\d+(?:\.0+)?")
    if len(texts) and digits.mean() >= 0.5:
        values, name = _parse_digits(texts.where(digits))
        return values, name, False
    candidates: list[tuple[pd.Series, DateFormatName, bool]] = []
    iso_like = texts.str.match(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
    iso_share = float(iso_like.mean()) if len(texts) else 0.0  # no text at all (a blank column): no dates
    if iso_share >= 0.5:
        candidates.append((_parse_iso(texts.where(iso_like)), "ISO", False))
        if texts.str.contains(r"(?i)\d\s*[ap]m\b").any():
            candidates.append((_parse_iso_twelve_hour(texts), "ISO", False))
    if 0 < iso_share < 1:
        # one column written several ways (rows typed by hand, exports pasted together): the
        # year-first dates are unambiguous; the others are read day- or month-first among themselves
        rest = texts[~iso_like]
        others, order, ambiguous = _parse_dmy(rest)
        mixed = _parse_iso(texts.where(iso_like))
        mixed.loc[rest.index] = others
        candidates.append((mixed, order, ambiguous))
    if iso_share < 0.5:
        day_month = _parse_dmy(texts)
        candidates.append(day_month)
        if day_month[0].notna().mean() < 0.5:
            named, name = _parse_named_month(texts)
            candidates.append((named, name, False))
            candidates.append((_parse_iso(texts), "ISO", False))
    return max(candidates, key=lambda c: float(_finish(c[0]).notna().mean()))


def parse_dates(series: pd.Series) -> DateParse:
    """Read a column of dates, detecting its format.

    Recognises ISO (``2024-03-01``, ``2024-03-01T10:15:00Z``, ``2024/03/01``), day-first
    (``21-07-2015``, ``21/07/15 14:05``), month-first (``07/21/2015``, only when some first
    field is over 12 ... i.e. some second field is over 12, so it cannot be day-first), compact
    ``YYYYMMDD``, epoch seconds and epoch milliseconds (numbers or digit text), Excel serial days
    (``45012``: 1950 to 2099, for columns already taken for dates by their name), and dates with
    month names (``21 Jul 2015``). When every value reads both ways, day-first is used and
    ``ambiguous`` is True. Native datetime columns pass through (format "ISO"). Dates before
    1900 or after 2100 count as bad.

    Parameters
    ----------
    series : Series of shape (n,)

    Returns
    -------
    DateParse
        datetime64[ns] values of shape (n,) (tz-naive, UTC for zoned input), format, bad count.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = _finish(series)
        bad = series.notna() & values.isna()
        examples = tuple(str(v) for v in series[bad].unique()[:_N_EXAMPLES])
        return DateParse(values, "ISO", int(bad.sum()), examples, False, bad)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        numbers = series.astype("float64")
        name: DateFormatName
        as_text = numbers.dropna()
        compact_like = ((as_text >= 19000101) & (as_text <= 21001231) & (as_text % 1 == 0)).mean() >= 0.5
        if compact_like:
            texts = numbers.map(lambda v: f"{v:.0f}" if pd.notna(v) else np.nan).astype("str")
            raw_values, name = _parse_compact(texts), "YYYYMMDD"
        elif _excel_serial_like(numbers):
            raw_values, name = _parse_excel_serial(numbers), "Excel serial days"
        else:
            raw_values, name = _parse_epoch(numbers)
        values = _finish(raw_values)
        bad = numbers.notna() & values.isna()
        examples = tuple(str(v) for v in series[bad].unique()[:_N_EXAMPLES])
        return DateParse(values, name, int(bad.sum()), examples, False, bad)

    return dates_from_distinct(distinct_text(series), series.index)


def dates_from_distinct(distinct: DistinctText, index: pd.Index) -> DateParse:
    """:func:`parse_dates` for a text column already split into distinct values."""
    codes, texts = distinct.codes, distinct.texts
    usable = texts != ""
    parsed, text_format, ambiguous = _parse_date_texts(texts[usable])
    unique_values = pd.Series(pd.NaT, index=texts.index, dtype=_DATE_DTYPE)
    unique_values.loc[usable] = _finish(parsed)
    unique_bad = (unique_values.isna() & usable).to_numpy()
    row_values, row_bad = _map_back(codes, unique_values.to_numpy(), unique_bad)
    return DateParse(
        values=pd.Series(row_values, index=index, dtype=_DATE_DTYPE),
        format_name=text_format,
        n_bad=int(row_bad.sum()),
        examples=_examples(texts, codes, unique_bad),
        ambiguous=ambiguous,
        bad=pd.Series(row_bad, index=index),
    )
