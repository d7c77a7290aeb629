"""Customer × item interactions as a sparse matrix, and the weighting steps applied to it.

A transaction table (customer, item, date, quantity or amount) or a ratings file (customer,
item, rating, timestamp) becomes one :class:`Interactions` value: a CSR matrix with one row per
customer and one column per item, never a dense customer × item array. Repeated purchases of
the same item by the same customer are one interaction whose value is the number of purchase
lines (or the summed ``value_col``); its time is the *first* purchase, so a hold-out of the
latest interactions asks "which new items did the customer pick up next?". A pair whose lines
sum to zero or less (bought and returned, or a cancelled order) is not something the customer
likes, so it is left out of the matrix, but it stays in :attr:`Interactions.owned`: a
recommendation never offers an item the customer has already bought, returned or not.

Weighting steps are plain functions of a CSR matrix, after ``implicit``:
``bm25_weight(X, K1=100, B=0.8)``, ``tfidf_weight(X)``, ``log_weight(X)``, ``binary_weight(X)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from segmentation.errors import ColumnError, ParameterError
from segmentation.parsing import parse_dates

__all__ = [
    "WEIGHTINGS",
    "Interactions",
    "apply_weighting",
    "binary_weight",
    "bm25_weight",
    "build_interactions",
    "log_weight",
    "parse_times",
    "tfidf_weight",
]

Weighting = Literal["binary", "count", "log", "bm25", "tfidf"]
WEIGHTINGS: tuple[str, ...] = ("binary", "count", "log", "bm25", "tfidf")


@dataclass(frozen=True)
class Interactions:
    """Who interacted with what, as a sparse customer × item matrix.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of shape (n_customers, n_items)
        Weighted interaction strengths (float32); only interactions are stored.
    customer_ids : numpy.ndarray of shape (n_customers,)
        Customer ids as text, in row order.
    item_ids : numpy.ndarray of shape (n_items,)
        Item ids as text, in column order.
    order : numpy.ndarray of shape (nnz,)
        For each stored entry (in CSR order), its rank in time: entries with a smaller value
        happened earlier (ties broken by the row order of the input file).
    weighting : str
        The weighting that produced ``matrix``.
    owned : scipy.sparse.csr_matrix of shape (n_customers, n_items), optional
        1 for every (customer, item) pair appearing in any line of the input, whatever the sign
        of its quantity (bought, returned, cancelled): the items never to recommend to that
        customer. None means "the same pairs as ``matrix``".
    """

    matrix: sp.csr_matrix
    customer_ids: np.ndarray
    item_ids: np.ndarray
    order: np.ndarray
    weighting: str = "binary"
    owned: sp.csr_matrix | None = None

    @property
    def already_has(self) -> sp.csr_matrix:
        """Every item each customer ever had a line for, as a 0/1 matrix shaped like ``matrix``."""
        if self.owned is not None:
            return self.owned
        return sp.csr_matrix(self.matrix != 0, dtype=np.float32)

    @property
    def returned_only(self) -> sp.csr_matrix:
        """Pairs in :attr:`already_has` but not in ``matrix`` (bought and fully returned or cancelled)."""
        kept = sp.csr_matrix(self.matrix != 0, dtype=np.float32)
        difference = sp.csr_matrix(self.already_has - kept)
        difference.eliminate_zeros()
        return difference

    @property
    def n_customers(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def n_interactions(self) -> int:
        return int(self.matrix.nnz)


def binary_weight(X: sp.csr_matrix) -> sp.csr_matrix:
    """Every interaction counts 1, however often it happened."""
    out = sp.csr_matrix(X, dtype=np.float32, copy=True)
    out.data[:] = 1.0
    return out


def log_weight(X: sp.csr_matrix) -> sp.csr_matrix:
    """``1 + log(count)``: repeat purchases count, with diminishing returns."""
    out = sp.csr_matrix(X, dtype=np.float32, copy=True)
    out.data = (1.0 + np.log(np.maximum(out.data, 1.0))).astype(np.float32)
    return out


def tfidf_weight(X: sp.csr_matrix) -> sp.csr_matrix:
    """TF-IDF: an item bought by few customers says more about a customer's taste."""
    coo = sp.coo_matrix(X, dtype=np.float64)
    n_customers = max(X.shape[0], 1)
    buyers = np.bincount(coo.col, minlength=X.shape[1])
    idf = np.log(n_customers) - np.log1p(buyers)
    weighted = np.sqrt(coo.data) * idf[coo.col]
    return sp.csr_matrix((weighted.astype(np.float32), (coo.row, coo.col)), shape=X.shape)


