"""The campaign list's rules, step by step, shared by every engine that builds a list.

:func:`segmentation.campaigns.audience.build_audience` applies them to a table in memory; the
Spark engine (:mod:`segmentation.engines.spark_audience`) applies the same functions to each
batch of a table too large for one machine and does the steps that need the whole table (who
said no on another row, duplicates, the control draw) with Spark's joins and windows. Every rule
name, row-level test, sort key, count table and note is defined here once, so the two lists
cannot drift apart.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.campaigns.column_values import folded_text
from segmentation.campaigns.conditions import describe_query
from segmentation.campaigns.query_matching import query_mask
from segmentation.campaigns.rules import CampaignSpec, filter_mask
from segmentation.campaigns.suppression import SuppressionList
from segmentation.errors import ColumnError, ParameterError
from segmentation.segments.labels import NOT_SEGMENTED

__all__ = [
    "RULE_DUPLICATE_EMAIL",
    "RULE_DUPLICATE_ID",
    "RULE_NO_CONSENT",
    "RULE_NO_ID",
    "RULE_SAID_NO_ELSEWHERE",
    "RULE_SUPPRESSED",
    "RULE_UNRECOGNISED_CONSENT",
    "RowRule",
    "audience_notes",
    "bad_segment_error",
    "check_chosen_segments",
    "control_positions",
    "control_size",
    "count_table",
    "id_numbers",
    "read_segment_numbers",
    "row_rules",
    "suppression_warning",
]

RULE_NO_ID = "no customer id"
RULE_NO_CONSENT = "no marketing consent"
RULE_UNRECOGNISED_CONSENT = "consent value not recognised"
RULE_SAID_NO_ELSEWHERE = "said no to marketing on another row"
RULE_SUPPRESSED = "on the suppression list"
RULE_DUPLICATE_ID = "duplicate customer id"
RULE_DUPLICATE_EMAIL = "duplicate email"
_COUNT_COLUMNS = ["segment", "segment_name", "treatment", "control", "total"]


@dataclass(frozen=True)
class RowRule:
    """A rule decided by each row alone: its name in the list's report and who it keeps."""

    rule: str
    keep: np.ndarray


def control_size(n_customers: int, share: float) -> int:
    """Controls drawn from a segment of ``n_customers``: ``share * n`` rounded, halves up."""
    return math.floor(share * n_customers + 0.5)


def control_positions(segment: int, n_customers: int, share: float, seed: int) -> np.ndarray:
    """Positions (in the list's order within ``segment``) drawn into the control group.

    Each segment has its own random stream (seeded by ``seed`` and the segment number), so adding
    or removing a segment leaves the others' draws unchanged.
    """
    stream = np.random.default_rng([seed, zlib.crc32(str(int(segment)).encode())])
    return stream.permutation(n_customers)[: control_size(n_customers, share)]


