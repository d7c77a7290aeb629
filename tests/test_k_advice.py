"""One answer to "how many segments?": a campaign-sized k unless the data clearly says otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs

from segmentation.segments.choosing_k import sweep_k
from segmentation.segments.k_advice import advise_k, recommend_k
from segmentation.segments.preparing import FeatureSpec

SPECS = [FeatureSpec("a"), FeatureSpec("b")]
REPRS = ("np.float64(", "nan", "None", "[")


def _plain(text: str | None) -> None:
    assert text is None or not any(r in text for r in REPRS), text


def test_two_is_only_slightly_best_so_a_campaign_sized_k_is_recommended_and_said_why() -> None:
    advice = advise_k(
        [2, 3, 4, 5, 6],
        [0.40, 0.34, 0.33, 0.28, 0.27],
        [1.0, 0.95, 0.95, 0.9, 0.9],
        [0.3, 0.2, 0.1, 0.1, 0.1],
        elbow_k=None,
    )
    assert advice.k == 3 and advice.alternatives == (4,)
    assert advice.summary == "3 segments: fairly well separated and stable; 4 would also work."
    assert "k=2 separates only a little better" in advice.reason and "too few" in advice.reason
    assert advice.disagreement is not None and "k=2 separates customers best" in advice.disagreement
    for text in (advice.summary, advice.reason, advice.disagreement):
        _plain(text)


def test_when_the_data_clearly_says_two_the_advice_says_two_and_says_so() -> None:
    advice = advise_k(
        [2, 3, 4, 5], [0.8, 0.5, 0.45, 0.4], [1.0, 1.0, 0.9, 0.9], [0.5, 0.2, 0.1, 0.1], elbow_k=2
    )
    assert advice.k == 2 and advice.alternatives == () and advice.disagreement is None
    assert advice.summary.startswith("2 segments: clearly separated and stable, clearly better than any of 3")
    assert "no other number comes close" in advice.summary


def test_elbow_silhouette_and_stability_pointing_three_ways_get_one_reconciling_sentence() -> None:
    # The case: elbow 5, best silhouette 9, unstable at 4, 5, 6 and 9.
    ks = [2, 3, 4, 5, 6, 7, 8, 9, 10]
    stability = [1.0, 0.95, 0.6, 0.6, 0.6, 0.9, 0.9, 0.5, 0.9]
    advice = advise_k(ks, [0.30, 0.31, 0.33, 0.33, 0.32, 0.33, 0.34, 0.36, 0.30], stability, [0.2] * 9, 5)
    assert advice.k == 8
    sentence = advice.disagreement
    assert sentence is not None and ". " not in sentence and sentence.endswith(".")  # one sentence
    assert "elbow is at k=5" in sentence and "not stable" in sentence and "k=9 separates" in sentence
    assert "k=8 balances them" in sentence
    assert advice.summary == "8 segments: fairly well separated and stable; 7 would also work."


def test_all_measures_agree_no_disagreement_and_nothing_else_comes_close() -> None:
    advice = advise_k([2, 3, 4, 5], [0.5, 0.6, 0.8, 0.55], [1.0, 1.0, 1.0, 0.9], [0.2] * 4, elbow_k=4)
    assert (advice.k, advice.disagreement, advice.alternatives) == (4, None, ())
    assert advice.summary == "4 segments: clearly separated and stable; no other number comes close."
    assert recommend_k([2, 3, 4, 5], [0.5, 0.6, 0.8, 0.55], [1.0] * 4, [0.2] * 4, 4)[0] == 4


def test_nothing_stable_is_said_with_care() -> None:
    advice = advise_k([3, 4], [0.3, 0.2], [0.5, 0.4], [0.2, 0.2], elbow_k=None)
    assert advice.k == 3 and "read with care" in advice.summary


def test_sweep_on_two_clear_groups_recommends_two_and_its_json_has_the_summary() -> None:
    points, _ = make_blobs(n_samples=300, centers=[[0, 0], [20, 20]], cluster_std=1.0, random_state=0)
    result = sweep_k(pd.DataFrame(points, columns=["a", "b"]), SPECS, k_values=range(2, 7))
    assert result.recommended_k == 2
    payload = result.to_dict()
    assert payload["summary"].startswith("2 segments: clearly separated")
    assert isinstance(payload["alternatives"], list)
    assert np.isfinite(payload["silhouette"][0])


def test_an_elbow_as_good_as_the_campaign_sized_pick_wins_and_the_reason_names_that_pick() -> None:
    # The demo shop's shape: 2 separates a little better, 3 is the best of 3 to 8, the elbow is 4.
    advice = advise_k([2, 3, 4, 5, 6], [0.57, 0.54, 0.539, 0.52, 0.54], [0.9] * 5, [0.1] * 5, elbow_k=4)
    assert advice.k == 4 and advice.alternatives == (3, 5)
    assert "as the best choice between 3 and 8 segments (k=3, 0.54)" in advice.reason
    assert advice.summary == "4 segments: clearly separated and stable; 3 or 5 would also work."
