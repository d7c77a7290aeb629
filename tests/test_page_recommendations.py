"""The Recommendations page, run headless with a small synthetic shop and segmentation."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ACTIVE_DATA, RECOMMENDATIONS, SEGMENT_NAMES, SEGMENT_RUN, ActiveData, SegmentRun

PAGE = str(page("recommendations").file)


@dataclass(frozen=True)
class _Columns:
    """Stands in for segmentation.customers.features.TransactionColumns (same attribute names)."""

    customer: str
    date: str
    quantity: str | None = None
    item: str | None = None
    category: str | None = None
    amount: str | None = None


def _shop() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(1)
    rows = []
    for c in range(30):
        group = c % 2
        for day, p in enumerate(rng.choice(6, size=4, replace=False)):
            rows.append(
                (
                    f"C{c:02d}",
                    f"P{group * 6 + p:02d}",
                    pd.Timestamp("2024-01-01") + pd.Timedelta(days=day),
                    1.0,
                )
            )
    transactions = pd.DataFrame(rows, columns=["customer_id", "product_id", "order_date", "quantity"])
    ids = [f"C{c:02d}" for c in range(32)]  # C30 and C31 never bought anything
    customers = pd.DataFrame({"customer_id": ids, "frequency": rng.integers(1, 5, size=32).astype(float)})
    catalog = pd.DataFrame(
        {"product_id": [f"P{i:02d}" for i in range(12)], "product_name": [f"Gadget {i}" for i in range(12)]}
    )
    labels = np.array([c % 2 for c in range(32)])
    return transactions, customers, catalog, labels


def _app(*, with_transactions: bool = True, with_run: bool = True) -> AppTest:
    transactions, customers, catalog, labels = _shop()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[ACTIVE_DATA] = ActiveData(
        source_name="shop.csv",
        token="data-1",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id", "frequency": "numeric"},
        transactions=transactions if with_transactions else None,
        transaction_columns=_Columns("customer_id", "order_date", "quantity", "product_id")
        if with_transactions
        else None,
        catalog=catalog if with_transactions else None,
    )
    if with_run:
        at.session_state[SEGMENT_RUN] = SegmentRun(
            data_token="data-1", token="run-1", features=("frequency",), algorithm="kmeans", k=2, seed=0,
            labels=labels, result=None, default_names={0: "Even shoppers", 1: "Odd shoppers"},
        )  # fmt: skip
        at.session_state[SEGMENT_NAMES] = {0: "Even shoppers", 1: "Odd shoppers"}
    return at


def test_without_data_points_to_the_data_page() -> None:
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert any("Load data" in i.value for i in at.info)


def test_customer_only_table_explains_what_is_needed() -> None:
    at = _app(with_transactions=False).run()
    assert not at.exception
    assert any("need purchase history" in i.value for i in at.info)


def test_segment_view_lists_and_shared_state() -> None:
    at = _app().run()
    assert not at.exception, at.exception
    recs = at.session_state[RECOMMENDATIONS]
    assert list(recs.columns) == ["customer", "rank", "item", "item_name", "score", "reason", "cold_start"]
    assert recs["customer"].nunique() == 32 and recs["rank"].max() == 10
    assert set(recs.loc[recs["cold_start"], "customer"]) == {"C30", "C31"}
    assert recs.loc[recs["customer"] == "C31", "reason"].eq("Popular in Odd shoppers").all()
    # Segment picker shows persona names; the top-items table stays in the segment's product group.
    assert at.selectbox(key="recommendations:segment").options == ["Even shoppers", "Odd shoppers"]
    top_items = at.dataframe[0].value
    assert top_items["item"].str[1:].astype(int).lt(6).head(6).all()
    assert top_items["item_name"].str.startswith("Gadget").all()
    # Customer preview: the first even customer, with reasons naming one of their purchases.
    # C00 owns 4 of the 6 even gadgets: the other 2 come first, explained by a purchase; the rest of
    # the list is filled with bestsellers and says so.
    preview = at.dataframe[1].value
    assert preview["item_name"].head(2).str[7:].astype(int).lt(6).all()
    assert preview["reason"].head(2).str.startswith("Because they bought Gadget").all()
    assert preview["reason"].iloc[2:].eq("Popular with all customers").all()

    at.selectbox(key="recommendations:segment").set_value(1).run()
    at.selectbox(key="recommendations:customer").set_value("C31").run()
    assert not at.exception
    assert any("No purchase history" in w.value for w in at.warning)


def test_evaluation_on_demand_shows_popularity_and_default() -> None:
    at = _app().run()
    assert not at.dataframe or "model" not in at.dataframe[0].value.columns  # not computed until asked
    at.button(key="recommendations:evaluate").click().run()
    assert not at.exception, at.exception
    # Issue 10: quality in plain words up front, the technical numbers (NDCG@10…) in an expander.
    plain = at.dataframe[0].value.set_index("model")
    assert list(plain.columns) == ["bought_per_10", "coverage", "seconds"]
    table = at.expander[0].dataframe[0].value.set_index("model")
    assert list(table.index) == list(plain.index)
    assert len(table) == 5 and "Bestsellers (popularity)" in table.index
    default = next(m for m in table.index if m.endswith("★ default"))
    # Two disjoint product groups: the default model must beat bestsellers.
    assert table.loc[default, "ndcg_at_k"] > table.loc["Bestsellers (popularity)", "ndcg_at_k"]
    assert plain["bought_per_10"].to_numpy() == pytest.approx(table["precision_at_k"].to_numpy() * 10)
    assert any("default because" in c.value for c in at.caption)
    assert not any("NDCG" in c.value for c in at.caption)
    assert set(plain.index) == {
        "Bestsellers (popularity)",
        "Bought together (item-kNN)",
        "Similar shoppers (user-kNN)",
        "Graph walk (RP3beta)",
        "Best overall fit (EASE) ★ default",
    }


def _page_with(transactions: pd.DataFrame, columns: _Columns, customers: pd.DataFrame, token: str) -> AppTest:
    """The page on ``transactions``; ``token`` names the data (the page's caches are keyed on it)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[ACTIVE_DATA] = ActiveData(
        source_name="ratings.csv", token=token, customers=customers, customer_id_col="customer_id",
        roles={"customer_id": "customer_id", "frequency": "numeric"},
        transactions=transactions, transaction_columns=columns,
    )  # fmt: skip
    labels = np.arange(len(customers)) % 2
    at.session_state[SEGMENT_RUN] = SegmentRun(
        data_token=token, token=f"run-{token}", features=("frequency",), algorithm="kmeans", k=2, seed=0,
        labels=labels, result=None, default_names={0: "Evens", 1: "Odds"},
    )  # fmt: skip
    return at


