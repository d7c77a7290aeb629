"""Feature suggestion, default settings, validation and the scikit-learn preprocessing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.errors import ColumnError, DataQualityWarning, ParameterError
from segmentation.segments.choosing_features import (
    default_specs,
    feature_correlations,
    high_correlation_pairs,
    suggest_features,
)
from segmentation.segments.preparing import (
    FeatureSpec,
    missing_value_fills,
    prepare_features,
    specs_from_table,
    specs_table,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    spend = rng.lognormal(mean=4, sigma=1.2, size=n)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "email": [f"p{i}@example.com" for i in range(n)],
            "signup_date": pd.date_range("2024-01-01", periods=n, freq="D"),
            "monetary": spend,
            "monetary_copy": spend * 1.01 + 1,
            "age": rng.integers(18, 80, size=n).astype(float),
            "country": pd.Series(rng.choice(["FR", "DE", "IT"], size=n), dtype="str"),
            "plan": ["gold"] * n,
            "r_score": rng.integers(1, 6, size=n).astype(float),
        }
    )


def test_suggestion_excludes_ids_pii_dates_and_constants_with_reasons(customers: pd.DataFrame) -> None:
    roles = {"customer_id": "customer_id", "email": "email", "signup_date": "date", "country": "categorical"}
    suggestion = suggest_features(customers, roles)
    assert suggestion.selected == ("monetary", "monetary_copy", "age")
    assert set(suggestion.available) == {"country", "r_score"}
    assert "identifier" in suggestion.excluded["customer_id"]
    assert "personal data" in suggestion.excluded["email"]
    assert "date" in suggestion.excluded["signup_date"]
    assert "constant" in suggestion.excluded["plan"]


def test_suggestion_without_roles_uses_names_and_uniqueness(customers: pd.DataFrame) -> None:
    suggestion = suggest_features(customers.drop(columns=["signup_date"]))
    assert "identifier" in suggestion.excluded["customer_id"]
    assert "nearly unique" in suggestion.excluded["email"]


def test_default_specs_log_skewed_money_only(customers: pd.DataFrame) -> None:
    specs = {s.name: s for s in default_specs(customers, ["monetary", "age", "country"])}
    assert specs["monetary"].transform == "log1p"
    assert specs["age"].transform == "none"
    assert specs["country"].kind == "categorical" and specs["country"].missing == "most_frequent"


def test_missing_values_are_imputed_or_rows_dropped_with_counts(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame.loc[[0, 5, 9], "age"] = np.nan
    table = specs_table(frame, default_specs(frame, ["age", "monetary"]))
    assert table.set_index("feature").loc["age", "n_missing"] == 3
    imputed = prepare_features(frame, [FeatureSpec("age"), FeatureSpec("monetary")])
    assert imputed.used_rows.all() and np.isfinite(imputed.matrix).all()
    with pytest.warns(DataQualityWarning, match="3 customers with missing values in 'age'"):
        dropped = prepare_features(frame, [FeatureSpec("age", missing="drop"), FeatureSpec("monetary")])
    assert dropped.n_dropped == 3 and dropped.matrix.shape == (297, 2)


def test_pipeline_scales_weights_and_groups_rare_levels(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame.loc[:2, "country"] = "LU"  # 3 of 300 = 1% → below a 2% threshold, grouped
    specs = [
        FeatureSpec("age", scaling="minmax", weight=2.0),
        FeatureSpec("country", kind="categorical", missing="most_frequent", rare_share=0.02),
    ]
    prepared = prepare_features(frame, specs)
    age = prepared.matrix[:, 0]
    assert age.min() == pytest.approx(0.0) and age.max() == pytest.approx(2.0)
    assert prepared.output_names[1:] == (
        "country_DE",
        "country_FR",
        "country_IT",
        "country_infrequent_sklearn",
    )
    assert prepared.matrix[:3, -1].tolist() == [1.0, 1.0, 1.0]


def test_constant_and_empty_features_are_left_out_with_a_warning(customers: pd.DataFrame) -> None:
    frame = customers.assign(empty=np.nan)
    specs = [
        FeatureSpec("age"),
        FeatureSpec("plan", kind="categorical", missing="most_frequent"),
        FeatureSpec("empty"),
    ]
    with pytest.warns(DataQualityWarning) as record:
        prepared = prepare_features(frame, specs)
    messages = " ".join(str(w.message) for w in record)
    assert "'plan' has the same value for every customer" in messages
    assert "'empty' has no values" in messages
    assert [s.name for s in prepared.specs] == ["age"]


def test_nothing_usable_is_an_error(customers: pd.DataFrame) -> None:
    with pytest.raises(ColumnError, match="no usable feature"):
        prepare_features(customers.assign(empty=np.nan), [FeatureSpec("empty")])


def test_bad_settings_name_the_feature(customers: pd.DataFrame) -> None:
    with pytest.raises(ColumnError, match="'nope' is not a column"):
        prepare_features(customers, [FeatureSpec("nope")])
    with pytest.raises(ParameterError, match=r"'age'.*weight"):
        prepare_features(customers, [FeatureSpec("age", weight=0)])
    with pytest.raises(ParameterError, match=r"negative values.*yeo-johnson"):
        prepare_features(customers.assign(age=customers["age"] - 50), [FeatureSpec("age", transform="log1p")])
    with pytest.raises(ColumnError, match="not numbers"):
        prepare_features(customers, [FeatureSpec("country")])


def test_specs_survive_the_editable_table(customers: pd.DataFrame) -> None:
    specs = default_specs(customers, ["monetary", "country"])
    assert specs_from_table(specs_table(customers, specs)) == specs
    edited = specs_table(customers, specs).assign(scaling=["robust", "standard"])
    assert specs_from_table(edited)[0].scaling == "robust"
    with pytest.raises(ParameterError, match="scaling 'zscore'"):
        specs_from_table(edited.assign(scaling="zscore"))


def test_highly_correlated_pairs_are_flagged(customers: pd.DataFrame) -> None:
    correlations = feature_correlations(customers, ["monetary", "monetary_copy", "age", "country"])
    assert list(correlations.columns) == ["monetary", "monetary_copy", "age"]
    pairs = high_correlation_pairs(correlations)
    assert [(a, b) for a, b, _ in pairs] == [("monetary", "monetary_copy")]
    assert pairs[0][2] == pytest.approx(1.0)


def test_fills_are_reported_per_feature_with_the_value_used(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame.loc[[0, 5, 9], "age"] = np.nan
    frame.loc[[1, 2], "country"] = np.nan
    specs = [FeatureSpec("age"), FeatureSpec("country", kind="categorical", missing="most_frequent")]
    prepared = prepare_features(frame, specs)
    age, country = prepared.fills
    assert (age.feature, age.n_filled, age.strategy) == ("age", 3, "median")
    assert age.value == pytest.approx(frame["age"].median())
    assert age.sentence == f"age: 3 missing values filled with the median {frame['age'].median():g}"
    assert (country.n_filled, country.strategy, country.value) == (
        2,
        "most frequent value",
        frame["country"].mode()[0],
    )
    assert missing_value_fills(frame, specs) == prepared.fills  # the same report without fitting
    # the value reported is the value the pipeline put in
    filled_row = prepared.preprocessor.transform(frame.loc[[0]])[0, 0]
    reference_row = prepared.preprocessor.transform(frame.loc[[0]].assign(age=age.value))[0, 0]
    assert filled_row == pytest.approx(reference_row)


def test_rows_without_any_value_are_not_filled_nor_segmented(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame.loc[[4, 7], ["age", "monetary"]] = np.nan
    frame.loc[[8], "age"] = np.nan
    with pytest.warns(DataQualityWarning, match=r"Not segmented \(no data\): 2 customers with no value"):
        prepared = prepare_features(frame, [FeatureSpec("age"), FeatureSpec("monetary")])
    assert prepared.no_data_rows is not None and np.flatnonzero(prepared.no_data_rows).tolist() == [4, 7]
    assert prepared.n_dropped == 2 and prepared.matrix.shape == (298, 2)
    assert [(f.feature, f.n_filled) for f in prepared.fills] == [("age", 1)]
    everything_blank = frame.assign(age=np.nan, monetary=np.nan, monetary_copy=np.nan)
    everything_blank.loc[0, "age"] = 1.0
    everything_blank.loc[1, "age"] = 2.0
    with pytest.raises(ColumnError, match="no usable feature"):
        prepare_features(everything_blank, [FeatureSpec("monetary")])


def test_a_pair_at_exactly_the_warning_threshold_is_flagged() -> None:
    # Issue 10: near-duplicates are |r| >= 0.9, not only above it.
    corr = pd.DataFrame([[1.0, -0.9, 0.2], [-0.9, 1.0, 0.89], [0.2, 0.89, 1.0]], columns=list("abc"))
    corr.index = corr.columns
    assert high_correlation_pairs(corr) == (("a", "b", -0.9),)
