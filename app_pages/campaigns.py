"""Campaigns page: build a safe target list (consent, suppression, dedupe, control group) and download it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, NamedTuple

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app_pages import audience_builder, state, workspace_session
from app_pages.charts import finish
from app_pages.shell import page_header, require_segments
from app_pages.upload import UPLOAD_TYPES
from segmentation import (
    Audience,
    CampaignSpec,
    ConsentCandidate,
    ConsentPolarity,
    ContactColumns,
    ListSpend,
    SegmentationError,
    SuppressionColumn,
    SuppressionList,
    build_audience,
    build_manifest,
    campaign_slug,
    consent_candidates,
    default_consent_column,
    default_suppression_column,
    export_csv,
    export_send_zip,
    export_xlsx,
    file_entry,
    guess_money_column,
    label_name,
    list_spend,
    manifest_bytes,
    read_suppression,
    send_ready,
    suppression_columns,
    suppression_table,
    with_segments,
)

NONE = "— none —"
FIELD_LABELS = {
    "email": "Email",
    "name": "Name",
    "segment": "Segment number",
    "segment_name": "Segment (persona) name",
    "action": "Suggested action",
    "items": "Recommended items",
}
SEND_CSV = "Send list, CSV (the people to contact, ready to upload)"
SEND_EXCEL_CSV = "Send list, CSV for Excel (UTF-8 with BOM)"
SEND_ZIP = "ZIP: send list + control group + manifest"
FULL_XLSX = "Full list, Excel workbook (everyone, with a group column and a Summary sheet)"
FULL_CSV = "Full list, CSV (everyone, with a group column)"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {SEND_CSV: "csv", SEND_EXCEL_CSV: "csv", SEND_ZIP: "zip", FULL_XLSX: "xlsx", FULL_CSV: "csv"}
MIMES = {"csv": "text/csv", "zip": "application/zip", "xlsx": XLSX_MIME}
POLARITY_LABELS = {
    ConsentPolarity.OPT_IN.value: "“yes” means the person MAY be contacted (opt-in)",
    ConsentPolarity.OPT_OUT.value: "“yes” means the person must NOT be contacted (opt-out)",
}


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


@st.cache_data(show_spinner=False, max_entries=4)
def _consent_candidates(_customers: pd.DataFrame, data_token: str) -> tuple[ConsentCandidate, ...]:
    return consent_candidates(_customers)


@st.cache_data(show_spinner=False, max_entries=4)
def _suppression_table(
    data: bytes, name: str
) -> tuple[pd.DataFrame, tuple[SuppressionColumn, ...], str | None]:
    table = suppression_table(data, name=name)
    return table, suppression_columns(table), default_suppression_column(table)


@st.cache_data(show_spinner=False, max_entries=8)
def _suppression_list(_table: pd.DataFrame, key: str, column: str, name: str) -> SuppressionList:
    return read_suppression(_table, column=column, source=name)


@st.cache_data(show_spinner="Preparing the file…", max_entries=8)
def _send_files(_audience_value: Audience, key: str, excel_friendly: bool) -> tuple[bytes, bytes, int, int]:
    send, control = send_ready(_audience_value)
    return (
        export_csv(send, excel_friendly=excel_friendly),
        export_csv(control, excel_friendly=excel_friendly),
        len(send),
        len(control),
    )


@st.cache_data(show_spinner="Preparing the file…", max_entries=8)
def _file_bytes(_audience_value: Audience, key: str, label: str, manifest_json: bytes) -> bytes:
    manifest = json.loads(manifest_json)
    frame = _audience_value.frame
    if label == FULL_XLSX:
        return export_xlsx(frame, manifest=manifest)
    if label == SEND_ZIP:
        send, control = send_ready(_audience_value)
        return export_send_zip(
            send, control, manifest=manifest, stem=campaign_slug(_audience_value.spec.name)
        )
    return export_csv(frame)


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
    figure.update_layout(barmode="stack")
    return finish(
        figure, title="Customers on the list per segment", x_title="Customers", y_title="Segment",
        category_axes="y", height=120 + 40 * len(counts),
    )  # fmt: skip


# ---- widgets ---------------------------------------------------------------------------------
def _contact_columns(data: state.ActiveData) -> ContactColumns:
    by_role: dict[str, list[str]] = {}
    for column, role in data.roles.items():
        by_role.setdefault(str(role), []).append(column)
    emails = by_role.get("email", [])
    phones = by_role.get("phone", [])
    return ContactColumns(
        customer_id=data.customer_id_col,
        email=emails[0] if emails else None,
        name=tuple(by_role.get("name", [])),
        phone=phones[0] if len(phones) == 1 else None,
    )


class ConsentChoice(NamedTuple):
    column: str | None
    polarity: str | None
    confirmed: bool
    waived: bool


def _mark_polarity_confirmed(column: str) -> None:
    st.session_state[f"campaigns:polarity_confirmed:{column}"] = True


def _consent_choice(customers: pd.DataFrame, data_token: str) -> ConsentChoice:
    """The consent column and what its "yes" means, both shown and chosen by the user."""
    candidates = {c.column: c for c in _consent_candidates(customers, data_token)}
    others = [
        str(c) for c in customers.columns if c not in candidates and c not in ("segment", "segment_name")
    ]
    options = [NONE, *candidates, *others]
    # Preselected only when exactly one column is clearly a consent column; its meaning is shown below.
    default = default_consent_column(tuple(candidates.values()))
    index = options.index(default) if default is not None else 0
    column = st.selectbox(
        "Consent column",
        options,
        index=index,
        key="campaigns:consent_col",
        format_func=lambda c: (
            f"{c} — {candidates[c].description.split(': ', 1)[1]}" if c in candidates else c
        ),
        help="Values are read in many languages (yes/no, ja/nein, oui/non, sí/no, はい/いいえ, 1/0, "
        "true/false, "
        "opt-in/opt-out). Empty cells and values that are neither are never contacted.",
    )
    waived = st.checkbox("I have consent another way: do not check consent", key="campaigns:waive")
    if waived:
        st.warning(
            "The consent check is **waived**: the list may include people who did not agree to marketing. "
            "This is recorded in the manifest."
        )
        return ConsentChoice(None, None, False, True)
    if column == NONE:
        return ConsentChoice(None, None, False, False)
    candidate = candidates.get(column)
    certain = candidate is not None and candidate.certain
    polarities = list(POLARITY_LABELS)
    polarity = st.radio(
        f"What does “yes” in **{column}** mean?",
        polarities,
        index=polarities.index(candidate.polarity.value) if candidate is not None and certain else None,
        format_func=POLARITY_LABELS.get,
        key=f"campaigns:polarity:{column}",
        on_change=_mark_polarity_confirmed,
        args=(column,),
    )
    if candidate is not None and certain:
        st.caption(f"Read from the column's name: {candidate.description}. Change it if that is wrong.")
    else:
        evidence = candidate.description if candidate is not None else f"{column!r} is not named like consent"
        st.caption(f"The name does not say which way round it is ({evidence}): please choose.")
    confirmed = bool(st.session_state.get(f"campaigns:polarity_confirmed:{column}")) or not certain
    return ConsentChoice(column, polarity, confirmed and polarity is not None, False)


def _suppression() -> tuple[SuppressionList, ...] | None:
    """The uploaded suppression list read by the column the user chose; None while no column is chosen."""
    uploaded = st.file_uploader(
        "Suppression list (emails or customer ids never to contact)",
        type=[*UPLOAD_TYPES, "txt"],
        key="campaigns:suppression",
        help="A table, a list without a header, or one line of emails separated by ; or , all work. "
        "Matched against the customer id and the email, ignoring spaces, case, 1000.0 vs 1000, "
        "'Name <email>' and 'mailto:'.",
    )
    if uploaded is None:
        return ()
    name = str(uploaded.name)
    try:
        table, columns, default = _suppression_table(uploaded.getvalue(), name)
    except SegmentationError as exc:
        st.error(f"**{name}** could not be used: {exc}")
        return None
    evidence = {c.column: c.evidence for c in columns}
    names = [c.column for c in columns]
    column = st.selectbox(
        f"Column of **{name}** holding the people to suppress",
        names,
        index=names.index(default) if default in names else None,
        format_func=lambda c: f"{c} — {evidence[c]}",
        key=f"campaigns:suppression_col:{name}",
        placeholder="Choose the column with the emails or ids",
    )
    if column is None:
        return None
    suppression = _suppression_list(table, f"{name}:{uploaded.file_id}", column, name)
    st.caption(f"{len(suppression.entries):,} distinct emails/ids in column **{column}** of {name}.")
    return (suppression,)


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


def _spend(audience: Audience, segmented: pd.DataFrame) -> ListSpend | None:
    """What the listed customers spent, when the table has a spend column."""
    money_col = guess_money_column(segmented)
    return list_spend(audience, segmented, money_col=money_col) if money_col is not None else None


def _downloads(
    audience: Audience, data: state.ActiveData, spec_key: str, spend: ListSpend | None = None
) -> None:
    created = st.session_state.get("campaigns:created")
    if not created or created[0] != spec_key:
        created = (spec_key, dt.datetime.now(dt.UTC).replace(microsecond=0))
        st.session_state["campaigns:created"] = created
    created_at: dt.datetime = created[1]
    label = st.radio("File", list(FORMATS), key="campaigns:format")
    extension = FORMATS[label]
    slug = campaign_slug(audience.spec.name)
    send_bytes, control_bytes, n_send, n_control = _send_files(audience, spec_key, label == SEND_EXCEL_CSV)
    send_name, control_name = f"{slug}_send.csv", f"{slug}_control.csv"
    files = {
        "send": file_entry(send_name, send_bytes, n_send),
        "control": file_entry(control_name, control_bytes, n_control),
    }
    file_name = {
        SEND_CSV: send_name, SEND_EXCEL_CSV: send_name, SEND_ZIP: f"{slug}.zip",
        FULL_XLSX: f"{slug}_full.xlsx", FULL_CSV: f"{slug}_full.csv",
    }[label]  # fmt: skip
    manifest = build_manifest(
        audience,
        source_sha256=data.source_bytes_sha256 or data.token,
        created_at=created_at,
        source_name=data.source_name,
        file_name=file_name,
        file_format=extension,
        files=files if label != FULL_XLSX and label != FULL_CSV else None,
        currency=state.currency(),
        spend=spend,
    )
    if label in (SEND_CSV, SEND_EXCEL_CSV):
        payload = send_bytes
    else:
        payload = _file_bytes(audience, spec_key, label, manifest_bytes(manifest))
    manifest["file"]["sha256"] = hashlib.sha256(payload).hexdigest()
    left, middle, right = st.columns(3)
    left.download_button(
        f"Download {file_name}", payload, file_name=file_name, mime=MIMES[extension], type="primary",
        on_click="ignore", key="campaigns:download",
    )  # fmt: skip
    if label in (SEND_CSV, SEND_EXCEL_CSV):
        middle.download_button(
            f"Download {control_name} (do not contact)", control_bytes, file_name=control_name,
            mime="text/csv", on_click="ignore", key="campaigns:download_control",
        )  # fmt: skip
    right.download_button(
        "Download its manifest (JSON)", manifest_bytes(manifest), file_name=f"{file_name}.manifest.json",
        mime="application/json", on_click="ignore", key="campaigns:download_manifest",
    )  # fmt: skip
    st.caption(
        f"The send list holds the {n_send:,} people to contact, contact columns first; the {n_control:,} "
        "people of the control group are in their own file: do not contact them, keep the file to measure "
        "the campaign. The manifest records the source file's fingerprint, every rule, the seed and the "
        "counts."
    )
    state.put(
        state.CAMPAIGN,
        {"name": audience.spec.name, "frame": audience.frame, "manifest": manifest,
         "customer_col": audience.contacts.customer_id, "file_name": file_name},
    )  # fmt: skip
    workspace_session.save_campaign(
        token=spec_key, name=audience.spec.name, arguments=lambda: _stored_campaign(audience, manifest)
    )
    workspace_session.replace_prompt()


def _stored_campaign(audience: Audience, manifest: dict[str, Any]) -> dict[str, Any]:
    """What the workspace keeps of a built list: the two groups as sent, its rules and manifest."""
    send, control = send_ready(audience)
    rules = {
        key: manifest.get(key) for key in ("segments", "rfm_groups", "filters", "consent", "suppression")
    }
    rules |= {
        "control_share": audience.spec.control_share,
        "seed": audience.spec.seed,
        "applied": [dict(rule.__dict__) for rule in audience.rules],
    }
    return {
        "run_id": workspace_session.run_id(state.get_segment_run()),
        "rules": rules,
        "treatment": send,
        "control": control,
        "manifest": manifest,
        "id_column": audience.contacts.customer_id,
    }


# ---- page ------------------------------------------------------------------------------------
page_header("campaigns")
st.caption(
    "Build the list you upload to your email or ad platform: only people who may be contacted, no "
    "duplicates, cells that are safe in a spreadsheet, and a control group to measure the effect later."
)

data, run = require_segments("Segment your customers first: the list is built from segments.")

names = state.segment_names()
actions = state.segment_actions()
recommendations = state.get(state.RECOMMENDATIONS)
# The Predictions page's columns (lifetime value, response score and decile) are ordinary columns here:
# audience conditions and export fields can use them.
customers_to_target, table_token = state.customers_with_predictions(data)
segmented = _segmented(customers_to_target, run.labels, table_token, run.token, names)
contacts = _contact_columns(data)

name_column, segment_column, rfm_column = st.columns(3)
campaign_name = (
    name_column.text_input("Campaign name", value="Campaign", key="campaigns:name").strip() or "Campaign"
)
segment_options = [label_name(s, names) for s in sorted({int(x) for x in run.labels})]
segments = segment_column.multiselect(
    "Segments to target (empty = all)", segment_options, key="campaigns:segments",
    help="By the persona names from the Personas page.",
)  # fmt: skip
rfm_groups: list[str] = []
if "rfm_segment" in segmented.columns:
    rfm_options = sorted(segmented["rfm_segment"].dropna().astype(str).unique())
    rfm_groups = rfm_column.multiselect(
        "RFM groups to target (empty = all)", rfm_options, key="campaigns:rfm"
    )
names_key = hashlib.sha256(repr(sorted(names.items())).encode()).hexdigest()[:12]
# Full width: groups of conditions need room. Its counts are of the chosen segments and RFM groups.
with st.container(border=True):
    query = audience_builder.draw(
        segmented,
        f"{data.token}:{run.token}:{names_key}:{state.predictions_token()}",
        base=audience_builder.chosen_groups(tuple(segments), tuple(rfm_groups)),
    )

settings, preview = st.columns([2, 3], gap="large")
with settings:
    consent = _consent_choice(data.customers, data.token)
    suppression = _suppression()
    control_share = st.slider(
        "Control group share (kept in the file, not contacted)", 0.0, 0.5, 0.1, 0.01, key="campaigns:control",
        help="Drawn at random within each segment with the sidebar's seed.",
    )  # fmt: skip
    has_items = isinstance(recommendations, pd.DataFrame) and not recommendations.empty
    extra = [
        c
        for c in segmented.columns
        if c not in (contacts.customer_id, contacts.email, *contacts.name, "segment", "segment_name")
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
    if query is None:
        st.stop()
    if consent.column is None and not consent.waived:
        st.info("Next: choose the consent column, so only people who agreed to marketing are on the list; "
                "or tick “I have consent another way”.")  # fmt: skip
        st.stop()
    if consent.column is not None and consent.polarity is None:
        st.info(f"Next: say what “yes” in **{consent.column}** means, and the list is built.")
        st.stop()
    if suppression is None:
        st.info("Next: choose the column of the suppression list that holds the emails or ids.")
        st.stop()
    spec = CampaignSpec(
        name=campaign_name,
        segments=tuple(segments),
        rfm_groups=tuple(rfm_groups),
        query=None if query.is_empty else query,
        consent_col=consent.column,
        consent_waived=consent.waived,
        consent_polarity=consent.polarity,
        consent_confirmed=consent.confirmed,
        suppression_lists=suppression,
        control_share=float(control_share),
        seed=state.seed(),
        columns=fields,
        top_n_items=int(top_n),
        hash_emails=hash_emails,
    )
    settings_text = f"{spec!r}:{sorted(names.items())}:{sorted(actions.items())}"
    settings_hash = hashlib.sha256(settings_text.encode()).hexdigest()
    spec_key = f"{data.token}:{run.token}:{state.predictions_token()}:{settings_hash}"
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
    spend = _spend(audience, segmented)
    if spend is not None:
        st.caption(spend.sentence(state.currency()))
    if audience.consent is not None:
        st.info(f"Consent rule: {audience.consent.description}.")
    for warning in audience.warnings:
        st.warning(warning)
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
    _downloads(audience, data, spec_key, spend)
