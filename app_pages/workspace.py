"""Workspace page: the saved datasets, segmentations, recommendation lists, campaigns and lifts; reopen,
rename, delete; who moved; forget a customer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import pandas as pd
import streamlit as st

from app_pages import forget_panel, migration_view, workspace_reopen, workspace_session
from app_pages.registry import tool_page
from app_pages.shell import link_to
from segmentation import (
    ALGORITHM_LABELS,
    MODEL_LABELS,
    NameTakenError,
    SegmentationError,
    StoredItem,
    Workspace,
)

#: Parts of an uploaded order export kept beside its customer table; listed with it, not apart.
COMPANION_KINDS = frozenset(workspace_session.COMPANIONS.values())
CONFIRM_DELETE = "workspace:confirm_delete"  # (kind, id, name) waiting for "Yes, delete"
CONFIRM_RENAME = "workspace:confirm_rename"  # (kind, id, new name) taken by another item: replace it?
OPENED = "workspace:opened"  # (kind, name) just reopened, for the success line
PROBLEM = "workspace:problem"  # what went wrong with the last action, shown after its rerun
KIND_WORDS = {
    "dataset": "dataset",
    "run": "segmentation",
    "recommendations": "recommendation list",
    "campaign": "campaign",
    "lift": "measured lift",
}
NEXT_PAGE = {"dataset": "features", "run": "personas", "campaign": "results"}
BASE_COLUMNS = {
    "name": st.column_config.TextColumn("Name", width="large"),
    "saved": st.column_config.DatetimeColumn("Saved (UTC)", format="YYYY-MM-DD HH:mm"),
    "customers": st.column_config.NumberColumn("Customers", format="localized"),
    "size_kb": st.column_config.NumberColumn("Size on disk (kB)", format="%.0f"),
}


def _base_row(item: StoredItem) -> dict[str, object]:
    return {
        "name": item.name,
        "saved": pd.Timestamp(item.created_at).tz_convert(None),
        "customers": item.n_rows,
        "size_kb": item.size_bytes / 1024,
    }


def _dataset_rows(items: list[StoredItem]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                **_base_row(item),
                "source": str(item.summary.get("source_name") or ""),
                "shape": "purchases" if item.summary.get("kind") == "transactions" else "customers",
            }
            for item in items
        ]
    )


def _run_rows(items: list[StoredItem]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                **_base_row(item),
                "k": item.summary.get("k"),
                "method": ALGORITHM_LABELS.get(
                    str(item.summary.get("algorithm")), item.summary.get("algorithm")
                ),
                "features": item.summary.get("features"),
            }
            for item in items
        ]
    )


def _campaign_rows(items: list[StoredItem]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                **_base_row(item),
                "contacted": item.summary.get("treatment"),
                "control": item.summary.get("control"),
            }
            for item in items
        ]
    )
    return frame.rename(columns={"customers": "listed"})


def _recommendation_rows(items: list[StoredItem]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                **_base_row(item),
                "model": MODEL_LABELS.get(model := str(item.summary.get("model") or ""), model),
            }
            for item in items
        ]
    )
    return frame.rename(columns={"customers": "suggestions"})


def _lift_rows(items: list[StoredItem], *, campaign_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """One row per measured lift (``campaign_names``: stored campaign id → its current name)."""
    names = campaign_names or {}
    frame = pd.DataFrame(
        [
            {
                **_base_row(item),
                "campaign": names.get(item.parent_id or -1, ""),
                "lift_points": _points(item.summary.get("absolute_lift")),
                "p_value": item.summary.get("p_value"),
                "contacted": item.summary.get("treatment"),
                "control": item.summary.get("control"),
            }
            for item in items
        ]
    )
    numbers = ["lift_points", "p_value", "contacted", "control"]
    # Kept in the database, not in payload files: no size on disk to show.
    return (
        frame.drop(columns="size_kb")
        .rename(columns={"customers": "listed"})
        .astype({column: "float64" for column in numbers})
    )


def _points(share: object) -> float | None:
    return None if not isinstance(share, int | float) else float(share) * 100


EXTRA_COLUMNS = {
    "source": st.column_config.TextColumn("Source file"),
    "shape": st.column_config.TextColumn("One row per"),
    "k": st.column_config.NumberColumn("Segments", format="%d"),
    "method": st.column_config.TextColumn("Method"),
    "features": st.column_config.NumberColumn("Features", format="%d"),
    "listed": st.column_config.NumberColumn("On the list", format="localized"),
    "contacted": st.column_config.NumberColumn("Contacted", format="localized"),
    "control": st.column_config.NumberColumn("Control group", format="localized"),
    "model": st.column_config.TextColumn("Model"),
    "suggestions": st.column_config.NumberColumn(
        "Suggestions", format="localized", help="Rows of the list: customers × suggestions for each"
    ),
    "campaign": st.column_config.TextColumn("Campaign"),
    "lift_points": st.column_config.NumberColumn(
        "Lift (points)", format="%+.1f", help="Conversion rate of the contacted minus the control group"
    ),
    "p_value": st.column_config.NumberColumn(
        "p-value", format="%.3f", help="Below 0.05: unlikely to be chance alone"
    ),
}
SECTIONS: tuple[tuple[str, str, Callable[[list[StoredItem]], pd.DataFrame]], ...] = (
    ("run", "Segmentations", _run_rows),
    ("recommendations", "Recommendation lists", _recommendation_rows),
    ("campaign", "Campaigns", _campaign_rows),
    ("lift", "Measured lifts", _lift_rows),
    ("dataset", "Datasets", _dataset_rows),
)


# ---- actions ---------------------------------------------------------------------------------
def _open(workspace: Workspace, item: StoredItem) -> None:
    try:
        workspace_reopen.open_item(workspace, item.kind, item.id)
    except SegmentationError as exc:
        st.session_state[PROBLEM] = f"{item.name} could not be opened: {exc}"
        return
    st.session_state[OPENED] = (item.kind, item.name)


def _rename(workspace: Workspace, item: StoredItem, new_name: str) -> None:
    cleaned = " ".join(new_name.split())
    if not cleaned or cleaned == item.name:
        return
    try:
        workspace.rename(item.kind, item.id, cleaned)
    except NameTakenError:
        st.session_state[CONFIRM_RENAME] = (item.kind, item.id, cleaned)
    except SegmentationError as exc:
        st.session_state[PROBLEM] = str(exc)


def _replace_by_rename(workspace: Workspace, kind: str, item_id: int, new_name: str) -> None:
    """Delete the other item called ``new_name``, then give the name to this one."""
    other = workspace.find(kind, new_name)
    workspace.delete(kind, other.id)
    workspace.rename(kind, item_id, new_name)


def _delete(workspace: Workspace, kind: str, item_id: int) -> None:
    """Delete an item (the workspace deletes what was made from it); a dataset takes its purchase
    lines and catalog with it."""
    companions: list[int] = []
    if kind == "dataset":
        try:
            detection = dict(workspace.load_dataset(item_id)[2].get("detection") or {})
        except SegmentationError:  # a damaged or missing table must not keep the row alive
            detection = {}
        companions = [int(v) for k in workspace_session.COMPANIONS if (v := detection.get(k)) is not None]
    workspace.delete(kind, item_id)
    for companion in companions:
        try:
            workspace.delete("dataset", companion)
        except SegmentationError:
            continue  # deleted already


def _answer(question: str, yes_label: str, no_label: str, on_yes: Callable[[], None]) -> None:
    """Two buttons under a question kept in ``st.session_state[question]``: do it, or leave it."""
    yes, no = st.columns(2)
    if yes.button(yes_label, type="primary", key=f"{question}:yes"):
        try:
            on_yes()
        except SegmentationError as exc:
            st.session_state[PROBLEM] = str(exc)
        st.session_state.pop(question, None)
        st.rerun()
    if no.button(no_label, key=f"{question}:no"):
        st.session_state.pop(question, None)
        st.rerun()


def _confirmations(workspace: Workspace) -> None:
    """The questions waiting for an answer: delete for good? replace the item holding that name?"""
    pending_delete = st.session_state.get(CONFIRM_DELETE)
    if pending_delete is not None:
        kind, item_id, name = pending_delete
        made_from = {
            "dataset": "its segmentations, and their lists and campaigns",
            "run": "its recommendation lists and campaigns",
            "campaign": "its measured lift",
        }.get(kind)
        also = f" and everything made from it ({made_from})" if made_from else ""
        st.warning(f"Delete the {KIND_WORDS[kind]} **{name}**{also}? This cannot be undone.")
        _answer(CONFIRM_DELETE, "Yes, delete it", "Cancel", lambda: _delete(workspace, kind, item_id))
    pending_rename = st.session_state.get(CONFIRM_RENAME)
    if pending_rename is not None:
        kind, item_id, new_name = pending_rename
        st.warning(
            f"Another {KIND_WORDS[kind]} is called **{new_name}** already. Replace it (it is deleted)?"
        )
        _answer(
            CONFIRM_RENAME,
            f"Replace the other “{new_name}”",
            "Keep both names as they are",
            lambda: _replace_by_rename(workspace, kind, item_id, new_name),
        )


def _manage(workspace: Workspace, kind: str, items: list[StoredItem]) -> None:
    """Pick one item; open it into the journey (datasets, runs, campaigns), rename it, or delete it
    (after a confirmation)."""
    by_id = {item.id: item for item in items}
    picked = st.selectbox(
        f"Pick a {KIND_WORDS[kind]}",
        list(by_id),
        format_func=lambda i: f"{by_id[i].name} · saved {by_id[i].created_at:%Y-%m-%d %H:%M}",
        key=f"workspace:{kind}:pick",
    )
    item = by_id[int(picked)]
    open_column, name_column, rename_column, delete_column = st.columns(
        [1, 2, 1, 1], vertical_alignment="bottom"
    )
    if kind in NEXT_PAGE and open_column.button("Open", type="primary", key=f"workspace:{kind}:open"):
        _open(workspace, item)
        st.rerun()
    new_name = name_column.text_input("New name", value=item.name, key=f"workspace:{kind}:new_name:{item.id}")
    if rename_column.button("Rename", key=f"workspace:{kind}:rename"):
        _rename(workspace, item, new_name)
        st.rerun()
    if delete_column.button("Delete…", key=f"workspace:{kind}:delete"):
        st.session_state[CONFIRM_DELETE] = (kind, item.id, item.name)
        st.rerun()


def _section(
    workspace: Workspace, kind: str, title: str, rows: Callable[[list[StoredItem]], pd.DataFrame]
) -> None:
    items = workspace.items(kind)
    if kind == "dataset":
        items = [item for item in items if item.summary.get("kind") not in COMPANION_KINDS]
    if kind == "lift":
        campaigns = {campaign.id: campaign.name for campaign in workspace.items("campaign")}
        rows = partial(_lift_rows, campaign_names=campaigns)
    st.subheader(f"{title} ({len(items):,})")
    if not items:
        how = (
            "measure a stored campaign's results on Campaign results"
            if kind == "lift"
            else "they are saved as you work through the journey"
        )
        st.caption(f"No {KIND_WORDS[kind]} saved yet: {how}.")
        return
    table = rows(items)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={**BASE_COLUMNS, **{k: v for k, v in EXTRA_COLUMNS.items() if k in table.columns}},
    )
    _manage(workspace, kind, items)


def _location(workspace: Workspace | None) -> None:
    if workspace is not None:
        st.caption(
            f"Stored in **{workspace.location}**. Everything is saved as you work; no save button needed."
        )
    with st.expander("Use another workspace for this session"):
        st.caption(
            "A folder or SQLite file on this computer, or a PostgreSQL address "
            "(postgresql+psycopg://user@host/database). It is created when it does not exist."
        )
        typed = st.text_input("Workspace location", key="workspace:new_location")
        if st.button("Open this workspace", key="workspace:use_location") and typed.strip():
            try:
                workspace_session.use_location(typed)
            except SegmentationError as exc:
                st.error(str(exc))
            else:
                st.rerun()


# ---- page ------------------------------------------------------------------------------------
entry = tool_page("workspace")
st.title(entry.name)
st.caption(
    "Your saved work: the datasets you confirmed, every segmentation, the recommendation and campaign "
    "lists you built and their measured results. Open a dataset, segmentation or campaign to continue "
    "where you left off. To forget a customer for a privacy request, see the bottom of the page."
)
workspace = workspace_session.current()
_location(workspace)
if workspace is None:
    workspace_session.notice()  # said here, not again in the sidebar
    st.error(workspace_session.unavailable() or "The workspace cannot be opened.")
    st.stop()
assert workspace is not None
problem = st.session_state.pop(PROBLEM, None)
if problem:
    st.error(problem)
opened = st.session_state.pop(OPENED, None)
if opened is not None:
    kind, name = opened
    st.success(f"Opened the {KIND_WORDS[kind]} **{name}**: the journey's pages now show it.")
    link_to(NEXT_PAGE[kind])
_confirmations(workspace)
try:
    for kind, title, rows in SECTIONS:
        _section(workspace, kind, title, rows)
    st.divider()
    migration_view.draw(workspace)
except SegmentationError as exc:
    st.error(str(exc))
st.divider()
forget_panel.draw(workspace)
