"""Plain-language wording for personas: what a column means, how its values read, trait sentences.

Columns are recognised by their names (``recency_days``, ``monetary``, ``share_<category>``,
``Annual Income (k$)`` ...), so that a trait reads "Last purchase: 12 days ago (median) vs 95
overall" rather than "recency_days +1.3 sd". Money columns carry a currency: the one their name
states (``$``, ``usd``, ``eur`` ...), else the table's currency when the caller knows it; values
in thousands (``(k$)``) read ``$25k``. Money is written by :func:`segmentation.money.format_money`.
A caller's ``labels`` (column → label) replace the generated readable labels.
Everything here assumes validated input.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from segmentation.money import currency_in_name, format_money, in_thousands

Role = Literal[
    "recency",
    "tenure",
    "interval",
    "frequency",
    "money",
    "spend_score",
    "income",
    "aov",
    "returns_count",
    "returns_value",
    "discount",
    "variety",
    "share",
    "age",
    "items",
    "basket_items",
    "generic",
]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^0-9a-zA-Z]+")
_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]")

# Tokens that mark identifiers and personal data; such columns never become traits.
_PII_TOKENS = frozenset(
    {
        "id",
        "uuid",
        "guid",
        "email",
        "mail",
        "phone",
        "telephone",
        "tel",
        "mobile",
        "name",
        "firstname",
        "lastname",
        "surname",
        "address",
        "street",
        "zip",
        "zipcode",
        "postcode",
        "postal",
        "ip",
        "ssn",
        "passport",
        "iban",
        "password",
        "dob",
        "birthdate",
        "birthday",
    }
)
_ID_PREFIXES = ("customer", "user", "client", "member", "account")
_RFM_SCORE_COLUMNS = frozenset({"r_score", "f_score", "m_score", "rfm_score", "rfm_segment"})
_SHARE_PREFIX = "share_"
_ITEM_TOKENS = frozenset({"items", "units", "quantity", "qty"})
# Abbreviations that open column names such as "MntWines", "NumWebPurchases": they move to the
# end in brackets ("Wines (Mnt)") rather than being read as a word ("mnt wines").
_ABBREVIATIONS = frozenset({"mnt", "amt", "num", "nb", "nr", "cnt", "qty", "avg", "tot", "pct"})


def name_tokens(column: str) -> tuple[str, ...]:
    """Lower-case words of a column name: ``"CustomerID"`` → ``("customer", "id")``."""
    spaced = _CAMEL_BOUNDARY.sub(" ", str(column))
    return tuple(token.lower() for token in _NON_ALNUM.split(spaced) if token)


def is_private_column(column: str) -> bool:
    """True for identifiers and personal data (ids, e-mail, phone, names, addresses)."""
    tokens = name_tokens(column)
    if any(token in _PII_TOKENS for token in tokens):
        return True
    joined = "".join(tokens)
    return joined.endswith("id") and joined.startswith(_ID_PREFIXES)


def is_rfm_score_column(column: str) -> bool:
    """The RFM score columns of the features table (redundant with recency/frequency/monetary)."""
    return str(column).lower() in _RFM_SCORE_COLUMNS


def is_share_column(column: str) -> bool:
    return str(column).lower().startswith(_SHARE_PREFIX)


def category_of_share_column(column: str) -> str:
    """``"share_home_garden"`` → ``"Home garden"``; names with capitals are kept as written."""
    text = str(column)
    if text.lower().startswith(_SHARE_PREFIX):
        text = text[len(_SHARE_PREFIX) :]
    text = text.replace("_", " ").strip() or str(column)
    return text[:1].upper() + text[1:] if text.islower() else text


def column_role(column: str, *, money_col: str | None = None) -> Role:
    """What a numeric column measures, from its name (order matters: ``returns_value`` is no spend)."""
    if money_col is not None and column == money_col:
        return "money"
    tokens = set(name_tokens(column))
    joined = "_".join(name_tokens(column))
    if is_share_column(column):
        return "share"
    if "recency" in tokens or "days_since_last" in joined or "last_purchase_days" in joined:
        return "recency"
    if "tenure" in tokens or "days_since_first" in joined:
        return "tenure"
    if "between" in tokens:
        return "interval"
    if tokens & {"return", "returns", "returned", "refund", "refunds"}:
        return "returns_value" if tokens & {"value", "amount", "revenue", "sales"} else "returns_count"
    if "avg_order_value" in joined or "average_order_value" in joined or tokens & {"aov", "basket"}:
        return "aov"
    if tokens & {"discount", "discounts", "promo", "promotion", "coupon", "coupons"}:
        return "discount"
    if tokens & {"spending", "spend", "spent"} and "score" in tokens:
        return "spend_score"
    if "income" in tokens or "salary" in tokens:
        return "income"
    if "score" not in tokens and tokens & {"monetary", "spend", "spent", "revenue", "sales", "clv", "ltv"}:
        return "money"
    # files without money count items: "items_bought", "items_per_order" (never spend)
    if tokens & _ITEM_TOKENS and not tokens & {"distinct", "unique"}:
        return "basket_items" if tokens & {"per", "order", "basket"} else "items"
    if tokens & {"frequency", "orders", "purchases", "transactions", "visits"}:
        return "frequency"
    if "distinct" in tokens or "unique" in tokens:
        return "variety"
    if "age" in tokens:
        return "age"
    return "generic"


def frequency_unit(column: str) -> str:
    tokens = set(name_tokens(column))
    for unit in ("purchases", "transactions", "visits"):
        if unit in tokens:
            return unit
    return "orders"


def readable_label(column: str) -> str:
    """A column name as a readable label: the one wording of a column everywhere personas speak.

    Units in brackets are dropped (the values carry them); spaced or snake_case names become
    lower-case words, short acronyms such as ``RFM`` kept (``"Annual Income (k$)"`` → ``"annual
    income"``); CamelCase is split with its capitals kept, and a
    leading abbreviation moves into brackets (``"MntWines"`` → ``"Wines (Mnt)"``,
    ``"NumWebPurchases"`` → ``"Web Purchases (Num)"``), so a name never reads "mnt wines".
    """
    text = _PARENTHETICAL.sub("", str(column)).strip() or str(column)
    words = [word for word in _NON_ALNUM.split(_CAMEL_BOUNDARY.sub(" ", text)) if word]
    if not words:
        return str(column)
    camel_case = len(words) > 1 and _NON_ALNUM.search(text) is None
    if not camel_case:  # "Annual Income", "recency_days": plain words; short acronyms keep capitals
        return " ".join(word if (word.isupper() and len(word) <= 4) else word.lower() for word in words)
    if words[0].lower() in _ABBREVIATIONS:
        return f"{' '.join(words[1:])} ({words[0]})"
    return " ".join(words)


#: The former name of :func:`readable_label`.
humanise = readable_label


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: ``"Lifetime spend"`` → ``"lifetime spend"``; ``"CLV"`` kept."""
    return label[:1].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def format_number(value: float) -> str:
    """Short, readable numbers: 1240.3 → "1,240", 12.0 → "12", 3.61 → "3.6", 0.456 → "0.46"."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 1:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_percent(share: float) -> str:
    return f"{100 * share:.0f}%"


@dataclass(frozen=True)
class Unit:
    """How values of one column are written: money (``currency`` an ISO code or a word the
    marketer chose), thousands, percentages or days."""

    currency: str = ""
    thousands: bool = False
    percent: bool = False
    whole_above_ten: bool = False  # days: "91 days", not "90.8 days"
    money: bool = False

    def format(self, value: float) -> str:
        if self.percent:
            return format_percent(value)
        if self.whole_above_ten and abs(value) >= 10:
            value = float(round(value))
        if self.money:
            scale = 1_000.0 if self.thousands else 1.0
            return format_money(value * scale, self.currency, compact=self.thousands)
        sign = "-" if value < 0 else ""
        return f"{sign}{format_number(abs(value))}{'k' if self.thousands else ''}"


#: Roles whose values are money whenever the table has a currency.
MONEY_ROLES: frozenset[str] = frozenset({"money", "aov", "returns_value", "income"})
_MONEY_TOKENS = frozenset(
    {"mnt", "amt", "amount", "price", "cost", "revenue", "sales", "spend", "spent", "paid"}
)


def is_money_column(column: str) -> bool:
    """Whether a column's name says it holds money (spend, income, prices, ``MntWines``, ``(k$)``)."""
    tokens = set(name_tokens(column))
    if "score" in tokens or is_share_column(column):
        return False
    return (
        column_role(column) in MONEY_ROLES
        or bool(tokens & _MONEY_TOKENS)
        or currency_in_name(column) is not None
    )


def column_unit(
    column: str, *, looks_like_rate: bool, currency: str = "", money_col: str | None = None
) -> Unit:
    """Read the unit from the column name; ``looks_like_rate`` = values within 0..1 for a rate-like name.

    ``currency`` is the table's currency (an ISO code or the marketer's word), used for money
    columns whose name states none; ``money_col`` is the table's spend column, money whatever its name.
    """
    tokens = set(name_tokens(column))
    named = currency_in_name(column)
    money = named is not None or column == money_col or (bool(currency) and is_money_column(column))
    thousands = in_thousands(column)
    rate_name = bool(tokens & {"share", "rate", "ratio", "pct", "percent", "discount", "proportion"})
    days = column_role(column) in ("recency", "tenure", "interval") or "days" in tokens
    return Unit(
        currency=named[0] if named is not None else currency,
        thousands=thousands,
        percent=rate_name and looks_like_rate,
        whole_above_ten=days,
        money=money and not (rate_name and looks_like_rate),
    )


def _plural(count_text: str, word: str) -> str:
    """``("1", "orders")`` → ``"1 order"``."""
    return f"{count_text} {word[:-1]}" if count_text == "1" and word.endswith("s") else f"{count_text} {word}"


@dataclass(frozen=True)
class NumericFacts:
    """What a numeric trait sentence needs (``statistic`` is "median" or "average")."""

    column: str
    role: Role
    unit: Unit
    statistic: str
    segment_value: float
    overall_value: float
    ratio: float | None
    effect: float
    has_money: bool = True  # False: the table has no money column, so no sentence may speak of spend
    label: str = ""  # the marketer's label for the column ("" = the generated readable label)


# Ratios closer to 1 than this read as "slightly more/less" rather than "1.1×".
_RATIO_WORTH_SAYING = 1.15


def numeric_sentence(facts: NumericFacts) -> str:
    """One plain-language sentence comparing a segment with all customers on a numeric column."""
    seg = facts.unit.format(facts.segment_value)
    overall = facts.unit.format(facts.overall_value)
    stat = facts.statistic
    higher = facts.effect > 0
    ratio = facts.ratio
    role = facts.role
    if role == "recency":
        return f"Last purchase: {seg} days ago ({stat}) vs {overall} overall"
    if role == "tenure":
        return f"Customer for {seg} days ({stat}) vs {overall} overall"
    if role == "interval":
        return f"Buys every {seg} days ({stat}) vs every {overall} overall"
    if role == "share":
        category = category_of_share_column(facts.column)
        seg, overall = format_percent(facts.segment_value), format_percent(facts.overall_value)
        if not facts.has_money:
            return f"{seg} of their items are {category} vs {overall} overall"
        return f"Spends {seg} on {category} vs {overall} overall"
    if role == "money":
        comparison = f"{stat} {seg} vs {overall}"
        if ratio is not None and ratio >= _RATIO_WORTH_SAYING:
            return f"Spends {ratio:.1f}× the average: {comparison}"
        if ratio is not None and ratio <= 1 / _RATIO_WORTH_SAYING:
            return f"Spends {100 * (1 - ratio):.0f}% less than the average: {comparison}"
        return f"Spends {'more' if higher else 'less'} than average: {comparison}"
    if role == "items":
        comparison = f"{stat} {_plural(seg, 'items')} vs {overall}"
        if ratio is not None and ratio >= _RATIO_WORTH_SAYING:
            return f"Buys {ratio:.1f}× as many items: {comparison}"
        return f"Buys {'more' if higher else 'fewer'} items: {comparison}"
    if role == "basket_items":
        return f"{'More' if higher else 'Fewer'} items per order: {stat} {seg} vs {overall} overall"
    if role == "frequency" and is_plain_count(facts.column):
        unit_word = frequency_unit(facts.column)
        comparison = f"{stat} {_plural(seg, unit_word)} vs {overall}"
        if ratio is not None and ratio >= _RATIO_WORTH_SAYING:
            return f"Buys {ratio:.1f}× as often: {comparison}"
        if ratio is not None and ratio <= 1 / _RATIO_WORTH_SAYING:
            return f"Buys less often: {comparison}"
        return f"Buys slightly {'more' if higher else 'less'} often: {comparison}"
    if role == "aov":
        return f"{'Larger' if higher else 'Smaller'} orders: {stat} order value {seg} vs {overall} overall"
    if role == "variety":
        items = _plural(seg, "distinct items")
        return f"{'More' if higher else 'Less'} variety: {stat} {items} vs {overall} overall"
    if role == "returns_count":
        return (
            f"Returns {'more' if higher else 'less'}: {stat} {_plural(seg, 'returns')} vs {overall} overall"
        )
    if role == "returns_value" and facts.has_money:
        return f"Returns {'more' if higher else 'less'} by value: {stat} {seg} vs {overall} overall"
    if role == "discount":
        return f"Uses discounts {'more' if higher else 'less'}: {stat} {seg} vs {overall} overall"
    if role == "age":
        return f"{'Older' if higher else 'Younger'}: {stat} age {seg} vs {overall} overall"
    label = in_sentence(facts.label) if facts.label else readable_label(facts.column)
    return f"{'Higher' if higher else 'Lower'} {label}: {stat} {seg} vs {overall} overall"


_PLAIN_COUNT_TOKENS = frozenset(
    {
        "frequency",
        "orders",
        "purchases",
        "transactions",
        "visits",
        "n",
        "num",
        "number",
        "of",
        "count",
        "total",
    }
)


def is_plain_count(column: str) -> bool:
    """True for a plain purchase count ("frequency", "n_orders"); "NumWebPurchases" counts one channel."""
    return set(name_tokens(column)) <= _PLAIN_COUNT_TOKENS


def categorical_sentence(
    column: str,
    level: str,
    *,
    segment_share: float,
    overall_share: float,
    effect: float,
    boolean: bool,
    label: str = "",
) -> str:
    """Sentence for a categorical level, e.g. "Mostly Online channel: 78% vs 41% overall".

    Yes/no columns read "Marketing consent: yes for 90% vs 60% overall". ``label`` replaces the
    column's readable label.
    """
    seg = format_percent(segment_share)
    overall = format_percent(overall_share)
    label = in_sentence(label) if label else readable_label(column)
    if boolean:
        return f"{capitalise(label)}: yes for {seg} vs {overall} overall"
    if effect > 0:
        lead = "Mostly" if segment_share >= 0.5 else "More often"
    else:
        lead = "Rarely" if segment_share <= overall_share / 2 else "Less often"
    return f"{lead} {level} {label}: {seg} vs {overall} overall"
