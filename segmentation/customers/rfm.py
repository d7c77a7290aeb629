"""RFM scores (recency, frequency, monetary; 1-5, higher is better) and the named RFM segments."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from segmentation.errors import ParameterError

__all__ = [
    "RFM_SEGMENT_RULES",
    "RfmCutPoints",
    "RfmSegmentRule",
    "default_cut_points",
    "rfm_scores",
    "rfm_segment",
    "rfm_segment_grid",
    "rfm_segment_table",
]

_QUINTILES = (0.2, 0.4, 0.6, 0.8)
#: The M of RFM: spend, or, for files without money, the items bought (see ``_aggregate``).
MONEY_COLUMN = "monetary"
ITEMS_COLUMN = "items_bought"


def monetary_column(frame: pd.DataFrame) -> str:
    """The column scored as M: ``monetary`` when the table has it, else ``items_bought``."""
    return (
        MONEY_COLUMN if MONEY_COLUMN in frame.columns or ITEMS_COLUMN not in frame.columns else ITEMS_COLUMN
    )


@dataclass(frozen=True)
class RfmCutPoints:
    """Four ascending thresholds per measure that split customers into scores 1-5.

    Frequency and monetary: value ≤ t1 → 1, ≤ t2 → 2, ≤ t3 → 3, ≤ t4 → 4, above → 5.
    Recency (days since the last purchase, fewer is better): ≤ t1 → 5, ..., above t4 → 1.
    """

    recency: tuple[float, float, float, float]
    frequency: tuple[float, float, float, float]
    monetary: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        for measure in ("recency", "frequency", "monetary"):
            values = tuple(float(v) for v in getattr(self, measure))
            if len(values) != 4 or any(b < a for a, b in pairwise(values)):
                raise ParameterError(
                    f"The {measure} cut points {values} must be four numbers in ascending order, "
                    "like (30, 90, 180, 365)."
                )
            object.__setattr__(self, measure, values)


@dataclass(frozen=True)
class RfmSegmentRule:
    """A block of the R × FM score grid and the name of the customers in it.

    ``fm`` is the average of the frequency and monetary scores, rounded half up.
    """

    name: str
    recency: tuple[int, int]
    fm: tuple[int, int]
    description: str

    def matches(self, r_score: int, fm_score: int) -> bool:
        return self.recency[0] <= r_score <= self.recency[1] and self.fm[0] <= fm_score <= self.fm[1]


#: The widely used RFM segment map on recency (R) against the frequency-monetary average (FM).
#: Every (R, FM) pair from 1-5 × 1-5 falls in exactly one block.
RFM_SEGMENT_RULES: tuple[RfmSegmentRule, ...] = (
    RfmSegmentRule("Champions", (4, 5), (4, 5), "Bought recently, buy often and spend the most."),
    RfmSegmentRule("Loyal Customers", (3, 3), (4, 5), "Buy often and spend well; not in the last few weeks."),
    RfmSegmentRule(
        "Potential Loyalist", (4, 5), (2, 3), "Recent customers with average frequency and spend."
    ),
    RfmSegmentRule("New Customers", (5, 5), (1, 1), "Bought very recently for the first time or two."),
    RfmSegmentRule("Promising", (4, 4), (1, 1), "Recent shoppers who have not spent much yet."),
    RfmSegmentRule("Need Attention", (3, 3), (3, 3), "Average on all three; slipping without a nudge."),
    RfmSegmentRule(
        "About to Sleep", (3, 3), (1, 2), "Below average and fading; lose them without a reason to return."
    ),
    RfmSegmentRule("At Risk", (1, 2), (3, 4), "Used to buy often and spend well, but long ago."),
    RfmSegmentRule(
        "Can't Lose Them",
        (1, 2),
        (5, 5),
        "Were among the best customers; have not come back for a long time.",
    ),
    RfmSegmentRule("Hibernating", (2, 2), (1, 2), "Last purchase long ago, few orders, low spend."),
    RfmSegmentRule("Hibernating", (1, 1), (2, 2), "Last purchase long ago, few orders, low spend."),
    RfmSegmentRule("Lost", (1, 1), (1, 1), "Lowest on recency, frequency and spend."),
)


def _fm_score(f_score: np.ndarray, m_score: np.ndarray) -> np.ndarray:
    """Average of F and M, rounded half up (4 and 5 → 5)."""
    return (np.asarray(f_score, dtype=np.int64) + np.asarray(m_score, dtype=np.int64) + 1) // 2


def _segment_lookup() -> np.ndarray:
    """Segment name for every (R, FM) pair, as an array indexed [r, fm]."""
    grid = np.full((6, 6), "", dtype=object)
    for r in range(1, 6):
        for fm in range(1, 6):
            grid[r, fm] = next(rule.name for rule in RFM_SEGMENT_RULES if rule.matches(r, fm))
    return grid


def rfm_segment(r_score: np.ndarray, f_score: np.ndarray, m_score: np.ndarray) -> np.ndarray:
    """Segment names of shape (n,) for score arrays of shape (n,) (values 1-5)."""
    lookup = _segment_lookup()
    return lookup[np.asarray(r_score, dtype=np.int64), _fm_score(f_score, m_score)]


def rfm_segment_table() -> pd.DataFrame:
    """The score → segment map for display: one row per segment, with its R and FM ranges."""

    def span(bounds: tuple[int, int]) -> str:
        return str(bounds[0]) if bounds[0] == bounds[1] else f"{bounds[0]}–{bounds[1]}"

    rows: dict[str, dict[str, str]] = {}
    for rule in RFM_SEGMENT_RULES:
        block = f"R {span(rule.recency)} & FM {span(rule.fm)}"
        if rule.name in rows:
            rows[rule.name]["scores"] += f"; {block}"
        else:
            rows[rule.name] = {"segment": rule.name, "scores": block, "description": rule.description}
    table = pd.DataFrame(list(rows.values()), columns=["segment", "scores", "description"])
    return table.rename(
        columns={
            "segment": "Segment",
            "scores": "Scores (R = recency, FM = average of frequency and monetary)",
            "description": "Who they are",
        }
    )


def rfm_segment_grid() -> pd.DataFrame:
    """The same map as a 5 × 5 grid: rows R 5 → 1, columns FM 1 → 5."""
    lookup = _segment_lookup()
    return pd.DataFrame(
        [[lookup[r, fm] for fm in range(1, 6)] for r in range(5, 0, -1)],
        index=pd.Index([f"R={r}" for r in range(5, 0, -1)], name="recency score"),
        columns=pd.Index([f"FM={fm}" for fm in range(1, 6)], name="frequency-monetary score"),
    )


def _quantile_thresholds(values: pd.Series) -> tuple[float, float, float, float]:
    numbers = values.dropna().to_numpy(dtype="float64")
    if len(numbers) == 0:
        return (0.0, 0.0, 0.0, 0.0)
    q = np.quantile(numbers, _QUINTILES, method="inverted_cdf")
    return (float(q[0]), float(q[1]), float(q[2]), float(q[3]))


def default_cut_points(features: pd.DataFrame) -> RfmCutPoints:
    """Quintile boundaries (20/40/60/80 %) of recency_days, frequency and monetary.

    These are the thresholds to start editing from; with ties (many one-time buyers), scoring by
    these thresholds puts all tied customers in one score, while the default rank-based scoring
    spreads them evenly.
    """
    return RfmCutPoints(
        recency=_quantile_thresholds(features["recency_days"]),
        frequency=_quantile_thresholds(features["frequency"]),
        monetary=_quantile_thresholds(features[monetary_column(features)]),
    )


def _rank_scores(values: pd.Series, *, higher_is_better: bool) -> np.ndarray:
    """Scores 1-5 by quintile of rank; ties broken by row order (``method="first"``)."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ordered = values if higher_is_better else -values
    ranks = ordered.rank(method="first", na_option="top")  # a missing value ranks worst
    return (np.floor((ranks.to_numpy() - 1) * 5 / n) + 1).astype(np.int64)


