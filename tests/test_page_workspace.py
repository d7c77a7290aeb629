"""The workspace in the app (AppTest): first open, autosave of a fit, reopening, rename, delete,
lift on a stored campaign, and the migration view, each on a workspace in a temporary folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_page_campaigns import _session as _campaign_session
from test_page_data import _orders_csv
from test_page_recommendations import _app as _recommendations_page

from app_pages.registry import PAGES, page, tool_page
from app_pages.state import ACTIVE_DATA, SEGMENT_RUN, ActiveData
from segmentation import Workspace, open_workspace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WORKSPACE_PAGE = tool_page("workspace").path
CENTRES = np.array([[10.0, 100.0, 2.0], [60.0, 600.0, 12.0], [120.0, 300.0, 6.0]])


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A fresh workspace for each test; the app opens the same one through SEGMENTATION_WORKSPACE."""
    location = tmp_path / "workspace.sqlite"
    monkeypatch.setenv("SEGMENTATION_WORKSPACE", str(location))
    opened = open_workspace(location)
    yield opened
    opened.close()


def _customers(n_per_group: int = 50) -> ActiveData:
    rng = np.random.default_rng(3)
    n = 3 * n_per_group
    points = CENTRES[np.repeat([0, 1, 2], n_per_group)] + rng.normal(size=(n, 3)) * [4.0, 30.0, 0.8]
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "recency_days": np.abs(points[:, 0]),
            "monetary": np.abs(points[:, 1]),
            "frequency": np.abs(points[:, 2]),
        }
    )
    return ActiveData(
        source_name="shop.csv",
        token="shop-1",
        customers=customers,
        customer_id_col="customer_id",
        roles={"customer_id": "customer_id"},
        source_bytes_sha256="sha-shop-1",
    )


