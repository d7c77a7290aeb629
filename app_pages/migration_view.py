"""The Workspace page's section on segment migration: who moved between two saved segmentations.

It lives on the Workspace page because it compares stored runs (last quarter's and this one's),
not the session's journey; a newer snapshot can be scored here with a saved run's model, stored
as a run of its own, and compared at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import segmentation
from app_pages.colours import segment_colour
from app_pages.upload import UPLOAD_TYPES, read_upload
from segmentation import (
    Role,
    SegmentationError,
    SegmentationWarning,
    SegmentMigration,
    StoredItem,
    StoredRun,
    Workspace,
    compare_segmentations,
    infer_roles,
    safe_table_bytes,
)

BEFORE = "workspace:migration_before"
AFTER = "workspace:migration_after"
COMPARED = "workspace:migration_compared"  # (before id, after id) the marketer asked to compare
VALUABLE_WORDS = ("big", "loyal", "vip", "champion", "premium", "high-value", "best", "frequent", "top")
AT_RISK_WORDS = ("lapsed", "risk", "dormant", "lost", "inactive", "churn", "sleeping", "low-value")


# ---- cached wrappers -------------------------------------------------------------------------
@st.cache_data(show_spinner="Reading the saved segmentation…", max_entries=8)
def _run(_workspace: Workspace, location: str, run_id: int, saved_at: str) -> StoredRun:
    return _workspace.load_run(run_id)


@st.cache_data(show_spinner="Comparing the two segmentations…", max_entries=8)
def _compare(
    _before: StoredRun,
    _after: StoredRun,
    key: tuple[str, str],
    before_names: tuple[tuple[int, str], ...],
    after_names: tuple[tuple[int, str], ...],
    valuable: tuple[int, ...],
    at_risk: tuple[int, ...],
) -> SegmentMigration:
    return compare_segmentations(
        _before.labels,
        _after.labels,
        before_names=dict(before_names),
        after_names=dict(after_names),
        valuable=valuable,
        at_risk=at_risk,
    )


# ---- charts ----------------------------------------------------------------------------------
def migration_heatmap(matrix: pd.DataFrame, before: str, after: str) -> go.Figure:
    """Rows: segments before; columns: segments after; colour: the row's share; text: customers."""
    counts = matrix.pivot_table(
        index="from_name", columns="to_name", values="customers", aggfunc="sum", fill_value=0
    )
    shares = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    text = [
        [f"{counts.iat[i, j]:,}<br>{shares.iat[i, j]:.0%}" for j in range(counts.shape[1])]
        for i in range(len(counts))
    ]
    figure = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(),
            x=[str(c) for c in counts.columns],
            y=[str(i) for i in counts.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": "share of the<br>row's customers"},
            hovertemplate="%{y} → %{x}<br>%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title="Where each segment's customers went (customers and share of the row)",
        xaxis_title=f"segment in {after}",
        yaxis_title=f"segment in {before}",
        height=max(320, 70 * len(counts) + 160),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def migration_sankey(matrix: pd.DataFrame, before: str, after: str) -> go.Figure:
    """Flows from each segment before to each segment after, coloured by the segment they left."""
    sources = sorted(
        {(int(s), str(n)) for s, n in zip(matrix["from_segment"], matrix["from_name"], strict=True)}
    )
    targets = sorted({(int(s), str(n)) for s, n in zip(matrix["to_segment"], matrix["to_name"], strict=True)})
    source_index = {segment: i for i, (segment, _) in enumerate(sources)}
    target_index = {segment: len(sources) + i for i, (segment, _) in enumerate(targets)}
    flows = matrix[matrix["customers"] > 0]
    link_colours = [_faded(segment_colour(int(s))) for s in flows["from_segment"]]
    figure = go.Figure(
        go.Sankey(
            node={
                "label": [f"{name} ({before})" for _, name in sources]
                + [f"{name} ({after})" for _, name in targets],
                "color": [segment_colour(s) for s, _ in sources] + [segment_colour(s) for s, _ in targets],
                "pad": 12,
            },
            link={
                "source": [source_index[int(s)] for s in flows["from_segment"]],
                "target": [target_index[int(s)] for s in flows["to_segment"]],
                "value": flows["customers"].astype(int).tolist(),
                "color": link_colours,
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,} customers<extra></extra>",
            },
        )
    )
    figure.update_layout(
        title=f"Customers flowing from {before} (left) to {after} (right)",
        height=max(360, 45 * max(len(sources), len(targets)) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def _faded(colour: str) -> str:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},0.35)"


