"""Campaign target lists: who may be contacted, without duplicates, with a measurable control group.

A list a marketer downloads goes straight into an email or ad platform, so :func:`build_audience`
applies its rules in a fixed, reported order:

1. rows without a customer id are dropped;
2. only the chosen segments (by persona name) and RFM groups are kept;
3. each column filter (``country == DE``, ``monetary >= 100`` ...) is applied, then the audience
   builder's query (AND/OR groups of conditions, :mod:`segmentation.campaigns.conditions`);
4. consent: the consent column is read with its polarity (``unsubscribed``: yes means do *not*
   contact), taken from the user's choice or from a clear column name and never assumed (see
   :mod:`segmentation.campaigns.consent`); only customers who may be contacted are kept; values
   that are neither yes nor no (in any language of :mod:`segmentation.vocabulary`) are
   reported, never guessed; a customer who said "no" on any row is removed from every row with
   the same id or email;
5. the suppression lists remove people by id or email;
6. duplicates by customer id, then by email, are removed (the first row in the file wins).

Ids and emails are compared by :func:`segmentation.keys.match_key` in every step (``1000.0`` is
``1000``, ``Ann <A@x.org>`` is ``a@x.org``, zero-width and full-width characters are folded).
The remaining customers are sorted by segment and id (numerically when every id is a number),
and in each segment exactly
``round(control_share * n_segment)`` of them (halves round up) are drawn, with a seeded
permutation, into the control group: they stay in the file with ``group = control`` so the
campaign can be measured, but must not be contacted. The same inputs and seed give the same
list, row for row.

Writing the list (CSV, XLSX, ZIP) and its manifest lives in :mod:`segmentation.campaigns.export`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from segmentation.campaigns.audience_rules import (
    RULE_DUPLICATE_EMAIL,
    RULE_DUPLICATE_ID,
    RULE_NO_CONSENT,
    RULE_SAID_NO_ELSEWHERE,
    RULE_SUPPRESSED,
    RULE_UNRECOGNISED_CONSENT,
    audience_notes,
    bad_segment_error,
    check_chosen_segments,
    control_positions,
    control_size,
    count_table,
    id_numbers,
    read_segment_numbers,
    row_rules,
    suppression_warning,
)
from segmentation.campaigns.conditions import validate_query
from segmentation.campaigns.consent import (
    ConsentCandidate,
    ConsentDecision,
    consent_candidates,
    default_consent_column,
    describe_consent,
    read_consent_column,
    resolve_polarity,
)
from segmentation.campaigns.export import (
    build_manifest,
    campaign_file_name,
    campaign_slug,
    escape_formulas,
    export_csv,
    export_send_zip,
    export_xlsx,
    export_zip,
    file_entry,
    manifest_bytes,
    safe_file_stem,
    safe_table_bytes,
    send_ready,
    unescape_text,
)
from segmentation.campaigns.rules import (
    DEFAULT_FIELDS,
    Audience,
    CampaignSpec,
    ColumnFilter,
    ContactColumns,
    RuleCount,
    SuppressionMatch,
    hash_email,
    isin_text,
    parse_consent,
    parse_filter,
    pivot_recommendations,
    suppression_entries,
    with_segments,
)
from segmentation.campaigns.suppression import (
    SuppressionColumn,
    SuppressionList,
    default_suppression_column,
    read_suppression,
    suppression_columns,
    suppression_table,
)
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import match_key

__all__ = [
    "DEFAULT_FIELDS",
    "Audience",
    "CampaignSpec",
    "ColumnFilter",
    "ConsentCandidate",
    "ConsentDecision",
    "ContactColumns",
    "RuleCount",
    "SuppressionColumn",
    "SuppressionList",
    "SuppressionMatch",
    "all_suppression_lists",
    "build_audience",
    "build_manifest",
    "campaign_file_name",
    "campaign_slug",
    "check_campaign",
    "consent_candidates",
    "control_size",
    "default_consent_column",
    "default_suppression_column",
    "describe_consent",
    "escape_formulas",
    "export_csv",
    "export_send_zip",
    "export_xlsx",
    "export_zip",
    "file_entry",
    "hash_email",
    "list_columns",
    "listed_items",
    "manifest_bytes",
    "parse_consent",
    "parse_filter",
    "pivot_recommendations",
    "read_suppression",
    "resolve_polarity",
    "safe_file_stem",
    "safe_table_bytes",
    "send_ready",
    "suppression_columns",
    "suppression_entries",
    "suppression_table",
    "unescape_text",
    "with_segments",
]

MAX_CONTROL_SHARE = 0.9


class _RuleLog:
    """Keeps the running mask and records what each rule removed."""

    def __init__(self, n_rows: int) -> None:
        self.keep = np.ones(n_rows, dtype=bool)
        self.rules: list[RuleCount] = []

    def apply(self, rule: str, allowed: np.ndarray | pd.Series) -> None:
        before = int(self.keep.sum())
        self.keep = self.keep & np.asarray(allowed, dtype=bool)
        after = int(self.keep.sum())
        self.rules.append(RuleCount(rule=rule, removed=before - after, remaining=after))


def check_campaign(customers: pd.DataFrame, spec: CampaignSpec, contacts: ContactColumns) -> None:
    """Raise on a spec the list cannot be built from: a missing column, no consent decision, bad options."""
    shown = ", ".join(repr(str(c)) for c in list(customers.columns)[:30])
    needed = [contacts.customer_id, "segment", "segment_name"]
    needed += [c for c in (contacts.email, contacts.phone, *contacts.name) if c is not None]
    needed += [f.column for f in spec.filters]
    if spec.consent_col is not None:
        needed.append(spec.consent_col)
    if spec.rfm_groups:
        needed.append("rfm_segment")
    missing = [c for c in needed if c not in customers.columns]
    if missing:
        raise ColumnError(f"the customer table has no column {missing[0]!r}. Its columns are: {shown}.")
    if spec.query is not None:
        validate_query(spec.query, customers.columns)
    if spec.consent_col is None and not spec.consent_waived:
        raise ParameterError(
            "choose the column that records marketing consent, or explicitly waive the consent check."
        )
    if not 0.0 <= spec.control_share <= MAX_CONTROL_SHARE:
        raise ParameterError(
            f"control share {spec.control_share} is outside 0 to {MAX_CONTROL_SHARE}; "
            "a typical control group is 0.05 to 0.2."
        )
    if spec.consent_polarity is not None and spec.consent_polarity not in ("opt-in", "opt-out"):
        raise ParameterError(
            f"consent polarity {spec.consent_polarity!r} is not understood; use 'opt-in' (yes = may "
            "contact) or 'opt-out' (yes = do not contact)."
        )
    if spec.seed < 0:
        raise ParameterError(f"seed {spec.seed} is negative; use a whole number of 0 or more.")
    if spec.top_n_items < 1:
        raise ParameterError(f"top_n_items={spec.top_n_items}; include at least 1 recommended item.")
    for rule in spec.filters:
        if rule.operator not in ("==", "!=", ">=", "<=", ">", "<", "in", "not in", "contains"):
            raise ParameterError(f"filter on {rule.column!r}: unknown condition {rule.operator!r}.")


def _consent_rules(
    log: _RuleLog, customers: pd.DataFrame, spec: CampaignSpec, ids: pd.Series, emails: pd.Series | None
) -> tuple[ConsentDecision, str | None]:
    """Assumes a validated spec with a consent column."""
    column = str(spec.consent_col)
    polarity, note = resolve_polarity(column, spec.consent_polarity)
    contact, blank, decision = read_consent_column(
        customers[column], column=column, polarity=polarity, confirmed=spec.consent_confirmed
    )
    said_no = (contact == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712 - nullable boolean
    log.apply(RULE_NO_CONSENT, ~said_no & ~blank)
    log.apply(RULE_UNRECOGNISED_CONSENT, contact.notna().to_numpy() | blank)
    # Someone who said no on one row must not be reached through a duplicate row that says yes.
    blocked = set(ids[said_no]) | (set(emails[said_no]) if emails is not None else set())
    blocked.discard("")
    allowed = ~isin_text(ids, blocked)
    if emails is not None:
        allowed &= ~isin_text(emails, blocked)
    log.apply(RULE_SAID_NO_ELSEWHERE, allowed)
    return decision, note


def all_suppression_lists(spec: CampaignSpec) -> list[SuppressionList]:
    """The spec's suppression lists; loose entries (ids or emails typed in) come first as their own list."""
    lists = list(spec.suppression_lists)
    if spec.suppression:
        keys = match_key(pd.Series(list(spec.suppression), dtype="object"))
        entries = tuple(sorted(set(keys[keys != ""])))
        lists.insert(0, SuppressionList(source="the suppression entries", column=None, entries=entries))
    return lists


