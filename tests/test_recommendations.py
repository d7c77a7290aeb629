"""Interactions, weighting, models (one shared contract for all) and the offline protocol."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from segmentation.errors import ColumnError, ParameterError
from segmentation.recommendations import (
    DEFAULT_MODEL,
    MODELS,
    ItemKNN,
    Popularity,
    binary_weight,
    bm25_weight,
    build_interactions,
    evaluate_interactions,
    evaluate_models,
    log_weight,
    make_model,
    score_recommendations,
    split_latest,
    tfidf_weight,
)

N_GROUPS, ITEMS_PER_GROUP = 4, 20


def planted_tastes(*, n_customers: int = 160, per_customer: int = 10, seed: int = 0) -> pd.DataFrame:
    """Customers buy only inside their taste group; group 0 is the largest, so popularity favours it.

    Item ``g*20 + j`` belongs to group g; within a group, low j is more popular.
    """
    rng = np.random.default_rng(seed)
    group_sizes = np.array([0.4, 0.2, 0.2, 0.2])
    groups = rng.choice(N_GROUPS, size=n_customers, p=group_sizes)
    inside = 1.0 / np.arange(1, ITEMS_PER_GROUP + 1) ** 0.5
    rows = []
    for customer, group in enumerate(groups):
        picks = rng.choice(ITEMS_PER_GROUP, size=per_customer, replace=False, p=inside / inside.sum())
        for day, pick in enumerate(picks):
            rows.append(
                (f"c{customer:03d}", f"i{group * ITEMS_PER_GROUP + pick:02d}", 1_600_000_000 + 86_400 * day)
            )
    return pd.DataFrame(rows, columns=["customer", "item", "time"])


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, sp.csr_matrix]:
    frame = planted_tastes()
    interactions = build_interactions(frame, customer_col="customer", item_col="item", time_col="time")
    return frame, interactions.matrix


# -- interactions and weighting ----------------------------------------------------------------
def test_build_interactions_merges_repeats_and_orders_by_first_purchase() -> None:
    frame = pd.DataFrame(
        {
            "cust": ["b", "a", "a", "a", "b"],
            "sku": ["x", "y", "x", "y", "z"],
            "date": ["2024-01-05", "2024-01-03", "2024-01-01", "2024-01-02", "2024-01-04"],
            "qty": [1, 2, 1, 3, -1],
        }
    )
    counts = build_interactions(
        frame, customer_col="cust", item_col="sku", time_col="date", weighting="count"
    )
    assert list(counts.customer_ids) == ["a", "b"] and list(counts.item_ids) == ["x", "y", "z"]
    assert counts.matrix.toarray().tolist() == [[1, 2, 0], [1, 0, 1]]
    # Entries in CSR order: (a,x) 01-01, (a,y) first 01-02, (b,x) 01-05, (b,z) 01-04.
    assert counts.order.tolist() == [0, 1, 3, 2]
    summed = build_interactions(frame, customer_col="cust", item_col="sku", time_col="date", value_col="qty")
    # b's only z line was a return: a non-positive total is not an interaction.
    assert summed.matrix.toarray().tolist() == [[1, 1, 0], [1, 0, 0]]


def test_epoch_seconds_and_milliseconds_give_the_same_order() -> None:
    seconds = pd.DataFrame(
        {"c": ["a", "a", "a"], "i": ["p", "q", "r"], "t": [1_700_000_300, 1_700_000_100, 1_700_000_200]}
    )
    millis = seconds.assign(t=seconds["t"] * 1000)
    dates = seconds.assign(t=pd.to_datetime(seconds["t"], unit="s"))
    orders = [
        build_interactions(f, customer_col="c", item_col="i", time_col="t").order.tolist()
        for f in (seconds, millis, dates)
    ]
    assert orders == [[2, 0, 1]] * 3


def test_bm25_matches_the_formula_and_keeps_sparsity() -> None:
    X = sp.csr_matrix(np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    weighted = bm25_weight(X, K1=1.0, B=0.5)
    assert sp.issparse(weighted) and weighted.nnz == X.nnz
    idf = np.log(2) - np.log1p(np.array([1, 1, 2]))
    length = 0.5 + 0.5 * np.array([3.0, 2.0]) / 2.5
    expected_00 = 2.0 * 2.0 / (1.0 * length[0] + 2.0) * idf[0]
    assert weighted[0, 0] == pytest.approx(expected_00, rel=1e-5)
    assert log_weight(X).toarray()[0].tolist() == pytest.approx([1 + np.log(2), 0.0, 1.0])
    assert binary_weight(X).toarray().tolist() == [[1, 0, 1], [0, 1, 1]]
    # TF-IDF: the item both customers have weighs least; repeats count by their square root.
    tfidf = tfidf_weight(X).toarray()
    assert tfidf[0, 2] < tfidf[1, 1] and tfidf[0, 0] == pytest.approx(np.sqrt(2) * idf[0], rel=1e-5)


def test_missing_columns_and_unknown_weighting_are_explained() -> None:
    frame = pd.DataFrame({"c": ["a"], "i": ["x"]})
    with pytest.raises(ColumnError, match="'when'"):
        build_interactions(frame, customer_col="c", item_col="i", time_col="when")
    with pytest.raises(ParameterError, match="bm25"):
        build_interactions(frame, customer_col="c", item_col="i", weighting="magic")
    with pytest.raises(ParameterError, match="item_knn"):
        make_model("nope")


# -- a hand-computed item-kNN ------------------------------------------------------------------
def test_item_knn_matches_hand_computed_cosine() -> None:
    # Items a, b, c.  u0: a b   u1: a b c   u2: b c
    X = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=np.float32))
    only_a = sp.csr_matrix(np.array([[1, 0, 0]], dtype=np.float32))
    plain = ItemKNN(neighbors=10, shrinkage=0.0, weighting="binary").fit(X)
    # cos(a,b) = 2 / (√2·√3), cos(a,c) = 1 / (√2·√2)
    assert plain.score(only_a)[0] == pytest.approx([0.0, 2 / np.sqrt(6), 0.5], rel=1e-5)
    shrunk = ItemKNN(neighbors=10, shrinkage=1.0, weighting="binary").fit(X)
    assert shrunk.score(only_a)[0] == pytest.approx([0.0, 2 / (np.sqrt(6) + 1), 1 / 3], rel=1e-5)
    # With one neighbour, c keeps only b (0.816 > 0.5): owning a no longer suggests c.
    pruned = ItemKNN(neighbors=1, shrinkage=0.0, weighting="binary").fit(X)
    assert pruned.score(only_a)[0][2] == 0.0
    ids, scores = plain.recommend(np.array([0]), sp.csr_matrix(np.array([[1, 0, 0]])), N=2)
    assert ids.tolist() == [[1, 2]] and scores[0] == pytest.approx([2 / np.sqrt(6), 0.5], rel=1e-5)


# -- one contract, every model -----------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(MODELS))
class TestEveryModel:
    def test_never_recommends_owned_items_and_lists_are_unique(self, name: str, planted: tuple) -> None:
        _, X = planted
        users = np.arange(X.shape[0])
        ids, scores = make_model(name).fit(X).recommend(users, X, N=10)
        assert ids.shape == scores.shape == (X.shape[0], 10)
        owned = X[users[:, None].repeat(10, axis=1).ravel(), ids.ravel()]
        assert np.all(np.asarray(owned) == 0)
        assert all(len(set(row)) == 10 for row in ids.tolist())
        assert np.all(np.diff(scores, axis=1) <= 1e-6)

    def test_cold_start_row_gets_the_most_popular_items(self, name: str, planted: tuple) -> None:
        _, X = planted
        model = make_model(name).fit(X)
        ids, _ = model.recommend(np.array([0]), sp.csr_matrix((1, X.shape[1])), N=5)
        popularity = np.diff(sp.csc_matrix(X).indptr)
        assert set(ids[0]) == set(np.argsort(-popularity, kind="stable")[:5])

    def test_short_catalog_pads_with_minus_one(self, name: str) -> None:
        X = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0]], dtype=np.float32))
        ids, scores = make_model(name).fit(X).recommend(np.array([0, 2]), X, N=3)
        assert ids[0].tolist() == [2, -1, -1] and np.isnan(scores[0, 1:]).all()
        assert sorted(ids[1, :2].tolist()) == [1, 2] and ids[1, 2] == -1

    def test_own_taste_group_first_and_deterministic_after_pickling(self, name: str, planted: tuple) -> None:
        _, X = planted
        model = make_model(name).fit(X)
        users = np.arange(X.shape[0])
        ids, _ = model.recommend(users, X, N=3)
        again, _ = pickle.loads(pickle.dumps(model)).recommend(users, X, N=3)
        assert np.array_equal(ids, again)
        group_of_customer = (X.toarray().argmax(axis=1)) // ITEMS_PER_GROUP
        in_group = (ids[:, 0] // ITEMS_PER_GROUP) == group_of_customer
        if name == "popularity":
            assert in_group.mean() < 0.7  # bestsellers ignore taste
        else:
            assert in_group.mean() > 0.95

    def test_beats_popularity_on_planted_tastes(self, name: str, planted: tuple) -> None:
        frame, _ = planted
        interactions = build_interactions(
            frame, customer_col="customer", item_col="item", time_col="time", weighting="count"
        )
        report = evaluate_interactions(interactions, k=5, models=[name])
        popularity = report.result("popularity")
        if name != "popularity":
            assert report.result(name).ndcg_at_k > popularity.ndcg_at_k + 0.1
            assert report.result(name).precision_at_k > popularity.precision_at_k + 0.05


# -- the offline protocol ----------------------------------------------------------------------
def test_split_holds_out_the_latest_fifth_with_ties_by_row_order() -> None:
    rows = [("a", f"i{j}", 100 + j) for j in range(6)]  # 6 interactions → 2 held out
    rows += [("b", f"i{j}", 50) for j in range(5)]  # 5 ties → the last row is "latest"
    rows += [("c", "i0", 7)]  # a single interaction is held out; nothing left to train on
    frame = pd.DataFrame(rows, columns=["c", "i", "t"])
    interactions = build_interactions(frame, customer_col="c", item_col="i", time_col="t")
    train, test = split_latest(interactions)
    items = list(interactions.item_ids)
    held = {c: sorted(items[j] for j in test[r].indices) for r, c in enumerate(interactions.customer_ids)}
    assert held == {"a": ["i4", "i5"], "b": ["i4"], "c": ["i0"]}
    assert train.nnz + test.nnz == interactions.n_interactions and train[2].nnz == 0


def test_metrics_match_a_hand_computed_example() -> None:
    test = sp.csr_matrix(np.array([[1, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]))
    recommended = np.array([[2, 1], [0, 1], [3, 0]])
    precision, recall, ndcg = score_recommendations(recommended, test, k=2)
    assert precision == pytest.approx((1 / 2 + 0) / 2)
    assert recall == pytest.approx((1 / 2 + 0) / 2)
    assert ndcg == pytest.approx((1.0 / (1 + 1 / np.log2(3)) + 0) / 2)


def test_evaluate_models_reports_popularity_and_the_default() -> None:
    frame = planted_tastes(n_customers=60, seed=3)
    report = evaluate_models(
        frame, customer_col="customer", item_col="item", time_col="time", k=10, models=["item_knn"]
    )
    payload = report.to_dict()
    assert {"protocol", "default_model", "results"} <= set(payload)
    models = {r["model"] for r in payload["results"]}
    assert models == {"popularity", "item_knn", DEFAULT_MODEL}
    assert set(payload["results"][0]) == {
        "model",
        "precision_at_k",
        "recall_at_k",
        "ndcg_at_k",
        "coverage",
        "seconds",
    }
    assert report.n_customers_evaluated == 60
    assert 0 < report.result("popularity").coverage < 1
    with pytest.raises(ParameterError):
        evaluate_interactions(build_interactions(frame, customer_col="customer", item_col="item"), k=0)


def test_popularity_is_item_count_of_buyers() -> None:
    X = sp.csr_matrix(np.array([[3, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=np.float32))
    assert Popularity().fit(X).score(X[:1])[0].tolist() == [2.0, 1.0, 1.0]


def test_top_n_fills_from_popularity_skipping_owned_and_chosen_items() -> None:
    from segmentation.recommendations.top_n import top_n

    candidates = sp.csr_matrix(np.array([[0.0, 0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]))
    seen = sp.csr_matrix(np.array([[1, 0, 0, 0, 0], [1, 1, 1, 1, 0]]))
    popularity_first = np.array([0, 3, 1, 2, 4])
    ids, scores = top_n(
        candidates, seen, n=3, fallback_order=popularity_first, fallback_scores=np.arange(5, dtype=np.float32)
    )
    # Row 0: its one candidate, then the most popular items it neither owns nor already got.
    assert ids.tolist() == [[3, 1, 2], [4, -1, -1]]
    assert scores[0].tolist() == [0.5, 1.0, 2.0] and np.isnan(scores[1, 1:]).all()


def test_results_pickle_for_the_app_cache(planted: tuple) -> None:
    frame, _ = planted
    interactions = build_interactions(frame, customer_col="customer", item_col="item", time_col="time")
    report = evaluate_interactions(interactions, k=5, models=["popularity"])
    for value in (interactions, report):
        restored = pickle.loads(pickle.dumps(value))
        assert type(restored) is type(value)
    assert pickle.loads(pickle.dumps(report)).to_dict() == report.to_dict()
    assert (pickle.loads(pickle.dumps(interactions)).matrix != interactions.matrix).nnz == 0
