"""What each column of a customer or transaction table is: its role, with evidence and confidence.

Types before meanings: a column's values are parsed first (:mod:`segmentation.profiling.column_facts`:
numbers, dates, yes/no words, emails, phone numbers), and only then is a role chosen from the
type and the column's name (a small multilingual hint table). The table's shape follows the
customer id: a column named like an id whose values are unique per row makes a customer table;
the table lists transactions only when the chosen id repeats. Meanings need evidence: consent
only for names that mean consent (:func:`segmentation.vocabulary.read_consent_name`), money
never for a constant column, items only for code-like values that repeat across rows.

Every column gets a confidence (0-1), the runner-up role and a one-line reason, so the Data
page can ask about uncertain guesses instead of making them silently. Values are read on a
sample of rows so that inferring roles on a million-row table takes well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

import pandas as pd

from segmentation.profiling.column_facts import ColumnFacts, read_facts
from segmentation.vocabulary import ConsentName, read_consent_name

__all__ = [
    "ROLE_LABELS",
    "UNCERTAIN_BELOW",
    "ColumnGuess",
    "Role",
    "RoleInference",
    "as_roles",
    "guess_column",
    "name_hint",
    "normalise_name",
]

#: Guesses less confident than this are shown with a "check this" marker.
UNCERTAIN_BELOW = 0.7
# A column with fewer filled values than this is never called constant (tiny tables).
_CONSTANT_MIN_VALUES = 10
# The chosen id repeats on more than this share of rows: one row per purchase, not per customer.
REPEATED_ID_SHARE = 0.05


class Role(StrEnum):
    """The part a column plays in the analysis."""

    CUSTOMER_ID = "customer_id"
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    DATE = "date"
    AMOUNT = "amount"
    QUANTITY = "quantity"
    PRICE = "price"
    ITEM = "item"
    CATEGORY = "category"
    ORDER_ID = "order_id"
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    CONSENT = "consent"
    TEXT = "text"
    IGNORE = "ignore"


ROLE_LABELS: dict[Role, str] = {
    Role.CUSTOMER_ID: "Customer ID",
    Role.NUMERIC: "Number (customer trait)",
    Role.CATEGORICAL: "Category (customer trait, e.g. gender, city)",
    Role.DATE: "Date",
    Role.AMOUNT: "Money amount (spend, revenue)",
    Role.QUANTITY: "Quantity (units bought)",
    Role.PRICE: "Unit price",
    Role.ITEM: "Product / item",
    Role.CATEGORY: "Product category",
    Role.ORDER_ID: "Order / invoice number",
    Role.EMAIL: "Email address",
    Role.PHONE: "Phone number",
    Role.NAME: "Person's name",
    Role.CONSENT: "Marketing consent (yes/no)",
    Role.TEXT: "Free text (not used)",
    Role.IGNORE: "Ignore this column",
}

NUMBER_ROLES = frozenset({Role.NUMERIC, Role.AMOUNT, Role.QUANTITY, Role.PRICE})
ID_ROLES = frozenset({Role.CUSTOMER_ID, Role.ORDER_ID})

_ID_SUFFIX = r"(?: ?(?:id|no|nr|number|num|nummer|code|key|ref|numero|identifier|uuid|guid|index|idx))?"
# Who a person-like id belongs to: these make the customer id of any table.
_PERSON_WORDS = (
    r"customer|client|clientes?|member|user|buyer|shopper|kunden?|kundennummer|kundennr|cliente|socio|usuario|"
    r"subscriber|patient|passenger|respondent|participant|student|donor"
)
# Words that name a person only with an id suffix: "contact" alone is a channel, "Contact ID" a person.
_PERSON_WORDS_WITH_SUFFIX = (
    r"cust|account|contact|person|lead|guest|visitor|household|profile|record|player|card ?holder|card|"
    r"loyalty card|patron"
)
_ID_WORD = r" ?(?:id|no|nr|number|num|nummer|code|key|ref|numero|identifier|uuid|guid)"
_PERSON_ID = re.compile(
    rf" (?:{_PERSON_WORDS}){_ID_SUFFIX} $| (?:{_PERSON_WORDS_WITH_SUFFIX}){_ID_WORD} $|"
    r" id (?:client|cliente|customer|kunde) $"
    r"|(?:客户|客戶|顾客|顧客|会员|會員|会員|用户)(?:id|编号|編號|号|號|番号|コード)? $"
)
# Ids of the things people buy or rate: item columns in a transaction table.
_ITEM_ID = re.compile(
    r" (?:item|product|prod|sku|article|artikel|movie|film|book|song|track|stock|asin|isbn|ean|upc|"
    r"game|course|recipe|listing|offer|variant|artist|anime|beer|wine|restaurant|business|hotel)s?"
    rf"{_ID_SUFFIX} $"
)
# A bare id ("ID", "Id", "uuid", "Record", "key"): the customer id when it is unique per row.
# Mailchimp's member ids (LEID, EUID, "Unique Email ID") count as bare ids.
_GENERIC_ID = re.compile(
    r"^ (?:id|identifier|uuid|guid|key|code|nr|no|number|leid|euid|unique email id|web id) $"
)
_ROW_INDEX = re.compile(r"^ (?:unnamed(?: \d+)?|index|row|row ?(?:id|no|nr|number|num)|#|level 0|) $")

_MONEY_WORDS = (
    r"amount|amt|revenue|sales|spend|spent|spending|monetary|payment|paid|purchase|turnover|"
    r"(?:brutto|netto|gesamt|rechnungs|end|zahl|bestell)?betrag|(?:gesamt|netto|brutto)?umsatz|"
    r"montant|importe|monto|gmv|subtotal|shipping|tax|taxes|fee|fees|freight|cost|costs|charges?|refund|"
    r"refunded|discount amount"
)
# Words that are money only with nothing but money words beside them: "Total" and "Order Total" are
# money, "total_phenols" and "net_generation" are not.
_WEAK_MONEY_WORDS = r"total|value|sum|summe|valor|net|gross|grand"
_WEAK_MONEY_NAME = re.compile(
    rf"^ (?:(?:{_WEAK_MONEY_WORDS}|{_MONEY_WORDS}|order|line|lineitem|item|invoice|cart|basket|due|incl|excl|"
    r"vat|brutto|netto|eur|usd|gbp|chf|in|the|dollar|dollars|euro|euros|pound|pounds|yen)(?: |$))+$"
)
# Person-name hints that do not need the values' help; a bare "name" needs them.
_PERSON_NAME = re.compile(
    r" (?:first ?name|last ?name|full ?name|surname|given ?name|vorname|nachname|prénom|prenom|apellidos?|"
    r"billing name|shipping name|contact name|customer name|client name|member name|user name|"
    r"customer description)\b"
    r"|姓名|名前|氏名"
)
# Names of things, not people: "Company Name", "Account Name", "Product Name".
_THING_NAME = re.compile(
    r" (?:company|account|business|organi[sz]ation|org|product|item|lineitem|store|shop|airport|city|street|"
    r"campaign|brand|file|station|team|venue|hotel|restaurant|school|course|event|list|segment|group|tag|"
    r"domain|host|device|app|page|country|state|region)s? name\b"
)

# Name hints, checked in order; the first match wins. Patterns run on the normalised name
# (lower case, words separated by single spaces, camelCase split), padded with spaces so
# " id " matches a whole word. CJK hints match anywhere.
_NAME_HINTS: tuple[tuple[Role, str], ...] = (
    (Role.EMAIL, r" e ?mail| courriel| correo|邮箱|邮件|メール"),
    (
        Role.PHONE,
        r" (?:phone|tel|telephone|telefon|telefono|téléphone|teléfono|mobile|cell|handy|fax)\b"
        r"|电话|手机|電話",
    ),
    (
        Role.ORDER_ID,
        r"^ (?:(?!last |first |recent |previous |latest |next |initial )[^ ]+ )*"
        r"(?:order|invoice|transaction|receipt|basket|bestell|rechnung|commande|facture|pedido|factura|"
        r"ticket|booking)(?: ?(?:id|no|nr|number|num|nummer|code|ref|key))? $"
        r"| payment ?(?:id|no|nr|number|ref|key) $"
        r"|(?:订单|訂單|注文|伝票)(?:id|号|號|编号|編號|番号)? $|单号 $",
    ),
    # Counts, scores and ages are traits, never money ("Total Orders", "NumWebPurchases").
    (
        Role.NUMERIC,
        r" (?:score|rating|ratings|age|alter|edad|âge|income|salary|einkommen|revenu|ingreso|index|rank|"
        r"count|counts|num|number of|nombre de|número de|numero de|numero di|orders|purchases|visits|"
        r"sessions|transactions|frequency|clicks|opens|"
        r"logins|recency|tenure|year birth|birth year|kids?|children|teens?|installments?|instalments?|"
        r"sequential|lenght|length|weight|height|width)\b|年龄|年齢|收入|评分",
    ),
    # Standardised or relative values are never money.
    (
        Role.NUMERIC,
        r" (?:scaled|standardi[sz]ed|normali[sz]ed|z ?score|zscore|log|ratio|share|pct|percent|percentage|"
        r"rank|quantile|decile|cluster|pca|pc\d|component)\b",
    ),
    # Postcodes are labels, never numbers to average.
    (
        Role.CATEGORICAL,
        r" (?:zip|zipcode|zip code|postal|postal code|postcode|post code|plz|postleitzahl|code postal|"
        r"cp|cep|pincode|pin code)\b|邮编|郵便番号",
    ),
    # Addresses are free text ("Billing Street", "Address1"; not "Address City").
    (
        Role.TEXT,
        r" (?:address|address ?\d|address line ?\d?|street|straße|strasse|rue|calle|adresse|dirección|"
        r"direccion|indirizzo) $|住所|地址",
    ),
    (
        Role.CATEGORY,
        r" (?:category|categories|cat|kategorie|catégorie|categorie|categoria|categoría|department|"
        r"dept|family|product type|product group|product line|warengruppe|famille|aisle|genres?)\b"
        r"|类别|品类|类目|カテゴリ|分类",
    ),
    (
        Role.PRICE,
        r" (?:unit ?price|price|preis|prix|precio|prezzo|unit cost|item cost|cost per item)\b"
        r"|单价|價格|价格|価格|単価",
    ),
    (
        Role.QUANTITY,
        r" (?:quantity|qty|quantities|units|menge|anzahl|quantité|quantite|cantidad|pcs|pieces)\b|"
        r"数量|件数",
    ),
    (
        Role.AMOUNT,
        rf" (?:{_MONEY_WORDS})\b|金额|金額|消费|消費|销售额|売上",
    ),
    (
        Role.ITEM,
        r" (?:item|items|lineitem|product|products|sku|stock ?code|article|artikel|produit|producto|prodotto|"
        r"goods|description|ean|upc|asin)\b|商品|产品|產品|品名|货品",
    ),
    (
        Role.DATE,
        r" (?:date|time|timestamp|datetime|day|datum|fecha|data|jour|zeit|created|updated|ordered|"
        r"purchased|signup|since|dt|ts|at|on|seen|epoch|unix)\b|日期|时间|時間|日付|日時|年月日",
    ),
    (
        Role.NAME,
        r" (?:name|first ?name|last ?name|full ?name|surname|given ?name|vorname|nachname|nom|prénom|"
        r"prenom|nombre|apellidos?)\b|姓名|名前|氏名",
    ),
)
_COMPILED_HINTS = tuple((role, re.compile(pattern)) for role, pattern in _NAME_HINTS)

IdKind = Literal["person", "item", "generic", "other", "row"]


@dataclass(frozen=True)
class ColumnGuess:
    """The role guessed for one column, how sure the guess is, and why.

    ``confidence`` is between 0 and 1 (below :data:`UNCERTAIN_BELOW` the page asks the user to
    check); ``runner_up`` is the next most likely role; ``evidence`` is one sentence naming what
    the guess rests on; ``consent`` is what the name says about consent polarity (consent only).
    """

    role: Role
    confidence: float
    runner_up: Role | None
    evidence: str
    consent: ConsentName | None = None

    @property
    def uncertain(self) -> bool:
        return self.confidence < UNCERTAIN_BELOW


@dataclass(frozen=True)
class RoleInference:
    """Guesses for every column (in column order) and the customer-id candidates considered."""

    guesses: dict[str, ColumnGuess]
    id_candidates: tuple[str, ...]
    customer_id: str | None

    @property
    def roles(self) -> dict[str, Role]:
        return {column: guess.role for column, guess in self.guesses.items()}


def as_roles(roles: Mapping[str, Role | str]) -> dict[str, Role]:
    """Roles keyed by column name, accepting the plain strings the app stores in its session."""
    return {str(column): Role(role) for column, role in roles.items()}


def normalise_name(name: object) -> str:
    """Lower-case words separated by single spaces, camelCase split: ``"CustomerID"`` → ``"customer id"``."""
    text = str(name)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"[_\-.:/()\[\]#,;]+", " ", text.casefold())
    return " ".join(text.split())


def name_hint(name: object) -> Role | None:
    """The role a column name suggests (ids aside: see :func:`_id_kind`), or None."""
    padded = f" {normalise_name(name)} "
    for role, pattern in _COMPILED_HINTS:
        if pattern.search(padded):
            if role is Role.NAME and _THING_NAME.search(padded):
                return None
            return role
    if _WEAK_MONEY_NAME.match(padded.rstrip()):
        return Role.AMOUNT
    return None


def _weak_money(name: object) -> bool:
    """The name says money only through words such as "total" or "value"."""
    padded = f" {normalise_name(name)} "
    strong = re.search(rf" (?:{_MONEY_WORDS})\b", padded)
    return not strong and bool(_WEAK_MONEY_NAME.match(padded.rstrip()))


def _id_kind(name: object) -> IdKind | None:
    """Whose id a column's name says it holds: a person's, an item's, anyone's, or something else's."""
    padded = f" {normalise_name(name)} "
    if _ROW_INDEX.match(padded):
        return "row"
    if _PERSON_ID.search(padded):
        return "person"
    if _ITEM_ID.search(padded):
        return "item"
    if _GENERIC_ID.match(padded):
        return "generic"
    # "store id", "movieId" (split to "movie id"); never "paid" or "valid".
    if re.search(r" [^\s]+ (?:id|identifier|uuid|guid)$", padded.rstrip()):
        return "other"
    return None


