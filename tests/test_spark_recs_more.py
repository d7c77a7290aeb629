"""``recommend --engine spark --segments/--catalog``: the pandas path's fallback lists, names and columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation.cli import main
from tests._engine_fixtures import shop_lines, write_lines

COLD_COLUMNS = ["customer_id", "rank", "product_id", "item_name", "score", "reason", "segment"]


def _orders() -> pd.DataFrame:
    lines = shop_lines(n_customers=90, seed=7)
    lines["customer_id"] = lines["customer_id"].str.strip()  # the pandas lists keep ids as written
    returned = pd.DataFrame(
        {  # R0001 bought two items and returned both: no history left, so a fallback list
            "order_id": ["R1", "R2", "R3", "R4"],
            "customer_id": ["R0001"] * 4,
            "order_date": ["2024-03-01", "2024-03-01", "2024-03-05", "2024-03-05"],
            "product_id": ["P000", "P001", "P000", "P001"],
            "quantity": ["2", "1", "-2", "-1"],
            "unit_price": ["5.00"] * 4,
        }
    )
    return pd.concat([lines, returned], ignore_index=True)


def _segments(orders: pd.DataFrame) -> pd.DataFrame:
    buyers = sorted(set(orders["customer_id"]) - {"R0001"})
    rows = [(c, i % 3, ["Loyal", "Regulars", "One-offs"][i % 3]) for i, c in enumerate(buyers)]
    rows += [
        ("N0001", 0, "Loyal"),  # new customers: their segment's most-owned items
        ("N0002", 1, "Regulars"),
        ("N0003", 7, "Segment 7"),  # a segment with no buyer: everyone's most-owned items
        ("N0004", -2, "Not segmented (no data)"),
        ("R0001", 2, "One-offs"),
        ("N0001", 1, "Regulars"),  # a repeated id: the last row wins, as in the pandas path
    ]
    return pd.DataFrame(rows, columns=["customer_id", "segment", "segment_name"])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("recs_more")
    orders = _orders()
    segmented = folder / "segmented.csv"
    _segments(orders).to_csv(segmented, index=False)
    catalog = folder / "catalog.csv"
    products = sorted(set(orders["product_id"]))
    pd.DataFrame(
        {"product_id": products[:-3], "product_name": [f"Item {p[1:]}" for p in products[:-3]]}
    ).to_csv(catalog, index=False)
    return {
        "orders": write_lines(folder, orders),
        "segments": str(segmented),
        "catalog": str(catalog),
        "folder": str(folder),
    }


def _lists(files: dict[str, str], engine: str, extra: list[str], name: str) -> pd.DataFrame:
    out = Path(files["folder"]) / f"{name}_{engine}.parquet"
    flags = ["--customer-col", "customer_id", "--item-col", "product_id", "--top-n", "4"]
    assert main(["recommend", files["orders"], *flags, *extra, "-o", str(out), "--engine", engine]) == 0
    frame = pd.read_parquet(out)
    return frame.sort_values(["customer_id", "rank"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def with_segments(files: dict[str, str], spark_session: object) -> dict[str, pd.DataFrame]:
    extra = ["--segments", files["segments"], "--catalog", files["catalog"]]
    return {engine: _lists(files, engine, extra, "both") for engine in ("pandas", "spark")}


def test_the_lists_have_the_pandas_columns(with_segments: dict[str, pd.DataFrame]) -> None:
    expected = ["customer_id", "rank", "product_id", "item_name", "score", "reason", "cold_start", "segment"]
    assert list(with_segments["pandas"].columns) == expected
    assert list(with_segments["spark"].columns) == expected


def test_cold_customers_get_the_pandas_fallback(with_segments: dict[str, pd.DataFrame]) -> None:
    pandas_cold, spark_cold = (f[f["cold_start"]] for f in (with_segments["pandas"], with_segments["spark"]))
    # 00044's only line is a return (the shared fixture's): like R0001, no history left.
    assert sorted(set(spark_cold["customer_id"])) == ["00044", "N0001", "N0002", "N0003", "N0004", "R0001"]
    left = pandas_cold[COLD_COLUMNS].reset_index(drop=True)
    right = spark_cold[COLD_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
    reasons = spark_cold.groupby("customer_id")["reason"].first().to_dict()
    assert reasons == {
        "00044": "Popular in One-offs",
        "N0001": "Popular in Regulars",  # its last row
        "N0002": "Popular in Regulars",
        "N0003": "Popular with all customers",
        "N0004": "Popular with all customers",
        "R0001": "Popular in One-offs",
    }
    assert not set(spark_cold.loc[spark_cold["customer_id"] == "R0001", "product_id"]) & {"P000", "P001"}


def test_customers_with_history_get_als_lists_with_names_and_segments(
    with_segments: dict[str, pd.DataFrame],
) -> None:
    pandas_lists, spark_lists = with_segments["pandas"], with_segments["spark"]
    warm = spark_lists[~spark_lists["cold_start"]]
    assert set(warm["customer_id"]) == set(pandas_lists.loc[~pandas_lists["cold_start"], "customer_id"])
    assert (warm["reason"] == "Customers with similar purchases bought it").all()
    assert warm.groupby("customer_id").size().max() == 4
    segment_of = pandas_lists.groupby("customer_id")["segment"].first()
    assert (warm.groupby("customer_id")["segment"].first() == segment_of[warm["customer_id"].unique()]).all()
    named = warm["item_name"] == "Item " + warm["product_id"].str[1:]
    assert (named | (warm["item_name"] == warm["product_id"])).all() and named.any()


def test_catalog_only_lists_are_the_pandas_columns(files: dict[str, str], spark_session: object) -> None:
    lists = {e: _lists(files, e, ["--catalog", files["catalog"]], "catalog") for e in ("pandas", "spark")}
    expected = ["customer_id", "rank", "product_id", "item_name", "score", "reason", "cold_start"]
    assert list(lists["spark"].columns) == list(lists["pandas"].columns) == expected
    cold = [f[f["cold_start"]].drop(columns="cold_start").reset_index(drop=True) for f in lists.values()]
    pd.testing.assert_frame_equal(cold[0], cold[1], check_dtype=False)
    assert set(cold[1]["customer_id"]) == {"00044", "R0001"}
    assert set(cold[1]["reason"]) == {"Popular with all customers"}
