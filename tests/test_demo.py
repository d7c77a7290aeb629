"""Tests for the bundled demo data (segmentation.demo.shop) and the ``demo-data`` subcommand."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation.cli import main
from segmentation.demo.shop import (
    DEMO_AS_OF,
    DEMO_FILES,
    PLANTED_GROUPS,
    DemoData,
    demo_data_dir,
    generate_demo_data,
    load_demo,
    read_demo_data,
    write_demo_data,
)
from segmentation.errors import DataLoadError, ParameterError

SMALL = 600


@pytest.fixture(scope="module")
def committed() -> DemoData:
    return read_demo_data(demo_data_dir())


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate_demo_data(seed=11, n_customers=SMALL)


def _per_customer(demo: DemoData) -> pd.DataFrame:
    """Recency, tenure, orders and spend per customer from purchase lines, with the planted group."""
    purchases = demo.orders[demo.orders["quantity"] > 0]
    purchases = purchases.assign(value=purchases["quantity"] * purchases["unit_price"])
    per_customer = purchases.groupby("customer_id").agg(
        last=("order_date", "max"),
        first=("order_date", "min"),
        orders=("order_id", "nunique"),
        spend=("value", "sum"),
    )
    return per_customer.assign(
        recency=(DEMO_AS_OF - per_customer["last"]).dt.days,
        tenure=(DEMO_AS_OF - per_customer["first"]).dt.days,
        group=demo.truth.reindex(per_customer.index),
    )


def test_committed_files_have_the_promised_size_and_span(committed: DemoData) -> None:
    assert len(committed.customers) == 5000
    assert 280 <= len(committed.products) <= 320
    assert 9 <= committed.products["category"].nunique() <= 11
    assert 60_000 <= len(committed.orders) <= 100_000
    assert committed.orders["order_date"].min() == pd.Timestamp("2024-11-01")
    assert committed.orders["order_date"].max() == pd.Timestamp("2026-10-31")
    lines_per_order = len(committed.orders) / committed.orders["order_id"].nunique()
    assert lines_per_order > 1.3
    return_share = (committed.orders["quantity"] < 0).mean()
    assert 0.02 <= return_share <= 0.03
    total_bytes = sum((demo_data_dir() / name).stat().st_size for name in DEMO_FILES.values())
    assert total_bytes < 3_000_000


def test_consent_share_is_about_fifteen_percent(committed: DemoData) -> None:
    consent = committed.customers["marketing_consent"]
    assert set(consent) == {"yes", "no"}
    assert (consent == "no").mean() == pytest.approx(0.15, abs=0.03)


def test_contact_details_are_fictional_and_ids_unique(committed: DemoData) -> None:
    customers = committed.customers
    assert customers["customer_id"].is_unique
    assert customers["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert customers["email"].is_unique
    assert customers["email"].str.fullmatch(r"[a-z0-9]+\.[a-z0-9]+(\+\d+)?@example\.(com|org|net)").all()
    assert customers["phone"].str.fullmatch(r"\+1-\d{3}-555-01\d\d").all()
    assert committed.products["product_id"].is_unique
    assert committed.products["product_name"].is_unique
    assert "group" not in customers.columns


def test_orders_reference_existing_customers_and_products(committed: DemoData) -> None:
    orders = committed.orders
    assert orders["product_id"].isin(committed.products["product_id"]).all()
    assert orders["customer_id"].isin(committed.customers["customer_id"]).all()
    assert (orders["quantity"] != 0).all()
    assert (orders["unit_price"] > 0).all()
    list_price = orders["product_id"].map(committed.products.set_index("product_id")["price"])
    assert (orders["unit_price"] <= list_price).all()
    assert orders.groupby("order_id")["customer_id"].nunique().max() == 1
    first_order = orders.groupby("customer_id")["order_date"].min()
    signup = committed.customers.set_index("customer_id")["signup_date"].reindex(first_order.index)
    assert (signup <= first_order).all()


def test_every_return_gives_back_an_earlier_purchase(small: DemoData) -> None:
    orders = small.orders
    returns = orders[orders["quantity"] < 0]
    purchases = orders[orders["quantity"] > 0]
    assert len(returns) > 0
    matched = returns.merge(
        purchases, on=["customer_id", "product_id", "unit_price"], suffixes=("_return", "_purchase")
    )
    matched = matched[
        (matched["order_date_purchase"] < matched["order_date_return"])
        & (matched["quantity_purchase"] >= -matched["quantity_return"])
    ]
    assert len(matched.drop_duplicates(["order_id_return", "product_id"])) == len(
        returns.drop_duplicates(["order_id", "product_id"])
    )
    # Return orders hold only returns.
    assert returns["order_id"].isin(purchases["order_id"]).sum() == 0


def test_same_seed_gives_identical_tables_and_another_seed_differs(small: DemoData) -> None:
    again = generate_demo_data(seed=11, n_customers=SMALL)
    for name in ("customers", "products", "orders"):
        pd.testing.assert_frame_equal(getattr(small, name), getattr(again, name))
    pd.testing.assert_series_equal(small.truth, again.truth)
    other = generate_demo_data(seed=12, n_customers=SMALL)
    assert not small.orders.equals(other.orders)
    assert not small.customers["email"].equals(other.customers["email"])
    assert not small.truth.equals(other.truth)


def test_regenerating_with_defaults_reproduces_committed_files(tmp_path: Path) -> None:
    written = write_demo_data(tmp_path)
    assert [p.name for p in written] == list(DEMO_FILES.values())
    for path in written:
        committed_bytes = (demo_data_dir() / path.name).read_bytes()
        if path.suffix == ".gz":
            # Compare the CSV inside: other zlib builds may compress the same text differently.
            assert gzip.decompress(path.read_bytes()) == gzip.decompress(committed_bytes)
        else:
            assert path.read_bytes() == committed_bytes, path.name


def test_planted_groups_differ_as_planted(small: DemoData) -> None:
    medians = _per_customer(small).groupby("group")[["recency", "tenure", "orders", "spend"]].median()
    assert set(medians.index) == set(PLANTED_GROUPS)
    assert medians["recency"].idxmax() == "lapsed"
    assert medians["spend"].idxmax() == "loyal big spenders"
    assert medians["tenure"].idxmin() == "new"
    assert medians["recency"].astype(float)["lapsed"] > 270
    orders = medians["orders"].astype(float)
    assert orders["bargain hunters"] > 3 * orders["occasional"]
    spend_per_order = medians["spend"].astype(float) / orders
    assert spend_per_order["loyal big spenders"] > 3 * spend_per_order["bargain hunters"]


def test_new_and_lapsed_customers_keep_their_definitions(small: DemoData) -> None:
    per_customer = _per_customer(small)
    new = per_customer[per_customer["group"] == "new"]
    assert new["orders"].between(1, 3).all()
    assert (new["tenure"] <= 92).all()
    lapsed = per_customer[per_customer["group"] == "lapsed"]
    assert (lapsed["recency"] > 240).all()


def test_category_preferences_differ_by_group(small: DemoData) -> None:
    lines = small.orders.merge(small.products[["product_id", "category"]], on="product_id")
    lines = lines.assign(group=lines["customer_id"].map(small.truth))
    shares = pd.crosstab(lines["group"], lines["category"], normalize="index")
    top_category = shares.idxmax(axis=1)
    assert top_category["bargain hunters"] == "Grocery"
    assert top_category["outdoor & pet enthusiasts"] == "Sports & Outdoors"
    assert top_category["loyal big spenders"] in {"Electronics", "Beauty"}
    # Total-variation distance between the distinctive groups' category mixes.
    distinctive = ["loyal big spenders", "bargain hunters", "outdoor & pet enthusiasts"]
    for i, first in enumerate(distinctive):
        for second in distinctive[i + 1 :]:
            distance = 0.5 * np.abs(shares.loc[first].to_numpy() - shares.loc[second].to_numpy()).sum()
            assert distance > 0.4


def test_customers_rebuy_their_own_items_more_than_popular_ones(small: DemoData) -> None:
    """Each customer's past favourites predict the last order better than the overall top sellers."""
    purchases = small.orders[small.orders["quantity"] > 0]
    last_day = purchases.groupby("customer_id")["order_date"].transform("max")
    history, last = (
        purchases[purchases["order_date"] < last_day],
        purchases[purchases["order_date"] == last_day],
    )
    top_global = set(history["product_id"].value_counts().index[:5])
    own_counts = history.groupby(["customer_id", "product_id"]).size().rename("n").reset_index()
    own_top = (
        own_counts.sort_values(["customer_id", "n"], ascending=[True, False]).groupby("customer_id").head(5)
    )
    own_hits = last.merge(own_top, on=["customer_id", "product_id"])["customer_id"].nunique()
    global_hits = last[last["product_id"].isin(top_global)]["customer_id"].nunique()
    assert own_hits > 2 * global_hits


