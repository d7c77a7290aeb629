"""Campaign building blocks: the spec, the result types and the column-level rules.

Public through :mod:`segmentation.campaigns.audience`; kept apart so the builder and the exporters can
both import them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.campaigns.column_values import folded_text, numbers
from segmentation.campaigns.conditions import AudienceQuery
from segmentation.campaigns.consent import ConsentDecision, read_consent_column
from segmentation.campaigns.suppression import SuppressionList, read_suppression, suppression_columns
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import clean_text, match_key
from segmentation.segments.labels import segment_name_column
from segmentation.vocabulary import ConsentPolarity

__all__ = [
    "DEFAULT_FIELDS",
    "Audience",
    "CampaignSpec",
    "ColumnFilter",
    "ContactColumns",
    "RuleCount",
    "filter_mask",
    "folded_text",
    "hash_email",
    "isin_text",
    "numbers",
    "parse_consent",
    "parse_filter",
    "pivot_recommendations",
    "suppression_entries",
    "with_segments",
]

#: Logical fields a list can carry, in output order; any other entry of ``CampaignSpec.columns``
#: is taken as the name of an input column to copy through.
DEFAULT_FIELDS = ("id", "email", "name", "segment", "segment_name", "action", "items")

_FILTER_OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "in", "not in", "contains")
_NUMERIC_OPERATORS = frozenset({">=", "<=", ">", "<"})
_RECS_STANDARD_COLUMNS = frozenset({"rank", "item_name", "score", "reason", "segment", "cold_start"})


@dataclass(frozen=True)
class ColumnFilter:
    """Keep customers whose ``column`` satisfies ``operator value``.

    Text comparisons (``==``, ``!=``, ``in``, ``not in``, ``contains``) ignore case and
    surrounding spaces; ``>=``, ``<=``, ``>``, ``<`` compare numbers, and a customer whose value
    is not a number fails the filter. ``in`` / ``not in`` take a tuple of values.
    """

    column: str
    operator: str
    value: str | float | tuple[str, ...]

    def describe(self) -> str:
        """A short sentence for rule tables and manifests, e.g. ``country == DE``."""
        value = ", ".join(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.column} {self.operator} {value}"

    def to_dict(self) -> dict[str, object]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"column": self.column, "operator": self.operator, "value": value}


@dataclass(frozen=True)
class ContactColumns:
    """Which input columns hold the customer id, the email, the phone number and the name parts."""

    customer_id: str
    email: str | None = None
    name: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    """Everything that decides who is on a campaign list (recorded in the manifest).

    Parameters
    ----------
    name : str
        The campaign's name, used in file names.
    segments : tuple of str
        Persona names (values of ``segment_name``) to target; empty means every segment.
        A segment number written as text (``"3"``) also works.
    rfm_groups : tuple of str
        Values of ``rfm_segment`` to target; empty means every group.
    filters : tuple of ColumnFilter
        Extra conditions, all of which must hold.
    consent_col : str or None
        Column holding marketing consent. Required unless ``consent_waived``.
    consent_polarity : {"opt-in", "opt-out"} or None
        What "yes" means in ``consent_col`` ("opt-out": yes = do not contact). None reads it from
        the column's name, which must then be clear (``unsubscribed``, ``newsletter_opt_in``);
        otherwise :func:`build_audience` refuses to build the list.
    consent_confirmed : bool
        The user (or a command-line flag) confirmed ``consent_polarity`` (recorded in the manifest).
    consent_waived : bool
        The user explicitly chose not to check consent (recorded in the manifest).
    suppression : tuple of str
        Emails or ids never to contact; compared by :func:`segmentation.keys.match_key`.
    suppression_lists : tuple of SuppressionList
        Suppression files, each counted separately in the manifest.
    control_share : float
        Share of each segment kept as an uncontacted control group, in [0, 0.9].
    seed : int
        Seed of the control-group draw.
    columns : tuple of str
        Fields of the list (see :data:`DEFAULT_FIELDS`) and/or input column names; empty means
        :data:`DEFAULT_FIELDS`. The id and ``group`` are always included.
    top_n_items : int
        Recommended items per customer to include when recommendations are given.
    hash_emails : bool
        Replace the email by ``email_sha256`` (SHA-256 of the trimmed, lower-cased email) and
        leave names out, for ad-platform uploads.
    query : AudienceQuery or None
        The audience builder's AND/OR conditions (see :mod:`segmentation.campaigns.conditions`),
        applied after ``filters``; consent and suppression still apply after it.
    """

    name: str
    segments: tuple[str, ...] = ()
    rfm_groups: tuple[str, ...] = ()
    filters: tuple[ColumnFilter, ...] = ()
    consent_col: str | None = None
    consent_waived: bool = False
    suppression: tuple[str, ...] = ()
    consent_polarity: str | None = None
    consent_confirmed: bool = False
    suppression_lists: tuple[SuppressionList, ...] = ()
    control_share: float = 0.1
    seed: int = 0
    columns: tuple[str, ...] = ()
    top_n_items: int = 3
    hash_emails: bool = False
    query: AudienceQuery | None = None


@dataclass(frozen=True)
class RuleCount:
    """How many customers one rule removed, and how many were left after it."""

    rule: str
    removed: int
    remaining: int


@dataclass(frozen=True)
class SuppressionMatch:
    """What one suppression list did: customers of the file it matches, and how many it removed."""

    source: str
    column: str | None
    entries: int
    matched: int
    removed: int


@dataclass(frozen=True)
class Audience:
    """A campaign list and how it was made.

    Attributes
    ----------
    frame : DataFrame of shape (n_listed, n_fields)
        The list: the id first, then the chosen fields, ``group`` (``treatment``/``control``)
        and item columns; sorted by segment and id.
    rules : tuple of RuleCount
        Customers removed by each rule, in the order applied.
    counts : DataFrame
        One row per segment: ``segment``, ``segment_name``, ``treatment``, ``control``, ``total``.
    n_input : int
        Rows in the customer table.
    unrecognised_consent : dict of str to int
        Consent values that are neither yes nor no, with how many rows had them (excluded).
    spec : CampaignSpec
    contacts : ContactColumns
    notes : tuple of str
        Plain-language remarks (waived consent, unmatched recommendations ...).
    consent : ConsentDecision or None
        How consent was read (None when waived).
    suppression_matches : tuple of SuppressionMatch
        What each suppression list matched and removed.
    warnings : tuple of str
        Problems worth a look that did not stop the list (a suppression list matching nobody).
    input_rows : ndarray of shape (n_listed,)
        Position in the input of each row of ``frame`` (for the send list's input order).
    """

    frame: pd.DataFrame
    rules: tuple[RuleCount, ...]
    counts: pd.DataFrame
    n_input: int
    spec: CampaignSpec
    contacts: ContactColumns
    unrecognised_consent: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    consent: ConsentDecision | None = None
    suppression_matches: tuple[SuppressionMatch, ...] = ()
    warnings: tuple[str, ...] = ()
    input_rows: np.ndarray | None = None

    @property
    def n_treatment(self) -> int:
        return int(self.counts["treatment"].sum())

    @property
    def n_control(self) -> int:
        return int(self.counts["control"].sum())


def isin_text(keys: pd.Series, values: Collection[str]) -> np.ndarray:
    """Whether each text key is in ``values``, as a boolean array of shape (n_keys,).

    Same answer as ``keys.isin(values)``; pandas' Arrow-backed ``isin`` converts the values one
    by one, which takes seconds for a 100k-entry suppression list, so pyarrow does it here.
    """
    if len(values) == 0:
        return np.zeros(len(keys), dtype=bool)
    key_array = pa.array(keys.astype("str").array)
    if isinstance(values, pd.Index | pd.Series):
        wanted = pa.array(values.astype("str").array).cast(key_array.type)
    else:
        wanted = pa.array(list(values), type=pa.string()).cast(key_array.type)
    found = pc.fill_null(pc.is_in(key_array, value_set=wanted), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def hash_email(emails: pd.Series) -> pd.Series:
    """SHA-256 hex digest of each email as matched (trimmed, lower-cased); empty emails stay empty."""
    keys = match_key(emails)
    hashed = [hashlib.sha256(k.encode("utf-8")).hexdigest() if k else "" for k in keys]
    return pd.Series(hashed, index=emails.index, dtype="str")


def parse_consent(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Read an opt-in consent column ("yes" = may contact) with the shared vocabulary.

    Parameters
    ----------
    values : Series of shape (n_rows,)
        Text such as yes/no, ja/nein, はい/いいえ, opt-in/opt-out, 1/0, or a boolean column.

    Returns
    -------
    consent : Series of shape (n_rows,)
        Nullable boolean: True = may be contacted, False = said no or empty, NA = unrecognised.
    unrecognised : dict of str to int
        Each value that is neither a yes nor a no word, with its count.
    """
    contact, blank, decision = read_consent_column(
        values, column=str(values.name), polarity=ConsentPolarity.OPT_IN, confirmed=True
    )
    contact = contact.copy()
    contact[blank] = False
    return contact.astype("boolean"), dict(decision.unrecognised)


_FILTER_PATTERN = re.compile(r"^(?P<column>.+?)\s*(?P<op>>=|<=|!=|==|=|>|<|~)\s*(?P<value>.*)$", re.DOTALL)


def parse_filter(text: str) -> ColumnFilter:
    """Read a command-line filter such as ``country=DE``, ``country=DE|FR``, ``monetary>=100``.

    ``=`` compares text (``|`` separates alternatives), ``!=`` excludes, ``~`` means "contains",
    ``>=``, ``<=``, ``>``, ``<`` compare numbers.
    """
    match = _FILTER_PATTERN.match(text.strip())
    if match is None or not match["column"].strip():
        raise ParameterError(
            f"filter {text!r} is not understood; "
            "write it like 'country=DE', 'country=DE|FR' or 'monetary>=100'."
        )
    column, op, value = match["column"].strip(), match["op"], match["value"].strip()
    if op in ("=", "=="):
        alternatives = tuple(v.strip() for v in value.split("|"))
        return (
            ColumnFilter(column, "in", alternatives)
            if len(alternatives) > 1
            else ColumnFilter(column, "==", value)
        )
    if op == "~":
        return ColumnFilter(column, "contains", value)
    if op in _NUMERIC_OPERATORS:
        try:
            return ColumnFilter(column, op, float(value.replace(",", ".")))
        except ValueError:
            raise ParameterError(
                f"filter {text!r}: {value!r} is not a number; write e.g. '{column}{op}100'."
            ) from None
    return ColumnFilter(column, op, value)


def filter_mask(frame: pd.DataFrame, rule: ColumnFilter) -> pd.Series:
    """Assumes validated column and operator."""
    column = frame[rule.column]
    if rule.operator in _NUMERIC_OPERATORS:
        values = numbers(column)
        threshold = float(rule.value)  # type: ignore[arg-type]
        result = {">=": values >= threshold, "<=": values <= threshold, ">": values > threshold}.get(
            rule.operator, values < threshold
        )
        return result.fillna(False).astype(bool)
    text = folded_text(column)
    if rule.operator == "contains":
        return text.str.contains(clean_text(str(rule.value)).casefold(), regex=False)
    wanted = rule.value if isinstance(rule.value, tuple) else (str(rule.value),)
    is_in = text.isin({clean_text(str(v)).casefold() for v in wanted})
    return is_in if rule.operator in ("==", "in") else ~is_in


def suppression_entries(table: pd.DataFrame) -> tuple[str, ...]:
    """The match keys of a suppression table's plausible columns (emails or id-named), sorted, unique.

    When no column is plausible, the first column is read. A header that is itself an email
    (a list without a header row) counts as an entry. To choose the column explicitly, use
    :func:`segmentation.campaigns.suppression.read_suppression`.
    """
    if table.shape[1] == 0:
        return ()
    chosen = [c.column for c in suppression_columns(table) if c.plausible] or [str(table.columns[0])]
    entries: set[str] = set()
    for column in chosen:
        entries |= set(read_suppression(table, column=column, source="list").entries)
    headers = match_key(pd.Series([str(c) for c in chosen if "@" in str(c)], dtype="object"))
    entries |= set(headers[headers != ""])
    return tuple(sorted(entries))


def pivot_recommendations(
    recommendations: pd.DataFrame, *, customer_col: str, top_n: int, item_col: str | None = None
) -> pd.DataFrame:
    """Turn long recommendations into one row per customer.

    Parameters
    ----------
    recommendations : DataFrame of shape (n_rows, n_columns)
        One row per (customer, rank): ``customer_col``, ``rank``, the item id column and
        optionally ``item_name``.
    customer_col : str
    top_n : int
        Items to keep per customer (ranks 1..top_n).
    item_col : str, optional
        The item id column; by default ``item`` or the first non-standard column.

    Returns
    -------
    DataFrame of shape (n_customers, 2 * top_n)
        Indexed by the normalised customer id, with ``item_1``, ``item_1_name``, ``item_2`` ...
    """
    if customer_col not in recommendations.columns or "rank" not in recommendations.columns:
        raise ColumnError(
            f"the recommendations need a {customer_col!r} column and a 'rank' column; they have "
            f"{', '.join(map(repr, recommendations.columns))}."
        )
    if item_col is None:
        others = [c for c in recommendations.columns if c not in _RECS_STANDARD_COLUMNS and c != customer_col]
        item_col = "item" if "item" in others else (others[0] if others else None)
    if item_col is None or item_col not in recommendations.columns:
        raise ColumnError("the recommendations have no item column; expected 'item' or an item id column.")
    ranks = numbers(recommendations["rank"])
    if ranks.isna().any():
        raise ColumnError("the recommendations' 'rank' column has values that are not numbers.")
    has_names = "item_name" in recommendations.columns
    long = pd.DataFrame(
        {
            "key": match_key(recommendations[customer_col]),
            "rank": ranks.astype("int64"),
            "item": recommendations[item_col].astype("str"),
            "item_name": recommendations["item_name"].astype("str") if has_names else "",
        }
    )
    long = long[(long["rank"] >= 1) & (long["rank"] <= top_n)].drop_duplicates(["key", "rank"])
    # Placing values by integer codes is several times faster than DataFrame.pivot on millions of rows.
    codes, customers = pd.factorize(long["key"])
    rank_of_row = long["rank"].to_numpy()
    parts = {"": long["item"].to_numpy(dtype=object)}
    if has_names:
        parts["_name"] = long["item_name"].to_numpy(dtype=object)
    columns: dict[str, pd.Series] = {}
    for rank in range(1, top_n + 1):
        at_rank = rank_of_row == rank
        for suffix, source in parts.items():
            values = np.full(len(customers), "", dtype=object)
            values[codes[at_rank]] = source[at_rank]
            columns[f"item_{rank}{suffix}"] = pd.Series(values, dtype="str")
    return pd.DataFrame(columns).set_axis(pd.Index(customers, name="key"), axis=0)


def with_segments(
    customers: pd.DataFrame, labels: Sequence[int] | np.ndarray, names: Mapping[int, str]
) -> pd.DataFrame:
    """A copy of ``customers`` with ``segment`` and ``segment_name`` columns, as ``segment`` writes them."""
    labels = np.asarray(labels, dtype="int64")
    if len(labels) != len(customers):
        raise ParameterError(
            f"there are {len(labels)} segment labels for {len(customers)} customers; segment the data again."
        )
    frame = customers.copy()
    frame["segment"] = labels
    frame["segment_name"] = pd.Series(
        segment_name_column(labels, names),
        index=frame.index,
        dtype="str",
    )
    return frame