def _suppression_rules(
    log: _RuleLog, spec: CampaignSpec, ids: pd.Series, emails: pd.Series | None
) -> tuple[tuple[SuppressionMatch, ...], list[str]]:
    lists = all_suppression_lists(spec)
    on_any = np.zeros(len(ids), dtype=bool)
    matches, warnings = [], []
    for entry_list in lists:
        on_list = isin_text(ids, entry_list.entries)
        if emails is not None:
            on_list |= isin_text(emails, entry_list.entries)
        matches.append(
            SuppressionMatch(
                source=entry_list.source,
                column=entry_list.column,
                entries=len(entry_list.entries),
                matched=int(on_list.sum()),
                removed=int((on_list & log.keep).sum()),
            )
        )
        if entry_list.entries and not on_list.any():
            warnings.append(suppression_warning(entry_list))
        on_any |= on_list
    log.apply(RULE_SUPPRESSED, ~on_any)
    return tuple(matches), warnings


def _list_order(ids: pd.Series, segments: np.ndarray) -> np.ndarray:
    """Sort by segment, then by id: numerically when every id is a number (999 before 1000), else as text.

    The list then does not depend on the input's row order.
    """
    numbers = id_numbers(ids)
    if len(ids) and numbers.notna().all():
        return np.lexsort((ids.to_numpy().astype(str), numbers.to_numpy(dtype="float64"), segments))
    return np.lexsort((ids.to_numpy().astype(str), segments))


