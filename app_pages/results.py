"""Campaign results page: did the customers who got the campaign do better than the control group?"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app_pages import state, workspace_session
from app_pages.shell import link_to, page_header
from app_pages.units import money_unit, signed_money
from app_pages.upload import UPLOAD_TYPES, read_upload
from segmentation import (
    LiftReport,
    SegmentationError,
    StoredItem,
    Workspace,
    combine_split_lists,
    measure_lift,
    simulate_results,
    summarise_incremental,
    summarise_lift,
)

NONE = "— none —"
FROM_SESSION = "The list built on the Campaigns page"
FROM_UPLOAD = "Upload an exported list"
FROM_STORED = "A campaign stored in your workspace"
HISTORY_FORMATS = {
    "built": "{:%Y-%m-%d %H:%M}",
    "measured": "{:%Y-%m-%d %H:%M}",
    "contacted": "{:,.0f}",
    "control": "{:,.0f}",
    "lift": "{:+.1%}",
    "ci_low": "{:+.1%}",
    "ci_high": "{:+.1%}",
    "p_value": "{:.3f}",
    "extra_conversions": "{:+,.0f}",
    "extra_revenue": "{:+,.2f}",
}
MEASURED = "results:stored_campaign"  # id of the stored campaign being measured, when one is
GROUP_LABELS = {"treatment": "Got the campaign", "control": "Control (not contacted)"}
GROUP_COLOURS = {"Got the campaign": "#2563eb", "Control (not contacted)": "#9ca3af"}


# ---- cached wrappers -------------------------------------------------------------------------
@st.cache_data(show_spinner="Comparing the groups…", max_entries=16)
def _lift(
    _export: pd.DataFrame,
    _results: pd.DataFrame,
    key: str,
    customer_col: str,
    results_customer_col: str,
    converted_col: str | None,
    revenue_col: str | None,
    missing: str,
) -> LiftReport:
    return measure_lift(
        _export,
        _results,
        customer_col=customer_col,
        results_customer_col=results_customer_col,
        converted_col=converted_col,
        revenue_col=revenue_col,
        missing=missing,
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _combined(_send: pd.DataFrame, _control: pd.DataFrame, key: str) -> pd.DataFrame:
    return combine_split_lists(_send, _control)


@st.cache_data(show_spinner="Reading the stored lists…", max_entries=4)
def _stored_list(
    _workspace: Workspace, location: str, campaign_id: int, saved_at: str
) -> tuple[pd.DataFrame, str]:
    stored = _workspace.load_campaign(campaign_id)
    return workspace_session.campaign_frame(stored), stored.id_column


@st.cache_data(show_spinner=False, max_entries=4)
def _simulated(_export: pd.DataFrame, key: str, customer_col: str, seed: int) -> pd.DataFrame:
    return simulate_results(_export, customer_col=customer_col, seed=seed)


# ---- charts ----------------------------------------------------------------------------------
def _rates_chart(groups: pd.DataFrame) -> go.Figure:
    frame = groups.assign(
        group=groups["group"].map(GROUP_LABELS),
        above=groups["rate_high"] - groups["rate"],
        below=groups["rate"] - groups["rate_low"],
    )
    figure = px.bar(
        frame,
        x="comparison",
        y="rate",
        color="group",
        barmode="group",
        error_y="above",
        error_y_minus="below",
        title="Conversion rate by group, with 95% intervals",
        labels={"comparison": "Customers compared", "rate": "Conversion rate (%)", "group": "Group"},
        color_discrete_map=GROUP_COLOURS,
        custom_data=["customers", "conversions", "rate_low", "rate_high"],
    )
    figure.update_traces(
        hovertemplate="%{x}: %{y:.1%} (%{customdata[1]:,} of %{customdata[0]:,}; "
        "95% interval %{customdata[2]:.1%} to %{customdata[3]:.1%})<extra>%{fullData.name}</extra>"
    )
    figure.update_layout(yaxis_tickformat=".0%", height=420, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    figure.update_xaxes(type="category")
    return figure


def _lift_chart(comparisons: pd.DataFrame) -> go.Figure:
    frame = comparisons.assign(
        lift_points=comparisons["absolute_lift"] * 100,
        above=(comparisons["ci_high"] - comparisons["absolute_lift"]) * 100,
        below=(comparisons["absolute_lift"] - comparisons["ci_low"]) * 100,
        verdict=comparisons["enough_data"].map({True: "Enough data", False: "Too few customers"}),
    )
    figure = px.bar(
        frame.iloc[::-1],
        x="lift_points",
        y="comparison",
        orientation="h",
        error_x="above",
        error_x_minus="below",
        color="verdict",
        title="Lift in conversion rate (percentage points), with 95% intervals",
        labels={"lift_points": "Lift (percentage points)", "comparison": "Customers compared", "verdict": ""},
        color_discrete_map={"Enough data": "#16a34a", "Too few customers": "#d1d5db"},
        custom_data=["p_value"],
    )
    figure.update_traces(hovertemplate="%{y}: %{x:+.1f} points (p = %{customdata[0]:.3f})<extra></extra>")
    figure.add_vline(x=0, line_color="#374151", line_width=1)
    figure.update_layout(height=140 + 40 * len(frame), margin={"l": 10, "r": 10, "t": 50, "b": 10})
    figure.update_yaxes(type="category")
    return figure


def _revenue_chart(groups: pd.DataFrame) -> go.Figure:
    frame = groups.assign(group=groups["group"].map(GROUP_LABELS))
    figure = px.bar(
        frame,
        x="comparison",
        y="revenue_per_customer",
        color="group",
        barmode="group",
        title="Revenue per customer by group",
        labels={
            "comparison": "Customers compared",
            "revenue_per_customer": _with_unit("Revenue per customer"),
            "group": "Group",
        },
        color_discrete_map=GROUP_COLOURS,
    )
    figure.update_traces(
        hovertemplate=f"%{{x}}: {_unit_prefix()}%{{y:,.2f}} per customer<extra>%{{fullData.name}}</extra>"
    )
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    figure.update_xaxes(type="category")
    return figure


# ---- widgets ---------------------------------------------------------------------------------


def _exported_list() -> tuple[pd.DataFrame, str, str] | None:
    """The list to measure: (frame, its id column, a cache key)."""
    campaign = state.get(state.CAMPAIGN)
    sources = [FROM_SESSION, FROM_UPLOAD] if isinstance(campaign, dict) else [FROM_UPLOAD]
    workspace = workspace_session.current()
    stored = workspace.items("campaign") if workspace is not None else []
    sources += [FROM_STORED] if stored else []
    source = st.radio("Which list was sent?", sources, key="results:source", horizontal=True)
    st.session_state.pop(MEASURED, None)
    if source == FROM_STORED and workspace is not None:
        return _stored_choice(workspace, stored)
    if source == FROM_SESSION:
        manifest = campaign["manifest"]
        st.caption(
            f"Campaign **{campaign['name']}**, built {manifest['created_at']} ({campaign['file_name']})."
        )
        return (
            campaign["frame"],
            campaign["customer_col"],
            f"session:{manifest['created_at']}:{manifest['campaign']}",
        )
    uploaded = st.file_uploader(
        "Exported list (CSV or XLSX): the full list, or the send list",
        type=UPLOAD_TYPES,
        key="results:export",
    )
    if uploaded is None:
        st.info(
            "Upload the list you downloaded from the Campaigns page: the full list (it has a **group** "
            "column), "
            "or the send list together with its control-group file."
        )
        return None
    read = read_upload(uploaded)
    if read is None:
        return None
    frame, key = read[0].frame, f"upload:{read[1]}"
    control_upload = st.file_uploader(
        "Control-group file (only when you uploaded a send list)", type=UPLOAD_TYPES, key="results:control"
    )
    if control_upload is not None:
        control = read_upload(control_upload)
        if control is None:
            return None
        try:
            frame = _combined(frame, control[0].frame, f"{key}|{control[1]}")
        except SegmentationError as exc:
            st.error(str(exc))
            return None
        key = f"{key}|{control[1]}"
    columns = [str(c) for c in frame.columns if c != "group"]
    id_col = st.selectbox("Customer id (or email) column of the list", columns, key="results:list_id")
    return frame, str(id_col), key


def _stored_choice(workspace: Workspace, stored: list[StoredItem]) -> tuple[pd.DataFrame, str, str] | None:
    """A stored campaign's lists, rebuilt from the workspace: only the results file is needed."""
    by_id = {item.id: item for item in stored}
    chosen = st.selectbox(
        "Stored campaign",
        list(by_id),
        format_func=lambda i: f"{by_id[i].name} · built {by_id[i].created_at:%Y-%m-%d %H:%M} UTC",
        key="results:stored",
    )
    item = by_id[int(chosen)]
    try:
        frame, id_column = _stored_list(workspace, workspace.location, item.id, item.created_at.isoformat())
    except SegmentationError as exc:
        st.error(str(exc))
        return None
    st.caption(
        f"Campaign **{item.name}**: {int(item.summary.get('treatment') or 0):,} people contacted, "
        f"{int(item.summary.get('control') or 0):,} held back as the control group."
    )
    st.session_state[MEASURED] = item.id
    return frame, id_column, f"stored:{item.id}:{item.created_at.isoformat()}"


