"""What a column's values are, read before anything is guessed about what the column means.

Types come from parsing a sample of the values: numbers (any number of decimals, sign, exponent,
thousands separators, currency and percent signs), dates (every common order and separator,
compact ``YYYYMMDD`` and epoch timestamps), yes/no words, emails and phone numbers. Role
inference (:mod:`segmentation.profiling.roles`) then chooses a meaning from these facts and the name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from segmentation.keys import clean_text
from segmentation.parsing import EXCEL_SERIAL_RANGE, parse_dates, parse_numbers
from segmentation.vocabulary import MISSING_WORDS, YES_NO_WORDS, is_yes_no

__all__ = ["ColumnFacts", "ValueKind", "read_facts", "sample_rows"]

ValueKind = Literal["empty", "boolean", "yes_no", "email", "date", "phone", "number", "text"]

SAMPLE_ROWS = 5_000
# The share of (non-placeholder) values that must parse for a column to take a type.
_MOSTLY = 0.9
_DATE_SHAPE = (
    r"(?i)^\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}(?:$|[ T])|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b.*\d"
)
_ADDRESS = r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}"
# plain, "mailto:ann@x.org" and "Ann Lee <ann@x.org>" (what mail programs and CRMs write)
_EMAIL = rf"(?i)^(?:mailto:)?{_ADDRESS}$|^[^<>@]*<(?:mailto:)?{_ADDRESS}>$"
# Phone punctuation: a leading "+", brackets round a group, or spaces/dashes/dots between digit
# groups. A plain number ("-5.585988", "8.4997947", "17850") never qualifies on its own.
_PHONE_PUNCTUATION = r"^\+\d|\(\d+\)|\d[ \-]\d"
_PHONE_CHARACTERS = r"^\+?[\d\s().\-/]{7,24}$"
# "1 234 567,50": digits grouped in threes are a number with thousands spaces, not a phone.
_SPACED_THOUSANDS = r"^-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$"
_CODE = r"^[A-Za-z0-9][A-Za-z0-9_\-./#:]*$"
_COMPACT_DATE = r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"


@dataclass(frozen=True)
class ColumnFacts:
    """What a sample of a column's values looks like.

    ``kind`` is the type the values parse as; ``n`` counts the sampled non-missing values;
    ``distinct_share`` is distinct / n in the sample; ``constant`` is True when the whole column
    holds one value; ``integers`` is True for numbers without fractions; ``code_like`` is True
    for short text without spaces (ids, SKUs); ``mean_length`` is the mean text length;
    ``digit_share`` the share of values holding a digit; ``dotted`` is True for values with
    several dots (IP addresses, version numbers); ``lower_share`` the share starting with a
    lower-case letter; ``order_numbers`` is True for values written like ``#1001``; ``min_value``
    and ``max_value`` bound a number column.
    """

    kind: ValueKind
    n: int
    distinct: int
    distinct_share: float
    constant: bool
    integers: bool = False
    only_zero_one: bool = False
    code_like: bool = False
    mean_length: float = 0.0
    spaced_share: float = 0.0
    digit_share: float = 0.0
    dotted: bool = False
    lower_share: float = 0.0
    order_numbers: bool = False
    min_value: float = 0.0
    max_value: float = 0.0
    date_format: str = ""
    parsed_share: float = 0.0


def sample_rows(series: pd.Series) -> pd.Series:
    """Non-missing values, evenly spread over the column (deterministic)."""
    present = series.dropna()
    if len(present) > SAMPLE_ROWS:
        positions = np.linspace(0, len(present) - 1, SAMPLE_ROWS).astype(np.int64)
        present = present.iloc[positions]
    return present


def _is_constant(series: pd.Series, sample: pd.Series) -> bool:
    """One value in the whole column (checked on every row, but only when the sample has one)."""
    if sample.nunique() != 1:
        return False
    present = series.dropna()
    if not pd.api.types.is_numeric_dtype(present.dtype):
        present = present.astype("str").str.strip()
        present = present[present != ""]
    return bool((present == present.iloc[0]).all())


def _number_facts(numbers: pd.Series, *, n: int, distinct: int, constant: bool, parsed: float) -> ColumnFacts:
    values = numbers.dropna().to_numpy(dtype="float64")
    integers = bool(len(values)) and bool((values % 1 == 0).all())
    return ColumnFacts(
        "number",
        n=n,
        distinct=distinct,
        distinct_share=distinct / n if n else 0.0,
        constant=constant,
        integers=integers,
        only_zero_one=bool(len(values)) and bool(np.isin(values, (0.0, 1.0)).all()),
        min_value=float(values.min()) if len(values) else 0.0,
        max_value=float(values.max()) if len(values) else 0.0,
        parsed_share=parsed,
    )


def _looks_like_epoch_or_compact(numbers: pd.Series) -> bool:
    values = numbers.dropna()
    if values.empty:
        return False
    compact = ((values >= 19000101) & (values <= 21001231) & (values % 1 == 0)).mean() >= _MOSTLY
    epoch = ((values.abs() >= 1e8) & (values.abs() < 1e14)).mean() >= _MOSTLY
    serial = ((values >= EXCEL_SERIAL_RANGE[0]) & (values <= EXCEL_SERIAL_RANGE[1])).mean() >= _MOSTLY
    return bool(compact or epoch or serial)


def read_facts(series: pd.Series, *, dates_by_name: bool = False) -> ColumnFacts:
    """Read the type of a column from a sample of its values.

    Parameters
    ----------
    series : Series of shape (n_rows,)
        As loaded (text) or typed (Excel, Parquet).
    dates_by_name : bool
        The name says date or time: all-digit values (``20120904``, epoch seconds) are then
        read as dates when they parse; without it they stay numbers.
    """
    sample = sample_rows(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        n = len(sample)
        return ColumnFacts(
            "date" if n else "empty", n, int(sample.nunique()), 0.0, _is_constant(series, sample)
        )
    if sample.empty:
        return ColumnFacts("empty", 0, 0, 0.0, False)
    if pd.api.types.is_bool_dtype(series.dtype):
        distinct = int(sample.nunique())
        return ColumnFacts(
            "boolean", len(sample), distinct, distinct / len(sample), _is_constant(series, sample)
        )
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = sample.astype("float64")
        distinct = int(numbers.nunique())
        constant = _is_constant(series, sample)
        if dates_by_name and _looks_like_epoch_or_compact(numbers):
            dates = parse_dates(numbers)
            if dates.n_bad <= (1 - _MOSTLY) * len(numbers):
                return ColumnFacts(
                    "date",
                    len(numbers),
                    distinct,
                    distinct / len(numbers),
                    constant,
                    date_format=dates.format_name,
                )
        return _number_facts(numbers, n=len(numbers), distinct=distinct, constant=constant, parsed=1.0)
    return _text_facts(series, sample, dates_by_name=dates_by_name)


def _text_facts(series: pd.Series, sample: pd.Series, *, dates_by_name: bool) -> ColumnFacts:
    """Facts about a text column, computed on its distinct sampled values weighted by their counts."""
    raw_counts = sample.astype("str").value_counts(sort=False)
    cleaned = clean_text(pd.Series(raw_counts.index, dtype="str"))
    counts = pd.Series(raw_counts.to_numpy(), index=cleaned.to_numpy()).groupby(level=0, sort=False).sum()
    # Placeholders such as "N/A" are counted as bad values by the quality report, but they
    # should not stop a mostly-date or mostly-numeric column from being seen as dates or numbers.
    texts = pd.Series(counts.index, dtype="str")
    keep = ~texts.str.casefold().isin(MISSING_WORDS).to_numpy()
    texts, weights = texts[keep].reset_index(drop=True), counts.to_numpy()[keep]
    n = int(weights.sum())
    if n == 0:
        return ColumnFacts("empty", 0, 0, 0.0, False)

    def share(mask: pd.Series | np.ndarray) -> float:
        flags = np.asarray(pd.Series(mask).fillna(False), dtype=bool)
        return float(weights[flags].sum()) / n

    distinct = len(texts)
    constant = _is_constant(series, sample)
    lengths = texts.str.len().to_numpy(dtype="float64")
    spaced_share = share(texts.str.contains(" ", regex=False))
    mean_length = float((lengths * weights).sum() / n)
    code_like = spaced_share < 0.1 and mean_length <= 40 and share(texts.str.match(_CODE)) >= _MOSTLY
    base = ColumnFacts(
        "text",
        n=n,
        distinct=distinct,
        distinct_share=distinct / n,
        constant=constant,
        code_like=code_like,
        mean_length=mean_length,
        spaced_share=spaced_share,
        digit_share=share(texts.str.contains(r"\d")),
        # Several dots: IP addresses, versions, domains; never an identifier of a person.
        dotted=share(texts.str.count(r"\.") >= 2) >= 0.5,
        lower_share=share(texts.str.match(r"^[a-z]")),
        order_numbers=share(texts.str.fullmatch(r"#\d+")) >= _MOSTLY,
    )
    if share(texts.str.match(_EMAIL)) >= 0.8:
        return replace(base, kind="email", code_like=False)
    if distinct <= len(YES_NO_WORDS) and is_yes_no(texts):
        return replace(base, kind="yes_no")
    digits_only = share(texts.str.fullmatch(r"[-+]?\d+(?:\.0+)?")) >= _MOSTLY
    # Dates before numbers and phones: "2024-03-01" also fits the loose phone pattern and
    # "20120904" is also a number. All-digit values are dates only when the name says so or
    # every value reads as a compact YYYYMMDD date.
    shaped = share(texts.str.contains(_DATE_SHAPE)) >= _MOSTLY
    compact = digits_only and share(texts.str.fullmatch(_COMPACT_DATE)) >= 0.99
    if shaped or compact or (dates_by_name and digits_only):
        dates = parse_dates(texts)
        parsed = 1 - share(dates.bad)
        by_number = dates.format_name.startswith(("epoch", "YYYYMMDD", "Excel"))
        if parsed >= _MOSTLY and (shaped or compact or by_number):
            return replace(base, kind="date", date_format=dates.format_name, parsed_share=parsed)
    numbers = parse_numbers(texts)
    parsed = 1 - share(numbers.bad)
    if not digits_only and share(_phone_like(texts)) >= 0.8:
        return replace(base, kind="phone", parsed_share=parsed)
    if parsed >= _MOSTLY:
        facts = _number_facts(numbers.values, n=n, distinct=distinct, constant=constant, parsed=parsed)
        return replace(facts, mean_length=mean_length, code_like=code_like)
    return replace(base, parsed_share=parsed)


def _phone_like(text: pd.Series) -> pd.Series:
    """Phone numbers: 7-15 digits written with phone punctuation, not as a plain number."""
    digits = text.str.count(r"\d")
    return (
        text.str.match(_PHONE_CHARACTERS)
        & text.str.contains(_PHONE_PUNCTUATION)
        & ~text.str.match(_SPACED_THOUSANDS)
        & (digits >= 7)
        & (digits <= 15)
    )