def read_segment_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The ``segment`` column as whole numbers, and where it holds something else.

    Returns
    -------
    numbers : ndarray of shape (n_rows,), int64 (0 where ``bad``)
    bad : ndarray of shape (n_rows,), bool
    """
    numbers = pd.to_numeric(values.astype("str").str.strip(), errors="coerce")
    bad = (numbers.isna() | (numbers % 1 != 0)).to_numpy(dtype=bool)
    return numbers.where(~bad, 0).to_numpy(dtype="int64"), bad


def bad_segment_error(value: object) -> ColumnError:
    """The error for a ``segment`` value that is not a whole number."""
    return ColumnError(
        f"column 'segment' holds {value!r}; segment numbers must be whole numbers (-1 = Unassigned)."
    )


def check_chosen_segments(
    known_names: Collection[str], known_numbers: Collection[int], wanted: Collection[str]
) -> None:
    """Raise :class:`ParameterError` naming the first wanted segment that is neither a name nor a number."""
    numbers = {str(int(s)) for s in known_numbers}
    unknown = [w for w in wanted if w not in set(known_names) and w.strip() not in numbers]
    if unknown:
        available = ", ".join(repr(n) for n in sorted(set(known_names)))
        raise ParameterError(f"there is no segment called {unknown[0]!r}. The segments are: {available}.")


def _chosen_segments(names: pd.Series, segments: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    by_name = names.isin(set(wanted)).to_numpy()
    by_number = np.isin(segments.astype("str"), [w.strip() for w in wanted])
    return by_name | by_number


def row_rules(
    customers: pd.DataFrame, spec: CampaignSpec, *, ids: pd.Series, segments: np.ndarray
) -> list[RowRule]:
    """The rules each row decides alone, in the order they apply: id, segments, RFM groups, filters, query.

    Assumes a validated spec whose chosen segments exist (see :func:`check_chosen_segments`).
    ``ids`` are the rows' match keys and ``segments`` their segment numbers.
    """
    rules = [RowRule(RULE_NO_ID, (ids != "").to_numpy())]
    if spec.segments:
        keep = _chosen_segments(customers["segment_name"], segments, spec.segments)
        rules.append(RowRule("not in the chosen segments", keep))
    else:  # customers never segmented (no data) only enter a list when chosen by name
        rules.append(RowRule("not segmented (no data)", segments != NOT_SEGMENTED))
    if spec.rfm_groups:
        rfm = folded_text(customers["rfm_segment"])
        wanted = folded_text(pd.Series(list(spec.rfm_groups), dtype="object"))
        rules.append(RowRule("not in the chosen RFM groups", rfm.isin(set(wanted)).to_numpy()))
    for rule in spec.filters:
        rules.append(RowRule(f"filter: {rule.describe()}", filter_mask(customers, rule).to_numpy(dtype=bool)))
    if spec.query is not None and not spec.query.is_empty:
        rules.append(RowRule(f"audience: {describe_query(spec.query)}", query_mask(customers, spec.query)))
    return rules


def id_numbers(ids: pd.Series) -> pd.Series:
    """Ids as numbers where they read as one (NaN elsewhere): the list sorts numerically when all do."""
    return pd.to_numeric(ids, errors="coerce")


def suppression_warning(entry_list: SuppressionList) -> str:
    """The warning for a suppression list that matches nobody in the customer file."""
    if entry_list.column is not None:
        return (
            f"the suppression list {entry_list.source} (column {entry_list.column!r}) matches nobody in "
            "the customer file; check that it holds the same ids or emails."
        )
    return f"the suppression list {entry_list.source} matches nobody in the customer file."


def count_table(groups: pd.DataFrame) -> pd.DataFrame:
    """Customers per segment and group, one row per segment (``segment``, ``segment_name``, counts).

    Parameters
    ----------
    groups : DataFrame
        ``segment``, ``segment_name``, ``group`` (treatment/control) and ``customers`` (how many).
    """
    if groups.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c != "segment_name" else "str") for c in _COUNT_COLUMNS}
        )
    table = (
        groups.groupby(["segment", "segment_name", "group"], sort=True)["customers"]
        .sum()
        .unstack("group", fill_value=0)
        .reindex(columns=["treatment", "control"], fill_value=0)
        .reset_index()
    )
    table.columns.name = None
    table["total"] = table["treatment"] + table["control"]
    return table.astype({"segment": "int64", "treatment": "int64", "control": "int64", "total": "int64"})[
        _COUNT_COLUMNS
    ]


def audience_notes(
    *,
    consent_note: str | None,
    without_recommendations: int | None,
    consent_waived: bool,
    unrecognised: Mapping[str, int],
) -> tuple[str, ...]:
    """The plain-language notes of a list, in the order the report shows them."""
    notes = [consent_note] if consent_note else []
    if without_recommendations:
        notes.append(
            f"{without_recommendations:,} listed customers have no recommendations; "
            "their item columns are empty."
        )
    if consent_waived:
        notes.append(
            "The consent check was waived by the user: the list may include people who did not opt in."
        )
    if unrecognised:
        shown = ", ".join(f"{v!r} ({n})" for v, n in list(unrecognised.items())[:10])
        notes.append(f"Consent values not recognised, so those customers were left out: {shown}.")
    return tuple(notes)