def _first_of_each(keys: pd.Series, keep: np.ndarray) -> np.ndarray:
    """True for rows that are the first kept row with their key (empty keys never collide)."""
    duplicated = keys.where(keep, None).duplicated(keep="first").to_numpy() & keep
    return ~(duplicated & (keys != "").to_numpy())


def list_columns(
    selected: pd.DataFrame,
    spec: CampaignSpec,
    contacts: ContactColumns,
    segments: np.ndarray,
    groups: np.ndarray,
    actions: Mapping[int, str] | None,
    items: pd.DataFrame | None,
) -> pd.DataFrame:
    fields = spec.columns or DEFAULT_FIELDS
    out: dict[str, pd.Series | np.ndarray] = {contacts.customer_id: selected[contacts.customer_id].to_numpy()}
    for wanted in fields:
        if wanted == "email" and contacts.email is not None:
            if spec.hash_emails:
                out["email_sha256"] = hash_email(selected[contacts.email]).to_numpy()
            else:
                out[contacts.email] = selected[contacts.email].to_numpy()
        elif wanted == "name" and not spec.hash_emails:
            out.update({c: selected[c].to_numpy() for c in contacts.name})
        elif wanted == "segment":
            out["segment"] = segments
        elif wanted == "segment_name":
            out["segment_name"] = selected["segment_name"].astype("str").to_numpy()
        elif wanted == "action" and actions:
            out["suggested_action"] = np.array([actions.get(int(s), "") for s in segments], dtype=object)
        elif wanted in selected.columns and wanted not in out:
            out[wanted] = selected[wanted].to_numpy()
    out["group"] = groups
    if items is not None and ("items" in fields):
        keys = match_key(selected[contacts.customer_id])
        aligned = items.reindex(keys.to_numpy()).fillna("")
        out.update({c: aligned[c].to_numpy() for c in aligned.columns})
    frame = pd.DataFrame(out)
    text_columns = [c for c in frame.columns if frame[c].dtype == object]
    return frame.astype({c: "str" for c in text_columns})


