"""Segmenting customers with each algorithm, on planted structure, and the edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from segmentation.errors import DataQualityWarning, ParameterError, SegmentationWarning
from segmentation.segments.clustering import fit_segments
from segmentation.segments.preparing import FeatureSpec

FEATURES = ["recency", "Annual Income (k$)", "visits"]


def blobs(n: int = 400, centers: int = 4, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    points, truth = make_blobs(n_samples=n, n_features=3, centers=centers, cluster_std=0.6, random_state=seed)
    return pd.DataFrame(points, columns=FEATURES), truth


SPECS = [FeatureSpec(name) for name in FEATURES]


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm", "agglomerative"])
def test_planted_segments_are_found(algorithm: str) -> None:
    frame, truth = blobs()
    result = fit_segments(frame, SPECS, k=4, algorithm=algorithm, seed=1)
    assert adjusted_rand_score(truth, result.labels) > 0.98
    assert result.k == 4 and sum(result.sizes.values()) == 400
    sizes = [result.sizes[s] for s in range(4)]
    assert sizes == sorted(sizes, reverse=True)  # segment 0 is the largest


def test_density_method_marks_outliers_unassigned() -> None:
    frame, truth = blobs(n=400, centers=3)
    far = pd.DataFrame([[60.0, -60.0, 60.0], [-70.0, 70.0, -70.0]], columns=FEATURES)
    result = fit_segments(pd.concat([frame, far], ignore_index=True), SPECS, k=None, algorithm="hdbscan")
    assert result.labels[-2:].tolist() == [-1, -1]
    assert result.k == 3
    assert adjusted_rand_score(truth, result.labels[:400]) > 0.95


def test_same_seed_same_segments_and_seed_is_used() -> None:
    frame, _ = blobs(n=300, centers=6, seed=5)
    first = fit_segments(frame, SPECS, k=5, seed=3)
    again = fit_segments(frame, SPECS, k=5, seed=3)
    assert np.array_equal(first.labels, again.labels)
    assert first.model.seed == 3


def test_k_larger_than_customers_names_both_numbers() -> None:
    frame, _ = blobs(n=8)
    with pytest.raises(ParameterError, match=r"k=12 is larger than the 8 customers.*k ≤ 8"):
        fit_segments(frame, SPECS, k=12)


def test_a_single_customer_cannot_be_segmented() -> None:
    frame, _ = blobs(n=1, centers=1)
    with pytest.raises(ParameterError, match="larger than the 1 customer in the table"):
        fit_segments(frame, SPECS, k=2)


def test_duplicated_rows_warn_and_too_few_profiles_fail() -> None:
    frame, _ = blobs(n=40)
    doubled = pd.concat([frame, frame.iloc[:5]], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="5 rows are exact copies"):
        fit_segments(doubled, SPECS, k=3)
    copies = pd.concat([frame.iloc[:2]] * 10, ignore_index=True)
    with (
        pytest.warns(DataQualityWarning),
        pytest.raises(ParameterError, match="2 different customer profiles"),
    ):
        fit_segments(copies, SPECS, k=3)


def test_tiny_segment_warns() -> None:
    frame, _ = blobs(n=300, centers=3)
    outlier = pd.DataFrame([[80.0, 80.0, 80.0]], columns=FEATURES)
    with pytest.warns(SegmentationWarning, match=r"holds only 1 customers \(0\.3%\)"):
        result = fit_segments(pd.concat([frame, outlier], ignore_index=True), SPECS, k=4)
    assert any("consider a smaller k" in n for n in result.notes)


def test_rows_with_missing_values_are_kept_but_not_segmented() -> None:
    frame, _ = blobs(n=200)
    frame.loc[[3, 7], "visits"] = np.nan
    specs = [FeatureSpec("recency"), FeatureSpec("Annual Income (k$)"), FeatureSpec("visits", missing="drop")]
    with pytest.warns(DataQualityWarning, match="2 customers with missing values"):
        result = fit_segments(frame, specs, k=4)
    assert len(result.labels) == 200
    assert result.labels[[3, 7]].tolist() == [-2, -2] and result.n_dropped == 2
    assert (result.labels[result.labels >= 0] < 4).all() and (result.labels >= 0).sum() == 198


def test_unknown_algorithm_is_rejected() -> None:
    frame, _ = blobs(n=50)
    with pytest.raises(ParameterError, match="'spectral' is not one of"):
        fit_segments(frame, SPECS, k=3, algorithm="spectral")


def test_large_data_paths_sample_then_refine_on_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    import segmentation.segments.clustering as clustering

    frame, truth = blobs(n=600)
    monkeypatch.setattr(clustering, "FIT_SAMPLE", 100)  # starts found on 100 customers ...
    monkeypatch.setattr(clustering, "AGGLOMERATIVE_SAMPLE", 120)  # ... Ward tree on 120
    refined = fit_segments(frame, SPECS, k=4)
    ward = fit_segments(frame, SPECS, k=4, algorithm="agglomerative")
    monkeypatch.setattr(clustering, "MINIBATCH_THRESHOLD", 300)  # ... and mini-batch refinement above 300
    minibatch = fit_segments(frame, SPECS, k=4)
    for result in (refined, ward, minibatch):
        assert adjusted_rand_score(truth, result.labels) > 0.98
        assert (result.labels >= 0).all()


def test_density_method_on_too_few_customers_is_explained() -> None:
    frame, _ = blobs(n=6)
    with pytest.raises(ParameterError, match="at least 20 customers"):
        fit_segments(frame, SPECS, k=None, algorithm="hdbscan")