def bm25_weight(X: sp.csr_matrix, K1: float = 100.0, B: float = 0.8) -> sp.csr_matrix:
    """Okapi BM25 weighting as in ``implicit.nearest_neighbours.bm25_weight``.

    Parameters
    ----------
    X : scipy.sparse matrix of shape (n_customers, n_items)
    K1, B : float
        Saturation of repeated interactions and strength of length normalisation.
    """
    coo = sp.coo_matrix(X, dtype=np.float64)
    n_customers = max(X.shape[0], 1)
    buyers = np.bincount(coo.col, minlength=X.shape[1])
    idf = np.log(n_customers) - np.log1p(buyers)
    row_sums = np.ravel(np.asarray(X.sum(axis=1), dtype=np.float64))
    average_length = row_sums.mean() if row_sums.size else 1.0
    length_norm = (1.0 - B) + B * row_sums / max(average_length, 1e-12)
    weighted = coo.data * (K1 + 1.0) / (K1 * length_norm[coo.row] + coo.data) * idf[coo.col]
    return sp.csr_matrix((weighted.astype(np.float32), (coo.row, coo.col)), shape=X.shape)


def apply_weighting(X: sp.csr_matrix, weighting: str) -> sp.csr_matrix:
    """Apply one of :data:`WEIGHTINGS` to a count matrix, keeping the CSR entry order."""
    if weighting == "binary":
        return binary_weight(X)
    if weighting == "count":
        return sp.csr_matrix(X, dtype=np.float32, copy=True)
    if weighting == "log":
        return log_weight(X)
    result: sp.csr_matrix
    if weighting == "bm25":
        result = bm25_weight(X)
    elif weighting == "tfidf":
        result = tfidf_weight(X)
    else:
        raise ParameterError(f"weighting {weighting!r} is not known; choose one of {', '.join(WEIGHTINGS)}.")
    # Rebuilding from COO keeps CSR's sorted order, the same as X's canonical order.
    result.sort_indices()
    return result