# ---- widgets ---------------------------------------------------------------------------------
def _guess(names: Mapping[int, str], words: tuple[str, ...]) -> list[int]:
    return [s for s, n in names.items() if s >= 0 and any(w in n.casefold() for w in words)]


def _segments_of(run: StoredRun) -> dict[int, str]:
    present = sorted({int(s) for s in run.labels["segment"]})
    return {s: run.names.get(s, f"Segment {s}") for s in present if s >= 0}


def _rescore(workspace: Workspace, runs: list[StoredItem]) -> None:
    """Score a newer snapshot with a saved run's model; the result is saved as a run and compared."""
    with st.expander("Score a newer snapshot with a saved segmentation's model"):
        st.caption(
            "Upload this quarter's customer table (the same feature columns): each customer gets the "
            "segment the saved model gives them, so the two runs compare segment for segment."
        )
        upload = st.file_uploader("Newer customer table", type=UPLOAD_TYPES, key="workspace:rescore_upload")
        if upload is None or not runs:
            return
        read = read_upload(upload)
        if read is None:
            return
        loaded, _ = read
        by_id = {item.id: item for item in runs}
        chosen = st.selectbox(
            "Saved segmentation whose model scores it",
            list(by_id),
            format_func=lambda i: by_id[i].name,
            key="workspace:rescore_run",
        )
        columns = [str(c) for c in loaded.frame.columns]
        roles = infer_roles(loaded.frame)
        id_guess = next((c for c in columns if roles.get(c) == Role.CUSTOMER_ID), columns[0])
        id_col = st.selectbox(
            "Customer id column", columns, index=columns.index(id_guess), key="workspace:rescore_id"
        )
        if not st.button("Score and save as a new segmentation", key="workspace:rescore"):
            return
        stored = workspace.load_run(int(chosen))
        if not stored.model_json:
            st.error(f"The segmentation {stored.item.name} has no saved model to score with.")
            return
        try:
            # Scoring names are read off the lazy package face here, not imported at the top: they load
            # scikit-learn and SciPy (about a second), which the Workspace page's first draw never needs.
            model = segmentation.SegmentationModel.from_json(
                stored.model_json, source=f"the model of {stored.item.name}"
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SegmentationWarning)
                labels = segmentation.assign_segments(
                    model,
                    segmentation.numbers_for_model(model, loaded.frame, decimal=loaded.detection.decimal),
                )
            item = _save_scored(workspace, stored, loaded.frame[id_col], labels, upload.name)
        except SegmentationError as exc:
            st.error(f"**{upload.name}** could not be scored: {exc}")
            return
        st.session_state[BEFORE], st.session_state[AFTER] = stored.item.id, item.id
        st.session_state[COMPARED] = (stored.item.id, item.id)
        st.rerun()


def _save_scored(
    workspace: Workspace, stored: StoredRun, ids: pd.Series, labels: np.ndarray, file_name: str
) -> StoredItem:
    name = f"{stored.item.name} · scored on {file_name}"
    for number in range(1, 100):
        try:
            return workspace.save_run(
                name=name if number == 1 else f"{name} ({number})",
                dataset_id=None,
                customer_ids=ids.astype(str),
                labels=labels,
                features=list(stored.features),
                algorithm=stored.algorithm,
                k=stored.k,
                seed=stored.seed,
                specs=dict(stored.specs),
                model_json=stored.model_json,
                names=dict(stored.names),
                actions=dict(stored.actions),
            )
        except SegmentationError as exc:
            if "exists already" not in str(exc):
                raise
    raise SegmentationError(f"no free name for {name!r}; rename some saved segmentations.")