def _threshold_scores(
    values: pd.Series, thresholds: tuple[float, ...], *, higher_is_better: bool
) -> np.ndarray:
    above = np.searchsorted(np.asarray(thresholds), values.to_numpy(dtype="float64"), side="left")
    return (1 + above) if higher_is_better else (5 - above)


def rfm_scores(frame: pd.DataFrame, *, cut_points: RfmCutPoints | None = None) -> pd.DataFrame:
    """R, F and M scores (1-5, higher is better), the three-digit code and the segment name.

    Parameters
    ----------
    frame : DataFrame of shape (n_customers, ...)
        Has ``recency_days``, ``frequency`` and ``monetary`` (or ``items_bought``, for files
        without money).
    cut_points : RfmCutPoints, optional
        Fixed thresholds. By default scores are quintiles of rank: ties are broken by row
        order so each score holds 20 % of customers.

    Returns
    -------
    DataFrame of shape (n_customers, 5)
        ``r_score``, ``f_score``, ``m_score`` (int), ``rfm_score`` (text like "545") and
        ``rfm_segment``, with ``frame``'s index.
    """
    recency, frequency, monetary = frame["recency_days"], frame["frequency"], frame[monetary_column(frame)]
    if cut_points is None:
        r = _rank_scores(recency, higher_is_better=False)
        f = _rank_scores(frequency, higher_is_better=True)
        m = _rank_scores(monetary, higher_is_better=True)
    else:
        r = _threshold_scores(recency, cut_points.recency, higher_is_better=False)
        f = _threshold_scores(frequency, cut_points.frequency, higher_is_better=True)
        m = _threshold_scores(monetary, cut_points.monetary, higher_is_better=True)
    code = (r * 100 + f * 10 + m).astype(str)
    return pd.DataFrame(
        {
            "r_score": r,
            "f_score": f,
            "m_score": m,
            "rfm_score": pd.Series(code, index=frame.index, dtype="str"),
            "rfm_segment": pd.Series(rfm_segment(r, f, m), index=frame.index, dtype="str"),
        },
        index=frame.index,
    )