def test_order_file_without_item_column_says_so() -> None:
    transactions, customers, _, _ = _shop()
    at = _page_with(
        transactions.drop(columns="product_id"),
        _Columns("customer_id", "order_date", "quantity", None),
        customers,
        "no-item",
    )
    at.run()
    assert not at.exception and not at.error
    message = " ".join(i.value for i in at.info)
    assert "ratings.csv has no item column" in message and "“order_date”" in message
    assert not at.get("plotly_chart")


def test_numeric_movie_ids_are_categories_in_charts() -> None:
    rng = np.random.default_rng(2)
    rows = [
        (f"C{c:02d}", (c % 2) * 10 + int(movie) + 1, pd.Timestamp("2024-01-01") + pd.Timedelta(days=j), 1.0)
        for c in range(30)
        for j, movie in enumerate(rng.choice(10, size=4, replace=False))
    ]
    ratings = pd.DataFrame(rows, columns=["customer_id", "movieId", "order_date", "quantity"])
    customers = pd.DataFrame({"customer_id": [f"C{c:02d}" for c in range(30)], "frequency": 1.0})
    at = _page_with(
        ratings, _Columns("customer_id", "order_date", "quantity", "movieId"), customers, "movies"
    ).run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        figure = json.loads(chart.proto.spec)
        bars = [trace for trace in figure["data"] if trace.get("orientation") == "h"]
        assert figure["layout"]["yaxis"]["type"] == "category"
        assert all(isinstance(label, str) for trace in bars for label in trace["y"])
        assert {int(label) for trace in bars for label in trace["y"]} <= set(range(1, 11))


