"""The workspace store on a real SQLite file and a real PostgreSQL server: save, list, load, edit, forget."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import NameTakenError, Workspace, WorkspaceError
from tests._workspace_helpers import customers, open_fresh, payload_files


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    yield from open_fresh(request.param, tmp_path, request)


def _run(workspace: Workspace, name: str, dataset_id: int | None, **options: object) -> int:
    table = customers()
    item = workspace.save_run(
        name=name,
        dataset_id=dataset_id,
        customer_ids=table["customer_id"],
        labels=np.array([0, 0, 1, 1, 2, 2]),
        features=["age"],
        algorithm="kmeans",
        k=3,
        seed=7,
        specs={"age": {"kind": "numeric"}},
        model_json='{"algorithm": "kmeans"}',
        personas=[{"segment": 0, "name": "Young", "examples": ["C001"]}],
        names={0: "Young", 1: "Middle", 2: "Older"},
        actions={0: "Welcome offer – Zoë 客户"},
        **options,  # type: ignore[arg-type]
    )
    return item.id


def test_a_run_comes_back_as_saved(workspace: Workspace) -> None:
    dataset = workspace.save_dataset(name="shop", source_name="shop.csv", kind="customers", table=customers())
    run_id = _run(workspace, "spring", dataset.id)
    run = workspace.load_run("spring")
    assert run.item.id == run_id and run.item.kind == "run" and run.item.parent_id == dataset.id
    assert run.item.n_rows == 6 and run.item.size_bytes > 0
    assert run.item.summary == {"k": 3, "algorithm": "kmeans", "features": 1}
    assert run.features == ("age",) and run.k == 3 and run.seed == 7 and run.algorithm == "kmeans"
    assert run.names == {0: "Young", 1: "Middle", 2: "Older"}
    assert run.actions == {0: "Welcome offer – Zoë 客户"}
    assert run.model_json == '{"algorithm": "kmeans"}' and run.specs == {"age": {"kind": "numeric"}}
    assert list(run.labels.columns) == ["customer_id", "segment"]
    assert run.labels["customer_id"].tolist() == customers()["customer_id"].tolist()
    assert run.labels["segment"].tolist() == [0, 0, 1, 1, 2, 2]
    assert workspace.load_run(run_id).item == run.item  # by id too
    item, table, reading = workspace.load_dataset(dataset.id)
    pd.testing.assert_frame_equal(table, customers())
    assert item.name == "shop" and reading["detection"] == {}


def test_lists_are_newest_first_and_a_missing_item_is_named(workspace: Workspace) -> None:
    for name in ("first", "second", "third"):
        _run(workspace, name, None)
    assert [i.name for i in workspace.items("run")] == ["third", "second", "first"]
    with pytest.raises(WorkspaceError, match="no run 'fourth'"):
        workspace.load_run("fourth")
    with pytest.raises(WorkspaceError, match="unknown kind"):
        workspace.items("runs")


def test_the_same_upload_is_stored_once(workspace: Workspace) -> None:
    first = workspace.save_dataset(
        name="a", source_name="a.csv", kind="customers", table=customers(), source_sha256="1" * 64
    )
    again = workspace.save_dataset(
        name="a again", source_name="a.csv", kind="customers", table=customers(), source_sha256="1" * 64
    )
    copy = workspace.save_dataset(name="a", source_name="copy.csv", kind="customers", table=customers())
    assert again == first
    assert copy.id != first.id and copy.name == "a (2)"
    assert len(payload_files(workspace)) == 1  # one table content, one file


def test_a_taken_name_asks_before_replacing(workspace: Workspace) -> None:
    run_id = _run(workspace, "spring", None)
    with pytest.raises(NameTakenError, match="run 'spring' exists"):
        _run(workspace, "spring", None)
    assert _run(workspace, "spring", None, replace=True) == run_id
    assert workspace.count("run") == 1


def test_names_are_editable_and_unique(workspace: Workspace) -> None:
    first = _run(workspace, "first", None)
    _run(workspace, "second", None)
    workspace.rename("run", first, "Spring 2026")
    assert workspace.find("run", first).name == "Spring 2026"
    with pytest.raises(NameTakenError):
        workspace.rename("run", first, "second")
    workspace.update_run_names(first, names={0: "Students"}, actions={0: "Term-start mail"})
    assert workspace.load_run(first).names == {0: "Students"}


def _campaign(workspace: Workspace, run_id: int | None, name: str = "spring mail") -> int:
    table = customers()
    return workspace.save_campaign(
        name=name,
        run_id=run_id,
        rules={"segments": ["Young"]},
        treatment=table.iloc[:4],
        control=table.iloc[4:],
        manifest={"campaign": name, "contacts": {"customer_id": "customer_id", "email": "email"}},
        id_column="customer_id",
    ).id


def test_campaigns_and_their_lift(workspace: Workspace) -> None:
    campaign_id = _campaign(workspace, _run(workspace, "spring", None))
    campaign = workspace.load_campaign("spring mail")
    assert campaign.item.summary == {"treatment": 4, "control": 2} and campaign.item.n_rows == 6
    pd.testing.assert_frame_equal(campaign.treatment, customers().iloc[:4])
    assert campaign.control["customer_id"].tolist() == ["C005", "C006"]
    assert campaign.rules == {"segments": ["Young"]} and campaign.id_column == "customer_id"
    report = {"overall": {"absolute_lift": 0.02, "p_value": 0.04, "treatment": {"n": 4}}, "n_listed": 6}
    lift = workspace.save_lift(campaign_id=campaign_id, report=report)
    assert lift.parent_id == campaign_id and lift.summary["absolute_lift"] == 0.02
    assert workspace.lifts() == [(lift, report)]


def test_delete_takes_what_was_made_from_it(workspace: Workspace) -> None:
    dataset = workspace.save_dataset(name="shop", source_name="shop.csv", kind="customers", table=customers())
    run_id = _run(workspace, "spring", dataset.id)
    campaign_id = _campaign(workspace, run_id)
    workspace.save_lift(campaign_id=campaign_id, report={"overall": {}})
    workspace.save_recommendations(
        name="recs",
        run_id=run_id,
        dataset_id=dataset.id,
        model="popular",
        settings={},
        table=pd.DataFrame({"customer": ["C001"], "item": ["tea"]}),
        quality={"precision_at_10": 0.1},
    )
    other = _run(workspace, "other", None)
    workspace.delete("dataset", dataset.id)
    assert [i.id for i in workspace.items("run")] == [other]
    for kind in ("dataset", "campaign", "lift", "recommendations"):
        assert workspace.items(kind) == []
    assert len(payload_files(workspace)) == 1  # only the other run's labels


def test_settings_are_remembered(workspace: Workspace) -> None:
    assert workspace.recall("last_opened") is None
    workspace.remember("last_opened", "run:3")
    workspace.remember("last_opened", "run:4")
    assert workspace.recall("last_opened") == "run:4"


def test_forget_removes_the_customer_everywhere(workspace: Workspace) -> None:
    dataset = workspace.save_dataset(name="shop", source_name="shop.csv", kind="customers", table=customers())
    run_id = _run(workspace, "spring", dataset.id)
    _campaign(workspace, run_id)
    workspace.save_recommendations(
        name="recs",
        run_id=run_id,
        dataset_id=dataset.id,
        model="popular",
        settings={},
        table=pd.DataFrame({"customer": ["C001", "C001", "C002"], "item": ["tea", "jam", "tea"]}),
        quality={},
    )
    before = set(payload_files(workspace))
    # By email: the id C001 is found through the dataset and removed from the labels too.
    report = workspace.forget_customer(" Person1@Example.org ")
    assert (report.datasets, report.runs, report.campaigns, report.recommendations) == (1, 1, 1, 2)
    assert report.payloads_rewritten == 4 and report.audit_id >= 1
    assert len(before - set(payload_files(workspace))) == 4  # the old files holding them are gone
    _, table, _ = workspace.load_dataset("shop")
    assert table["customer_id"].tolist() == ["C002", "C003", "C004", "C005", "C006"]
    run = workspace.load_run(run_id)
    assert run.labels["customer_id"].tolist()[0] == "C002" and run.item.n_rows == 5
    assert run.personas[0]["examples"] == ["[forgotten]"]
    assert "C001" not in workspace.load_campaign("spring mail").treatment["customer_id"].tolist()
    assert workspace.load_recommendations("recs")[1]["customer"].tolist() == ["C002"]
    for path in payload_files(workspace):
        data = path.read_bytes()
        assert b"C001" not in data and b"person1@example.org" not in data
    again = workspace.forget_customer("C001")
    assert (again.datasets, again.runs, again.payloads_rewritten) == (0, 0, 0)