def _history() -> None:
    """Every stored campaign with its last measured lift."""
    workspace = workspace_session.current()
    if workspace is None:
        return
    try:
        campaigns = workspace.items("campaign")
        lifts = workspace.lifts()
    except SegmentationError as exc:
        st.warning(str(exc))
        return
    if not campaigns:
        return
    table = workspace_session.campaign_history(campaigns, lifts)
    count = f"{len(campaigns):,} stored campaign" + ("s" if len(campaigns) != 1 else "")
    with st.expander(f"Campaign history: {count} and their measured lift", expanded=True):
        # A Styler, so a campaign not measured yet reads "–" rather than "None" in its empty cells.
        styled = table.style.format(HISTORY_FORMATS, na_rep="–")
        st.dataframe(
            styled,
            hide_index=True,
            width="stretch",
            column_config={
                "campaign": "Campaign",
                "built": "Built (UTC)",
                "contacted": "Contacted",
                "control": "Control group",
                "measured": "Last measured (UTC)",
                "lift": "Lift",
                "ci_low": "95% CI from",
                "ci_high": "95% CI to",
                "p_value": "p-value",
                "extra_conversions": "Extra conversions",
                "extra_revenue": "Extra revenue",
                "measurements": "Times measured",
            },
        )
        st.caption(
            "What this means: each campaign built in this workspace, and what its last measurement found. "
            "An empty lift means no results have been measured for it yet: measure it above with "
            "“A campaign stored in your workspace”."
        )


