"""One normalisation for every id and email the product compares.

Customer ids are grouped, joined, de-duplicated and matched against suppression lists; emails
are de-duplicated and suppressed. Each of those comparisons goes through the functions here, so
an id written ``1000.0`` by a spreadsheet, ``" 1000"`` with a stray space, ``"１０００"`` in
full-width digits or ``"1000\\u200b"`` with a zero-width space is the same customer everywhere.

- :func:`clean_text`: Unicode NFKC, zero-width and byte-order-mark characters removed, trimmed.
- :func:`customer_key`: ids as clean text, ``1808.0`` → ``"1808"``; case is kept (ids are shown).
- :func:`match_key`: what two ids or emails are compared by: the customer key, case-folded.
- :func:`extract_email`: the address inside ``Name <e@x>`` or ``mailto:e@x``.
"""

from __future__ import annotations

import unicodedata
from typing import overload

import pandas as pd

__all__ = ["EMAIL_PATTERN", "clean_text", "customer_key", "extract_email", "match_key"]

# Zero-width space/joiners, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
#: A plain email address (used to find one inside "Name <e@x>" or "mailto:e@x").
EMAIL_PATTERN = r"[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:]{2,}"
_FLOAT_INTEGER = r"^[+-]?\d+\.0+$"
_DROP = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


@overload
def clean_text(values: str) -> str: ...
@overload
def clean_text(values: pd.Series) -> pd.Series: ...
def clean_text(values: str | pd.Series) -> str | pd.Series:
    """NFKC-normalised text without zero-width characters, trimmed; missing stays missing."""
    if isinstance(values, str):
        return unicodedata.normalize("NFKC", values).translate(_DROP).strip()
    text = values.astype("str").where(values.notna())
    text = text.str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True).str.strip()
    return text


def customer_key(series: pd.Series) -> pd.Series:
    """Ids as clean text (``1808.0`` from Excel → ``"1808"``); blank becomes missing.

    Parameters
    ----------
    series : Series of shape (n_rows,)
        Ids as loaded: text, integers, or floats (a spreadsheet column with one blank cell).

    Returns
    -------
    Series of shape (n_rows,), object dtype
        The same index; case is kept so ids show as written.
    """
    if pd.api.types.is_float_dtype(series.dtype):
        present = series.dropna()
        if (present % 1 == 0).all():
            return series.astype("Int64").astype("str").where(series.notna())
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("str").where(series.notna())
    text = clean_text(series)
    # "1000.0" written by a spreadsheet is the id 1000.
    text = text.where(
        ~text.str.fullmatch(_FLOAT_INTEGER).fillna(False).astype(bool), text.str.split(".").str[0]
    )
    return text.where(series.notna() & (text != ""))


def extract_email(values: pd.Series) -> pd.Series:
    """The email address inside each value (``"Ann <ann@x.org>"``, ``"mailto:ann@x.org"``), else the value."""
    text = clean_text(values)
    found = text.str.extract(f"({EMAIL_PATTERN})", expand=False)
    return found.where(found.notna(), text)


def match_key(values: pd.Series) -> pd.Series:
    """What ids and emails are compared by: :func:`customer_key` of the address or id, case-folded.

    Missing values become ``""`` so that they never match anything real.
    """
    keys = customer_key(extract_email(values) if not pd.api.types.is_numeric_dtype(values.dtype) else values)
    return keys.fillna("").str.casefold()
