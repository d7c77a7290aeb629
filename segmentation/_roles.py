"""What each column of a customer or transaction table is: its role.

Roles come from the column name first (a small multilingual hint table) and are checked
against the values (emails, phone numbers, yes/no flags, dates, numbers). Value checks run on
a sample of rows so that inferring roles on a million-row table takes milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

import numpy as np
import pandas as pd

from segmentation._parsing import parse_dates, parse_numbers

__all__ = ["ROLE_LABELS", "Role", "as_roles", "infer_roles", "name_hint", "normalise_name"]

_SAMPLE_ROWS = 5_000


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

# Name hints, checked in order; the first match wins. Patterns run on the normalised name
# (lower case, words separated by single spaces, camelCase split), padded with spaces so
# " id " matches a whole word. CJK hints match anywhere, except ids, which must end the name
# (客户编号 is the customer id, 客户姓名 the customer's name).
_NAME_HINTS: tuple[tuple[Role, str], ...] = (
    (Role.EMAIL, r" e ?mail| courriel| correo|邮箱|邮件|メール"),
    (
        Role.PHONE,
        r" (?:phone|tel|telephone|telefon|telefono|téléphone|teléfono|mobile|cell|handy)\b|电话|手机|電話",
    ),
    (Role.CONSENT, r"consent|opt ?in|optin|newsletter|subscri|gdpr|permission|einwillig|accept|同意|許諾"),
    (
        Role.ORDER_ID,
        r" (?:order|invoice|transaction|receipt|basket|bestell|rechnung|commande|facture|pedido|factura)"
        r"(?: ?(?:id|no|nr|number|num|nummer|code|ref|key))? $"
        r"|(?:订单|訂單|注文|伝票)(?:id|号|號|编号|編號|番号)? $|单号 $",
    ),
    (
        Role.CUSTOMER_ID,
        r" (?:customer|cust|client|clientes?|member|user|account|buyer|shopper|kunden?|"
        r"kundennummer|kundennr|cliente|socio|usuario)"
        r"(?: ?(?:id|no|nr|number|num|nummer|code|key|ref|numero))? $|"
        r" id (?:client|cliente|customer|kunde)"
        r"|(?:客户|客戶|顾客|顧客|会员|會員|会員|用户)(?:id|编号|編號|号|號|番号|コード)? $",
    ),
    (
        Role.NUMERIC,
        r" (?:score|rating|age|alter|edad|âge|income|salary|einkommen|revenu|ingreso|index|rank)"
        r"\b|年龄|年齢|收入|评分",
    ),
    (
        Role.CATEGORY,
        r" (?:category|categories|cat|kategorie|catégorie|categorie|categoria|categoría|department|"
        r"dept|family|product type|product group|warengruppe|famille)\b|类别|品类|类目|カテゴリ|分类",
    ),
    (
        Role.PRICE,
        r" (?:unit ?price|price|preis|prix|precio|prezzo|unit cost|rate)\b|单价|價格|价格|価格|単価",
    ),
    (
        Role.QUANTITY,
        r" (?:quantity|qty|quantities|units|menge|anzahl|quantité|quantite|cantidad|pcs|pieces)\b|"
        r"数量|件数",
    ),
    (
        Role.AMOUNT,
        r" (?:amount|amt|revenue|sales|spend|spent|spending|total|value|monetary|payment|paid|sum|"
        r"turnover|betrag|umsatz|summe|montant|importe|monto|valor|gmv|net|gross)\b|金额|金額|消费|消費|销售额|売上",
    ),
    (
        Role.ITEM,
        r" (?:item|items|product|products|sku|stock ?code|article|artikel|produit|producto|prodotto|"
        r"goods|description|ean|upc|asin)\b|商品|产品|產品|品名|货品",
    ),
    (
        Role.DATE,
        r" (?:date|time|timestamp|datetime|day|datum|fecha|data|jour|zeit|created|updated|ordered|"
        r"purchased|signup|since|dt|ts)\b|日期|时间|時間|日付|日時|年月日",
    ),
    (
        Role.NAME,
        r" (?:name|first ?name|last ?name|full ?name|surname|given ?name|vorname|nachname|nom|prénom|"
        r"prenom|nombre|apellidos?)\b|姓名|名前|氏名",
    ),
    (Role.CUSTOMER_ID, r"^ id $| (?:id|identifier|key)\b"),
)
_COMPILED_HINTS = tuple((role, re.compile(pattern)) for role, pattern in _NAME_HINTS)

_MISSING_WORDS = frozenset(
    {"n/a", "na", "n.a.", "nan", "null", "none", "-", "--", "?", "missing", "unknown", "#n/a"}
)
_DATE_SHAPE = r"(?i)\d+[-/. ]\d+[-/. ]\d+|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_PHONE = r"^\+?[\d\s().\-/]{7,20}$"
_YES_NO = frozenset(
    {
        "yes",
        "no",
        "y",
        "n",
        "true",
        "false",
        "t",
        "f",
        "1",
        "0",
        "1.0",
        "0.0",
        "ja",
        "nein",
        "oui",
        "non",
        "si",
        "sí",
        "是",
        "否",
        "opt-in",
        "opt-out",
        "opted in",
        "opted out",
        "subscribed",
        "unsubscribed",
    }
)


def as_roles(roles: Mapping[str, Role | str]) -> dict[str, Role]:
    """Roles keyed by column name, accepting the plain strings the app stores in its session."""
    return {str(column): Role(role) for column, role in roles.items()}


def normalise_name(name: object) -> str:
    """Lower-case words separated by single spaces, camelCase split: ``"CustomerID"`` → ``"customer id"``."""
    text = str(name)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"[_\-.:/()\[\]#]+", " ", text.casefold())
    return " ".join(text.split())


def name_hint(name: object) -> Role | None:
    """The role a column name suggests, or None."""
    padded = f" {normalise_name(name)} "
    for role, pattern in _COMPILED_HINTS:
        if pattern.search(padded):
            return role
    return None


def _sample(series: pd.Series) -> pd.Series:
    """Non-missing values, evenly spread over the column (deterministic)."""
    present = series.dropna()
    if len(present) > _SAMPLE_ROWS:
        positions = np.linspace(0, len(present) - 1, _SAMPLE_ROWS).astype(np.int64)
        present = present.iloc[positions]
    return present


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else 0.0


def _numeric_role(hint: Role | None, values: pd.Series) -> Role:
    """Role of a column whose values are numbers."""
    if hint in (Role.AMOUNT, Role.PRICE, Role.QUANTITY, Role.CUSTOMER_ID, Role.ORDER_ID, Role.ITEM):
        return hint
    if hint is Role.CONSENT and set(values.dropna().unique()) <= {0, 1}:
        return Role.CONSENT
    if hint is Role.CATEGORY:
        return Role.CATEGORY
    return Role.NUMERIC


def _text_role(hint: Role | None, sample: pd.Series) -> Role:
    """Role of a text column from its sampled values and name hint."""
    text = sample.astype("str").str.strip()
    text = text[text != ""]
    if text.empty:
        return hint if hint is not None else Role.IGNORE
    lowered = text.str.casefold()
    if _share(text.str.match(_EMAIL)) >= 0.8:
        return Role.EMAIL
    if set(lowered.unique()) <= _YES_NO:
        return Role.CONSENT if hint is Role.CONSENT else Role.CATEGORICAL
    digits_only = _share(text.str.fullmatch(r"[-+]?\d+")) >= 0.9
    looks_phone = _share(text.str.match(_PHONE) & (text.str.count(r"\d") >= 7)) >= 0.8
    if looks_phone and hint is Role.PHONE:
        return Role.PHONE
    if hint in (Role.CUSTOMER_ID, Role.ORDER_ID, Role.ITEM):
        return hint
    # Placeholders such as "N/A" are counted as bad values by the quality report, but they
    # should not stop a mostly-date or mostly-numeric column from being seen as dates or numbers.
    filled = text[~lowered.isin(_MISSING_WORDS)]
    # Dates before phones: "2024-03-01" also fits the loose phone pattern.
    # Only text shaped like a date (three digit groups, or a month name) goes to the date parsers.
    if hint is Role.DATE or (not digits_only and _share(filled.str.contains(_DATE_SHAPE)) >= 0.9):
        dates = parse_dates(filled)
        if len(filled) and 1 - dates.n_bad / len(filled) >= 0.9:
            return Role.DATE
    if looks_phone and not digits_only and hint is None:
        return Role.PHONE
    numbers = parse_numbers(filled)
    parse_rate = 1 - numbers.n_bad / len(filled) if len(filled) else 0.0
    is_number = parse_rate >= (0.5 if hint in NUMBER_ROLES else 0.9)
    if is_number:
        return _numeric_role(hint, numbers.values)
    if hint in (Role.CATEGORY, Role.NAME, Role.PHONE, Role.EMAIL):
        return hint
    distinct = text.nunique()
    if distinct <= max(30, 0.05 * len(text)):
        return Role.CATEGORICAL
    mean_length = float(text.str.len().mean())
    if distinct >= 0.9 * len(text) and mean_length <= 24 and _share(text.str.contains(" ")) < 0.1:
        # Near-unique short codes without spaces (C00001, A-17-XZ) are identifiers.
        return Role.CUSTOMER_ID
    return Role.TEXT if mean_length > 30 or distinct >= 0.5 * len(text) else Role.CATEGORICAL


def _infer_one(name: object, series: pd.Series) -> Role:
    hint = name_hint(name)
    if series.isna().all():
        return Role.IGNORE
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return Role.DATE
    if pd.api.types.is_bool_dtype(series.dtype):
        return Role.CONSENT if hint is Role.CONSENT else Role.CATEGORICAL
    sample = _sample(series)
    if pd.api.types.is_numeric_dtype(series.dtype):
        if hint is Role.DATE and parse_dates(sample).n_bad <= 0.1 * len(sample):
            return Role.DATE
        return _numeric_role(hint, sample)
    return _text_role(hint, sample)


def _one_customer_id(frame: pd.DataFrame, roles: dict[str, Role]) -> dict[str, Role]:
    """Keep one customer id: the first column whose name says so, else the first candidate.

    Other candidates become plain text, which the user can change in the roles table.
    """
    candidates = [c for c, r in roles.items() if r is Role.CUSTOMER_ID]
    if len(candidates) <= 1:
        return roles
    named = [c for c in candidates if name_hint(c) is Role.CUSTOMER_ID and normalise_name(c) != "id"]
    keep = named[0] if named else candidates[0]
    return {c: (Role.TEXT if r is Role.CUSTOMER_ID and c != keep else r) for c, r in roles.items()}


def infer_roles(frame: pd.DataFrame) -> dict[str, Role]:
    """Guess the role of every column from its name and (a sample of) its values.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Text columns (as loaded from CSV) or native numbers/dates (Excel, Parquet).

    Returns
    -------
    dict
        Column name → :class:`Role`, in column order. At most one column is the customer id.
    """
    roles = {str(column): _infer_one(column, frame[column]) for column in frame.columns}
    return _one_customer_id(frame, roles)
