"""One answer to "how many segments?": the recommended k, why, how sure, and what else would do.

The sweep (:mod:`segmentation.segments.choosing_k`) scores every k; this module turns the scores
into advice a marketer can act on:

* only k that are stable across refits (agreement ≥ STABLE_AGREEMENT) and have no segment under
  1% of customers are candidates;
* among them the best silhouette wins, but a number a campaign plan can use (PLAN_K, 3 to 8) is
  preferred unless a k outside it separates the customers better by more than CLEAR_MARGIN;
* the elbow of the inertia curve wins when its silhouette is within ELBOW_TOLERANCE of the pick;
* candidates within ALTERNATIVE_REACH of the pick and ALTERNATIVE_TOLERANCE of its silhouette
  "would also work";
* when the elbow or the best silhouette point elsewhere, one sentence says why the pick wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from segmentation.segments.clustering import TINY_SEGMENT_SHARE

__all__ = [
    "ALTERNATIVE_TOLERANCE",
    "CLEAR_MARGIN",
    "ELBOW_TOLERANCE",
    "PLAN_K",
    "STABLE_AGREEMENT",
    "KAdvice",
    "advise_k",
    "recommend_k",
]

#: Mean adjusted Rand agreement across refits below which a solution is called unstable.
STABLE_AGREEMENT = 0.75
#: Numbers of segments a campaign plan can use (smallest, largest).
PLAN_K = (3, 8)
#: Silhouette lead a k outside PLAN_K needs over every k inside it to be recommended anyway.
CLEAR_MARGIN = 0.1
#: Silhouette gap within which the elbow is preferred (simpler explanation, equally good fit).
ELBOW_TOLERANCE = 0.02
#: Silhouette gap within which another k "would also work".
ALTERNATIVE_TOLERANCE = 0.05
#: Most alternatives named in the summary, and how far from the pick (in k) they may be.
MAX_ALTERNATIVES = 2
ALTERNATIVE_REACH = 2


@dataclass(frozen=True)
class KAdvice:
    """The recommended k with its words.

    ``summary`` is the one sentence a page leads with ("5 segments: clearly separated and stable;
    4 or 6 would also work."); ``reason`` says how it was chosen; ``disagreement`` (or None)
    reconciles an elbow or a best silhouette that point elsewhere; ``alternatives`` are the other
    k that would also work, smallest first.
    """

    k: int
    reason: str
    disagreement: str | None
    summary: str
    alternatives: tuple[int, ...]


def _in_plan(k: int) -> bool:
    return PLAN_K[0] <= k <= PLAN_K[1]


def _separation_words(silhouette: float) -> str:
    if silhouette >= 0.5:
        return "clearly separated"
    if silhouette >= 0.25:
        return "fairly well separated"
    return "only loosely separated (many customers sit between segments)"


def _stability_words(stability: float) -> str:
    if not math.isfinite(stability):
        return "stability not measured"
    if stability >= 0.9:
        return "stable"
    if stability >= STABLE_AGREEMENT:
        return "mostly stable"
    return "not stable (other samples of customers give different segments)"


def _or_list(values: Sequence[int]) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _size_word(k: int) -> str:
    return "too few" if k < PLAN_K[0] else "too many"


def advise_k(
    k_values: Sequence[int],
    silhouette: Sequence[float],
    stability: Sequence[float],
    smallest_share: Sequence[float],
    elbow_k: int | None,
) -> KAdvice:
    """Recommend a number of segments from a sweep's measures (lists aligned with ``k_values``).

    Parameters
    ----------
    k_values : sequence of int
    silhouette, stability, smallest_share : sequence of float
        Per k: mean silhouette, agreement across refits (NaN when not measured) and the share of
        customers in the smallest segment.
    elbow_k : int or None
        The knee of the inertia curve.

    Returns
    -------
    KAdvice
    """
    ks = [int(k) for k in k_values]
    sil = np.array(silhouette, dtype=float)
    if not np.isfinite(sil).any():
        k = elbow_k if elbow_k is not None else ks[0]
        return KAdvice(
            k=k,
            reason=f"k={k} is where adding segments stops paying off (no silhouette could be computed).",
            disagreement=None,
            summary=(
                f"{k} segments: where adding more stops paying off; how distinct they are could not be "
                "measured, so read them with care."
            ),
            alternatives=(),
        )
    finite = [i for i in range(len(ks)) if np.isfinite(sil[i])]

    def unstable(i: int) -> bool:
        return bool(stability[i] < STABLE_AGREEMENT)

    def tiny(i: int) -> bool:
        return bool(smallest_share[i] < TINY_SEGMENT_SHARE)

    sound = [i for i in finite if not unstable(i) and not tiny(i)]
    careful = not sound
    if careful:
        sound = finite
    best = max(sound, key=lambda i: sil[i])
    in_plan = [i for i in sound if _in_plan(ks[i])]
    chosen, moved = best, False
    if not _in_plan(ks[best]) and in_plan:
        plan_best = max(in_plan, key=lambda i: sil[i])
        if sil[best] - sil[plan_best] <= CLEAR_MARGIN:
            chosen, moved = plan_best, True
    pick, by_elbow = chosen, False
    if elbow_k is not None and elbow_k in ks:
        e = ks.index(elbow_k)
        usable = _in_plan(elbow_k) or not _in_plan(ks[chosen])
        if e != chosen and e in sound and usable and sil[e] >= sil[chosen] - ELBOW_TOLERANCE:
            chosen, by_elbow = e, True
    k = ks[chosen]

    caveat = " (no k was both stable and free of tiny segments, so read it with care)" if careful else ""
    if by_elbow:
        scope = f"between {PLAN_K[0]} and {PLAN_K[1]} segments " if moved else ""
        reason = (
            f"k={k} is the elbow of the inertia curve (more segments add little) and separates about as "
            f"well (silhouette {sil[chosen]:.2f}) as the best choice {scope}(k={ks[pick]}, "
            f"{sil[pick]:.2f}){caveat}."
        )
    elif moved:
        reason = (
            f"k={k} is the most clearly separated choice (silhouette {sil[chosen]:.2f}) between {PLAN_K[0]} "
            f"and {PLAN_K[1]} segments, the numbers a campaign plan can use; k={ks[best]} separates only a "
            f"little better ({sil[best]:.2f}) and is {_size_word(ks[best])} segments for a plan{caveat}."
        )
    elif not _in_plan(k):
        beaten = (
            "by a clear margin" if in_plan else f"and no number from {PLAN_K[0]} to {PLAN_K[1]} could be used"
        )
        reason = (
            f"k={k} gives the most clearly separated segments (silhouette {sil[chosen]:.2f}), {beaten}, so "
            f"the data says {k} although campaign plans usually use {PLAN_K[0]} to {PLAN_K[1]} "
            f"segments{caveat}."
        )
    else:
        reason = (
            f"k={k} gives the most clearly separated segments (silhouette {sil[chosen]:.2f}) among the "
            f"choices that are stable across refits and have no segment under 1% of customers{caveat}."
        )
    if k == elbow_k and not by_elbow:
        reason += " It is also the elbow of the inertia curve: more segments add little."

    close = [
        i
        for i in sound
        if i != chosen
        and abs(ks[i] - k) <= ALTERNATIVE_REACH
        and sil[i] >= sil[chosen] - ALTERNATIVE_TOLERANCE
        and (_in_plan(ks[i]) or not _in_plan(k))
    ]
    nearest = sorted(close, key=lambda i: (abs(ks[i] - k), ks[i]))[:MAX_ALTERNATIVES]
    alternatives = tuple(sorted(ks[i] for i in nearest))
    quality = f"{_separation_words(sil[chosen])} and {_stability_words(float(stability[chosen]))}"
    if not _in_plan(k):
        plan = f"{PLAN_K[0]} to {PLAN_K[1]}, the numbers campaign plans usually use"
        quality += f", clearly better than any of {plan}" if in_plan else f" (none of {plan} could be used)"
    if careful:
        tail = "read with care: no number tried was both stable and free of tiny segments"
    elif alternatives:
        tail = f"{_or_list(alternatives)} would also work"
    else:
        tail = "no other number comes close"
    summary = f"{k} segments: {quality}; {tail}."
    return KAdvice(
        k=k,
        reason=reason,
        disagreement=_reconcile(ks, sil, chosen, elbow_k, unstable, tiny, moved, careful),
        summary=summary,
        alternatives=alternatives,
    )


def _reconcile(
    ks: list[int],
    sil: np.ndarray,
    chosen: int,
    elbow_k: int | None,
    unstable: Callable[[int], bool],
    tiny: Callable[[int], bool],
    moved: bool,
    careful: bool,
) -> str | None:
    """One sentence when the elbow or the best silhouette point away from the pick, else None."""
    k = ks[chosen]
    parts = []
    if elbow_k is not None and elbow_k != k:
        why = ""
        if elbow_k in ks and unstable(ks.index(elbow_k)):
            why = ", but that split is not stable"
        elif elbow_k in ks and tiny(ks.index(elbow_k)):
            why = ", but it leaves a segment under 1% of customers"
        elif not _in_plan(elbow_k) and _in_plan(k):
            why = f", but {elbow_k} segments are {_size_word(elbow_k)} for a campaign plan"
        parts.append(f"the elbow is at k={elbow_k}, beyond which extra segments add little{why}")
    top = int(np.nanargmax(sil))
    if ks[top] != k:
        if unstable(top):
            why = "but it is not stable: other samples of customers give different segments"
        elif tiny(top):
            why = "but it leaves a segment under 1% of customers"
        elif moved or (not _in_plan(ks[top]) and _in_plan(k)):
            why = f"but only a little, and {ks[top]} segments are {_size_word(ks[top])} for a campaign plan"
        else:
            why = "but only a little, and fewer segments are simpler to act on"
        parts.append(f"k={ks[top]} separates customers best ({sil[top]:.2f}), {why}")
    if not parts:
        return None
    balance = (
        "the most distinct of the numbers tried, though none was both stable and free of tiny segments"
        if careful
        else "distinct enough, stable across refits and with no segment under 1% of customers"
    )
    differences = "; ".join(parts)
    return f"The measures point to different numbers: {differences}; k={k} balances them: {balance}."


def recommend_k(
    k_values: Sequence[int],
    silhouette: Sequence[float],
    stability: Sequence[float],
    smallest_share: Sequence[float],
    elbow_k: int | None,
) -> tuple[int, str, str | None]:
    """The recommended k, a one-sentence reason, and a note when elbow and silhouette disagree.

    See :func:`advise_k`, which also gives the summary sentence and the alternatives.
    """
    advice = advise_k(k_values, silhouette, stability, smallest_share, elbow_k)
    return advice.k, advice.reason, advice.disagreement