def listed_items(
    recommendations: pd.DataFrame | None,
    listed_keys: pd.Series,
    *,
    contacts: ContactColumns,
    customer_col: str | None,
    top_n: int,
) -> tuple[pd.DataFrame | None, int | None]:
    """The recommended items per customer (pivoted) and how many listed customers have none.

    ``listed_keys`` are the listed customers' match keys; ``customer_col`` defaults to the id
    column's name when the recommendations have it, else ``customer``. (None, None) without
    recommendations.
    """
    if recommendations is None:
        return None, None
    column = customer_col or (
        contacts.customer_id if contacts.customer_id in recommendations.columns else "customer"
    )
    items = pivot_recommendations(recommendations, customer_col=column, top_n=top_n)
    return items, int((~isin_text(listed_keys, items.index)).sum())


def build_audience(
    customers: pd.DataFrame,
    spec: CampaignSpec,
    *,
    contacts: ContactColumns,
    recommendations: pd.DataFrame | None = None,
    recommendation_customer_col: str | None = None,
    actions: Mapping[int, str] | None = None,
) -> Audience:
    """Apply the campaign rules and draw the control group.

    Parameters
    ----------
    customers : DataFrame of shape (n_customers, n_columns)
        The segmented customer table: the customer columns plus ``segment`` (int, -1 =
        Unassigned) and ``segment_name`` (see :func:`with_segments`). Not modified.
    spec : CampaignSpec
        Who to target and how (see its docstring).
    contacts : ContactColumns
        The id, email and name columns of ``customers``.
    recommendations : DataFrame, optional
        Long recommendations (one row per customer and rank), see :func:`pivot_recommendations`.
    recommendation_customer_col : str, optional
        Customer column of ``recommendations``; by default the id column's name, else ``customer``.
    actions : mapping of int to str, optional
        Suggested action per segment number.

    Returns
    -------
    Audience
        The sorted list with its ``group`` column, what each rule removed, and counts per segment.
    """
    check_campaign(customers, spec, contacts)
    segments_all, bad = read_segment_numbers(customers["segment"])
    if bad.any():
        raise bad_segment_error(customers["segment"][bad].iloc[0])
    if spec.segments:
        check_chosen_segments(customers["segment_name"].unique(), np.unique(segments_all), spec.segments)
    ids = match_key(customers[contacts.customer_id])
    emails = match_key(customers[contacts.email]) if contacts.email is not None else None
    log = _RuleLog(len(customers))
    for rule in row_rules(customers, spec, ids=ids, segments=segments_all):
        log.apply(rule.rule, rule.keep)
    consent: ConsentDecision | None = None
    consent_note = None
    if spec.consent_col is not None and not spec.consent_waived:
        consent, consent_note = _consent_rules(log, customers, spec, ids, emails)
    unrecognised = dict(consent.unrecognised) if consent is not None else {}
    suppression_matches, warnings = _suppression_rules(log, spec, ids, emails)
    log.apply(RULE_DUPLICATE_ID, _first_of_each(ids, log.keep))
    if emails is not None:
        log.apply(RULE_DUPLICATE_EMAIL, _first_of_each(emails, log.keep))

    kept_rows = np.flatnonzero(log.keep)
    order = _list_order(ids.iloc[kept_rows], segments_all[kept_rows])
    selected = customers.iloc[kept_rows[order]]
    segments = segments_all[kept_rows][order]
    groups = np.full(len(segments), "treatment", dtype=object)
    for segment in np.unique(segments):
        positions = np.flatnonzero(segments == segment)
        groups[positions[control_positions(segment, len(positions), spec.control_share, spec.seed)]] = (
            "control"
        )

    items, without = listed_items(
        recommendations,
        match_key(selected[contacts.customer_id]),
        contacts=contacts,
        customer_col=recommendation_customer_col,
        top_n=spec.top_n_items,
    )
    notes = audience_notes(
        consent_note=consent_note,
        without_recommendations=without,
        consent_waived=spec.consent_waived,
        unrecognised=unrecognised,
    )
    frame = list_columns(selected, spec, contacts, segments, groups, actions, items)
    names = selected["segment_name"].astype("str").to_numpy()
    return Audience(
        frame=frame,
        rules=tuple(log.rules),
        counts=count_table(
            pd.DataFrame({"segment": segments, "segment_name": names, "group": groups, "customers": 1})
        ),
        n_input=len(customers),
        spec=spec,
        contacts=contacts,
        unrecognised_consent=unrecognised,
        notes=notes,
        consent=consent,
        suppression_matches=suppression_matches,
        warnings=tuple(warnings),
        input_rows=kept_rows[order],
    )