def _results(export: pd.DataFrame, id_col: str, list_key: str) -> tuple[pd.DataFrame, str] | None:
    simulate = st.checkbox(
        "No results yet? Preview the report with simulated results (made-up numbers)", key="results:simulate"
    )
    if simulate:
        st.warning("These results are **simulated**: they show what the report will look like, nothing more.")
        return _simulated(export, list_key, id_col, state.seed()), f"simulated:{state.seed()}"
    uploaded = st.file_uploader(
        "Campaign results (customer id, converted 0/1 and/or revenue)", type=UPLOAD_TYPES, key="results:file"
    )
    if uploaded is None:
        st.info("Upload the results exported from your email or ad platform, or your order system.")
        return None
    read = read_upload(uploaded)
    return None if read is None else (read[0].frame, f"upload:{read[1]}")


def _column(label: str, columns: list[str], preferred: str | None, key: str, *, optional: bool) -> str | None:
    options = [NONE, *columns] if optional else columns
    index = options.index(preferred) if preferred in options else 0
    chosen = st.selectbox(label, options, index=index, key=key)
    return None if chosen == NONE else chosen


def _by_name(columns: list[str], wanted: str) -> str | None:
    return next((c for c in columns if c.strip().casefold() == wanted), None)


def _signed(value: float, decimals: int) -> str:
    # Adding 0.0 turns a rounded -0 into 0, so a tiny negative never reads "-0".
    return f"{round(value, decimals) + 0.0:+,.{decimals}f}"