def draw(workspace: Workspace) -> None:
    """The migration section: pick two saved runs, see who moved, export the valuable-to-at-risk movers."""
    st.header("Who moved between segments")
    st.caption(
        "Compare two saved segmentations of your customers, such as last quarter's and this quarter's: "
        "who stayed, who moved where, who is new and who is gone."
    )
    runs = workspace.items("run")
    _rescore(workspace, runs)
    if len(runs) < 2:
        st.info(
            "Two saved segmentations are needed to compare: segment again, or score a newer snapshot above."
        )
        return
    by_id = {item.id: item for item in runs}
    ids = list(by_id)
    for key, fallback in ((BEFORE, ids[1]), (AFTER, ids[0])):
        if st.session_state.get(key) not in by_id:
            st.session_state[key] = fallback
    left, right = st.columns(2)
    before_id = left.selectbox("Before", ids, format_func=lambda i: by_id[i].name, key=BEFORE)
    after_id = right.selectbox("After", ids, format_func=lambda i: by_id[i].name, key=AFTER)
    if before_id == after_id:
        st.info("Pick two different segmentations.")
        return
    pair = (int(before_id), int(after_id))
    # Comparing reads both runs' labels: done when asked, so the page opens at once on big runs.
    if st.button("Compare these two", type="primary", key="workspace:compare"):
        st.session_state[COMPARED] = pair
    if st.session_state.get(COMPARED) != pair:
        st.caption("Pick the two segmentations, then press **Compare these two**.")
        return
    first, second = by_id[pair[0]], by_id[pair[1]]
    before = _run(workspace, workspace.location, first.id, first.created_at.isoformat())
    after = _run(workspace, workspace.location, second.id, second.created_at.isoformat())
    before_names, after_names = _segments_of(before), _segments_of(after)
    left, right = st.columns(2)
    valuable = left.multiselect(
        "Valuable segments (before)",
        list(before_names),
        default=_guess(before_names, VALUABLE_WORDS),
        format_func=lambda s: before_names[s],
        key=f"workspace:valuable:{first.id}",
    )
    at_risk = right.multiselect(
        "At-risk segments (after)",
        list(after_names),
        default=_guess(after_names, AT_RISK_WORDS),
        format_func=lambda s: after_names[s],
        key=f"workspace:at_risk:{second.id}",
    )
    migration = _compare(
        before,
        after,
        (f"{first.id}:{first.created_at.isoformat()}", f"{second.id}:{second.created_at.isoformat()}"),
        tuple(sorted(before_names.items())),
        tuple(sorted(after_names.items())),
        tuple(sorted(int(s) for s in valuable)),
        tuple(sorted(int(s) for s in at_risk)),
    )
    cells = st.columns(4)
    cells[0].metric("Stayed in their segment", f"{migration.stayed:,}")
    cells[1].metric("Moved to another segment", f"{migration.moved:,}")
    cells[2].metric("New customers", f"{migration.new_customers:,}", help=f"In {second.name} only.")
    cells[3].metric("Lost customers", f"{migration.lost_customers:,}", help=f"In {first.name} only.")
    st.caption("New and lost customers are counted apart: they are not in the charts below.")
    if migration.matrix.empty:
        st.info("The two segmentations share no customers: nothing to compare segment by segment.")
        return
    st.plotly_chart(
        migration_heatmap(migration.matrix, first.name, second.name), key="workspace:migration_heatmap"
    )
    st.caption(
        "What this means: each row is a segment before; the cells say how many of its customers are in each "
        "segment after, and what share of the row that is. A strong diagonal means stable segments."
    )
    st.plotly_chart(migration_sankey(migration.matrix, "before", "after"), key="workspace:migration_sankey")
    st.caption("What this means: the width of each band is the number of customers who went that way.")
    _movers(migration, before_names, after_names, bool(valuable and at_risk))


def _movers(
    migration: SegmentMigration, before_names: Mapping[int, str], after_names: Mapping[int, str], chosen: bool
) -> None:
    st.subheader("From valuable to at risk: a ready audience")
    if not chosen:
        st.info("Pick the valuable segments (before) and the at-risk segments (after) to list who slipped.")
        return
    movers = migration.movers.assign(
        from_name=lambda f: [before_names.get(int(s), f"Segment {s}") for s in f["from_segment"]],
        to_name=lambda f: [after_names.get(int(s), f"Segment {s}") for s in f["to_segment"]],
    )
    st.metric("Customers who slipped from valuable to at risk", f"{len(movers):,}")
    if movers.empty:
        return
    st.dataframe(
        movers.head(200),
        hide_index=True,
        width="stretch",
        column_config={
            "customer_id": st.column_config.TextColumn("Customer"),
            "from_segment": st.column_config.NumberColumn("From segment", format="%d"),
            "to_segment": st.column_config.NumberColumn("To segment", format="%d"),
            "from_name": st.column_config.TextColumn("Was"),
            "to_name": st.column_config.TextColumn("Now"),
        },
    )
    st.download_button(
        "Download these customers (CSV)",
        safe_table_bytes(movers),
        file_name="valuable-to-at-risk.csv",
        mime="text/csv",
        on_click="ignore",
        key="workspace:movers_download",
    )
    st.caption(
        "Upload this list as an audience for a win-back campaign; cells are safe to open in a spreadsheet."
    )
