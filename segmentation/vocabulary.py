"""The words the product reads in marketers' files: yes/no values, missing-value placeholders and
what a consent column's name says about its polarity.

This is the one place these word lists live. The role inference, the Data page, the Campaigns
page and the CLI all read yes/no values and consent columns through the functions here, so "ja",
"oui", "はい" or "t" mean the same thing everywhere (they used to differ between app and CLI).

Values are compared after :func:`segmentation.keys.clean_text` (Unicode NFKC, zero-width characters
removed, trimmed) and case folding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from segmentation.keys import clean_text

__all__ = [
    "CONTACT_NO_WORDS",
    "CONTACT_YES_WORDS",
    "FALSE_WORDS",
    "MISSING_WORDS",
    "TRUE_WORDS",
    "YES_NO_WORDS",
    "ConsentName",
    "ConsentPolarity",
    "ConsentReading",
    "consent_polarity",
    "is_yes_no",
    "looks_like_consent_name",
    "may_contact",
    "read_consent_name",
    "read_yes_no",
]

#: Values meaning "yes" / "true", in the languages of the role hint table (compared case-folded).
TRUE_WORDS = frozenset(
    {
        "yes", "y", "true", "t", "1", "1.0", "x", "✓", "✔",
        "ja", "j", "wahr",  # German
        "oui", "o", "vrai",  # French
        "si", "sí", "s", "verdadero",  # Spanish, Italian
        "sim", "verdadeiro",  # Portuguese
        "da", "да",  # Slavic
        "tak",  # Polish
        "evet",  # Turkish
        "是", "对", "對", "有",  # Chinese
        "はい", "有り", "あり",  # Japanese
        "예", "네",  # Korean
    }
)  # fmt: skip
#: Values meaning "no" / "false".
FALSE_WORDS = frozenset(
    {
        "no", "n", "false", "f", "0", "0.0",
        "nein", "falsch",
        "non", "faux",
        "falso",
        "não", "nao",
        "нет", "ne",
        "nie",
        "hayır", "hayir",
        "否", "不", "不是", "无", "無",
        "いいえ", "無し", "なし",
        "아니요", "아니오",
    }
)  # fmt: skip
#: Values whose own words say the person may be contacted, whatever the column's name.
CONTACT_YES_WORDS = frozenset(
    {"opt-in", "opt in", "optin", "opted in", "opted-in", "subscribed", "subscriber", "granted", "given"}
)
#: Values whose own words say the person must not be contacted, whatever the column's name.
CONTACT_NO_WORDS = frozenset(
    {
        "opt-out", "opt out", "optout", "opted out", "opted-out", "unsubscribed", "unsubscribe",
        "withdrawn", "revoked", "denied", "declined", "cleaned", "bounced", "blocked", "do not contact",
        # Klaviyo's NEVER_SUBSCRIBED, Mailchimp's "Non-subscribed" and "Pending" (double opt-in not confirmed)
        "never subscribed", "never_subscribed", "non-subscribed", "non subscribed", "not subscribed",
        "pending",
    }
)  # fmt: skip
#: Every value a yes/no column may hold.
YES_NO_WORDS = TRUE_WORDS | FALSE_WORDS | CONTACT_YES_WORDS | CONTACT_NO_WORDS
#: Placeholders exports write for "no value".
MISSING_WORDS = frozenset(
    {
        "", "n/a", "na", "n.a.", "nan", "null", "none", "nil", "-", "--", "---", "?", "missing",
        "unknown", "#n/a", "#null!", "(blank)", "(leer)", "k.a.", "keine angabe", "inconnu",
        "desconocido", "不明", "未知", "无", "空",
    }
)  # fmt: skip


class ConsentPolarity(StrEnum):
    """What a "yes" in a consent column means."""

    OPT_IN = "opt-in"  # yes = may contact
    OPT_OUT = "opt-out"  # yes = do not contact

    @property
    def meaning(self) -> str:
        """The plain words shown to the user, e.g. "yes means *do not contact*"."""
        return "yes means may contact" if self is ConsentPolarity.OPT_IN else "yes means do not contact"


# Names are matched after lower-casing with "_", "-", "." and camelCase turned into spaces.
# Opt-out words are checked first: "newsletter_unsubscribe" holds "newsletter" and "subscribe".
_OPT_OUT_NAME = re.compile(
    r"(?:do not|don['’ ]?t|not) (?:wish|want|like|agree) to (?:receive|be contacted)|not to receive|"
    r"un ?subscri|opt(?:ed)? ?out|do ?not (?:contact|mail|email|e mail|call|text|sms|market|solicit)|"
    r"\bdnc\b|\bno (?:contact|mail|email|marketing|newsletter)\b|withdr[ae]wn?|objection|objected|"
    r"revoked?|\bopposed?\b|opposition|blacklist|block ?list|suppress|bounced?|has opted out|"
    r"widerspruch|widerruf|abgemeldet|abmeld|abbestell|kein(?:e)? werbung|werbesperre|"
    r"d[ée]sabonn|d[ée]sinscri|opposition|retrait|"
    r"baja|darse de baja|desuscri|rechaz|revoca|"
    r"disiscri|revoca|"
    r"退订|取消订阅|拒绝|拒收|退訂|配信停止|拒否|解除|受信拒否|オプトアウト"
)
_OPT_IN_NAME = re.compile(
    r"agree(?:s|d)? to (?:receive|be contacted|get)|(?:wish|want|like) to receive|"
    r"consent|opt(?:ed)? ?in\b|optin|newsletter|subscri|permission|gdpr|dsgvo|rgpd|"
    r"accepts? (?:email |e mail |sms |text |)(?:marketing|newsletter|emails?|sms|contact|communications?|"
    r"promotions?|offers?)|marketing (?:allowed|ok|permitted|opt|emails? ok|status)|"
    r"(?:can|may|ok to|allow(?:ed)?|allows) (?:to )?(?:email|e mail|contact|mail|call|text|sms|market)|"
    r"einwillig|zustimmung|werbeerlaubnis|consentement|consentimiento|autoriza|consenso|"
    r"同意|許諾|配信希望|メルマガ|订阅|訂閱"
)
# Flags that record what a customer did, not what they allowed: never consent, whatever else the name says.
_NOT_CONSENT_NAME = re.compile(
    r"respon[sd]|accepted ?cmp|\bcmp\b|campaign|complain|click|open(?:ed|s)?\b|convert|purchas|churn|"
    r"\bdate\b|\btime\b|timestamp|\bat\b|\bon\b|count|\brate\b|score|rating|source|reason"
)


def _name_words(name: object) -> str:
    text = str(name)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"[_\-.:/()\[\]#]+", " ", clean_text(text).casefold())
    return " ".join(text.split())


# Names that mean consent but not which way round ("gdpr": consent given, or objection raised?).
_UNSURE_NAME = re.compile(
    r"^(?:gdpr|dsgvo|rgpd|marketing|email|e mail|sms|contact|newsletter)(?: (?:status|flag))?$|"
    r"opt ?in ?/? ?out|status$"
)


@dataclass(frozen=True)
class ConsentName:
    """What a column's name says about consent: the polarity read and whether the name is clear.

    ``certain`` is False for names such as "gdpr" or "marketing status", where "yes" could mean
    either; then nothing is sent until the user says which way round the column is.
    """

    polarity: ConsentPolarity
    certain: bool

    @property
    def description(self) -> str:
        meaning = self.polarity.meaning
        return meaning if self.certain else f"probably {meaning} (please confirm)"


def read_consent_name(name: object) -> ConsentName | None:
    """What the column name ``name`` says about consent, or None when it is not a consent name.

    >>> read_consent_name("newsletter_unsubscribe")
    ConsentName(polarity=<ConsentPolarity.OPT_OUT: 'opt-out'>, certain=True)
    >>> read_consent_name("Accepts Email Marketing")
    ConsentName(polarity=<ConsentPolarity.OPT_IN: 'opt-in'>, certain=True)
    >>> read_consent_name("AcceptedCmp3") is None
    True
    """
    words = _name_words(name)
    if _NOT_CONSENT_NAME.search(words):
        return None
    unsure = bool(_UNSURE_NAME.search(words))
    if _OPT_OUT_NAME.search(words):
        return ConsentName(ConsentPolarity.OPT_OUT, certain=not unsure)
    if _OPT_IN_NAME.search(words):
        return ConsentName(ConsentPolarity.OPT_IN, certain=not unsure)
    return None


def consent_polarity(name: object) -> ConsentPolarity | None:
    """The polarity the column name ``name`` suggests (certain or not), or None."""
    reading = read_consent_name(name)
    return None if reading is None else reading.polarity


def looks_like_consent_name(name: object) -> bool:
    """Whether the column's name means consent, opt-in/opt-out, subscription or permission."""
    return consent_polarity(name) is not None


