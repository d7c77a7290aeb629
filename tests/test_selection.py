"""The k sweep: planted k is recommended, measures line up, stratified silhouette, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

from segmentation.errors import ParameterError
from segmentation.segments.choosing_k import (
    elbow_of,
    recommend_k,
    silhouette_profile,
    stratified_sample,
    sweep_k,
)
from segmentation.segments.clustering import fit_segments
from segmentation.segments.preparing import FeatureSpec, prepare_features

FEATURES = ["a", "b", "c"]
SPECS = [FeatureSpec(name) for name in FEATURES]


CORNERS = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10], [10, 10, 0]], dtype=float)


def blobs(n: int, centers: int, seed: int = 0, std: float = 1.0) -> pd.DataFrame:
    """Well-separated groups (corners of a cube, 10 apart) with a known number of segments."""
    points, _ = make_blobs(n_samples=n, centers=CORNERS[:centers], cluster_std=std, random_state=seed)
    return pd.DataFrame(points, columns=FEATURES)


def test_planted_four_segments_are_recommended() -> None:
    calls: list[tuple[float, str]] = []
    result = sweep_k(
        blobs(400, 4), SPECS, k_values=range(2, 8), seed=0, progress=lambda f, m: calls.append((f, m))
    )
    assert result.k == (2, 3, 4, 5, 6, 7)
    assert result.recommended_k == 4 and result.elbow_k == 4
    assert "k=4" in result.reason and result.disagreement is None
    best = int(np.argmax(result.silhouette))
    assert result.k[best] == 4 and result.stability[best] > 0.95
    assert list(result.inertia) == sorted(result.inertia, reverse=True)
    assert [round(f, 3) for f, _ in calls] == [round(i / 6, 3) for i in range(1, 7)]


def test_json_dict_has_the_documented_keys_aligned_with_k() -> None:
    payload = sweep_k(blobs(200, 3), SPECS, k_values=range(2, 5)).to_dict()
    for key in ("k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
        assert len(payload[key]) == 3
    assert isinstance(payload["recommended_k"], int) and payload["silhouette_sample_size"] == 200


def test_small_data_silhouette_is_exact() -> None:
    frame = blobs(300, 3)
    result = sweep_k(frame, SPECS, k_values=[3])
    labels = fit_segments(frame, SPECS, k=3).labels
    scaled = prepare_features(frame, SPECS).matrix
    assert result.silhouette[0] == pytest.approx(silhouette_score(scaled, labels), abs=1e-9)


def test_stratified_sample_keeps_small_segments_and_reweights() -> None:
    labels = np.array([0] * 9000 + [1] * 900 + [2] * 100)
    rows, weights = stratified_sample(labels, size=1000, seed=0, min_per_segment=200)
    picked = labels[rows]
    assert len(rows) == 1000 and len(set(rows.tolist())) == 1000
    assert (picked == 2).sum() == 100 and (picked == 1).sum() >= 200
    for segment, size in ((0, 9000), (1, 900), (2, 100)):
        assert weights[picked == segment].sum() == pytest.approx(size)


def test_sampled_silhouette_is_close_to_exact() -> None:
    frame = blobs(3000, 5, std=3.0)
    result = fit_segments(frame, SPECS, k=5)
    profile = silhouette_profile(frame, result, sample_size=800, seed=1)
    exact = silhouette_score(prepare_features(frame, SPECS).matrix, result.labels)
    assert profile.sample_size == 800 and not profile.exact
    assert profile.mean == pytest.approx(exact, abs=0.02)


def test_recommendation_skips_unstable_and_tiny_solutions_and_reports_disagreement() -> None:
    k, reason, disagreement = recommend_k(
        [2, 3, 4, 5], [0.5, 0.6, 0.7, 0.4], [1.0, 1.0, 0.5, 1.0], [0.3, 0.2, 0.1, 0.005], elbow_k=3
    )
    assert k == 3 and "elbow" not in reason.split(" ")[1]
    assert disagreement is not None and "k=3" in disagreement and "k=4" in disagreement
    k, reason, _ = recommend_k([2, 3], [0.5, 0.49], [1.0, 1.0], [0.3, 0.3], elbow_k=3)
    assert k == 3 and "elbow" in reason


def test_elbow_of_a_clear_knee_and_of_a_straight_line() -> None:
    assert elbow_of([2, 3, 4, 5, 6, 7], [100, 50, 12, 10, 9, 8]) == 4
    assert elbow_of([2, 3], [10, 5]) is None


def test_k_range_checks() -> None:
    frame = blobs(8, 2)
    with pytest.raises(ParameterError, match="k=10 is larger than the 8 customers"):
        sweep_k(frame, SPECS, k_values=range(2, 11))
    with pytest.raises(ParameterError, match="between 2 and 30"):
        sweep_k(frame, SPECS, k_values=range(1, 4))
    with pytest.raises(ParameterError, match="finds the number of segments itself"):
        sweep_k(frame, SPECS, k_values=[2], algorithm="hdbscan")


@pytest.mark.parametrize("algorithm", ["agglomerative", "gmm"])
def test_sweep_with_other_methods_finds_the_planted_k(algorithm: str) -> None:
    result = sweep_k(blobs(300, 3), SPECS, k_values=range(2, 6), algorithm=algorithm)
    assert result.recommended_k == 3
    assert result.stability[1] > 0.95


def test_silhouette_values_match_scikit_learn() -> None:
    from sklearn.metrics import silhouette_samples

    from segmentation.segments.choosing_k import silhouette_values

    rng = np.random.default_rng(0)
    points = rng.normal(size=(300, 4))
    labels = np.concatenate([rng.integers(0, 4, 299), [9]])  # segment 9 has a single customer
    np.testing.assert_allclose(
        silhouette_values(points, labels), silhouette_samples(points, labels), atol=1e-12
    )


def test_reference_subset_estimate_is_close_to_exact() -> None:
    from segmentation.segments.choosing_k import silhouette_values, stratified_sample

    frame = blobs(4000, 5, std=3.0)
    scaled = prepare_features(frame, SPECS).matrix
    labels = fit_segments(frame, SPECS, k=5).labels
    reference, _ = stratified_sample(labels, size=800, seed=0)
    estimate = silhouette_values(scaled, labels, reference=reference).mean()
    assert estimate == pytest.approx(silhouette_score(scaled, labels), abs=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_pass_separation_scores_match_scikit_learn(seed: int) -> None:
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    from segmentation.segments.choosing_k import separation_scores

    rng = np.random.default_rng(seed)
    points = rng.normal(size=(2000, 5)) + rng.integers(0, 4, size=(2000, 1)) * 3.0
    labels = rng.integers(0, 6, 2000)
    labels[labels == 3] = 7  # a gap in the segment numbers
    labels[:25] = -1  # "Unassigned" rows are left out
    calinski, davies = separation_scores(points, labels)
    kept = labels >= 0
    assert calinski == pytest.approx(calinski_harabasz_score(points[kept], labels[kept]), rel=1e-9)
    assert davies == pytest.approx(davies_bouldin_score(points[kept], labels[kept]), rel=1e-9)
    assert np.isnan(separation_scores(points, np.zeros(2000, dtype=int))).all()


def test_adjusted_rand_matches_scikit_learn() -> None:
    from sklearn.metrics import adjusted_rand_score

    from segmentation.segments.choosing_k import adjusted_rand

    rng = np.random.default_rng(3)
    first = rng.integers(0, 5, 3000)
    noisy = np.where(rng.random(3000) < 0.2, rng.integers(0, 5, 3000), first)
    for second in (noisy, rng.integers(0, 3, 3000), (first + 2) % 5 * 10):
        assert adjusted_rand(first, second) == pytest.approx(adjusted_rand_score(first, second), abs=1e-12)
    assert adjusted_rand(first, first) == 1.0


def test_shared_sample_silhouette_is_exact_on_small_data_and_close_on_large() -> None:
    from segmentation.segments.choosing_k import mean_silhouette, sample_distances

    frame = blobs(1200, 4, std=2.0)
    scaled = prepare_features(frame, SPECS).matrix
    small = sample_distances(scaled, size=8000, reference=1500, seed=0)
    assert small.exact
    big = blobs(6000, 5, std=3.0)
    big_scaled = prepare_features(big, SPECS).matrix
    shared = sample_distances(big_scaled, size=3000, reference=600, seed=0)
    assert not shared.exact and shared.distances.shape == (3000, 600)
    for k in (2, 4, 5):
        labels = fit_segments(frame, SPECS, k=k).labels
        assert mean_silhouette(small, labels) == pytest.approx(silhouette_score(scaled, labels), abs=1e-9)
        big_labels = fit_segments(big, SPECS, k=k).labels
        exact = silhouette_score(big_scaled, big_labels)
        assert mean_silhouette(shared, big_labels) == pytest.approx(exact, abs=0.01)


def test_sweep_results_do_not_depend_on_how_many_k_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import segmentation.segments.choosing_k as selection

    frame = blobs(2500, 4, std=2.0)
    side_by_side = sweep_k(frame, SPECS, k_values=range(2, 7), seed=3)
    monkeypatch.setattr(selection, "_workers", lambda n_ks, n_rows: 1)
    one_at_a_time = sweep_k(frame, SPECS, k_values=range(2, 7), seed=3)
    assert side_by_side == one_at_a_time


def test_sweep_threads_follow_the_cores_the_user_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    from segmentation.segments.choosing_k import _workers
    from segmentation.segments.clustering import SINGLE_THREAD_ROWS

    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _workers(9, 1000) == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= _workers(9, 1000) <= 4 and _workers(1, 1000) == 1
    assert _workers(9, SINGLE_THREAD_ROWS + 1) == 1
