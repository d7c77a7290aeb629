"""Currencies: their symbols and codes, how a column name says which one it holds, and writing money.

The one table of currencies the package knows. The number parser
(:mod:`segmentation.parsing`) strips the same symbols and codes from values such as
``$1,234.50`` or ``1.234,50 €``; currency detection
(:mod:`segmentation.profiling.currency`) counts them; every sentence or summary that shows money
goes through :func:`format_money`, so a value reads the same on every page, in the CLI and in
exports: the symbol, then the number with thousands grouped (``€1,234``, ``CHF 1,234``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "CURRENCIES",
    "Currency",
    "currency_choices",
    "currency_in_name",
    "format_money",
    "in_thousands",
    "money_unit_word",
]


@dataclass(frozen=True)
class Currency:
    """One currency: ISO 4217 ``code``, the ``symbol`` money is written with, its English ``name``,
    and the ``decimals`` its small amounts are written with (0 for yen and won)."""

    code: str
    symbol: str
    name: str
    decimals: int = 2


#: Every currency the package recognises, by ISO code. Symbols shared by several currencies
#: ("$", "¥", "kr") belong to the most common one here; detection says when that is a guess.
CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", "$", "US dollar"),
        Currency("EUR", "€", "euro"),
        Currency("GBP", "£", "pound sterling"),
        Currency("JPY", "¥", "Japanese yen", 0),
        Currency("CNY", "CN¥", "Chinese yuan"),
        Currency("INR", "₹", "Indian rupee"),
        Currency("CHF", "CHF", "Swiss franc"),
        Currency("CAD", "CA$", "Canadian dollar"),
        Currency("AUD", "A$", "Australian dollar"),
        Currency("NZD", "NZ$", "New Zealand dollar"),
        Currency("HKD", "HK$", "Hong Kong dollar"),
        Currency("SGD", "S$", "Singapore dollar"),
        Currency("MXN", "MX$", "Mexican peso"),
        Currency("BRL", "R$", "Brazilian real"),
        Currency("SEK", "SEK", "Swedish krona"),
        Currency("NOK", "NOK", "Norwegian krone"),
        Currency("DKK", "DKK", "Danish krone"),
        Currency("PLN", "PLN", "Polish złoty"),
        Currency("CZK", "CZK", "Czech koruna"),
        Currency("HUF", "HUF", "Hungarian forint", 0),
        Currency("ZAR", "ZAR", "South African rand"),
        Currency("KRW", "₩", "South Korean won", 0),
        Currency("RUB", "₽", "Russian rouble"),
        Currency("TRY", "₺", "Turkish lira"),
        Currency("ILS", "₪", "Israeli shekel"),
        Currency("THB", "฿", "Thai baht"),
        Currency("VND", "₫", "Vietnamese dong", 0),
    )
}

#: Symbols as they appear in values and names, with the currency each one means on its own.
SYMBOLS: dict[str, str] = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "￥": "JPY",
    "円": "JPY",
    "元": "CNY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "฿": "THB",
    "₫": "VND",
}
#: Symbols that several currencies write: a value or name with only these is a weaker clue.
SHARED_SYMBOLS = frozenset({"$", "¥", "￥"})
#: Codes and words that name a currency ("RMB" is the yuan's everyday name).
CODE_ALIASES: dict[str, str] = {"RMB": "CNY", "YUAN": "CNY", "YEN": "JPY", "EURO": "EUR", "EUROS": "EUR"}
CODE_ALIASES.update(
    {
        "DOLLAR": "USD",
        "DOLLARS": "USD",
        "RUPEE": "INR",
        "RUPEES": "INR",
        "人民币": "CNY",
    }
)

_PARSER_SYMBOLS = "$€£¥￥₹₩₽¢₺₪฿₫"
# The pattern the number parser strips (plain text so pandas runs it in Arrow's RE2 engine);
# "kr" (krona/krone) and "¢" are stripped but never name a currency on their own.
NUMBER_DECORATION = (
    rf"(?i)[{re.escape(_PARSER_SYMBOLS)}]|\b(?:"
    + "|".join(c for c in CURRENCIES if c not in {"ILS", "THB", "VND"})
    + r"|RMB|kr)\b"
)

_CODE_IN_NAME = re.compile(r"(?<![A-Za-z])(" + "|".join(CURRENCIES) + r"|RMB)(?![A-Za-z])")
_WORD_IN_NAME = re.compile(r"(?i)(?<![a-z])(euros?|dollars?|yen|yuan|rupees?)(?![a-z])|人民币")
_THOUSANDS = re.compile(
    r"(?i)\bk\s*[$€£¥]|[$€£¥]\s*k\b|\(k\)|thousands?|\(000s?\)|'000|\btsd\b|\btausend|\bmilliers?\b|千"
)


def currency_in_name(name: str) -> tuple[str, str] | None:
    """The currency a column name states, as ``(code, clue)``, or None.

    ``"amount_EUR"`` → ``("EUR", "EUR")``; ``"Annual Income (k$)"`` → ``("USD", "$")``;
    ``"price in euros"`` → ``("EUR", "euros")``; ``"金额 (元)"`` → ``("CNY", "元")``. Only upper-case
    codes count in names ("eur" inside a word is not a code), except in snake_case tails.
    """
    text = str(name)
    code = _CODE_IN_NAME.search(text) or re.search(r"(?:^|_)(usd|eur|gbp|chf|jpy|cny|inr)$", text)
    if code:
        written = code.group(1)
        return CODE_ALIASES.get(written.upper(), written.upper()), written
    for symbol, symbol_code in SYMBOLS.items():
        if symbol in text:
            return symbol_code, symbol
    word = _WORD_IN_NAME.search(text)
    if word:
        written = word.group(0)
        return CODE_ALIASES[written.upper()], written
    return None


def in_thousands(name: str) -> bool:
    """True when a column name says its values are thousands: ``"Annual Income (k$)"``, ``"sales ('000)"``."""
    return bool(_THOUSANDS.search(str(name)))


def currency_choices() -> tuple[str, ...]:
    """ISO codes for a picker, most used first (the order of :data:`CURRENCIES`)."""
    return tuple(CURRENCIES)


def money_unit_word(currency: str) -> str:
    """How a chart axis or table header names the unit: ``"EUR"`` → ``"€"``, ``"points"`` → ``"points"``."""
    known = CURRENCIES.get(currency.upper()) if currency else None
    return known.symbol if known is not None else currency.strip()


def _grouped(magnitude: float, decimals: int) -> str:
    return f"{magnitude:,.{decimals}f}"


def format_money(value: float, currency: str, *, compact: bool = False, decimals: int | None = None) -> str:
    """Money as people write it: the currency's symbol, then the number with thousands grouped.

    Parameters
    ----------
    value : float
        The amount, in the currency's units (not thousands).
    currency : str
        An ISO code (``"EUR"``: ``€1,234``; ``"CHF"``: ``CHF 1,234``); any other word is written
        after the number (``"points"``: ``1,234 points``); ``""`` writes the number alone.
    compact : bool
        Thousands and millions shortened: ``€12.3k``, ``$1.2M`` (for chart labels and cards).
    decimals : int, optional
        Digits after the point; by default none from 100 up (``€1,234``) or for whole amounts
        (``€85``), and the currency's usual number below (``€12.50``; yen never has any).

    Returns
    -------
    str
        ``"n/a"`` for a missing or infinite value.
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    amount = float(value)
    known = CURRENCIES.get(currency.upper()) if currency else None
    magnitude = abs(amount)
    if compact and magnitude >= 1_000:
        scaled, suffix = (magnitude / 1_000_000, "M") if magnitude >= 999_950 else (magnitude / 1_000, "k")
        number = f"{scaled:,.1f}".removesuffix(".0") + suffix
    else:
        usual = known.decimals if known is not None else 2
        places = decimals if decimals is not None else (0 if magnitude >= 100 or compact else usual)
        number = _grouped(magnitude, places)
        if decimals is None and places and float(number.replace(",", "")).is_integer():
            number = _grouped(magnitude, 0)  # "$85", not "$85.00"
    sign = "-" if amount < 0 and number.strip("0.,k M") else ""
    if known is None:
        word = currency.strip()
        return f"{sign}{number} {word}" if word else f"{sign}{number}"
    spacer = " " if known.symbol[-1].isalpha() else ""
    return f"{sign}{known.symbol}{spacer}{number}"
