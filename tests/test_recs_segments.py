"""Top-N lists with reasons, cold start, catalogs, and a segment's top items with lift and owned share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.errors import ParameterError
from segmentation.recommendations import (
    FEATURE_MAX_OWNED_SHARE,
    FEATURE_MIN_LIFT,
    MODEL_LABELS,
    MODEL_MEANINGS,
    MODELS,
    build_interactions,
    featured_items,
    fit_recommender,
    item_names,
    recommend_top_n,
    segment_top_items,
)

# Two tastes: coffee lovers (a, b, c) and tea lovers (t, u, v). Customer c9 bought one coffee.
HISTORY = {
    "c1": ["a", "b", "c"],
    "c2": ["a", "b", "c"],
    "c3": ["a", "b"],
    "c4": ["a", "c"],
    "t1": ["t", "u", "v"],
    "t2": ["t", "u", "v"],
    "t3": ["t", "u"],
    "c9": ["b"],
}
CATALOG = pd.DataFrame(
    {
        "sku": ["a", "b", "c", "t", "u"],
        "title": ["Espresso", "Grinder", "Mug", "Green tea", "Teapot"],
        "price": [1, 2, 3, 4, 5],
    }
)
SEGMENTS = {"c1": 0, "c2": 0, "c3": 0, "c4": 0, "c9": 0, "t1": 1, "t2": 1, "t3": 1, "new_c": 0, "new_t": 1}
NAMES = {0: "Coffee lovers", 1: "Tea lovers"}


@pytest.fixture(scope="module")
def fitted_by_model() -> dict:
    rows = [(c, item, day) for c, items in HISTORY.items() for day, item in enumerate(items)]
    frame = pd.DataFrame(rows, columns=["customer", "item", "day"])
    interactions = build_interactions(frame, customer_col="customer", item_col="item", time_col="day")
    return {
        m: fit_recommender(interactions, model=m)
        for m in ("item_knn", "ease", "popularity", "user_knn", "rp3beta")
    }


def test_lists_exclude_owned_items_and_name_the_reason(fitted_by_model: dict) -> None:
    recs = recommend_top_n(fitted_by_model["item_knn"], n=2, catalog=CATALOG)
    assert list(recs.columns) == ["customer", "rank", "item", "item_name", "score", "reason", "cold_start"]
    for customer, owned in HISTORY.items():
        assert not set(recs.loc[recs["customer"] == customer, "item"]) & set(owned)
    c3 = recs[recs["customer"] == "c3"].iloc[0]
    assert c3["item"] == "c" and c3["item_name"] == "Mug" and c3["rank"] == 1
    assert c3["reason"] in {"Because they bought Espresso", "Because they bought Grinder"}
    # A single interaction is enough for a reason; that interaction is the reason.
    c9 = recs[recs["customer"] == "c9"]
    assert set(c9["item"]) == {"a", "c"} and set(c9["reason"]) == {"Because they bought Grinder"}
    assert not recs["cold_start"].any()


def test_items_missing_from_the_catalog_keep_their_id(fitted_by_model: dict) -> None:
    recs = recommend_top_n(fitted_by_model["ease"], n=1, catalog=CATALOG)
    t3 = recs[recs["customer"] == "t3"].iloc[0]
    assert t3["item"] == "v" and t3["item_name"] == "v"
    assert list(item_names(["a", "zz"], CATALOG)) == ["Espresso", "zz"]
    assert list(item_names(["a"], None)) == ["a"]


def test_cold_start_customers_get_their_segments_popular_items(fitted_by_model: dict) -> None:
    customers = [*HISTORY, "new_c", "new_t", "stranger"]
    recs = recommend_top_n(
        fitted_by_model["ease"],
        n=2,
        customers=customers,
        segments=SEGMENTS,
        segment_names=NAMES,
        catalog=CATALOG,
    )
    assert list(dict.fromkeys(recs["customer"])) == customers
    new_t = recs[recs["customer"] == "new_t"]
    assert new_t["cold_start"].all() and list(new_t["item"]) == ["t", "u"]
    assert set(new_t["reason"]) == {"Popular in Tea lovers"} and set(new_t["segment"]) == {1}
    new_c = recs[recs["customer"] == "new_c"]
    assert list(new_c["item"]) == ["a", "b"]
    stranger = recs[recs["customer"] == "stranger"]
    assert stranger["cold_start"].all() and set(stranger["reason"]) == {"Popular with all customers"}
    assert set(stranger["segment"]) == {-1}


def test_every_model_gives_full_unseen_lists(fitted_by_model: dict) -> None:
    for name, fitted in fitted_by_model.items():
        recs = recommend_top_n(fitted, n=3)
        assert recs.groupby("customer").size().max() <= 3, name
        merged = recs.merge(
            pd.DataFrame(
                [(c, i) for c, items in HISTORY.items() for i in items], columns=["customer", "item"]
            )
        )
        assert merged.empty, name
        assert (recs["reason"].str.len() > 0).all(), name


def test_one_item_catalog() -> None:
    frame = pd.DataFrame({"customer": ["x", "y"], "item": ["only", "only"]})
    fitted = fit_recommender(build_interactions(frame, customer_col="customer", item_col="item"))
    recs = recommend_top_n(fitted, n=5, customers=["x", "z"])
    # x owns the only item: nothing left; z is new and gets it, flagged.
    assert list(recs["customer"]) == ["z"] and list(recs["item"]) == ["only"] and recs["cold_start"].all()
    # Every member of the segment already has it: nothing left to feature (it used to be listed).
    assert segment_top_items(fitted, ["x", "y"], n=3).empty


def test_segment_top_items_lift_and_owned_share(fitted_by_model: dict) -> None:
    coffee = [c for c, s in SEGMENTS.items() if s == 0]
    top = segment_top_items(fitted_by_model["item_knn"], coffee, n=3, catalog=CATALOG)
    assert list(top.columns) == ["item", "item_name", "score", "lift", "owned_share", "from_popularity"]
    # Mug is missing for c3 (owns Espresso+Grinder) and c9 (Grinder); Grinder for c4; Espresso for c9.
    assert list(top["item"]) == ["c", "b", "a"]
    sim_ab, sim_ac, sim_bc = 3 / (4 + 20), 3 / (np.sqrt(12) + 20), 2 / (np.sqrt(12) + 20)
    expected = np.array([sim_ac + 2 * sim_bc, sim_ab + sim_bc, sim_ab]) / 5  # averaged over 5 with history
    assert top["score"].to_numpy() == pytest.approx(expected, rel=1e-5)
    # Owned share counts all 6 coffee customers, including the new one.
    assert top["owned_share"].tolist() == pytest.approx([3 / 6, 4 / 6, 4 / 6])
    popularity_share = np.array([3 + 1, 4 + 1, 4 + 1]) / (19 + 6)
    assert top["lift"].to_numpy() == pytest.approx(expected / expected.sum() / popularity_share, rel=1e-5)
    # Tea items never co-occur with coffee, so they score 0 for this segment and are not featured.
    longer = segment_top_items(fitted_by_model["item_knn"], coffee, n=10)
    assert set(longer["item"]) == {"a", "b", "c"}
    nobody = segment_top_items(fitted_by_model["item_knn"], ["new_c"], n=2)
    assert nobody["from_popularity"].all() and list(nobody["item"]) == ["a", "b"]
    with pytest.raises(ParameterError):
        segment_top_items(fitted_by_model["item_knn"], coffee, n=0)
    with pytest.raises(ParameterError):
        recommend_top_n(fitted_by_model["item_knn"], n=0)


def test_popularity_model_reasons_are_counts(fitted_by_model: dict) -> None:
    recs = recommend_top_n(fitted_by_model["popularity"], n=1, customers=["t3"])
    assert recs["reason"].iloc[0].startswith("Bestseller: owned by")
    assert np.isfinite(recs["score"]).all()


@pytest.mark.parametrize("model", ["item_knn", "ease", "popularity", "user_knn", "rp3beta"])
def test_items_bought_and_returned_are_never_offered(model: str) -> None:
    rows = [(c, item, day, 1) for c, items in HISTORY.items() for day, item in enumerate(items)]
    # c3 and c4 bought the coffee item they lacked and sent it back; r1 returned all it bought.
    rows += [("c3", "c", 5, 1), ("c3", "c", 6, -1), ("c4", "b", 5, 2), ("c4", "b", 7, -2)]
    rows += [("r1", "a", 1, 1), ("r1", "a", 2, -1)]
    frame = pd.DataFrame(rows, columns=["customer", "item", "day", "quantity"])
    interactions = build_interactions(
        frame, customer_col="customer", item_col="item", time_col="day", value_col="quantity"
    )
    assert interactions.n_interactions == sum(len(items) for items in HISTORY.values())
    fitted = fit_recommender(interactions, model=model)
    lists = recommend_top_n(fitted, n=4, customers=["c3", "c4", "r1"], segments={"r1": 0, **SEGMENTS})
    offered = set(zip(lists["customer"], lists["item"], strict=True))
    assert not offered & {("c3", "c"), ("c4", "b"), ("r1", "a")}
    assert lists.loc[lists["customer"] == "r1", "cold_start"].all()
    # The coffee lovers who own or returned every coffee item: nothing coffee left to feature.
    top = segment_top_items(fitted, ["c1", "c2", "c3", "c4"], n=6)
    assert not set(top["item"]) & {"a", "b", "c"}


def test_featured_items_have_lift_above_one_and_are_not_owned_by_most(fitted_by_model: dict) -> None:
    coffee = [c for c, s in SEGMENTS.items() if s == 0]
    fitted = fitted_by_model["item_knn"]
    ranked = segment_top_items(fitted, coffee, n=3, catalog=CATALOG)
    # As hand-computed above: Mug lift 2.94, owned by 3 of 6; Grinder lift 1.66 but owned by 4 of 6;
    # Espresso lift 0.99 (no more wanted here than overall) and owned by 4 of 6.
    sim_ab, sim_ac, sim_bc = 3 / (4 + 20), 3 / (np.sqrt(12) + 20), 2 / (np.sqrt(12) + 20)
    expected = np.array([sim_ac + 2 * sim_bc, sim_ab + sim_bc, sim_ab])
    lift = expected / expected.sum() / (np.array([4, 5, 5]) / 25)
    assert ranked["lift"].to_numpy() == pytest.approx(lift, rel=1e-5)
    assert lift[0] > 1 and lift[1] > 1 > lift[2]
    featured = featured_items(fitted, coffee, n=3, catalog=CATALOG)
    assert list(featured.columns) == list(ranked.columns)
    assert list(featured["item"]) == ["c"] and list(featured["item_name"]) == ["Mug"]
    assert featured["score"].tolist() == pytest.approx(ranked["score"].head(1).tolist())
    # Tea lovers t1-t3 own t and u; v is owned by two of the three: most of them, so nothing to feature.
    tea = ["t1", "t2", "t3"]
    assert list(segment_top_items(fitted, tea, n=3)["item"]) == ["v"]
    assert featured_items(fitted, tea, n=3).empty
    # With the new tea customer, exactly half own v: not "most", so it is featured.
    assert list(featured_items(fitted, [*tea, "new_t"], n=3)["item"]) == ["v"]
    with pytest.raises(ParameterError):
        featured_items(fitted, coffee, n=0)


@pytest.mark.parametrize("model", ["item_knn", "ease", "popularity", "user_knn", "rp3beta"])
def test_featured_items_keep_the_rule_for_every_model(fitted_by_model: dict, model: str) -> None:
    fitted = fitted_by_model[model]
    for members in ([c for c, s in SEGMENTS.items() if s == 0], ["c3", "c9", "t3"], ["new_c"]):
        ranked = segment_top_items(fitted, members, n=fitted.interactions.n_items)
        featured = featured_items(fitted, members, n=2)
        assert (featured["lift"] > FEATURE_MIN_LIFT).all()
        assert (featured["owned_share"] <= FEATURE_MAX_OWNED_SHARE).all()
        keep = ranked[
            (ranked["lift"] > FEATURE_MIN_LIFT) & (ranked["owned_share"] <= FEATURE_MAX_OWNED_SHARE)
        ]
        assert list(featured["item"]) == list(keep["item"].head(2))


def test_every_model_has_a_plain_name_with_its_technical_name() -> None:
    assert set(MODEL_LABELS) == set(MODELS) == set(MODEL_MEANINGS)
    technical = {"popularity": "popularity", "item_knn": "item-kNN", "user_knn": "user-kNN"}
    technical |= {"rp3beta": "RP3beta", "ease": "EASE"}
    for model, label in MODEL_LABELS.items():
        plain, _, bracket = label.partition(" (")
        assert bracket == f"{technical[model]})" and plain and technical[model] not in plain
        assert MODEL_MEANINGS[model] and "@" not in MODEL_MEANINGS[model]
    assert MODEL_LABELS["user_knn"] == "Similar shoppers (user-kNN)"