def _app(data: ActiveData | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if data is not None:
        at.session_state[ACTIVE_DATA] = data
    return at.run()


def _visit(at: AppTest, path: str) -> AppTest:
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def _labels(ids: list[str], segments: list[int]) -> tuple[pd.Series, np.ndarray]:
    return pd.Series(ids, dtype="str"), np.asarray(segments)


def _stored_run(
    workspace: Workspace, name: str, ids: list[str], segments: list[int], names: dict[int, str]
) -> int:
    customer_ids, labels = _labels(ids, segments)
    return workspace.save_run(
        name=name,
        dataset_id=None,
        customer_ids=customer_ids,
        labels=labels,
        features=["monetary"],
        algorithm="kmeans",
        k=len(names),
        seed=0,
        names=names,
    ).id


def test_the_first_open_is_the_demo_and_the_workspace_page_is_not_a_step() -> None:
    at = _app()
    assert not at.exception, at.exception
    assert at.session_state[ACTIVE_DATA].source_name.startswith("Demo shop")
    _visit(at, WORKSPACE_PAGE)
    assert [t.value for t in at.title] == ["Workspace"]
    assert not any("Step " in c.value for c in at.main.caption), "the Workspace page is not a journey step"
    assert "Segmentations (0)" in [s.value for s in at.subheader]
    # Steps still count only the journey's pages.
    assert page("results").step_label == f"Step {page('results').step} of {len(PAGES)}"


def test_a_fit_is_saved_listed_and_reopened_in_a_new_session(workspace: Workspace) -> None:
    at = _visit(_app(_customers()), page("features").path)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider(key="features:k_range").set_value((2, 4)).run()
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    fitted = at.session_state[SEGMENT_RUN]
    assert fitted.k == 3

    runs = workspace.items("run")
    assert [(r.n_rows, r.summary["k"]) for r in runs] == [(150, 3)]
    datasets = workspace.items("dataset")
    assert [d.name for d in datasets] == ["shop.csv"]
    _visit(at, WORKSPACE_PAGE)
    assert "Segmentations (1)" in [s.value for s in at.subheader]
    listed = at.dataframe[0].value
    assert listed["k"].tolist() == [3] and listed["customers"].tolist() == [150]

    # A new browser session opens on the work used last: the same data and segments.
    again = _app()
    assert not again.exception, again.exception
    assert again.session_state[ACTIVE_DATA].source_name == "shop.csv"
    reopened = again.session_state[SEGMENT_RUN]
    assert reopened.k == 3 and list(reopened.features) == list(fitted.features)
    np.testing.assert_array_equal(np.asarray(reopened.labels), np.asarray(fitted.labels))
    assert reopened.default_names == fitted.default_names


def test_edited_persona_names_are_saved(workspace: Workspace) -> None:
    at = _visit(_app(_customers()), page("features").path)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider(key="features:k_range").set_value((2, 4)).run()
    at.button(key="features:find").click().run()
    _visit(at, page("personas").path)
    run = at.session_state[SEGMENT_RUN]
    at.text_input(key=f"personas:name:{run.token}:0").set_value("Best friends").run()
    assert not at.exception, at.exception
    stored = workspace.load_run(workspace.items("run")[0].id)
    assert stored.names[0] == "Best friends"


def test_rename_asks_before_taking_a_name_and_delete_asks_first(workspace: Workspace) -> None:
    first = _stored_run(workspace, "Spring", ["A", "B"], [0, 1], {0: "Loyal", 1: "New"})
    second = _stored_run(workspace, "Summer", ["A", "B"], [1, 1], {0: "Loyal", 1: "New"})
    at = _visit(_app(), WORKSPACE_PAGE)
    assert at.selectbox(key="workspace:run:pick").value == second  # newest first

    at.text_input(key=f"workspace:run:new_name:{second}").set_value("Summer 2026")
    at.button(key="workspace:run:rename").click().run()
    assert not at.exception, at.exception
    assert sorted(r.name for r in workspace.items("run")) == ["Spring", "Summer 2026"]

    # A name in use: nothing changes until the marketer says to replace the other one.
    at.text_input(key=f"workspace:run:new_name:{second}").set_value("Spring")
    at.button(key="workspace:run:rename").click().run()
    assert any("called **Spring** already" in w.value for w in at.warning), [w.value for w in at.warning]
    assert sorted(r.name for r in workspace.items("run")) == ["Spring", "Summer 2026"]
    at.button(key="workspace:confirm_rename:yes").click().run()
    assert [(r.id, r.name) for r in workspace.items("run")] == [(second, "Spring")]

    at.button(key="workspace:run:delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(workspace.items("run")) == 1  # not yet
    at.button(key="workspace:confirm_delete:no").click().run()
    assert len(workspace.items("run")) == 1
    at.button(key="workspace:run:delete").click().run()
    at.button(key="workspace:confirm_delete:yes").click().run()
    assert not at.exception, at.exception
    assert workspace.items("run") == []
    assert "Segmentations (0)" in [s.value for s in at.subheader]
    assert first not in {r.id for r in workspace.items("run")}


def _results_csv(treated: list[str], control: list[str]) -> bytes:
    # Known answer: 30 of 100 treated converted, 10 of 100 in the control group: lift +20 points.
    rows = [f"{c},{1 if i < 30 else 0}" for i, c in enumerate(treated)]
    rows += [f"{c},{1 if i < 10 else 0}" for i, c in enumerate(control)]
    return ("customer_id,converted\n" + "\n".join(rows) + "\n").encode()


def test_lift_on_a_stored_campaign_needs_only_the_results_file(workspace: Workspace) -> None:
    treated = [f"T{i:03d}" for i in range(100)]
    control = [f"K{i:03d}" for i in range(100)]
    stored = workspace.save_campaign(
        name="Spring win-back",
        run_id=None,
        rules={"segments": ["At risk"]},
        treatment=pd.DataFrame({"email": [f"{c}@example.com" for c in treated], "customer_id": treated}),
        control=pd.DataFrame({"email": [f"{c}@example.com" for c in control], "customer_id": control}),
        manifest={"campaign": "Spring win-back", "created_at": "2026-03-01T10:00:00+00:00"},
        id_column="customer_id",
    )
    at = _visit(_app(), page("results").path)
    history = at.dataframe[-1].value
    assert history["campaign"].tolist() == ["Spring win-back"] and history["lift"].isna().all()

    at.radio(key="results:source").set_value("A campaign stored in your workspace").run()
    assert at.selectbox(key="results:stored").value == stored.id
    at.file_uploader(key="results:file").set_value(
        ("results.csv", _results_csv(treated, control), "text/csv")
    ).run()
    assert not at.exception, at.exception

    lifts = workspace.lifts()
    assert len(lifts) == 1 and lifts[0][0].parent_id == stored.id
    assert lifts[0][1]["overall"]["absolute_lift"] == pytest.approx(0.2)
    history = at.dataframe[-1].value
    assert history.loc[0, "lift"] == pytest.approx(0.2) and history.loc[0, "measurements"] == 1
    assert history.loc[0, "contacted"] == 100 and history.loc[0, "control"] == 100
    at.run()  # the same results again are not stored twice
    assert len(workspace.lifts()) == 1


def _figure(at: AppTest, index: int) -> dict[str, object]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_migration_counts_movers_new_and_lost_on_a_known_answer(workspace: Workspace) -> None:
    names = {0: "Loyal big spenders", 1: "Lapsed customers"}
    # Before A-F, after C-H: A and B are lost, G and H are new. Of the four in both, C stays loyal,
    # E stays lapsed, D goes loyal -> lapsed (the one mover to list) and F lapsed -> loyal.
    _stored_run(workspace, "Q1", ["A", "B", "C", "D", "E", "F"], [0, 0, 0, 0, 1, 1], names)
    _stored_run(workspace, "Q2", ["C", "D", "E", "F", "G", "H"], [0, 1, 1, 0, 0, 1], names)
    at = _visit(_app(), WORKSPACE_PAGE)
    assert not at.metric  # nothing is read before the marketer asks
    at.button(key="workspace:compare").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stayed in their segment"] == "2"  # C (0->0), E (1->1)
    assert metrics["Moved to another segment"] == "2"  # D (0->1), F (1->0)
    assert metrics["New customers"] == "2" and metrics["Lost customers"] == "2"
    # Valuable and at-risk are guessed from the names; D slipped from loyal to lapsed.
    assert metrics["Customers who slipped from valuable to at risk"] == "1"
    movers = at.dataframe[-1].value
    assert movers["customer_id"].tolist() == ["D"] and movers["to_name"].tolist() == ["Lapsed customers"]

    heatmap = _figure(at, 0)
    trace = heatmap["data"][0]  # type: ignore[index]
    assert trace["y"] == ["Lapsed customers", "Loyal big spenders"] or trace["y"] == [
        "Loyal big spenders",
        "Lapsed customers",
    ]
    rows = dict(zip(trace["y"], trace["text"], strict=True))
    columns = trace["x"]
    loyal = dict(zip(columns, rows["Loyal big spenders"], strict=True))
    assert loyal["Loyal big spenders"] == "1<br>50%" and loyal["Lapsed customers"] == "1<br>50%"
    assert heatmap["layout"]["title"]["text"]  # type: ignore[index]
    sankey = _figure(at, 1)
    assert sankey["data"][0]["type"] == "sankey"  # type: ignore[index]
    assert sorted(sankey["data"][0]["link"]["value"]) == [1, 1, 1, 1]  # type: ignore[index]


def test_an_order_export_is_saved_with_its_purchases_and_reopens_whole(workspace: Workspace) -> None:
    at = _app()
    _visit(at, page("data").path)
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value(("bestellungen.csv", _orders_csv(), "text/csv")).run()
    at.button(key="data:build").click().run()
    assert not at.exception, at.exception
    built = at.session_state[ACTIVE_DATA]
    listed = {d.summary["kind"]: d for d in workspace.items("dataset")}
    assert set(listed) == {"transactions", "purchases"}  # the customer table and its purchase lines
    assert listed["transactions"].n_rows == len(built.customers)
    assert listed["purchases"].n_rows == 300
    _visit(at, WORKSPACE_PAGE)
    assert "Datasets (1)" in [s.value for s in at.subheader]  # the purchase lines are listed with it

    again = _app()  # a new session: the upload is back, with its purchases (recommendations need them)
    reopened = again.session_state[ACTIVE_DATA]
    assert reopened.source_name == "bestellungen.csv" and reopened.token == built.token
    assert reopened.transactions is not None and len(reopened.transactions) == 300
    assert reopened.transaction_columns == built.transaction_columns
    pd.testing.assert_frame_equal(
        reopened.customers[["Kunde", "frequency"]], built.customers[["Kunde", "frequency"]], check_dtype=False
    )


def _campaigns(data: ActiveData, run: object) -> AppTest:
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=60)
    at.session_state[ACTIVE_DATA] = data
    at.session_state[SEGMENT_RUN] = run
    return at.run()


def test_a_built_list_is_saved_and_a_name_in_use_asks_before_replacing(workspace: Workspace) -> None:
    data, run = _campaign_session()
    at = _campaigns(data, run)
    assert not at.exception, at.exception
    stored = workspace.items("campaign")
    assert [(c.name, c.summary["treatment"], c.summary["control"]) for c in stored] == [("Campaign", 39, 6)]
    # Changing the list in the same session updates the stored campaign of that name.
    at.multiselect(key="campaigns:segments").set_value(["Loyal"]).run()
    assert [(c.name, c.n_rows) for c in workspace.items("campaign")] == [("Campaign", 15)]

    # Another session builds a list under the same name: it asks; "Keep both" numbers the new one.
    other = _campaigns(data, run)
    assert any("called “Campaign” is stored" in w.value for w in other.warning)
    assert len(workspace.items("campaign")) == 1
    other.button(key="workspace:keep_both_campaigns").click().run()
    assert sorted(c.name for c in workspace.items("campaign")) == ["Campaign", "Campaign (2)"]
    # A third asks again, and "Replace" puts its list under the name.
    third = _campaigns(data, run)
    third.button(key="workspace:replace_campaign").click().run()
    assert not third.exception, third.exception
    names = {c.name: c.n_rows for c in workspace.items("campaign")}
    assert names == {"Campaign": 45, "Campaign (2)": 45}


def test_a_newer_snapshot_scored_with_a_saved_model_is_stored_and_compared(workspace: Workspace) -> None:
    at = _visit(_app(_customers()), page("features").path)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider(key="features:k_range").set_value((2, 4)).run()
    at.button(key="features:find").click().run()
    fitted = at.session_state[SEGMENT_RUN]
    # The same customers a quarter later, plus two new ones: the saved model gives the same segments.
    snapshot = _customers().customers
    newcomers = snapshot.head(2).assign(customer_id=["N1", "N2"])
    newer = pd.concat([snapshot, newcomers], ignore_index=True)
    _visit(at, WORKSPACE_PAGE)
    at.file_uploader(key="workspace:rescore_upload").set_value(
        ("q2.csv", newer.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert at.selectbox(key="workspace:rescore_id").value == "customer_id"
    at.button(key="workspace:rescore").click().run()
    assert not at.exception, at.exception
    runs = workspace.items("run")
    assert len(runs) == 2 and runs[0].name.endswith("scored on q2.csv") and runs[0].n_rows == 152
    rescored = workspace.load_run(runs[0].id).labels.set_index("customer_id")["segment"]
    expected = pd.Series(np.asarray(fitted.labels), index=snapshot["customer_id"])
    assert (rescored.loc[expected.index] == expected).all()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stayed in their segment"] == "150" and metrics["Moved to another segment"] == "0"
    assert metrics["New customers"] == "2" and metrics["Lost customers"] == "0"


def test_deleting_an_order_export_takes_its_purchase_lines_along(workspace: Workspace) -> None:
    at = _app()
    _visit(at, page("data").path)
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value(("bestellungen.csv", _orders_csv(), "text/csv")).run()
    at.button(key="data:build").click().run()
    assert len(workspace.items("dataset")) == 2
    _visit(at, WORKSPACE_PAGE)
    at.button(key="workspace:dataset:delete").click().run()
    at.button(key="workspace:confirm_delete:yes").click().run()
    assert not at.exception, at.exception
    assert workspace.items("dataset") == []


def test_another_location_for_the_session_and_a_bad_one_in_one_line(
    tmp_path: Path, workspace: Workspace
) -> None:
    _stored_run(workspace, "Spring", ["A", "B"], [0, 1], {0: "Loyal", 1: "New"})
    at = _visit(_app(), WORKSPACE_PAGE)
    assert "Segmentations (1)" in [s.value for s in at.subheader]

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    at.text_input(key="workspace:new_location").set_value(str(blocker / "inside" / "w.sqlite"))
    at.button(key="workspace:use_location").click().run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value, [e.value for e in at.error]
    assert "Segmentations (1)" in [s.value for s in at.subheader]  # still the workspace it had

    other = tmp_path / "other.sqlite"
    at.text_input(key="workspace:new_location").set_value(str(other))
    at.button(key="workspace:use_location").click().run()
    assert not at.exception, at.exception
    assert "Segmentations (0)" in [s.value for s in at.subheader]
    assert any(str(other) in c.value for c in at.main.caption), [c.value for c in at.main.caption]


def test_a_workspace_that_cannot_be_opened_leaves_the_journey_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SEGMENTATION_WORKSPACE", str(blocker / "inside" / "workspace.sqlite"))
    at = _app(_customers())
    assert not at.exception, at.exception
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and "cannot be created" in warnings[0] and "\n" not in warnings[0]
    _visit(at, page("features").path)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider(key="features:k_range").set_value((2, 4)).run()
    at.button(key="features:find").click().run()
    assert not at.exception, at.exception
    assert at.session_state[SEGMENT_RUN].k == 3  # segmented, just not saved
    _visit(at, WORKSPACE_PAGE)
    assert any("cannot be created" in e.value for e in at.error), [e.value for e in at.error]


def test_refits_in_one_session_update_its_run_even_after_a_rename(workspace: Workspace) -> None:
    at = _visit(_app(_customers()), page("features").path)
    at.multiselect[0].set_value(["recency_days", "monetary", "frequency"])
    at.slider(key="features:k_range").set_value((2, 4)).run()
    at.button(key="features:find").click().run()
    (stored,) = workspace.items("run")
    workspace.rename("run", stored.id, "My segments")
    k_input = next(n for n in at.number_input if n.label == "Number of segments")
    k_input.set_value(4).run()
    assert not at.exception, at.exception
    assert [(r.id, r.name, r.summary["k"]) for r in workspace.items("run")] == [(stored.id, "My segments", 4)]


def test_recommendation_lists_are_saved_once_per_model_and_length(workspace: Workspace) -> None:
    at = _recommendations_page().run()
    assert not at.exception, at.exception
    at.run()  # a rerun saves nothing new
    (saved,) = workspace.items("recommendations")
    item, table = workspace.load_recommendations(saved.id)
    assert item.n_rows == len(at.session_state["recommendations"]) == len(table)
    assert table["customer"].nunique() == 32 and table["rank"].max() == 10
    assert list(table.columns) == ["customer", "rank", "item", "item_name", "score", "reason", "cold_start"]
    at.slider(key="recommendations:top_n").set_value(5).run()
    shorter, longer = sorted(r.n_rows for r in workspace.items("recommendations"))
    assert shorter == len(at.session_state["recommendations"]) < longer == item.n_rows


def test_recommendation_lists_and_measured_lifts_are_listed_newest_first(workspace: Workspace) -> None:
    run = _stored_run(workspace, "Spring", ["A", "B"], [0, 1], {0: "Loyal", 1: "New"})
    for n in (2, 3):
        workspace.save_recommendations(
            name=f"Bestsellers · top {n}",
            run_id=run,
            dataset_id=None,
            model="popularity",
            settings={"top_n": n, "customer": "customer_id", "item": "item"},
            table=pd.DataFrame({"customer": ["A", "B"] * n, "rank": np.repeat(range(1, n + 1), 2)}),
            quality={},
        )
    campaign = workspace.save_campaign(
        name="Spring win-back",
        run_id=run,
        rules={},
        treatment=pd.DataFrame({"customer_id": ["A"]}),
        control=pd.DataFrame({"customer_id": ["B"]}),
        manifest={},
        id_column="customer_id",
    )
    workspace.save_lift(
        campaign_id=campaign.id,
        report={
            "overall": {
                "absolute_lift": 0.2,
                "p_value": 0.004,
                "treatment": {"n": 100},
                "control": {"n": 80},
            },
            "n_listed": 180,
        },
    )
    workspace.rename("campaign", campaign.id, "Spring win-back 2026")  # the lift shows the current name
    at = _visit(_app(), WORKSPACE_PAGE)
    subheaders = [s.value for s in at.subheader]
    assert "Recommendation lists (2)" in subheaders and "Measured lifts (1)" in subheaders
    tables = {tuple(t.value.columns): t.value for t in at.dataframe}
    lists = next(t for columns, t in tables.items() if "suggestions" in columns)
    assert lists["name"].tolist() == ["Bestsellers · top 3", "Bestsellers · top 2"]  # newest first
    assert lists["suggestions"].tolist() == [6, 4] and set(lists["model"]) == {"Bestsellers (popularity)"}
    assert (lists["size_kb"] > 0).all()
    lifts = next(t for columns, t in tables.items() if "lift_points" in columns)
    assert lifts.loc[0, "campaign"] == "Spring win-back 2026"
    assert lifts.loc[0, "lift_points"] == pytest.approx(20.0)
    assert lifts.loc[0, "p_value"] == pytest.approx(0.004)
    assert (lifts.loc[0, "contacted"], lifts.loc[0, "control"], lifts.loc[0, "listed"]) == (100, 80, 180)

    # A recommendation list is not opened into the journey; it is renamed or deleted like the others.
    assert not any(b.key == "workspace:recommendations:open" for b in at.button)
    at.button(key="workspace:recommendations:delete").click().run()
    warning = next(w.value for w in at.warning if "cannot be undone" in w.value)
    assert "recommendation list **Bestsellers · top 3**?" in warning
    at.button(key="workspace:confirm_delete:yes").click().run()
    assert not at.exception, at.exception
    assert [r.name for r in workspace.items("recommendations")] == ["Bestsellers · top 2"]
    assert "Recommendation lists (1)" in [s.value for s in at.subheader]
