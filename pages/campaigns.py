"""Campaigns page: build a safe target list (consent, suppression, dedupe, control group) and download it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from pages import _state
from pages._shell import require_router, require_segments
from pages._upload import UPLOAD_TYPES, read_upload
from segmentation._errors import SegmentationError
from segmentation.campaigns import (
    Audience,
    CampaignSpec,
    ColumnFilter,
    ContactColumns,
    build_audience,
    build_manifest,
    campaign_file_name,
    export_csv,
    export_xlsx,
    export_zip,
    manifest_bytes,
    suppression_entries,
    with_segments,
)

require_router()

NONE = "— none —"
TEXT_CONDITIONS = {"is": "==", "is not": "!=", "contains": "contains"}
NUMBER_CONDITIONS = {"at least": ">=", "at most": "<=", "more than": ">", "less than": "<"}
FIELD_LABELS = {
    "email": "Email",
    "name": "Name",
    "segment": "Segment number",
    "segment_name": "Segment (persona) name",
    "action": "Suggested action",
    "items": "Recommended items",
}
FORMATS = {
    "CSV (UTF-8)": ("csv", "text/csv"),
    "CSV for Excel (UTF-8 with BOM)": ("csv", "text/csv"),
    "Excel workbook (XLSX, with a Summary sheet)": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ZIP: one CSV per segment + manifest": ("zip", "application/zip"),
}
FILTER_SLOTS = 2


# ---- cached wrappers -------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _segmented(
    _customers: pd.DataFrame, _labels: Any, data_token: str, run_token: str, names: dict[int, str]
) -> pd.DataFrame:
    return with_segments(_customers, _labels, names)


@st.cache_data(show_spinner="Building the list…", max_entries=16)
def _audience(
    _segmented_customers: pd.DataFrame,
    _spec: CampaignSpec,
    key: str,
    contacts: ContactColumns,
    recommendations: pd.DataFrame | None,
    actions: dict[int, str],
) -> Audience:
    return build_audience(
        _segmented_customers, _spec, contacts=contacts, recommendations=recommendations, actions=actions
    )


@st.cache_data(show_spinner="Preparing the file…", max_entries=8)
def _file_bytes(_audience_value: Audience, key: str, label: str, manifest_json: bytes) -> bytes:
    manifest = json.loads(manifest_json)
    frame = _audience_value.frame
    if FORMATS[label][0] == "xlsx":
        return export_xlsx(frame, manifest=manifest)
    if FORMATS[label][0] == "zip":
        return export_zip(frame, manifest=manifest)
    return export_csv(frame, excel_friendly=label.startswith("CSV for Excel"))


# ---- charts ----------------------------------------------------------------------------------
def _segment_chart(counts: pd.DataFrame) -> go.Figure:
    long = counts.melt(
        id_vars=["segment_name"],
        value_vars=["treatment", "control"],
        var_name="group",
        value_name="customers",
    )
    long["group"] = long["group"].map({"treatment": "To contact", "control": "Control (not contacted)"})
    figure = px.bar(
        long,
        x="customers",
        y="segment_name",
        color="group",
        orientation="h",
        title="Customers on the list per segment",
        labels={"customers": "Customers", "segment_name": "Segment", "group": "Group"},
        color_discrete_map={"To contact": "#2563eb", "Control (not contacted)": "#9ca3af"},
    )
    figure.update_traces(hovertemplate="%{y}: %{x:,} customers<extra>%{fullData.name}</extra>")
    figure.update_layout(
        barmode="stack", height=120 + 40 * len(counts), margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    return figure


# ---- widgets ---------------------------------------------------------------------------------
def _contact_columns(data: _state.ActiveData) -> ContactColumns:
    by_role: dict[str, list[str]] = {}
    for column, role in data.roles.items():
        by_role.setdefault(str(role), []).append(column)
    emails = by_role.get("email", [])
    return ContactColumns(
        customer_id=data.customer_id_col,
        email=emails[0] if emails else None,
        name=tuple(by_role.get("name", [])),
    )


def _filters(customers: pd.DataFrame, roles: dict[str, str]) -> tuple[ColumnFilter, ...] | None:
    """The filter rows; None when a value cannot be used (an error is shown)."""
    chosen: list[ColumnFilter] = []
    numeric_roles = {"numeric", "amount", "quantity", "price"}
    columns = [NONE, *[str(c) for c in customers.columns if c not in ("segment", "segment_name")]]
    with st.expander("Filters (optional): keep only customers who match", expanded=False):
        for slot in range(FILTER_SLOTS):
            left, middle, right = st.columns([2, 1, 2])
            column = left.selectbox("Column", columns, key=f"campaigns:filter_col_{slot}")
            if column == NONE:
                continue
            is_number = roles.get(column) in numeric_roles or pd.api.types.is_numeric_dtype(customers[column])
            conditions = NUMBER_CONDITIONS if is_number else TEXT_CONDITIONS
            condition = middle.selectbox(
                "Condition", list(conditions), key=f"campaigns:filter_op_{slot}_{is_number}"
            )
            value = right.text_input(
                "Value", key=f"campaigns:filter_value_{slot}", placeholder="e.g. DE or 100"
            )
            if not value.strip():
                continue
            operator = conditions[condition]
            if is_number:
                try:
                    chosen.append(ColumnFilter(column, operator, float(value.replace(",", "."))))
                except ValueError:
                    st.error(f"Filter on **{column}**: {value!r} is not a number; type a number such as 100.")
                    return None
            else:
                chosen.append(ColumnFilter(column, operator, value.strip()))
    return tuple(chosen)


def _consent_choice(customers: pd.DataFrame, roles: dict[str, str]) -> tuple[str | None, bool]:
    detected = [c for c, r in roles.items() if r == "consent" and c in customers.columns]
    others = [str(c) for c in customers.columns if c not in detected and c not in ("segment", "segment_name")]
    options = [*detected, NONE, *others] if detected else [NONE, *others]
    column = st.selectbox(
        "Consent column",
        options,
        key="campaigns:consent_col",
        help="Only customers whose value means yes (yes, y, true, 1, opt-in, subscribed) are listed; "
        "no, opt-out, unsubscribed and empty cells mean no. Other values are reported, never guessed.",
    )
    waived = st.checkbox("I have consent another way: do not check consent", key="campaigns:waive")
    if waived:
        st.warning(
            "The consent check is **waived**: the list may include people who did not agree to marketing. "
            "This is recorded in the manifest."
        )
        return None, True
    return (None if column == NONE else column), False


def _suppression() -> tuple[str, ...]:
    uploaded = st.file_uploader(
        "Suppression list (emails or customer ids never to contact)",
        type=UPLOAD_TYPES,
        key="campaigns:suppression",
        help="Matched after trimming spaces and ignoring upper/lower case.",
    )
    if uploaded is None:
        return ()
    read = read_upload(uploaded)
    if read is None:
        return ()
    entries = suppression_entries(read[0].frame)
    st.caption(f"{len(entries):,} distinct emails/ids on the suppression list.")
    return entries


def _field_choice(
    contacts: ContactColumns, has_actions: bool, has_items: bool, extra: list[str]
) -> tuple[str, ...]:
    available = ["segment", "segment_name"]
    available[:0] = [f for f, ok in (("email", contacts.email), ("name", contacts.name)) if ok]
    available += [f for f, ok in (("action", has_actions), ("items", has_items)) if ok]
    picked = st.multiselect(
        "Columns in the file (the customer id and the group are always included)",
        [*available, *extra],
        default=available,
        format_func=lambda f: FIELD_LABELS.get(f, f),
        key="campaigns:fields",
    )
    return tuple(picked)


def _downloads(audience: Audience, data: _state.ActiveData, spec_key: str) -> None:
    created = st.session_state.get("campaigns:created")
    if not created or created[0] != spec_key:
        created = (spec_key, dt.datetime.now(dt.UTC).replace(microsecond=0))
        st.session_state["campaigns:created"] = created
    created_at: dt.datetime = created[1]
    label = st.radio("File format", list(FORMATS), key="campaigns:format", horizontal=True)
    extension, mime = FORMATS[label]
    file_name = campaign_file_name(audience.spec.name, created_at, extension)
    manifest = build_manifest(
        audience,
        source_sha256=data.source_bytes_sha256 or data.token,
        created_at=created_at,
        source_name=data.source_name,
        file_name=file_name,
        file_format=extension,
    )
    payload = _file_bytes(audience, spec_key, label, manifest_bytes(manifest))
    manifest["file"]["sha256"] = hashlib.sha256(payload).hexdigest()
    left, right = st.columns(2)
    left.download_button(
        f"Download {file_name}", payload, file_name=file_name, mime=mime, type="primary", on_click="ignore",
        key="campaigns:download",
    )  # fmt: skip
    right.download_button(
        "Download its manifest (JSON)", manifest_bytes(manifest), file_name=f"{file_name}.manifest.json",
        mime="application/json", on_click="ignore", key="campaigns:download_manifest",
    )  # fmt: skip
    st.caption(
        "The manifest records the source file's fingerprint, every rule, the seed and the counts: "
        "keep it with the list so the campaign can be rebuilt and measured."
    )
    _state.put(
        _state.CAMPAIGN,
        {"name": audience.spec.name, "frame": audience.frame, "manifest": manifest,
         "customer_col": audience.contacts.customer_id, "file_name": file_name},
    )  # fmt: skip


# ---- page ------------------------------------------------------------------------------------
st.title("Campaigns")
st.caption(
    "Build the list you upload to your email or ad platform: only people who may be contacted, no "
    "duplicates, cells that are safe in a spreadsheet, and a control group to measure the effect later."
)

data, run = require_segments("Segment your customers first: the list is built from segments.")

names = _state.segment_names()
actions = _state.segment_actions()
recommendations = _state.get(_state.RECOMMENDATIONS)
segmented = _segmented(data.customers, run.labels, data.token, run.token, names)
contacts = _contact_columns(data)

settings, preview = st.columns([2, 3], gap="large")
with settings:
    campaign_name = (
        st.text_input("Campaign name", value="Campaign", key="campaigns:name").strip() or "Campaign"
    )
    segment_options = [names.get(s, f"Segment {s}") for s in sorted({int(x) for x in run.labels})]
    segments = st.multiselect(
        "Segments to target (empty = all)", segment_options, key="campaigns:segments",
        help="By the persona names from the Personas page.",
    )  # fmt: skip
    rfm_groups: list[str] = []
    if "rfm_segment" in segmented.columns:
        rfm_options = sorted(segmented["rfm_segment"].dropna().astype(str).unique())
        rfm_groups = st.multiselect("RFM groups to target (empty = all)", rfm_options, key="campaigns:rfm")
    filters = _filters(data.customers, data.roles)
    consent_col, waived = _consent_choice(data.customers, data.roles)
    suppression = _suppression()
    control_share = st.slider(
        "Control group share (kept in the file, not contacted)", 0.0, 0.5, 0.1, 0.01, key="campaigns:control",
        help="Drawn at random within each segment with the sidebar's seed.",
    )  # fmt: skip
    has_items = isinstance(recommendations, pd.DataFrame) and not recommendations.empty
    extra = [
        c for c in data.customers.columns if c not in (contacts.customer_id, contacts.email, *contacts.name)
    ]
    fields = _field_choice(contacts, bool(actions), has_items, extra)
    top_n = (
        st.number_input("Recommended items per customer", 1, 10, 3, key="campaigns:top_n") if has_items else 3
    )
    hash_emails = st.checkbox(
        "Pseudonymise for ad platforms (SHA-256 of the lower-cased email; names left out)",
        key="campaigns:hash",
    )

with preview:
    if filters is None:
        st.stop()
    if consent_col is None and not waived:
        st.error("Choose the consent column, or tick the box to waive the consent check.")
        st.stop()
    spec = CampaignSpec(
        name=campaign_name,
        segments=tuple(segments),
        rfm_groups=tuple(rfm_groups),
        filters=filters,
        consent_col=consent_col,
        consent_waived=waived,
        suppression=suppression,
        control_share=float(control_share),
        seed=_state.seed(),
        columns=fields,
        top_n_items=int(top_n),
        hash_emails=hash_emails,
    )
    settings_text = f"{spec!r}:{sorted(names.items())}:{sorted(actions.items())}"
    spec_key = f"{data.token}:{run.token}:{hashlib.sha256(settings_text.encode()).hexdigest()}"
    try:
        audience = _audience(
            segmented, spec, spec_key, contacts, recommendations if has_items else None, dict(actions)
        )
    except SegmentationError as exc:
        st.error(str(exc))
        st.stop()

    listed = len(audience.frame)
    a, b, c, d = st.columns(4)
    a.metric("On the list", f"{listed:,}")
    b.metric("To contact", f"{audience.n_treatment:,}")
    c.metric("Control group", f"{audience.n_control:,}")
    d.metric("Removed", f"{audience.n_input - listed:,}")
    for note in audience.notes:
        st.info(note)
    st.dataframe(
        pd.DataFrame([r.__dict__ for r in audience.rules]),
        hide_index=True,
        column_config={
            "rule": st.column_config.TextColumn("Rule (in the order applied)"),
            "removed": st.column_config.NumberColumn("Removed", format="%d"),
            "remaining": st.column_config.NumberColumn("Left after it", format="%d"),
        },
    )
    if listed == 0:
        st.warning("No customer passes every rule. Loosen the segments, filters or consent choice.")
        st.stop()
    st.plotly_chart(_segment_chart(audience.counts), key="campaigns:chart")
    st.caption("What this means: the blue part of each bar gets the campaign; the grey part is held back "
               "so you can later see how much the campaign itself changed.")  # fmt: skip
    st.dataframe(audience.frame.head(200), hide_index=True)
    st.caption(f"The first {min(listed, 200):,} rows of the list.")
    _downloads(audience, data, spec_key)