def test_attributes_lean_by_group_without_giving_it_away(committed: DemoData) -> None:
    customers = committed.customers.set_index("customer_id")
    mean_age = customers["age"].groupby(committed.truth).mean()
    assert mean_age.idxmin() == "new"
    assert mean_age.max() - mean_age.min() < 20
    west_share = (customers["region"] == "West").groupby(committed.truth).mean()
    assert west_share.idxmax() == "outdoor & pet enthusiasts"
    assert west_share.min() > 0.1


def test_load_demo_reads_a_folder_or_falls_back_to_generating(tmp_path: Path) -> None:
    write_demo_data(tmp_path, seed=3, n_customers=150)
    from_folder = load_demo(directory=tmp_path)
    generated = generate_demo_data(seed=3, n_customers=150)
    for name in ("customers", "products", "orders"):
        pd.testing.assert_frame_equal(getattr(from_folder, name), getattr(generated, name))
    pd.testing.assert_series_equal(from_folder.truth, generated.truth)
    fallback = load_demo(directory=tmp_path / "missing")
    assert len(fallback.customers) == 5000


def test_unreadable_demo_file_names_the_file(tmp_path: Path) -> None:
    write_demo_data(tmp_path, seed=3, n_customers=150)
    (tmp_path / DEMO_FILES["orders"]).write_bytes(b"not gzip at all")
    with pytest.raises(DataLoadError, match=r"demo_orders\.csv\.gz"):
        read_demo_data(tmp_path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"seed": -1}, "seed=-1"),
        ({"n_customers": 5}, "n_customers=5"),
        ({"n_customers": 2.5}, "whole number"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        generate_demo_data(**options)  # type: ignore[arg-type]


def test_cli_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "demo"
    assert main(["demo-data", str(out_dir), "--seed", "5", "--customers", "120"]) == 0
    for name in DEMO_FILES.values():
        assert (out_dir / name).is_file()
    assert capsys.readouterr().out.count("wrote ") == len(DEMO_FILES)
    customers = pd.read_csv(out_dir / DEMO_FILES["customers"])
    assert len(customers) == 120


def _run_cli(argv: list[str]) -> int:
    """Exit code of the command line, whether it returns or exits (argparse usage errors exit)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("target", "extra", "needle"),
    [
        ("file.csv", [], "is a file"),
        ("no/such/dir", [], "does not exist"),
        ("ok", ["--customers", "5"], "n_customers=5"),
        ("ok", ["--seed", "abc"], "invalid int"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, extra: list[str], needle: str
) -> None:
    (tmp_path / "file.csv").write_text("a,b\n1,2\n")
    assert _run_cli(["demo-data", str(tmp_path / target), *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert err.count("\n") == 1
    assert not (tmp_path / "ok").exists()


def test_help_describes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_cli(["demo-data", "--help"]) == 0
    assert "OUT_DIR" in capsys.readouterr().out


def test_console_script_writes_the_files(tmp_path: Path, segmentation_cli: list[str]) -> None:
    run = subprocess.run(
        [*segmentation_cli, "demo-data", str(tmp_path / "out"), "--customers", "100"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    truth = pd.read_csv(tmp_path / "out" / DEMO_FILES["truth"])
    assert sorted(np.unique(truth["group"])) == sorted(PLANTED_GROUPS)