def _folded(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.map({True: "true", False: "false"}).astype("object")
    return clean_text(values.astype("str").where(values.notna(), "")).str.casefold()


def is_yes_no(values: pd.Series) -> bool:
    """Whether every non-missing value of ``values`` is a yes/no word (and there is at least one)."""
    words = _folded(values.dropna())
    words = words[~words.isin(MISSING_WORDS)]
    return bool(len(words)) and bool(words.isin(YES_NO_WORDS).all())


def read_yes_no(values: pd.Series) -> pd.Series:
    """Yes/no values as a nullable boolean Series of the same index (missing or unknown → ``<NA>``).

    Words that carry their own contact meaning count as their literal truth:
    "opt-in"/"subscribed" are True, "opt-out"/"unsubscribed" are False.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    words = _folded(values)
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[words.isin(TRUE_WORDS | CONTACT_YES_WORDS).to_numpy()] = True
    result[words.isin(FALSE_WORDS | CONTACT_NO_WORDS).to_numpy()] = False
    return result


@dataclass(frozen=True)
class ConsentReading:
    """A consent column read with a known polarity.

    ``may_contact`` is True where the person may be contacted, False where they may not and
    ``<NA>`` where the value was missing or not a yes/no word (such people are never contacted);
    ``unrecognised`` counts those values; ``words_applied`` lists the distinct words read as
    "may contact" and as "do not contact" (for the manifest).
    """

    may_contact: pd.Series
    unrecognised: dict[str, int]
    contact_words: tuple[str, ...]
    no_contact_words: tuple[str, ...]


def may_contact(
    values: pd.Series, polarity: ConsentPolarity | str, *, counts: pd.Series | None = None
) -> ConsentReading:
    """Who may be contacted according to a consent column of the given polarity.

    Parameters
    ----------
    values : Series of shape (n_rows,)
        The consent column as loaded (text, numbers or booleans).
    polarity : ConsentPolarity or {"opt-in", "opt-out"}
        What "yes" means in this column. Values such as "unsubscribed" or "opt-in" keep their own
        meaning in either polarity.
    counts : Series of shape (n_rows,), optional
        How many rows each value stands for, when ``values`` are a column's distinct values
        (an engine that reads them once per value); ``unrecognised`` then counts rows, not values.
    """
    polarity = ConsentPolarity(polarity)
    words = _folded(values)
    literal = read_yes_no(values)
    contact = literal if polarity is ConsentPolarity.OPT_IN else ~literal
    # Words that say it themselves override the column's polarity.
    contact[words.isin(CONTACT_YES_WORDS).to_numpy()] = True
    contact[words.isin(CONTACT_NO_WORDS).to_numpy()] = False
    unknown = values[contact.isna()]
    shown = clean_text(unknown.astype("str").where(unknown.notna(), "(blank)"))
    if counts is None:
        tally = shown.value_counts()
    else:
        tally = (
            pd.Series(counts.to_numpy(dtype="int64")[contact.isna().to_numpy()], index=shown.to_numpy())
            .groupby(level=0)
            .sum()
        )
    unrecognised = {str(k): int(v) for k, v in tally.sort_index().items()}
    yes_words = tuple(sorted(set(words[contact.fillna(False).to_numpy(dtype=bool)])))
    no_words = tuple(sorted(set(words[(~contact).fillna(False).to_numpy(dtype=bool)])))
    return ConsentReading(contact.astype("boolean"), unrecognised, yes_words, no_words)