def parse_times(values: pd.Series, *, column: str = "time") -> np.ndarray:
    """Turn a time column (dates, datetimes or epoch seconds/milliseconds) into int64 seconds.

    Missing or unreadable times become the smallest value (treated as "earliest"), so they
    never hide a customer's latest interactions.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values)
    else:
        numeric = pd.to_numeric(values, errors="coerce")
        share_numeric = float(numeric.notna().mean()) if len(values) else 0.0
        if share_numeric >= 0.95 and len(values):
            seconds = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
            # Epoch milliseconds are about 1e12 today; seconds about 1e9.
            if np.nanmax(np.abs(seconds)) > 1e11:
                seconds = seconds / 1000.0
            return np.nan_to_num(seconds, nan=np.nanmin(seconds)).astype(np.int64)
        stamps = _parse_date_text(values, column=column)
    as_ns = stamps.to_numpy(dtype="datetime64[ns]")
    seconds_out = as_ns.astype("datetime64[s]").astype(np.int64)
    missing = np.isnat(as_ns)
    if missing.all():
        raise ColumnError(f"column {column!r} holds no dates or epoch times that can be read.")
    seconds_out[missing] = seconds_out[~missing].min()
    return seconds_out


def _parse_date_text(values: pd.Series, *, column: str) -> pd.Series:
    # The shared parser reads day-first, month-first, ISO and named-month dates alike.
    return parse_dates(values).values


def build_interactions(
    frame: pd.DataFrame,
    *,
    customer_col: str,
    item_col: str,
    time_col: str | None = None,
    value_col: str | None = None,
    weighting: str = "binary",
) -> Interactions:
    """Aggregate a transaction or ratings table into a sparse customer × item matrix.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        One row per purchase line or rating; not modified.
    customer_col, item_col : str
        Columns holding the customer and item ids (read as text).
    time_col : str, optional
        Dates, datetimes or epoch seconds/milliseconds; without it the row order is the time.
    value_col : str, optional
        Quantity or amount summed per (customer, item); without it each row counts 1.
        Pairs whose summed value is not positive (fully returned items) are left out of
        ``matrix`` but kept in ``owned``, so they are never recommended back.
    weighting : {"binary", "count", "log", "bm25", "tfidf"}

    Returns
    -------
    Interactions
    """
    for role, column in (
        ("customer", customer_col),
        ("item", item_col),
        ("time", time_col),
        ("value", value_col),
    ):
        if column is not None and column not in frame.columns:
            raise ColumnError(
                f"the {role} column {column!r} is not in the table; its columns are {list(frame.columns)}."
            )
    if weighting not in WEIGHTINGS:
        raise ParameterError(f"weighting {weighting!r} is not known; choose one of {', '.join(WEIGHTINGS)}.")
    keep = frame[customer_col].notna().to_numpy() & frame[item_col].notna().to_numpy()
    customers = frame[customer_col].to_numpy()[keep].astype(str)
    items = frame[item_col].to_numpy()[keep].astype(str)
    if customers.size == 0:
        raise ColumnError(
            f"no rows have both a customer ({customer_col!r}) and an item ({item_col!r}); "
            "recommendations need purchase history."
        )
    times = (
        parse_times(frame[time_col], column=time_col)[keep]
        if time_col is not None
        else np.zeros(customers.size, dtype=np.int64)
    )
    if value_col is not None:
        values = pd.to_numeric(frame[value_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)[
            keep
        ]
        values = np.nan_to_num(values, nan=1.0)
    else:
        values = np.ones(customers.size, dtype=np.float64)
    customer_ids, customer_codes = np.unique(customers, return_inverse=True)
    item_ids, item_codes = np.unique(items, return_inverse=True)
    # Time of a pair = its first row by (time, row order); its value = the sum over its rows.
    row_position = np.arange(customers.size)
    chronological = np.lexsort((row_position, times))
    pair_key = customer_codes.astype(np.int64) * item_ids.size + item_codes
    ordered_keys = pair_key[chronological]
    unique_keys, first_at, inverse = np.unique(ordered_keys, return_index=True, return_inverse=True)
    summed = np.bincount(inverse, weights=values[chronological])
    shape = (customer_ids.size, item_ids.size)
    # Every pair with a line, whatever its sign: what the customer already has (or gave back).
    owned = sp.csr_matrix(
        (
            np.ones(unique_keys.size, dtype=np.float32),
            (unique_keys // item_ids.size, unique_keys % item_ids.size),
        ),
        shape=shape,
    )
    positive = summed > 0
    unique_keys, first_at, summed = unique_keys[positive], first_at[positive], summed[positive]
    if unique_keys.size == 0:
        raise ColumnError(
            f"every (customer, item) pair has a total {value_col!r} of zero or less; nothing to learn from."
        )
    rows = unique_keys // item_ids.size
    cols = unique_keys % item_ids.size
    # unique_keys are sorted by (row, col): exactly CSR's canonical order, so `first_at` aligns.
    counts = sp.csr_matrix((summed, (rows, cols)), shape=shape)
    counts.sum_duplicates()
    time_rank = np.empty(first_at.size, dtype=np.int64)
    time_rank[np.argsort(first_at, kind="stable")] = np.arange(first_at.size)
    matrix = apply_weighting(counts, weighting)
    return Interactions(
        matrix=matrix,
        customer_ids=customer_ids.astype(object),
        item_ids=item_ids.astype(object),
        order=time_rank,
        weighting=weighting,
        owned=owned,
    )
