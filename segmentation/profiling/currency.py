"""Which currency a table's money is in, read from the data, with its evidence and how sure it is.

Clues, strongest first:

1. a currency column (``Currency``, ``currency_code``, ``Währung`` …) holding ISO codes: ``EUR``;
2. symbols or codes written in the values of number columns: ``$12.50``, ``12,50 €``, ``CHF 12``;
3. column names: ``amount_EUR``, ``price (USD)``, ``Annual Income (k$)`` (dollars, in thousands),
   ``金额 (元)``, ``価格 (円)``;
4. the language of the money columns' names, a weak clue: ``金额`` (simplified Chinese) → yuan,
   ``金額`` beside Japanese names → yen, ``Betrag``/``Umsatz``/``Montant`` → euro.

With no clue the answer is "unknown" (``code == ""``): the currency is never guessed silently;
the app asks and the CLI takes ``--currency``. A symbol several currencies share (``$``, ``¥``)
or a language clue gives a confidence below :data:`SURE_FROM`, so the app asks to confirm.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from segmentation.money import (
    CODE_ALIASES,
    CURRENCIES,
    SHARED_SYMBOLS,
    SYMBOLS,
    currency_in_name,
    in_thousands,
)

__all__ = ["SURE_FROM", "CurrencyGuess", "detect_currency"]

#: Guesses at least this sure are shown as detected; below, the app asks the marketer to confirm.
SURE_FROM = 0.8
_SAMPLE = 2_000
_MONEY_ROLES = frozenset({"amount", "price"})
_NUMBER_ROLES = frozenset({"amount", "price", "numeric"})
_CURRENCY_COLUMN = re.compile(
    r"(?i)^\s*(?:currency|currency[ _-]?code|curr|ccy|währung|waehrung|devise|moneda|valuta|valuuta)\s*$"
    r"|币种|貨幣|货币|通貨"
)
_VALUE_CLUE = re.compile(
    "("
    + "|".join(re.escape(s) for s in SYMBOLS)
    + r")|(?<![A-Za-z])("
    + "|".join(CURRENCIES)
    + r"|RMB)(?![A-Za-z])"
)
_KANA = re.compile(r"[\u3040-\u30ff]")
# Money words of one language: (pattern, currency, the language named in the evidence).
_LANGUAGE_WORDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"金额|价格|单价|销售额|消费"), "CNY", "simplified Chinese"),
    (re.compile(r"(?i)\b(?:betrag|umsatz|preis|gesamtbetrag|einzelpreis)|umsatz"), "EUR", "German"),
    (re.compile(r"(?i)\b(?:montant|prix|chiffre d'affaires)\b"), "EUR", "French"),
    (re.compile(r"(?i)\b(?:importe|precio|gasto)\b"), "EUR", "Spanish"),
    (re.compile(r"(?i)\b(?:importo|prezzo|spesa)\b"), "EUR", "Italian"),
    (re.compile(r"(?i)\b(?:bedrag|prijs|omzet)\b"), "EUR", "Dutch"),
)
_JAPANESE_MONEY = re.compile(r"金額|価格|単価|売上")


@dataclass(frozen=True)
class CurrencyGuess:
    """The currency a table's money is in, as far as the data says.

    ``code`` is an ISO code of :data:`segmentation.money.CURRENCIES`, or ``""`` when nothing in
    the table names a currency; ``confidence`` is 0-1; ``evidence`` one sentence naming the
    columns and values it rests on; ``runner_up`` another currency the clue also fits;
    ``thousands_columns`` the money columns whose values are thousands (``Annual Income (k$)``).
    """

    code: str
    confidence: float
    evidence: str
    runner_up: str = ""
    thousands_columns: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.code)

    @property
    def sure(self) -> bool:
        """Sure enough to use without asking."""
        return self.known and self.confidence >= SURE_FROM

    @property
    def summary(self) -> str:
        """One line for people: ``"EUR (euro), sure: 95% of the values in 'Total' are written with €"``."""
        if not self.known:
            return f"unknown: {self.evidence}"
        name = CURRENCIES[self.code].name
        how = "sure" if self.sure else "a guess, please check"
        return f"{self.code} ({name}), {how}: {self.evidence}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``code`` (None when unknown), ``name``, ``symbol``, ``confidence``, ``sure``,
        ``evidence``, ``runner_up`` and ``thousands_columns``."""
        known = CURRENCIES.get(self.code)
        return {
            "code": self.code or None,
            "name": known.name if known else None,
            "symbol": known.symbol if known else None,
            "confidence": round(self.confidence, 2),
            "sure": self.sure,
            "evidence": self.evidence,
            "runner_up": self.runner_up or None,
            "thousands_columns": list(self.thousands_columns),
        }


