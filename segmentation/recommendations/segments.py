"""Top-N lists per customer with reasons, and what to feature in each segment's campaign.

Customers with purchase history get the model's top-N unseen items, each with a reason naming
the owned item that contributed most ("Because they bought Espresso beans"). Customers with
no history (cold start) get their segment's most-owned items, flagged ``cold_start``. No list
ever offers an item the customer already has a line for, including items bought and returned
(:attr:`Interactions.already_has`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from segmentation.errors import ColumnError, ParameterError
from segmentation.recommendations.interactions import Interactions, apply_weighting
from segmentation.recommendations.models import DEFAULT_MODEL, Popularity, Recommender, make_model
from segmentation.recommendations.top_n import top_n

__all__ = [
    "FEATURE_MAX_OWNED_SHARE",
    "FEATURE_MIN_LIFT",
    "FittedRecommender",
    "featured_items",
    "fit_recommender",
    "item_names",
    "recommend_top_n",
    "segment_top_items",
]

REASON_POPULAR = "Popular with all customers"
#: An item is featured for a segment only when the segment wants it more than overall popularity says.
FEATURE_MIN_LIFT = 1.0
#: ... and when at most this share of the segment already owns it ("not owned by most of them").
FEATURE_MAX_OWNED_SHARE = 0.5
_EXPLAIN_CHUNK = 4_000_000


@dataclass(frozen=True)
class FittedRecommender:
    """A model fitted on all of ``interactions`` (raw counts), ready to recommend."""

    interactions: Interactions
    model: Recommender
    model_name: str


def fit_recommender(
    interactions: Interactions, *, model: str = DEFAULT_MODEL, **params: object
) -> FittedRecommender:
    """Fit the model called ``model`` (see :data:`MODELS`) on every interaction."""
    recommender = make_model(model, **params)
    recommender.fit(interactions.matrix)
    return FittedRecommender(interactions=interactions, model=recommender, model_name=recommender.name)


def item_names(
    item_ids: Sequence[str] | np.ndarray,
    catalog: pd.DataFrame | None,
    *,
    item_col: str | None = None,
    name_col: str | None = None,
) -> np.ndarray:
    """Display names for ``item_ids`` from ``catalog``; items missing from it keep their id.

    Without ``item_col`` the catalog column sharing most values with the ids is used; without
    ``name_col`` a column called like "name", "title" or "description", else the first text column.
    """
    ids = np.asarray(item_ids, dtype=object).astype(str)
    if catalog is None or catalog.empty:
        return ids.astype(object)
    if item_col is None:
        overlap = {str(c): np.isin(catalog[c].astype(str).to_numpy(), ids).sum() for c in catalog.columns}
        item_col = max(overlap, key=lambda c: overlap[c])
    if item_col not in catalog.columns:
        raise ColumnError(
            f"the catalog has no item column {item_col!r}; its columns are {list(catalog.columns)}."
        )
    if name_col is None:
        others = [str(c) for c in catalog.columns if c != item_col]
        named = [
            c for c in others if any(w in c.lower() for w in ("name", "title", "description", "product"))
        ]
        text = [c for c in others if not pd.api.types.is_numeric_dtype(catalog[c])]
        name_col = (named or text or [item_col])[0]
    lookup = dict(
        zip(catalog[item_col].astype(str).to_numpy(), catalog[name_col].astype(str).to_numpy(), strict=True)
    )
    return np.array([lookup.get(i, i) for i in ids], dtype=object)


def _strongest_sources(
    model: Recommender, weighted: sp.csr_matrix, users: np.ndarray, targets: np.ndarray
) -> np.ndarray:
    """For each (user row, target item) pair, the owned item contributing most (-1 if none)."""
    best = np.full(users.size, -1, dtype=np.int64)
    lengths = np.diff(weighted.indptr)[users]
    start = 0
    while start < users.size:
        # Chunks bound the expanded (pair × owned item) arrays.
        cumulative = np.cumsum(lengths[start:])
        stop = start + max(1, int(np.searchsorted(cumulative, _EXPLAIN_CHUNK, side="right")))
        chunk_users, chunk_lengths = users[start:stop], lengths[start:stop]
        total = int(chunk_lengths.sum())
        if total:
            pair = np.repeat(np.arange(chunk_users.size), chunk_lengths)
            offsets = np.arange(total) - np.repeat(np.cumsum(chunk_lengths) - chunk_lengths, chunk_lengths)
            positions = np.repeat(weighted.indptr[chunk_users], chunk_lengths) + offsets
            sources = weighted.indices[positions].astype(np.int64)
            strength = model.contribution(sources, np.repeat(targets[start:stop], chunk_lengths))
            if strength is not None:
                strength = strength * weighted.data[positions]
                order = np.lexsort((-strength, pair))
                first = order[np.r_[True, pair[order][1:] != pair[order][:-1]]]
                useful = strength[first] > 0
                best[start + pair[first][useful]] = sources[first][useful]
        start = stop
    return best


def recommend_top_n(
    fitted: FittedRecommender,
    *,
    n: int = 10,
    customers: Sequence[str] | None = None,
    segments: Mapping[str, int] | None = None,
    segment_names: Mapping[int, str] | None = None,
    catalog: pd.DataFrame | None = None,
    catalog_item_col: str | None = None,
    catalog_name_col: str | None = None,
) -> pd.DataFrame:
    """Top-``n`` items for every customer, long format, items the customer ever bought excluded.

    Parameters
    ----------
    fitted : FittedRecommender
    n : int
        List length per customer.
    customers : sequence of str, optional
        Customer ids to list, in order (default: every customer with history). Ids without
        history are cold-start customers.
    segments : mapping of customer id → segment number, optional
        Adds a ``segment`` column; cold-start customers get their segment's most-owned items.
    segment_names : mapping of segment number → name, optional
        Used in cold-start reasons ("Popular in segment Loyal regulars").
    catalog : DataFrame, optional
        Item catalog for ``item_name`` (see :func:`item_names`).

    Returns
    -------
    DataFrame of shape (about n_customers × n, 7 or 8)
        ``customer``, ``rank`` (1..n), ``item``, ``item_name``, ``score``, ``reason``,
        ``cold_start`` and, with ``segments``, ``segment``.
    """
    if n < 1:
        raise ParameterError(f"top-n={n} must be at least 1.")
    interactions = fitted.interactions
    ids = interactions.customer_ids.astype(str)
    wanted = ids if customers is None else np.asarray([str(c) for c in customers], dtype=object).astype(str)
    row_of = dict(zip(ids, range(ids.size), strict=True))
    rows = np.array([row_of.get(c, -1) for c in wanted], dtype=np.int64)
    history = np.diff(interactions.matrix.indptr)
    has_history = rows >= 0
    has_history[has_history] = history[rows[has_history]] > 0
    names = item_names(interactions.item_ids, catalog, item_col=catalog_item_col, name_col=catalog_name_col)
    frames = []
    warm = np.flatnonzero(has_history)
    if warm.size:
        frames.append(_warm_lists(fitted, wanted[warm], rows[warm], n=n, names=names))
    cold = np.flatnonzero(~has_history)
    if cold.size:
        frames.append(
            _cold_lists(
                fitted,
                wanted[cold],
                rows[cold],
                n=n,
                segments=segments,
                segment_names=segment_names,
                names=names,
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else _empty_lists()
    position = {c: i for i, c in enumerate(wanted)}
    out = out.assign(_order=out["customer"].map(position)).sort_values(["_order", "rank"], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    if segments is not None:
        out["segment"] = out["customer"].map(lambda c: segments.get(c, -1)).astype(np.int64)
    return out


def _empty_lists() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": pd.Series(dtype=str),
            "rank": pd.Series(dtype=np.int64),
            "item": pd.Series(dtype=str),
            "item_name": pd.Series(dtype=str),
            "score": pd.Series(dtype=np.float64),
            "reason": pd.Series(dtype=str),
            "cold_start": pd.Series(dtype=bool),
        }
    )


def _warm_lists(
    fitted: FittedRecommender, customer_ids: np.ndarray, rows: np.ndarray, *, n: int, names: np.ndarray
) -> pd.DataFrame:
    model = fitted.model
    interactions = fitted.interactions
    top, scores = model.recommend(rows, interactions.matrix, n, exclude=interactions.owned)
    users = np.repeat(rows, top.shape[1])
    items = top.ravel()
    flat_scores = scores.ravel()
    valid = items >= 0
    users, items, flat_scores = users[valid], items[valid], flat_scores[valid]
    ranks = np.tile(np.arange(1, top.shape[1] + 1), rows.size)[valid]
    customers = np.repeat(customer_ids, top.shape[1])[valid]
    reasons = np.full(items.size, REASON_POPULAR, dtype=object)
    if isinstance(model, Popularity):
        counts = model.popularity_[items].astype(np.int64)
        reasons[:] = [f"Bestseller: owned by {c:,} customers" for c in counts]
    else:
        weighted = apply_weighting(interactions.matrix, model.weighting)
        explained = flat_scores > 0
        sources = _strongest_sources(model, weighted, users[explained], items[explained])
        found = sources >= 0
        reason_text = np.full(sources.size, "Customers with similar purchases bought it", dtype=object)
        reason_text[found] = ["Because they bought " + str(name) for name in names[sources[found]]]
        reasons[explained] = reason_text
    return pd.DataFrame(
        {
            "customer": customers.astype(str),
            "rank": ranks.astype(np.int64),
            "item": interactions.item_ids[items].astype(str),
            "item_name": names[items].astype(str),
            "score": flat_scores.astype(np.float64),
            "reason": reasons.astype(str),
            "cold_start": np.zeros(items.size, dtype=bool),
        }
    )


def _owners_per_item(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    sub = matrix[rows] if rows.size else sp.csr_matrix((0, matrix.shape[1]))
    return np.bincount(sub.indices, minlength=matrix.shape[1]).astype(np.float64)


def _cold_lists(
    fitted: FittedRecommender,
    customer_ids: np.ndarray,
    rows: np.ndarray,
    *,
    n: int,
    segments: Mapping[str, int] | None,
    segment_names: Mapping[int, str] | None,
    names: np.ndarray,
) -> pd.DataFrame:
    interactions = fitted.interactions
    overall = _owners_per_item(interactions.matrix, np.arange(interactions.n_customers))
    segment_of = np.array([segments.get(c, -1) if segments else -1 for c in customer_ids], dtype=np.int64)
    ids_all = interactions.customer_ids.astype(str)
    frames = []
    # A customer without kept history may still have returned everything they bought.
    already_has = interactions.already_has
    for segment in np.unique(segment_of):
        in_group = segment_of == segment
        members, member_rows = customer_ids[in_group], rows[in_group]
        owners = overall
        reason = REASON_POPULAR
        if segments is not None and segment >= 0:
            in_segment = np.array([segments.get(c, -2) == segment for c in ids_all], dtype=bool)
            segment_owners = _owners_per_item(interactions.matrix, np.flatnonzero(in_segment))
            if segment_owners.sum() > 0:
                owners = segment_owners + overall / (overall.sum() + 1.0)  # overall breaks ties
                label = (segment_names or {}).get(int(segment), f"segment {segment}")
                reason = f"Popular in {label}"
        count = min(n, interactions.n_items)
        known = member_rows >= 0
        seen = already_has[np.where(known, member_rows, 0)]
        seen = sp.csr_matrix(sp.diags(known.astype(np.float32)) @ seen)
        seen.eliminate_zeros()
        top, scores = top_n(
            sp.csr_matrix((members.size, interactions.n_items), dtype=np.float32),
            seen,
            n=count,
            fallback_order=np.argsort(-owners, kind="stable"),
            fallback_scores=np.floor(owners).astype(np.float32),
        )
        valid = top >= 0
        items = top[valid]
        frames.append(
            pd.DataFrame(
                {
                    "customer": np.repeat(members, count)[valid.ravel()].astype(str),
                    "rank": np.tile(np.arange(1, count + 1), members.size)[valid.ravel()].astype(np.int64),
                    "item": interactions.item_ids[items].astype(str),
                    "item_name": names[items].astype(str),
                    "score": scores[valid].astype(np.float64),
                    "reason": reason,
                    "cold_start": True,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def segment_top_items(
    fitted: FittedRecommender,
    members: Sequence[str],
    *,
    n: int = 10,
    catalog: pd.DataFrame | None = None,
    catalog_item_col: str | None = None,
    catalog_name_col: str | None = None,
) -> pd.DataFrame:
    """What to feature in a segment's campaign: its top-``n`` items by segment-aggregated score.

    The score of an item is the model's score averaged over the segment's customers with
    history, counting 0 for customers who already bought it, returned or not (so the list is
    about what to sell next). ``lift`` compares the item's share of the segment's score with its
    share of overall popularity (customers owning it, add-one smoothed): above 1, the segment
    wants it more than "just send the bestsellers" would suggest. ``owned_share`` is the share
    of the segment's customers who already own it.

    Returns
    -------
    DataFrame of shape (≤ n, 6)
        ``item``, ``item_name``, ``score``, ``lift``, ``owned_share``, ``from_popularity``;
        items scoring 0 for the segment are left out, so the list can be shorter than ``n``.
        ``from_popularity`` is True when the model has no evidence for the segment and the list
        falls back to overall popularity (among the items its customers do not have yet).
    """
    if n < 1:
        raise ParameterError(f"top-n={n} must be at least 1.")
    interactions = fitted.interactions
    matrix = interactions.matrix
    member_ids = {str(m) for m in members}
    ids = interactions.customer_ids.astype(str)
    rows = np.flatnonzero(np.isin(ids, np.array(sorted(member_ids), dtype=object)))
    rows = rows[np.diff(matrix.indptr)[rows] > 0]
    overall = _owners_per_item(matrix, np.arange(interactions.n_customers))
    popularity_share = (overall + 1.0) / (overall.sum() + overall.size)
    total = np.zeros(interactions.n_items, dtype=np.float64)
    already_has = interactions.already_has
    step = max(1, 8_000_000 // max(interactions.n_items, 1))
    for start in range(0, rows.size, step):
        block = matrix[rows[start : start + step]]
        scores = fitted.model.score(block).astype(np.float64)
        had = already_has[rows[start : start + step]]
        scores[np.repeat(np.arange(had.shape[0]), np.diff(had.indptr)), had.indices] = 0.0
        total += np.clip(scores, 0.0, None).sum(axis=0)
    from_popularity = total.sum() <= 0
    if from_popularity:
        # No evidence: bestsellers, still counting 0 for the members who already bought them.
        total = overall * (rows.size - _owners_per_item(already_has, rows)) if rows.size else overall
    segment_score = total / max(rows.size, 1)
    count = min(n, interactions.n_items)
    top = np.argsort(-segment_score, kind="stable")[:count]
    # An item no customer of the segment would be offered is not something to feature.
    top = top[segment_score[top] > 0]
    score_share = segment_score / max(segment_score.sum(), 1e-12)
    owned = _owners_per_item(matrix, rows) / max(len(member_ids), 1)
    names = item_names(
        interactions.item_ids[top], catalog, item_col=catalog_item_col, name_col=catalog_name_col
    )
    return pd.DataFrame(
        {
            "item": interactions.item_ids[top].astype(str),
            "item_name": names.astype(str),
            "score": segment_score[top],
            "lift": score_share[top] / popularity_share[top],
            "owned_share": owned[top],
            "from_popularity": np.full(top.size, from_popularity),
        }
    )


def featured_items(
    fitted: FittedRecommender,
    members: Sequence[str],
    *,
    n: int = 10,
    catalog: pd.DataFrame | None = None,
    catalog_item_col: str | None = None,
    catalog_name_col: str | None = None,
) -> pd.DataFrame:
    """What to feature in a segment's campaign: its best items that really set it apart.

    The items of :func:`segment_top_items`, best first, keeping only those with ``lift`` above
    :data:`FEATURE_MIN_LIFT` (the segment wants them more than "just send the bestsellers" would
    suggest) and ``owned_share`` at most :data:`FEATURE_MAX_OWNED_SHARE` (most of the segment does
    not have them yet), then the first ``n``. Empty when no item qualifies.

    Returns
    -------
    DataFrame of shape (≤ n, 6)
        The columns of :func:`segment_top_items`.
    """
    if n < 1:
        raise ParameterError(f"top-n={n} must be at least 1.")
    ranked = segment_top_items(
        fitted,
        members,
        n=fitted.interactions.n_items,
        catalog=catalog,
        catalog_item_col=catalog_item_col,
        catalog_name_col=catalog_name_col,
    )
    keep = (ranked["lift"] > FEATURE_MIN_LIFT) & (ranked["owned_share"] <= FEATURE_MAX_OWNED_SHARE)
    return ranked[keep].head(n).reset_index(drop=True)