def _guess(role: Role, confidence: float, runner_up: Role | None, evidence: str) -> ColumnGuess:
    return ColumnGuess(role, round(confidence, 2), runner_up if runner_up is not role else None, evidence)


def _number_guess(
    facts: ColumnFacts, hint: Role | None, id_kind: IdKind | None, *, weak_money: bool = False
) -> ColumnGuess:
    """Role of a column whose values are numbers."""
    readable = "" if facts.parsed_share >= 0.999 else f" ({facts.parsed_share:.0%} readable)"
    if id_kind == "row" and facts.integers and facts.distinct_share == 1.0:
        return _guess(Role.IGNORE, 0.75, Role.NUMERIC, "unnamed whole numbers, one per row: a row number")
    if id_kind in ("person", "generic") and facts.integers:
        return _guess(
            Role.CUSTOMER_ID, 0.85, Role.NUMERIC, "the name says id and the values are whole numbers"
        )
    if id_kind == "other" and facts.integers and facts.distinct_share >= 0.9:
        return _guess(
            Role.CUSTOMER_ID, 0.55, Role.NUMERIC, "the name says id of something, nearly one per row"
        )
    if id_kind == "item" and facts.integers and not _small_counter(facts):
        return _guess(Role.ITEM, 0.8, Role.NUMERIC, "the name says item id and the values are whole numbers")
    if hint is Role.ORDER_ID and facts.integers and not _small_counter(facts):
        return _guess(Role.ORDER_ID, 0.9, Role.NUMERIC, "the name says order or invoice number")
    if hint is Role.PHONE:
        return _guess(Role.PHONE, 0.8, Role.NUMERIC, "the name says phone; the values are digits")
    if hint is Role.AMOUNT and weak_money and facts.integers:
        # Settled with the table's shape: money in a table of purchases, a count elsewhere.
        return _guess(Role.AMOUNT, 0.6, Role.NUMERIC, _WHOLE_TOTALS)
    if hint in (Role.AMOUNT, Role.PRICE):
        return _guess(hint, 0.9, Role.NUMERIC, f"the name says money and the values are numbers{readable}")
    if hint is Role.CATEGORICAL:
        role = Role.CATEGORICAL if facts.distinct <= max(30, 0.05 * facts.n) else Role.TEXT
        return _guess(role, 0.85, Role.NUMERIC, "the name says postcode: a label, not a number to average")
    if hint is Role.QUANTITY:
        return _guess(
            Role.QUANTITY, 0.85, Role.NUMERIC, f"the name says quantity and the values are numbers{readable}"
        )
    if hint is Role.CATEGORY:
        return _guess(Role.CATEGORY, 0.6, Role.NUMERIC, "the name says category but the values are numbers")
    if hint is Role.NUMERIC:
        return _guess(Role.NUMERIC, 0.95, None, f"the name and the values say number{readable}")
    if hint in (Role.NAME, Role.EMAIL, Role.DATE):
        return _guess(Role.NUMERIC, 0.6, hint, f"the name suggests {hint.value} but the values are numbers")
    if facts.only_zero_one:
        return _guess(Role.NUMERIC, 0.8, Role.CATEGORICAL, "values are 0 and 1 only: a flag")
    return _guess(Role.NUMERIC, 0.85, None, f"the values are numbers{readable}")


