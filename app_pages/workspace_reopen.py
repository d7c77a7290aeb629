"""Reopening stored work into the journey: the same session state the pages set when they make it.

A stored dataset becomes ``ActiveData`` (the demo is rebuilt from its seed; an order export comes
back with its purchase lines and catalog), a stored run a ``SegmentRun`` with its names and
actions, a stored campaign the last campaign the Campaign results page measures. On a session's
first run, the work used last is reopened; the demo when there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

import segmentation
from app_pages import state
from app_pages.shell import ensure_demo_loaded, load_demo
from app_pages.workspace_session import (
    LAST_OPENED,
    NAMES_SAVED,
    NOTICE,
    RESTORED,
    attempt,
    campaign_frame,
    current,
    mark_saved,
    remember,
)
from segmentation import (
    NOT_SEGMENTED,
    CatalogColumns,
    SegmentationError,
    TransactionColumns,
    Workspace,
)

if TYPE_CHECKING:  # an annotation only; the class is read off the lazy face where a model is loaded
    from segmentation import SegmentationModel


@dataclass(frozen=True)
class StoredResult:
    """Stands in for a fit's result when a stored run is reopened: pages read only its model."""

    model: SegmentationModel | None


def _companion(workspace: Workspace, dataset_id: Any) -> pd.DataFrame | None:
    return None if dataset_id is None else workspace.load_dataset(int(dataset_id))[1]


def _active_data(workspace: Workspace, dataset_id: int) -> state.ActiveData:
    """The stored dataset as the journey's ``ActiveData`` (the demo is rebuilt from its seed)."""
    item, table, reading = workspace.load_dataset(dataset_id)
    detection = dict(reading.get("detection") or {})
    if detection.get("demo"):
        load_demo()
        demo = state.get_active_data()
        assert demo is not None
        return demo
    columns = detection.get("transaction_columns")
    catalog_columns = detection.get("catalog_columns")
    return state.ActiveData(
        source_name=item.summary.get("source_name") or item.name,
        token=str(detection.get("token") or f"stored-dataset:{item.id}"),
        customers=table,
        customer_id_col=str(detection.get("customer_id_col") or table.columns[0]),
        roles={str(k): str(v) for k, v in dict(detection.get("roles") or {}).items()},
        transactions=_companion(workspace, detection.get("purchases_id")),
        transaction_columns=TransactionColumns(**columns) if columns else None,
        catalog=_companion(workspace, detection.get("catalog_id")),
        notes=tuple(detection.get("notes") or ()),
        catalog_columns=CatalogColumns(**catalog_columns) if catalog_columns else None,
        kind=str(detection.get("kind") or "customers"),
        source_bytes_sha256=detection.get("source_bytes_sha256"),
    )


def open_dataset(workspace: Workspace, dataset_id: int) -> state.ActiveData:
    """Make a stored dataset the active data (what was computed from the previous one is dropped)."""
    data = _active_data(workspace, dataset_id)
    state.set_active_data(data)
    mark_saved("dataset", data.token, dataset_id)
    remember(workspace, "dataset", dataset_id)
    return data


def labels_for(customers: pd.DataFrame, id_col: str, labels: pd.DataFrame) -> np.ndarray:
    """Stored labels (customer_id, segment) aligned with ``customers``; missing ones get NOT_SEGMENTED."""
    by_id = dict(zip(labels["customer_id"].astype(str), labels["segment"].astype("int64"), strict=True))
    ids = customers[id_col].astype(str) if id_col in customers else pd.Series(customers.index.astype(str))
    return np.asarray([by_id.get(i, NOT_SEGMENTED) for i in ids], dtype="int64")


def open_run(workspace: Workspace, stored_run_id: int) -> state.SegmentRun:
    """Make a stored run (and its dataset) the session's segmentation, with its stored names and actions."""
    stored = workspace.load_run(stored_run_id)
    if stored.dataset_id is None:
        raise SegmentationError(
            f"the run {stored.item.name!r} was scored on a file that is not stored as a dataset; "
            "compare it below instead."
        )
    data = open_dataset(workspace, stored.dataset_id)
    # Read off the lazy face here: a model loads scikit-learn and SciPy, which pages never need until
    # a stored segmentation is reopened (the Workspace page's first draw lists runs without them).
    model = segmentation.SegmentationModel.from_json(stored.model_json) if stored.model_json else None
    run = state.SegmentRun(
        data_token=data.token,
        token=f"stored-run:{stored.item.id}:{stored.item.created_at.isoformat()}",
        features=tuple(stored.features),
        algorithm=stored.algorithm,
        k=stored.k,
        seed=stored.seed,
        labels=labels_for(data.customers, data.customer_id_col, stored.labels),
        result=StoredResult(model=model),
        default_names=dict(stored.names),
        default_actions=dict(stored.actions),
    )
    state.set_segment_run(run)
    mark_saved("run", run.token, stored.item.id)
    st.session_state[NAMES_SAVED] = {
        **st.session_state.get(NAMES_SAVED, {}),
        stored.item.id: (dict(stored.names), dict(stored.actions)),
    }
    remember(workspace, "run", stored.item.id)
    return run


# ---- the session's first run -----------------------------------------------------------------
def open_item(workspace: Workspace, kind: str, item_id: int) -> None:
    """Reopen a stored dataset, run or campaign into the journey."""
    if kind == "dataset":
        open_dataset(workspace, item_id)
    elif kind == "run":
        open_run(workspace, item_id)
    elif kind == "campaign":
        stored = workspace.load_campaign(item_id)
        if stored.run_id is not None:
            open_run(workspace, stored.run_id)
        state.put(
            state.CAMPAIGN,
            {
                "name": stored.item.name,
                "frame": campaign_frame(stored),
                "manifest": dict(stored.manifest),
                "customer_col": stored.id_column,
                "file_name": str(dict(stored.manifest.get("file") or {}).get("name") or stored.item.name),
            },
        )
        remember(workspace, "campaign", item_id)
    else:
        raise SegmentationError(f"a {kind} cannot be opened into the journey.")


def restore_last_work() -> None:
    """On a session's first run, reopen the work used last; the demo when there is none (or it fails)."""
    if not st.session_state.get(RESTORED):
        st.session_state[RESTORED] = True
        workspace = current()
        last = attempt("Your place", lambda: workspace.recall(LAST_OPENED)) if workspace else None
        if workspace is not None and last and ":" in last:
            kind, _, number = last.partition(":")
            try:
                open_item(workspace, kind, int(number))
            except (SegmentationError, ValueError) as exc:
                st.session_state[NOTICE] = f"Your last work could not be reopened ({exc}); the demo is open."
    ensure_demo_loaded()
