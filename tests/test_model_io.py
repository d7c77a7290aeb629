"""The JSON model: round trip, exact reproduction of labels, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from segmentation.cli import main
from segmentation.errors import ColumnError, DataQualityWarning, ModelFileError
from segmentation.segments.clustering import fit_segments
from segmentation.segments.labels import NO_DATA_NAME, NOT_SEGMENTED, UNASSIGNED, segment_name_column
from segmentation.segments.model_file import SegmentationModel, load_model, save_model
from segmentation.segments.preparing import FeatureSpec, prepare_features
from segmentation.segments.scoring import (
    assign_segments,
    fills_for_rows,
    numbers_for_model,
    rows_without_data,
    transform_rows,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    points, truth = make_blobs(n_samples=300, n_features=2, centers=3, cluster_std=0.7, random_state=2)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(300)],
            "Annual Income (k$)": np.exp(points[:, 0] / 4 + 3),
            "score, 1-100": points[:, 1],
            "channel": pd.Series(np.where(truth == 0, "web", "store"), dtype="str"),
        }
    )
    frame.loc[rng.choice(300, 10, replace=False), "score, 1-100"] = np.nan
    return frame


SPECS = [
    FeatureSpec("Annual Income (k$)", transform="log1p", scaling="robust"),
    FeatureSpec("score, 1-100", transform="yeo-johnson", scaling="minmax", weight=1.5),
    FeatureSpec("channel", kind="categorical", missing="most_frequent", rare_share=0.05),
]


def test_numpy_scoring_matches_the_fitted_sklearn_pipeline(customers: pd.DataFrame) -> None:
    prepared = prepare_features(customers, SPECS)
    result = fit_segments(customers, SPECS, k=3, prepared=prepared)
    matrix, complete = transform_rows(result.model, customers)
    assert complete.all()
    np.testing.assert_allclose(matrix, prepared.matrix, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm", "agglomerative"])
def test_json_round_trip_reproduces_labels(customers: pd.DataFrame, tmp_path: Path, algorithm: str) -> None:
    result = fit_segments(customers, SPECS, k=3, algorithm=algorithm, seed=4)
    path = tmp_path / "model.json"
    save_model(result.model.with_names({0: "Big spenders", 1: "Browsers", 2: "Sleepers"}), path)
    loaded = load_model(path)
    assert loaded.segment_names[0] == "Big spenders"
    assert np.array_equal(assign_segments(loaded, customers), result.labels)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["features"][0]["name"] == "Annual Income (k$)"
    assert "\n  " in text  # indented: a person can read it


def test_column_order_and_row_order_do_not_matter(customers: pd.DataFrame) -> None:
    result = fit_segments(customers, SPECS, k=3)
    shuffled = customers[list(reversed(customers.columns))].iloc[::-1]
    assert np.array_equal(assign_segments(result.model, shuffled)[::-1], result.labels)


def test_identical_rows_get_identical_segments(customers: pd.DataFrame) -> None:
    result = fit_segments(customers, SPECS, k=3)
    repeated = pd.concat([customers.iloc[[5]]] * 4, ignore_index=True)
    labels = assign_segments(result.model, repeated)
    assert len(set(labels.tolist())) == 1 and labels[0] == result.labels[5]


def test_unseen_category_and_missing_values_are_handled(customers: pd.DataFrame) -> None:
    result = fit_segments(customers, SPECS, k=3)
    new = customers.iloc[:2].copy()
    new["channel"] = ["app", None]
    new["score, 1-100"] = [np.nan, 1.0]
    labels = assign_segments(result.model, new)
    assert labels.shape == (2,) and (labels >= 0).all()


def test_missing_feature_column_is_named(customers: pd.DataFrame) -> None:
    result = fit_segments(customers, SPECS, k=3)
    with pytest.raises(ColumnError, match=r"no column 'channel'"):
        assign_segments(result.model, customers.drop(columns=["channel"]))


def test_dropped_rows_are_not_segmented_and_named(customers: pd.DataFrame) -> None:
    specs = [FeatureSpec("Annual Income (k$)"), FeatureSpec("score, 1-100", missing="drop")]
    with pytest.warns(Warning, match="10 customers"):
        result = fit_segments(customers, specs, k=3)
    labels = assign_segments(result.model, customers)
    assert np.array_equal(labels, result.labels)
    names = segment_name_column(labels, {0: "A", 1: "B", 2: "C"}, not_segmented=result.not_segmented)
    assert (names[result.not_segmented] == "Not segmented (missing values)").all()
    assert set(names[~result.not_segmented]) == {"A", "B", "C"}


def test_damaged_or_foreign_files_raise_model_file_error(tmp_path: Path, customers: pd.DataFrame) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(bad)
    bad.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ModelFileError, match="not a segmentation model"):
        load_model(bad)
    payload = fit_segments(customers, SPECS, k=3).model.to_dict()
    del payload["segments"][0]["centre"]
    with pytest.raises(ModelFileError, match="incomplete or damaged"):
        SegmentationModel.from_json(json.dumps(payload))


def test_text_files_are_read_with_their_decimal_mark(customers: pd.DataFrame) -> None:
    specs = [
        FeatureSpec("Annual Income (k$)"),
        FeatureSpec("channel", kind="categorical", missing="most_frequent"),
    ]
    result = fit_segments(customers, specs, k=3)
    as_text = pd.DataFrame(
        {
            "channel": pd.Series(customers["channel"], dtype="str"),
            "Annual Income (k$)": [f"{v:.17g}".replace(".", ",") for v in customers["Annual Income (k$)"]],
        }
    )
    typed = numbers_for_model(result.model, as_text, decimal=",")
    assert np.array_equal(assign_segments(result.model, typed), result.labels)
    as_text.loc[0, "Annual Income (k$)"] = "lots"
    with pytest.warns(DataQualityWarning, match="1 values of 'Annual Income \\(k\\$\\)' are not numbers"):
        numbers_for_model(result.model, as_text, decimal=",")


def test_rows_without_data_are_labelled_apart_from_unassigned(
    customers: pd.DataFrame, tmp_path: Path
) -> None:
    assert (UNASSIGNED, NOT_SEGMENTED) == (-1, -2)
    frame = customers.copy()
    frame.loc[[0, 1], ["Annual Income (k$)", "score, 1-100", "channel"]] = np.nan
    with pytest.warns(DataQualityWarning, match=r"Not segmented \(no data\): 2 customers"):
        result = fit_segments(frame, SPECS, k=3)
    assert result.labels[[0, 1]].tolist() == [NOT_SEGMENTED, NOT_SEGMENTED]
    assert (result.labels[2:] >= 0).all()
    save_model(result.model, tmp_path / "model.json")
    model = load_model(tmp_path / "model.json")
    labels = assign_segments(model, frame)
    assert np.array_equal(labels, result.labels)
    no_data = rows_without_data(model, frame)
    assert np.flatnonzero(no_data).tolist() == [0, 1]
    names = segment_name_column(labels, {0: "A", 1: "B", 2: "C"}, no_data=no_data)
    assert names[:2].tolist() == [NO_DATA_NAME, NO_DATA_NAME] and set(names[2:]) <= {"A", "B", "C"}
    assert segment_name_column(np.array([-1, -2, 0]), {0: "A"}).tolist() == [
        "Unassigned",
        "Not segmented (no data)",
        "A",
    ]


def test_model_file_records_fills_and_scoring_reports_them(customers: pd.DataFrame, tmp_path: Path) -> None:
    result = fit_segments(customers, SPECS, k=3)
    fills = {f.feature: f for f in result.model.fills}
    assert list(fills) == ["score, 1-100"] and fills["score, 1-100"].n_filled == 10
    save_model(result.model, tmp_path / "model.json")
    saved = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert [f["missing_values_filled_when_fitted"] for f in saved["features"]] == [0, 10, 0]
    assert load_model(tmp_path / "model.json").fills == result.model.fills
    new = customers.iloc[:20].copy()
    new.loc[new.index[:3], "channel"] = np.nan
    (channel,) = [f for f in fills_for_rows(result.model, new) if f.feature == "channel"]
    assert channel.n_filled == 3 and channel.value == result.model.features[2].fill_value


@pytest.mark.parametrize("transform", ["none", "log1p", "yeo-johnson"])
@pytest.mark.parametrize("scaling", ["standard", "robust", "minmax"])
def test_every_preprocessing_choice_scores_like_the_fitted_pipeline(
    customers: pd.DataFrame, transform: str, scaling: str
) -> None:
    # One description (FeatureSpec + SCALER_CONSTANTS) drives fitting and scoring: they must agree.
    specs = [
        FeatureSpec("Annual Income (k$)", transform=transform, scaling=scaling),
        FeatureSpec("score, 1-100", transform="none", scaling=scaling, missing="median"),
    ]
    prepared = prepare_features(customers, specs)
    model = fit_segments(customers, specs, k=3, prepared=prepared).model
    matrix, complete = transform_rows(SegmentationModel.from_json(model.to_json()), customers)
    assert complete.all()
    np.testing.assert_allclose(matrix, prepared.matrix, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scaling", "bogus", r"feature 'Annual Income \(k\$\)': scaling 'bogus' is not one of"),
        ("transform", "cube", r"transform 'cube' is not one of"),
        ("missing", "guess", r"missing 'guess' is not one of"),
        ("weight", -1, r"weight -1.0 must be a positive number"),
        ("scaler", {"mean": 1.0}, r"scaler needs finite median and iqr"),
        ("yeo_johnson_lambda", None, None),
    ],
)
def test_bad_preprocessing_in_a_model_file_is_a_clear_error(
    customers: pd.DataFrame, tmp_path: Path, field: str, value: object, message: str | None
) -> None:
    payload = fit_segments(customers, SPECS, k=3).model.to_dict()
    feature = payload["features"][0 if field != "yeo_johnson_lambda" else 1]
    feature[field] = value
    path = tmp_path / "model.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    expected = message or r"feature 'score, 1-100': yeo_johnson_lambda is missing"
    with pytest.raises(ModelFileError, match=expected) as raised:
        load_model(path)
    assert str(path) in str(raised.value)
    # The command line says the same in one line with exit code 2.
    table = tmp_path / "customers.csv"
    customers.to_csv(table, index=False)
    assert main(["assign", str(table), "--model", str(path), "-o", str(tmp_path / "out.csv")]) == 2
