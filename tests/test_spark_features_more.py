"""``features`` with category spend shares and customer attributes: the Spark engine gives pandas' answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import PandasEngine, SparkEngine
from segmentation.cli import main
from tests._engine_fixtures import COLUMNS, TRANSACTION_FLAGS, shop_lines, write_lines

CATEGORY_COLUMNS = replace(COLUMNS, category="category")
#: Seven categories (two only differ by a stray space, one slugs to "other", one is only on returns).
_CATEGORY_OF_PRODUCT = ["Coffee", " Coffee", "Tea", "Cups & Mugs", "Other", "Gifts", "Books", "Toys"]


def category_lines(seed: int = 0) -> pd.DataFrame:
    lines = shop_lines(n_customers=120, seed=seed)
    product = lines["product_id"].str[1:].astype(int)
    category = [_CATEGORY_OF_PRODUCT[p % len(_CATEGORY_OF_PRODUCT)] for p in product]
    lines["category"] = category
    lines.loc[product % 11 == 0, "category"] = None  # lines without a category count as "other"
    returns = lines["quantity"].astype(int) < 0
    lines.loc[returns, "category"] = "Returned only"  # a category with no purchase total
    return lines


def attribute_table(features: pd.DataFrame) -> pd.DataFrame:
    ids = features["customer_id"].tolist()
    people = pd.DataFrame(
        {
            # Spreadsheet-style ids: stray spaces; the first two customers are repeated (first row wins).
            "Customer ID": [f" {c} " for c in ids[:-5]] + [ids[0], ids[1], "99999", "", "88888"],
            "country": [["DE", "FR", "IT"][i % 3] for i in range(len(ids) - 5)]
            + ["XX", "YY", "ES", "PT", "NL"],
            "frequency": ["dup"] * (len(ids) - 5) + ["a", "b", "c", "d", "e"],  # clashes with a feature name
        }
    )
    return people


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("features_more")
    orders = write_lines(folder, category_lines())
    features = PandasEngine().customer_features(orders, columns=COLUMNS)
    people = folder / "people.csv"
    attribute_table(features).to_csv(people, index=False)
    return {"orders": orders, "people": str(people), "folder": str(folder)}


@pytest.fixture(params=["pandas", "spark"])
def engine(request: pytest.FixtureRequest) -> PandasEngine | SparkEngine:
    if request.param == "spark":
        return SparkEngine(request.getfixturevalue("spark_session"))
    return PandasEngine()


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    for column in left.columns:
        a, b = left[column], right[column]
        if a.dtype.kind in "fi" and b.dtype.kind in "fi":
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, err_msg=column)
        else:
            shown = [None if pd.isna(v) else str(v) for v in a]
            assert shown == [None if pd.isna(v) else str(v) for v in b], column


def test_category_shares_have_known_names_and_add_up(
    engine: PandasEngine | SparkEngine, files: dict[str, str]
) -> None:
    frame = engine.customer_features(files["orders"], columns=CATEGORY_COLUMNS)
    shares = [c for c in frame.columns if c.startswith("share_")]
    # "Coffee" and " Coffee" are one category; "Other" slugs to share_other, so it becomes share_other_2.
    assert "share_coffee" in shares and "share_other" in shares
    assert shares[-1] == "share_other" and len(shares) == 6
    assert "share_returned_only" not in shares  # five categories with purchases outrank it
    assert list(frame.columns).index("share_coffee") == list(frame.columns).index("returns_value") + 1
    np.testing.assert_allclose(frame[shares].sum(axis=1), 1.0, rtol=1e-9)


def test_category_shares_are_the_pandas_ones(files: dict[str, str], spark_session: object) -> None:
    reference = PandasEngine().customer_features(files["orders"], columns=CATEGORY_COLUMNS)
    on_spark = SparkEngine(spark_session).customer_features(files["orders"], columns=CATEGORY_COLUMNS)
    _same(reference, on_spark)


def test_category_ties_and_few_categories(
    engine: PandasEngine | SparkEngine, tmp_path: Path, spark_session: object
) -> None:
    # Two categories tie on spend: the one first in the file is first; a returns-only category still
    # gets a column when there are no more than five (its total is 0); a blank line goes to "other".
    lines = pd.DataFrame(
        {
            "order_id": ["1", "2", "3", "4", "5"],
            "customer_id": ["ann", "ann", "bob", "bob", "cy"],
            "order_date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],
            "product_id": ["a", "b", "c", "d", "e"],
            "quantity": ["1", "1", "1", "-1", "1"],
            "unit_price": ["10", "6", "4", "5", "6"],
            "category": ["Zeta", "alpha", "alpha", "Gone", None],
        }
    )
    path = write_lines(tmp_path, lines)
    frame = engine.customer_features(path, columns=CATEGORY_COLUMNS).set_index("customer_id")
    assert [c for c in frame.columns if c.startswith("share_")] == [
        "share_zeta",
        "share_alpha",
        "share_gone",
        "share_other",
    ]
    assert frame.loc["ann", "share_zeta"] == 0.625 and frame.loc["bob", "share_alpha"] == 1.0
    assert frame.loc["cy", "share_other"] == 1.0 and frame.loc["bob", "share_gone"] == 0.0
    _same(frame, PandasEngine().customer_features(path, columns=CATEGORY_COLUMNS).set_index("customer_id"))


def test_customer_attributes_join_as_on_pandas(
    engine: PandasEngine | SparkEngine, files: dict[str, str], spark_session: object
) -> None:
    frame = engine.customer_features(
        files["orders"], columns=COLUMNS, customers=files["people"], customer_id_col="Customer ID"
    )
    reference = PandasEngine().customer_features(
        files["orders"], columns=COLUMNS, customers=files["people"], customer_id_col="Customer ID"
    )
    assert list(frame.columns[-2:]) == ["country", "frequency (customer file)"]
    first = frame.set_index("customer_id").iloc[0]
    assert (first["country"], first["frequency (customer file)"]) == ("DE", "dup")  # the first row won
    assert frame["country"].isna().sum() == 5  # the last five buyers are not in the file
    _same(frame, reference)


def test_features_cli_on_spark_with_customers_and_categories(
    files: dict[str, str], spark_session: object, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(files["folder"])
    flags = [
        *TRANSACTION_FLAGS,
        "--category-col",
        "category",
        "--customers",
        files["people"],
        "--customer-id-col",
        "customer id",
    ]
    outputs = {}
    notes = {}
    for engine, name in (("pandas", "features.parquet"), ("spark", "features_spark.parquet")):
        out = folder / name
        assert main(["features", files["orders"], *flags, "-o", str(out), "--engine", engine]) == 0
        printed = capsys.readouterr().out
        notes[engine] = [line for line in printed.splitlines() if "customer file" in line]
        outputs[engine] = pd.read_parquet(out).sort_values("customer_id").reset_index(drop=True)
    _same(outputs["pandas"], outputs["spark"])
    assert notes["spark"] == notes["pandas"]
    assert len(notes["spark"]) == 3  # repeated ids, buyers without attributes, people without purchases