_WHOLE_TOTALS = "the name may mean money ('total', 'value'), but the values are whole numbers"


def _small_counter(facts: ColumnFacts) -> bool:
    """Small whole numbers from 0 or 1 repeated over many rows: a count or position, not an id."""
    return (
        facts.n >= _CONSTANT_MIN_VALUES
        and facts.distinct_share < 0.2
        and facts.min_value >= 0
        and facts.max_value <= 100
    )


def _text_guess(
    facts: ColumnFacts, hint: Role | None, id_kind: IdKind | None, *, person_name: bool = False
) -> ColumnGuess:
    """Role of a text column (not numbers, dates, yes/no, emails or phones)."""
    id_look = facts.digit_share >= 0.5 or facts.distinct_share >= 0.5
    if id_kind in ("person", "generic") and (facts.code_like or facts.mean_length <= 40) and id_look:
        return _guess(Role.CUSTOMER_ID, 0.85, Role.TEXT, "the name says id and the values are short codes")
    if hint is Role.ORDER_ID or facts.order_numbers:
        why = (
            "the name says order or invoice number" if hint is Role.ORDER_ID else "values written like #1001"
        )
        return _guess(Role.ORDER_ID, 0.9 if hint is Role.ORDER_ID else 0.7, Role.TEXT, why)
    if id_kind == "item" or hint is Role.ITEM:
        return _guess(Role.ITEM, 0.85, Role.CATEGORICAL, "the name says product or item")
    if hint is Role.CATEGORY:
        return _guess(Role.CATEGORY, 0.85, Role.CATEGORICAL, "the name says product category")
    if hint is Role.NAME and (person_name or (facts.lower_share < 0.5 and facts.digit_share < 0.2)):
        return _guess(Role.NAME, 0.9 if person_name else 0.7, Role.TEXT, "the name says person's name")
    if hint is Role.PHONE:
        return _guess(Role.PHONE, 0.8, Role.TEXT, "the name says phone")
    if hint is Role.TEXT:
        return _guess(Role.TEXT, 0.85, Role.CATEGORICAL, "the name says address: free text")
    if hint is Role.CATEGORICAL:
        role = Role.CATEGORICAL if facts.distinct <= max(30, 0.05 * facts.n) else Role.TEXT
        return _guess(role, 0.85, Role.TEXT, "the name says postcode: a label")
    if id_kind == "other" and facts.code_like and facts.distinct_share >= 0.9:
        return _guess(Role.CUSTOMER_ID, 0.55, Role.TEXT, "the name says id of something, nearly one per row")
    if hint in NUMBER_ROLES and facts.parsed_share >= 0.5:
        return _guess(
            hint,
            0.6,
            Role.TEXT,
            f"the name says {hint.value} but only {facts.parsed_share:.0%} of values are numbers",
        )
    # A different value on every one of a dozen rows is a name or a label, not a category.
    few = facts.distinct <= max(30, 0.05 * facts.n) and not (facts.n >= 12 and facts.distinct_share == 1.0)
    if few:
        return _guess(
            Role.CATEGORICAL, 0.8, Role.TEXT, f"{facts.distinct:,} different values, repeated across rows"
        )
    if facts.distinct_share >= 0.9 and facts.code_like and facts.mean_length <= 24 and not facts.dotted:
        # Near-unique short codes without spaces (C00001, A-17-XZ) are identifiers.
        return _guess(
            Role.CUSTOMER_ID, 0.55, Role.TEXT, "near-unique short codes, though the name does not say id"
        )
    if facts.mean_length > 30 or facts.distinct_share >= 0.5:
        return _guess(Role.TEXT, 0.75, Role.CATEGORICAL, "many different values: free text")
    return _guess(Role.CATEGORICAL, 0.65, Role.TEXT, f"{facts.distinct:,} different values")


