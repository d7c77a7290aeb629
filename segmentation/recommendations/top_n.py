"""Top-N selection: pruning score blocks, masking seen items, filling in by popularity.

Assumes validated input: ``candidates`` and ``seen`` are CSR matrices of the same shape
(n_users, n_items); candidate values are the model's evidence (only positive ones count).
Working on the candidates' non-zeros instead of a dense users × items block keeps the cost
proportional to the evidence, which matters at 100k customers × 20k items.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["prune_dense", "prune_sparse", "seen_positions", "top_k_per_row", "top_n"]


def top_k_per_row(block: np.ndarray, k: int, row_offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep the ``k`` largest positive values of each row of a dense block (assumes k ≥ 1)."""
    n_rows, n_cols = block.shape
    if k < n_cols:
        keep = np.argpartition(-block, k - 1, axis=1)[:, :k]
    else:
        keep = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    values = np.take_along_axis(block, keep, axis=1)
    rows = np.repeat(np.arange(n_rows) + row_offset, keep.shape[1])
    cols, vals = keep.ravel(), values.ravel()
    positive = vals > 0
    return rows[positive], cols[positive], vals[positive]


def prune_dense(
    block: np.ndarray, *, keep: int | None, seen: tuple[np.ndarray, np.ndarray] | None = None
) -> sp.csr_matrix:
    """The positive entries of a dense score block, at most the ``keep`` largest per row, as CSR.

    ``seen`` (row, column) positions are zeroed first, so they never take a place; the block
    is a temporary of the caller and is modified.
    """
    if seen is not None:
        block[seen[0], seen[1]] = 0.0
    rows, cols, values = top_k_per_row(block, keep if keep is not None else block.shape[1], 0)
    return sp.csr_matrix((values, (rows, cols)), shape=block.shape)


def seen_positions(seen: sp.csr_matrix | None) -> tuple[np.ndarray, np.ndarray] | None:
    if seen is None:
        return None
    return np.repeat(np.arange(seen.shape[0]), np.diff(seen.indptr)), seen.indices


def prune_sparse(scores: sp.csr_matrix, *, keep: int | None, seen: sp.csr_matrix | None) -> sp.csr_matrix:
    """Like :func:`prune_dense` for sparse scores; dense argpartition is faster once rows are full."""
    if keep is None or scores.nnz <= 4 * keep * scores.shape[0]:
        return scores  # top_n removes seen items itself
    return prune_dense(scores.toarray(), keep=keep, seen=seen_positions(seen))


def _entry_rows(matrix: sp.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))


def top_n(
    candidates: sp.csr_matrix,
    seen: sp.csr_matrix | None,
    *,
    n: int,
    fallback_order: np.ndarray,
    fallback_scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Best ``n`` unseen items per row: positive candidates by score, then by ``fallback_order``.

    Returns ``(ids, scores)`` of shape (n_users, n); -1 / nan where no unseen item is left.
    Items filled in from the fallback get ``fallback_scores[item]``.
    """
    n_users, n_items = candidates.shape
    ids = np.full((n_users, n), -1, dtype=np.int64)
    scores = np.full((n_users, n), np.nan, dtype=np.float32)
    rows = _entry_rows(candidates)
    cols = candidates.indices.astype(np.int64)
    values = candidates.data
    keep = values > 0
    seen_keys = np.zeros(0, dtype=np.int64)
    if seen is not None and seen.nnz:
        seen_keys = _entry_rows(seen) * n_items + seen.indices
        keep &= ~np.isin(rows * n_items + cols, seen_keys)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    # Two stable sorts (score, then row) are several times faster than np.lexsort on floats.
    by_score = np.argsort(-values, kind="stable")
    order = by_score[np.argsort(rows[by_score], kind="stable")]
    rows, cols, values = rows[order], cols[order], values[order]
    starts = np.searchsorted(rows, np.arange(n_users))
    rank = np.arange(rows.size) - starts[rows]
    chosen = rank < n
    ids[rows[chosen], rank[chosen]] = cols[chosen]
    scores[rows[chosen], rank[chosen]] = values[chosen]
    filled = np.bincount(rows[chosen], minlength=n_users)
    need = np.flatnonzero(filled < n)
    if need.size:
        _fill(
            ids,
            scores,
            need,
            filled[need],
            seen_keys,
            n_items=n_items,
            order=fallback_order,
            values=fallback_scores,
        )
    return ids, scores


def _fill(
    ids: np.ndarray,
    scores: np.ndarray,
    need: np.ndarray,
    filled: np.ndarray,
    seen_keys: np.ndarray,
    *,
    n_items: int,
    order: np.ndarray,
    values: np.ndarray,
) -> None:
    """Append the first unseen, not yet chosen items of ``order`` to the rows ``need`` (in place)."""
    n = ids.shape[1]
    seen_rows, seen_items = np.divmod(seen_keys, n_items)
    seen_in_need = np.isin(seen_rows, need)
    most_seen = int(np.bincount(seen_rows[seen_in_need], minlength=1).max()) if seen_in_need.any() else 0
    # Enough of the fallback order to find n free items even if every seen/chosen one is near the top.
    depth = min(order.size, 2 * n + most_seen)
    rank_in_order = np.full(n_items, -1, dtype=np.int64)
    rank_in_order[order[:depth]] = np.arange(depth)
    free = np.ones((need.size, depth), dtype=bool)
    position_of_user = np.full(ids.shape[0], -1, dtype=np.int64)
    position_of_user[need] = np.arange(need.size)
    blocked_rows = np.concatenate(
        [position_of_user[seen_rows[seen_in_need]], np.repeat(np.arange(need.size), n)]
    )
    blocked_items = np.concatenate([seen_items[seen_in_need], ids[need].ravel()])
    usable = blocked_items >= 0
    blocked_rank = np.where(usable, rank_in_order[np.where(usable, blocked_items, 0)], -1)
    hit = blocked_rank >= 0
    free[blocked_rows[hit], blocked_rank[hit]] = False
    running = np.cumsum(free, axis=1)
    wanted = (n - filled)[:, None]
    take = free & (running <= wanted)
    r, j = np.nonzero(take)
    slot = filled[r] + running[r, j] - 1
    ids[need[r], slot] = order[j]
    scores[need[r], slot] = values[order[j]]