def test_items_bought_and_returned_are_not_offered() -> None:
    transactions, customers, _, _ = _shop()
    # C00 bought and returned the odd shoppers' favourite; C01 returned one of their own items.
    returns = pd.DataFrame(
        {
            "customer_id": ["C00", "C00", "C01"],
            "product_id": [
                "P06",
                "P06",
                transactions.loc[transactions["customer_id"] == "C01", "product_id"].iloc[0],
            ],
            "order_date": pd.to_datetime(["2024-02-01", "2024-02-05", "2024-02-06"]),
            "quantity": [1.0, -1.0, -1.0],
        }
    )
    at = _page_with(
        pd.concat([transactions, returns], ignore_index=True),
        _Columns("customer_id", "order_date", "quantity", "product_id"),
        customers,
        "returns",
    ).run()
    assert not at.exception, at.exception
    recs = at.session_state[RECOMMENDATIONS]
    everything = pd.concat([transactions, returns])
    had = set(everything["customer_id"] + "|" + everything["product_id"])
    assert recs["customer"].nunique() == 32
    assert set(recs["customer"] + "|" + recs["item"]).isdisjoint(had)


def test_a_refund_in_an_amount_only_file_is_a_return() -> None:
    transactions, customers, _, _ = _shop()
    payments = transactions.rename(columns={"quantity": "amount"}).assign(amount=lambda f: f["amount"] * 20.0)
    refund = pd.DataFrame(
        {
            "customer_id": ["C30", "C30"],
            "product_id": ["P06", "P06"],
            "order_date": pd.to_datetime(["2024-02-01", "2024-02-05"]),
            "amount": [20.0, -20.0],
        }
    )
    at = _page_with(
        pd.concat([payments, refund], ignore_index=True),
        _Columns("customer_id", "order_date", None, "product_id", amount="amount"),
        customers,
        "refunds",
    ).run()
    assert not at.exception, at.exception
    recs = at.session_state[RECOMMENDATIONS]
    c30 = recs[recs["customer"] == "C30"]
    # C30 gave back all it bought: it has no purchase history, and P06 is not offered again.
    assert len(c30) == 10 and c30["cold_start"].all() and "P06" not in set(c30["item"])


def test_sessions_mapping_other_columns_of_the_same_file_get_their_own_lists() -> None:
    """The page's caches are shared by every session: the column mapping must be part of their keys."""
    transactions, customers, _, _ = _shop()
    transactions = transactions.assign(family=transactions["product_id"].str[:2] + "x")
    by_product = _page_with(
        transactions, _Columns("customer_id", "order_date", "quantity", "product_id"), customers, "same-file"
    ).run()
    by_family = _page_with(
        transactions, _Columns("customer_id", "order_date", "quantity", "family"), customers, "same-file"
    ).run()
    assert not by_product.exception and not by_family.exception
    assert set(by_product.session_state[RECOMMENDATIONS]["item"]) <= set(transactions["product_id"])
    assert set(by_family.session_state[RECOMMENDATIONS]["item"]) <= set(transactions["family"])


def test_models_have_plain_names_and_featured_items_follow_the_rule() -> None:
    at = _app().run()
    assert not at.exception, at.exception
    model = at.selectbox(key="recommendations:model")
    assert "Best overall fit (EASE) (default)" in model.options
    assert {"Similar shoppers (user-kNN)", "Bought together (item-kNN)", "Graph walk (RP3beta)"} <= set(
        model.options
    )
    assert "user-kNN" in model.help and "what customers with the most similar purchases bought" in model.help
    featured = at.dataframe[0].value
    assert not featured.empty and (featured["lift"] > 1).all() and (featured["owned_share"] <= 0.5).all()


def test_no_item_stands_out_when_the_segment_owns_them_already() -> None:
    # Every customer bought 5 of their group's 6 gadgets: each is owned by most of the segment.
    rows = [
        (f"C{c:02d}", f"P{(c % 2) * 6 + p:02d}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=p), 1.0)
        for c in range(30)
        for p in range(6)
        if p != c % 6
    ]
    transactions = pd.DataFrame(rows, columns=["customer_id", "product_id", "order_date", "quantity"])
    customers = pd.DataFrame({"customer_id": [f"C{c:02d}" for c in range(30)], "frequency": 1.0})
    at = _page_with(
        transactions, _Columns("customer_id", "order_date", "quantity", "product_id"), customers, "owned"
    ).run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("No item stands out for Evens") for i in at.info)
    assert any("lift above 1" in c.value and "at most 50% own them" in c.value for c in at.caption)
    # Only the customer preview table is left, and the personal lists are still there.
    assert len(at.dataframe) == 1 and "reason" in at.dataframe[0].value.columns
    shown = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    assert not [t for t in shown if any(r in str(t) for r in ("np.float64(", "nan", "None", "NDCG"))]