def _interval(interval: tuple[float, float] | None, decimals: int) -> str | None:
    if interval is None:
        return None
    return f"95% interval {_signed(interval[0], decimals)} to {_signed(interval[1], decimals)}"


def _money_interval(interval: tuple[float, float] | None) -> str | None:
    if interval is None:
        return None
    return f"95% interval {signed_money(interval[0])} to {signed_money(interval[1])}"


def _with_unit(title: str) -> str:
    """``"Extra revenue"`` → ``"Extra revenue (€)"`` when the marketer set a currency."""
    unit = money_unit()
    return f"{title} ({unit})" if unit else title


def _unit_prefix() -> str:
    unit = money_unit()
    return unit if unit and not unit[-1].isalpha() else ""


def _rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _headline(report: LiftReport) -> None:
    """The rates and what the campaign added, side by side."""
    overall = report.overall
    treatment, control = overall.treatment, overall.control
    cells = st.columns(4)
    cells[0].metric("Conversion, got the campaign", _rate(treatment.rate))
    cells[1].metric("Conversion, control group", _rate(control.rate))
    extra = overall.incremental_conversions
    cells[2].metric(
        "Extra conversions",
        _signed(extra, 0) if extra is not None else "–",
        help="(conversion with the campaign − control conversion) × customers who got it.",
    )
    interval = _interval(overall.incremental_conversions_ci95, 0)
    if interval:
        cells[2].caption(interval)
    revenue = overall.incremental_revenue
    if revenue is not None:
        cells[3].metric(
            "Extra revenue",
            signed_money(revenue),
            help="(revenue per customer with the campaign − control's) × customers who got it.",
        )
        interval = _money_interval(overall.incremental_revenue_ci95)
        if interval:
            cells[3].caption(interval)
    st.markdown(summarise_incremental(overall, currency=state.currency()))


