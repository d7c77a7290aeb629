"""Forgetting a customer from the Workspace page (AppTest): the stored work and the session's memory
lose them, the page shows the counts; nothing found says so; nothing happens without the confirmation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _workspace_helpers import customers
from streamlit.testing.v1 import AppTest

from app_pages.forget_panel import UNDERSTOOD, WHO
from app_pages.registry import tool_page
from app_pages.state import ACTIVE_DATA, PREDICTIONS, PREDICTIONS_TOKEN, SEED, SEGMENT_RUN
from segmentation import Workspace, open_workspace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WORKSPACE_PAGE = tool_page("workspace").path
FORGET = "workspace:forget"
# The customer to forget: the second row of the helpers' table.
CUSTOMER_ID, EMAIL = "C002", "person2@example.org"
# Which stored tables hold them: dataset, segment labels, recommendations, send list (not the control group).
HELD = [True, True, True, True, False]


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    """The workspace the app opens (the autouse fixture points SEGMENTATION_WORKSPACE at a tmp folder)."""
    opened = open_workspace(os.environ["SEGMENTATION_WORKSPACE"])
    yield opened
    opened.close()


@pytest.fixture
def stored(workspace: Workspace) -> dict[str, int]:
    """A dataset, its segmentation, a recommendation table and a campaign, all holding C002 / person2;
    the segmentation is the work used last, so the app opens it."""
    table = customers(6)
    dataset = workspace.save_dataset(
        name="shop.csv",
        source_name="shop.csv",
        kind="customers",
        table=table,
        source_sha256="sha-shop",
        detection={
            "roles": {"customer_id": "customer_id", "email": "email"},
            "token": "shop-to-forget",
            "customer_id_col": "customer_id",
            "kind": "customers",
        },
        role_edits={"customer_id": "customer_id", "email": "email"},
    )
    run = workspace.save_run(
        name="Spring",
        dataset_id=dataset.id,
        customer_ids=table["customer_id"],
        labels=np.array([0, 0, 1, 1, 2, 2]),
        features=["age"],
        algorithm="kmeans",
        k=3,
        seed=0,
        names={0: "Young", 1: "Middle", 2: "Older"},
    )
    suggestions = pd.DataFrame(
        {
            "customer": np.repeat(table["customer_id"].to_numpy(), 2),
            "rank": [1, 2] * 6,
            "item": ["tea", "cups"] * 6,
        }
    )
    recommendations = workspace.save_recommendations(
        name="Top 2",
        run_id=run.id,
        dataset_id=dataset.id,
        model="popularity",
        settings={"top_n": 2, "customer": "customer_id", "item": "item"},
        table=suggestions,
        quality={},
    )
    keys = ["customer_id", "email"]
    campaign = workspace.save_campaign(
        name="Win-back",
        run_id=run.id,
        rules={"segments": ["Young"]},
        treatment=table.loc[[0, 1, 2, 3], keys].reset_index(drop=True),
        control=table.loc[[4, 5], keys].reset_index(drop=True),
        manifest={"campaign": "Win-back"},
        id_column="customer_id",
    )
    workspace.remember("last_opened", f"run:{run.id}")
    return {
        "dataset": dataset.id,
        "run": run.id,
        "recommendations": recommendations.id,
        "campaign": campaign.id,
    }


def _workspace_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    at.switch_page(WORKSPACE_PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _stored_tables(workspace: Workspace) -> list[pd.DataFrame]:
    """Every table the workspace keeps: datasets, segment labels, recommendations, campaign lists."""
    tables = [workspace.load_dataset(item.id)[1] for item in workspace.items("dataset")]
    tables += [workspace.load_run(item.id).labels for item in workspace.items("run")]
    tables += [workspace.load_recommendations(item.id)[1] for item in workspace.items("recommendations")]
    for item in workspace.items("campaign"):
        campaign = workspace.load_campaign(item.id)
        tables += [campaign.treatment, campaign.control]
    return tables


def _holds(table: pd.DataFrame, *values: str) -> bool:
    return bool(table.astype(str).isin(values).to_numpy().any())


# Upper case and spaces around do not matter; the email also finds the id, and the id the email.
@pytest.mark.parametrize("typed", ["  Person2@Example.ORG ", "c002"], ids=["email", "id"])
def test_forgetting_empties_the_workspace_and_the_session_of_the_customer(
    workspace: Workspace, stored: dict[str, int], typed: str
) -> None:
    at = _workspace_page()
    assert len(at.session_state[ACTIVE_DATA].customers) == 6  # the stored segmentation was reopened
    assert at.session_state[SEGMENT_RUN].k == 3
    at.session_state[PREDICTIONS] = pd.DataFrame(
        {"customer": customers(6)["customer_id"], "probability_active": np.linspace(0.1, 0.6, 6)}
    )
    at.session_state[PREDICTIONS_TOKEN] = "predictions-1"
    at.session_state["predictions:scores"] = pd.DataFrame({"customer": [CUSTOMER_ID], "score": [0.9]})
    at.session_state[SEED] = 7
    assert [_holds(t, CUSTOMER_ID) for t in _stored_tables(workspace)] == HELD

    at.text_input(key=WHO).set_value(typed)
    at.checkbox(key=UNDERSTOOD).check()
    at.button(key=FORGET).click().run()
    assert not at.exception, at.exception

    # Through the package: no stored table holds the id or the email, every other customer is kept.
    tables = _stored_tables(workspace)
    assert len(tables) == 5
    assert not any(_holds(t, CUSTOMER_ID, EMAIL) for t in tables)
    _, dataset, _ = workspace.load_dataset(stored["dataset"])
    assert dataset["customer_id"].tolist() == ["C001", "C003", "C004", "C005", "C006"]
    assert workspace.load_run(stored["run"]).labels["segment"].tolist() == [0, 1, 1, 2, 2]
    campaign = workspace.load_campaign(stored["campaign"])
    assert (len(campaign.treatment), len(campaign.control)) == (3, 2)
    assert len(workspace.load_recommendations(stored["recommendations"])[1]) == 10

    # The page said what was removed, kind by kind (4 files held them: all but the control group).
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Rows in stored datasets": "1",
        "Segment assignments": "1",
        "Rows in campaign lists": "1",
        "Recommendation rows": "2",
        "Stored files rewritten": "4",
    }
    assert len(at.success) == 1 and "forgotten" in at.success[0].value
    assert "C002" not in at.success[0].value and "person2" not in at.success[0].value

    # This session let go of the customer: the data and segments are reopened from the store,
    # predictions made before are dropped, and what was typed is not kept.
    reopened = at.session_state[ACTIVE_DATA]
    assert reopened.customers["customer_id"].tolist() == ["C001", "C003", "C004", "C005", "C006"]
    assert not _holds(reopened.customers, CUSTOMER_ID, EMAIL)
    assert np.asarray(at.session_state[SEGMENT_RUN].labels).tolist() == [0, 1, 1, 2, 2]
    assert PREDICTIONS not in at.session_state and "predictions:scores" not in at.session_state
    assert at.session_state[SEED] == 7  # settings that name no customer are kept
    assert at.text_input(key=WHO).value == "" and at.checkbox(key=UNDERSTOOD).value is False


def test_an_unknown_customer_is_an_info_line_and_nothing_changes(
    workspace: Workspace, stored: dict[str, int]
) -> None:
    at = _workspace_page()
    before = at.session_state[ACTIVE_DATA]
    at.text_input(key=WHO).set_value("nobody@example.org")
    at.checkbox(key=UNDERSTOOD).check()
    at.button(key=FORGET).click().run()
    assert not at.exception, at.exception
    assert not at.error and not at.success and not at.metric
    assert any("nothing was removed" in i.value for i in at.info), [i.value for i in at.info]
    assert [_holds(t, CUSTOMER_ID) for t in _stored_tables(workspace)] == HELD
    assert workspace.find("dataset", stored["dataset"]).n_rows == 6
    assert at.session_state[ACTIVE_DATA] is before  # the session's data was left as it was


def test_nothing_is_forgotten_without_the_confirmation_or_without_a_customer(
    workspace: Workspace, stored: dict[str, int]
) -> None:
    at = _workspace_page()
    at.text_input(key=WHO).set_value(CUSTOMER_ID)
    at.button(key=FORGET).click().run()  # the box is not ticked
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Tick “I understand this cannot be undone” first; nothing was changed."
    ]
    assert [_holds(t, CUSTOMER_ID) for t in _stored_tables(workspace)] == HELD
    assert not at.metric and not at.success
    assert len(at.session_state[ACTIVE_DATA].customers) == 6
    assert at.text_input(key=WHO).value == CUSTOMER_ID  # kept, to tick the box and try again

    at.text_input(key=WHO).set_value("   ")
    at.checkbox(key=UNDERSTOOD).check()
    at.button(key=FORGET).click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["Type the customer's id or email first; nothing was changed."]
    assert [_holds(t, CUSTOMER_ID) for t in _stored_tables(workspace)] == HELD
    assert not at.metric and not at.success
