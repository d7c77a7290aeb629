"""Saved propensity models are JSON that scores as the fitted model did; nothing is pickled or unpickled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import (
    ModelFileError,
    fit_propensity,
    load_propensity_model,
    propensity_model_dict,
    score_saved_model,
    synthetic_responses,
)


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    frame = synthetic_responses(1200, n_columns=8, seed=5)
    frame["joined"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(frame["orders"] * 30, unit="D")
    frame.loc[::50, "spend"] = np.nan  # missing numbers are imputed with the saved median
    return frame


def _save(customers: pd.DataFrame, model: str, folder: Path) -> tuple[Path, np.ndarray]:
    result = fit_propensity(customers, target="responded", id_col="customer_id", models=[model], seed=2)
    path = folder / f"{model}.json"
    path.write_text(json.dumps(propensity_model_dict(result)), encoding="utf-8")
    return path, result.scores["propensity"].to_numpy()


@pytest.mark.parametrize("model", ["logistic", "tree"])
def test_written_out_models_score_exactly_as_fitted(
    customers: pd.DataFrame, model: str, tmp_path: Path
) -> None:
    path, expected = _save(customers, model, tmp_path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["format"] == "segmentation-propensity-model" and model in payload
    assert "joined" in payload["plan"]["dates"]
    saved = load_propensity_model(path)
    assert not saved.needs_training_data
    np.testing.assert_allclose(score_saved_model(saved, customers), expected, rtol=0, atol=1e-9)


def test_a_new_category_scores_like_none_of_the_known_ones(customers: pd.DataFrame, tmp_path: Path) -> None:
    path, _ = _save(customers, "logistic", tmp_path)
    new = customers.head(3).assign(channel="kiosk")
    scores = score_saved_model(load_propensity_model(path), new)
    assert np.isfinite(scores).all() and ((scores > 0) & (scores < 1)).all()


def test_a_forest_is_saved_as_a_recipe_and_refitted_only_on_its_own_training_table(
    customers: pd.DataFrame, tmp_path: Path
) -> None:
    path, expected = _save(customers, "forest", tmp_path)
    saved = load_propensity_model(path)
    assert saved.needs_training_data
    assert saved.payload["refit"]["parameters"]["random_state"] == 2
    np.testing.assert_allclose(score_saved_model(saved, customers, training=customers), expected, atol=1e-12)
    with pytest.raises(ModelFileError, match="give the training table"):
        score_saved_model(saved, customers)
    other = customers.assign(orders=customers["orders"] + 1)
    with pytest.raises(ModelFileError, match="not the table the model was trained on"):
        score_saved_model(saved, customers, training=other)


def test_files_that_are_not_models_are_refused(tmp_path: Path) -> None:
    pickle_like = tmp_path / "model.pkl"
    pickle_like.write_bytes(b"\x80\x04\x95")
    with pytest.raises(ModelFileError, match="not a readable propensity model"):
        load_propensity_model(pickle_like)
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ModelFileError, match="not a propensity model file"):
        load_propensity_model(other)