def _show(report: LiftReport) -> None:
    st.markdown(summarise_lift(report.overall))
    _headline(report)
    for warning in report.overall.warnings:
        st.warning(warning)
    small = [s.label for s in report.segments if s.too_small]
    if small:
        st.warning(f"Too few customers or conversions to conclude anything for: {', '.join(small)}.")
    for note in report.notes:
        st.info(note)
    comparisons = report.comparison_frame()
    with_revenue = comparisons["extra_revenue"].notna().any()
    st.dataframe(
        comparisons,
        hide_index=True,
        width="stretch",
        column_order=[
            str(c) for c in comparisons.columns if with_revenue or not str(c).startswith("extra_revenue")
        ],
        column_config={
            "comparison": "Customers",
            "treatment_customers": st.column_config.NumberColumn("Got the campaign", format="localized"),
            "treatment_rate": st.column_config.NumberColumn("Their conversion", format="percent"),
            "control_customers": st.column_config.NumberColumn("Control group", format="localized"),
            "control_rate": st.column_config.NumberColumn("Control conversion", format="percent"),
            "absolute_lift": st.column_config.NumberColumn("Lift", format="percent"),
            "ci_low": st.column_config.NumberColumn("95% CI from", format="percent"),
            "ci_high": st.column_config.NumberColumn("95% CI to", format="percent"),
            "relative_lift": st.column_config.NumberColumn("Relative lift", format="percent"),
            "p_value": st.column_config.NumberColumn("p-value", format="%.3f"),
            "enough_data": st.column_config.CheckboxColumn("Enough data"),
            "extra_conversions": st.column_config.NumberColumn("Extra conversions", format="%+.0f"),
            "extra_conversions_low": st.column_config.NumberColumn(
                "Extra conversions, at least", format="%+.0f"
            ),
            "extra_conversions_high": st.column_config.NumberColumn(
                "Extra conversions, at most", format="%+.0f"
            ),
            "extra_revenue": st.column_config.NumberColumn(_with_unit("Extra revenue"), format="%+.2f"),
            "extra_revenue_low": st.column_config.NumberColumn(
                _with_unit("Revenue, at least"), format="%+.2f"
            ),
            "extra_revenue_high": st.column_config.NumberColumn(
                _with_unit("Revenue, at most"), format="%+.2f"
            ),
        },
    )
    groups = report.group_frame()
    st.plotly_chart(_rates_chart(groups), key="results:rates_chart")
    st.caption(
        "What this means: if the blue bars sit above the grey ones and the whiskers barely overlap, the "
        "campaign most likely made people buy more; long whiskers mean the groups are too small to be sure."
    )
    st.plotly_chart(_lift_chart(comparisons), key="results:lift_chart")
    st.caption(
        "What this means: bars to the right of the line are extra conversions caused by the campaign; "
        "when a whisker crosses the line, the effect could be zero."
    )
    if groups["revenue_per_customer"].notna().any():
        st.plotly_chart(_revenue_chart(groups), key="results:revenue_chart")
        st.caption(
            "What this means: the average revenue each customer brought in, counting non-buyers as zero."
        )


def _measure() -> None:
    """Pick the list, read the results, measure (and store it); returns early at each empty state."""
    listed = _exported_list()
    if listed is None:
        if state.get(state.CAMPAIGN) is None:
            st.info("Build a list on the Campaigns page first, or upload one you exported earlier.")
            link_to("campaigns", "Campaigns")
        return
    export, list_id, list_key = listed
    results = _results(export, list_id, list_key)
    if results is None:
        return
    outcomes, results_key = results

    columns = [str(c) for c in outcomes.columns]
    left, middle, right = st.columns(3)
    with left:
        results_id = _column("Customer id column", columns, list_id, "results:id_col", optional=False)
    with middle:
        converted = _column(
            "Converted (0/1) column",
            columns,
            _by_name(columns, "converted"),
            "results:converted",
            optional=True,
        )
    with right:
        revenue = _column(
            "Revenue column", columns, _by_name(columns, "revenue"), "results:revenue", optional=True
        )
    missing = st.radio(
        "Customers on the list but not in the results",
        ["not_converted", "exclude"],
        format_func={"not_converted": "count as not converted", "exclude": "leave out"}.get,
        key="results:missing",
        horizontal=True,
        help="Results files often list only buyers, so missing customers usually did not convert.",
    )
    if converted is None and revenue is None:
        st.error("Choose the column that says who converted, the revenue column, or both.")
        return
    try:
        report = _lift(
            export,
            outcomes,
            f"{list_key}|{results_key}",
            list_id,
            str(results_id),
            converted,
            revenue,
            missing,
        )
    except SegmentationError as exc:
        st.error(str(exc))
        return
    measured = st.session_state.get(MEASURED)
    if measured is not None and not results_key.startswith("simulated:"):
        token = f"{list_key}|{results_key}|{results_id}|{converted}|{revenue}|{missing}"
        workspace_session.save_lift(int(measured), token, report.to_dict())
        st.caption("This measurement is kept in the campaign history at the bottom of the page.")
    _show(report)


# ---- page ------------------------------------------------------------------------------------
page_header(
    "results",
    "Join what happened after a campaign to the list you sent, and compare the customers who got it "
    "with the control group you held back.",
)

# The history of stored campaigns closes the page, below what is measured now.
_measure()
_history()