def _sample_text(series: pd.Series) -> pd.Series:
    present = series.dropna()
    if len(present) > _SAMPLE:
        present = present.iloc[:: max(1, len(present) // _SAMPLE)]
    return present.astype("str").str.strip()


def _from_currency_column(frame: pd.DataFrame) -> CurrencyGuess | None:
    for column in frame.columns:
        if not _CURRENCY_COLUMN.search(str(column)):
            continue
        values = _sample_text(frame[column]).str.upper()
        values = values[values != ""]
        codes = values.map(lambda v: CODE_ALIASES.get(v, v)).loc[lambda s: s.isin(list(CURRENCIES))]
        if values.empty or len(codes) < 0.8 * len(values):
            continue
        counts = codes.value_counts()
        top, share = str(counts.index[0]), float(counts.iloc[0]) / len(values)
        others = [str(c) for c in counts.index[1:]]
        evidence = f"the column {str(column)!r} says {top} on {share:.0%} of the rows"
        if others:
            evidence += (
                f" (also {', '.join(others[:3])}: amounts in several currencies are added up as they are)"
            )
        return CurrencyGuess(
            top, 0.95 if share >= 0.9 else 0.6, evidence, runner_up=others[0] if others else ""
        )
    return None


def _value_columns(frame: pd.DataFrame, roles: Mapping[str, Any] | None) -> list[str]:
    if roles is None:
        return [str(c) for c in frame.columns]
    return [
        str(c) for c in frame.columns if str(getattr(roles.get(c), "value", roles.get(c))) in _NUMBER_ROLES
    ]


def _from_values(frame: pd.DataFrame, columns: list[str]) -> CurrencyGuess | None:
    found: Counter[str] = Counter()
    where: dict[str, tuple[str, str]] = {}
    for column in columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        texts = _sample_text(series)
        texts = texts[texts.str.contains(r"\d", regex=True)]
        if texts.empty:
            continue
        clues = texts.str.extract(_VALUE_CLUE)
        written = clues[0].fillna(clues[1]).dropna()
        if len(written) < 0.5 * len(texts):
            continue
        for clue, count in written.value_counts().items():
            code = SYMBOLS.get(str(clue)) or CODE_ALIASES.get(str(clue), str(clue))
            found[code] += int(count)
            where.setdefault(code, (column, str(clue)))
    if not found:
        return None
    (top, count), total = found.most_common(1)[0], sum(found.values())
    column, clue = where[top]
    share = count / total
    evidence = f"values in {column!r} are written with {clue}"
    if len(found) > 1:
        evidence += (
            f" ({share:.0%} of the money values; the others in {', '.join(c for c in found if c != top)})"
        )
    confidence = 0.7 if clue in SHARED_SYMBOLS else 0.95
    runner_up = {"$": "CAD", "¥": "CNY", "￥": "CNY"}.get(clue, "")
    return CurrencyGuess(top, confidence if share >= 0.9 else 0.6, evidence, runner_up=runner_up)


def _from_names(frame: pd.DataFrame, money_columns: list[str]) -> CurrencyGuess | None:
    # money columns first: a currency in their names is about the amounts themselves
    ordered = money_columns + [str(c) for c in frame.columns if str(c) not in money_columns]
    for column in ordered:
        named = currency_in_name(column)
        if named is None:
            continue
        code, clue = named
        shared = clue in SHARED_SYMBOLS
        runner_up = {"$": "CAD", "¥": "CNY", "￥": "CNY"}.get(clue, "")
        scale = " (in thousands)" if in_thousands(column) else ""
        return CurrencyGuess(
            code,
            0.7 if shared else 0.9,
            f"the column name {column!r} says {clue}{scale}",
            runner_up=runner_up,
        )
    return None


def _from_language(frame: pd.DataFrame, money_columns: list[str]) -> CurrencyGuess | None:
    names = [str(c) for c in frame.columns]
    japanese = any(_KANA.search(n) for n in names)
    candidates = money_columns or names
    for column in candidates:
        if japanese and _JAPANESE_MONEY.search(column):
            return CurrencyGuess(
                "JPY",
                0.5,
                f"the money column {column!r} is named in Japanese (only a language clue)",
                runner_up="CNY",
            )
        for pattern, code, language in _LANGUAGE_WORDS:
            if pattern.search(column) and not (japanese and code == "CNY"):
                runner_up = "CHF" if code == "EUR" and language in {"German", "French", "Italian"} else ""
                return CurrencyGuess(
                    code,
                    0.5,
                    f"the money column {column!r} is named in {language} (only a language clue)",
                    runner_up=runner_up,
                )
    return None


def detect_currency(frame: pd.DataFrame, *, roles: Mapping[str, Any] | None = None) -> CurrencyGuess:
    """Which currency the table's money is in, from its values and column names.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table as read (values as written: ``"$12.50"`` still text), not modified.
    roles : mapping of column to role, optional
        Column roles (:class:`segmentation.profiling.roles.Role` or their values); money columns
        (``amount``, ``price``) are read first, and only number columns are scanned for symbols.

    Returns
    -------
    CurrencyGuess
        ``code == ""`` (unknown) when no value or name names a currency.
    """
    money_columns = [
        str(c) for c, r in (roles or {}).items() if str(getattr(r, "value", r)) in _MONEY_ROLES and c in frame
    ]
    thousands = tuple(c for c in (money_columns or [str(c) for c in frame.columns]) if in_thousands(c))
    for clue in (
        _from_currency_column(frame),
        _from_values(frame, _value_columns(frame, roles)),
        _from_names(frame, money_columns),
        _from_language(frame, money_columns),
    ):
        if clue is not None:
            return CurrencyGuess(clue.code, clue.confidence, clue.evidence, clue.runner_up, thousands)
    return CurrencyGuess(
        "",
        0.0,
        "no currency symbol, code or money word in the column names or values",
        thousands_columns=thousands,
    )