def guess_column(name: object, series: pd.Series) -> ColumnGuess:
    hint = name_hint(name)
    id_kind = _id_kind(name)
    facts = read_facts(series, dates_by_name=hint is Role.DATE)
    consent = read_consent_name(name)
    if facts.kind == "empty":
        return _guess(Role.IGNORE, 0.99, None, "the column is empty")
    if facts.constant and facts.n >= _CONSTANT_MIN_VALUES and consent is None:
        return _guess(Role.IGNORE, 0.9, Role.CATEGORICAL, "every row holds the same value")
    if facts.kind == "date":
        share = "" if facts.parsed_share == 0 else f"{facts.parsed_share:.0%} of "
        return _guess(
            Role.DATE,
            0.95 if hint is Role.DATE else 0.85,
            Role.TEXT,
            f"{share}values read as dates" + (f" ({facts.date_format})" if facts.date_format else ""),
        )
    if facts.kind in ("boolean", "yes_no"):
        if consent is not None:
            guess = _guess(
                Role.CONSENT,
                0.95 if consent.certain else 0.6,
                Role.CATEGORICAL,
                f"the name means marketing consent ({consent.description}) and the values are yes/no",
            )
            return replace(guess, consent=consent)
        return _guess(
            Role.CATEGORICAL, 0.85, Role.NUMERIC, "yes/no values; the name does not mean marketing consent"
        )
    if facts.kind == "email":
        return _guess(
            Role.EMAIL, 0.95 if hint is Role.EMAIL else 0.85, Role.TEXT, "the values are email addresses"
        )
    if facts.kind == "phone" and (id_kind is None or hint is Role.PHONE) and hint in (None, Role.PHONE):
        return _guess(
            Role.PHONE,
            0.95 if hint is Role.PHONE else 0.75,
            Role.TEXT,
            "the values are written like phone numbers",
        )
    if facts.kind == "number":
        return _number_guess(facts, hint, id_kind, weak_money=_weak_money(name))
    person_name = bool(_PERSON_NAME.search(f" {normalise_name(name)} "))
    guess = _text_guess(facts, Role.NAME if person_name else hint, id_kind, person_name=person_name)
    if consent is not None and guess.role is Role.CATEGORICAL:
        return _guess(
            Role.CATEGORICAL, 0.6, Role.CONSENT, "the name means consent but the values are not yes/no"
        )
    return guess
