"""Personas page: one card per segment (name, size, what stands out, rule, suggested action), then maps."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app_pages import state, workspace_session
from app_pages.charts import HEATMAP_ROWS, finish, segment_colour_map, segment_profile_heatmap
from app_pages.shell import page_header, persona_wording, personas_for, require_segments, wording_key
from app_pages.units import feature_labels, fill_sentence, label, with_labels
from segmentation import (
    Persona,
    Projection,
    SegmentationError,
    label_name,
    personas_to_dict,
    predicted_traits,
    project_2d,
    segment_profile_matrix,
    with_predictions,
)

CARDS_PER_ROW = 2
MAP_POINTS = 5000


# ---- cached wrappers (keyed on the segmentation's token; frames travel as unhashed "_" arguments) ----
@st.cache_data(show_spinner="Comparing segments feature by feature…", max_entries=4)
def _profile(
    _customers: pd.DataFrame, _labels: np.ndarray, run_token: str, features: tuple[str, ...]
) -> pd.DataFrame:
    return segment_profile_matrix(_customers, _labels, features=features)


@st.cache_data(show_spinner="Drawing the customer map…", max_entries=4)
def _projection(
    _customers: pd.DataFrame, _labels: np.ndarray, run_token: str, features: tuple[str, ...], seed: int
) -> Projection:
    return project_2d(_customers, _labels, features=features, max_points=MAP_POINTS, seed=seed)


# ---- drawing helpers ----


def _shares_line(pairs: tuple[tuple[str, float], ...]) -> str:
    return " · ".join(f"{name} {share:.0%}" for name, share in pairs)


def _rule_caption(persona: Persona) -> str:
    if persona.rule_coverage is None or persona.rule_precision is None or persona.rule_fidelity is None:
        return ""
    return (
        f"Matches {persona.rule_coverage:.0%} of this segment; {persona.rule_precision:.0%} of the customers "
        f"it picks are in it. Agrees with the segmentation for {persona.rule_fidelity:.0%} of all customers."
    )


def _name_input(persona: Persona, current: str, run_token: str) -> None:
    typed = st.text_input(
        "Segment name",
        value=current,
        key=f"personas:name:{run_token}:{persona.segment}",
        help="Generated from the segment's most distinctive traits. Your name is used on every later page "
        "and in exports.",
    )
    cleaned = " ".join((typed or "").split())
    if not cleaned:
        st.caption(":material/warning: A segment needs a name; keeping the previous one.")
    elif cleaned != current:
        state.set_segment_name(persona.segment, cleaned)


def _action_input(persona: Persona, current: str, run_token: str) -> None:
    typed = st.text_area(
        "Marketing action",
        value=current,
        key=f"personas:action:{run_token}:{persona.segment}",
        height=80,
        help="A suggestion from the segment's traits; edit it to make it your plan.",
    )
    action = (typed or "").strip() or current
    if action != current:
        state.set_segment_action(persona.segment, action)
    if action == persona.action:
        st.caption(f":material/lightbulb: **Suggested** (edit freely). {persona.action_reason}")
    else:
        st.caption(f":material/edit: **Your action.** The suggestion was: {persona.action}")


@st.cache_data(show_spinner=False, max_entries=4)
def _predicted(
    _customers: pd.DataFrame,
    _labels: np.ndarray,
    _predictions: pd.DataFrame,
    run_token: str,
    id_col: str,
    predictions_token: str,
    currency: str,
    horizon_days: int | None,
) -> dict[int, tuple[str, ...]]:
    joined = with_predictions(_customers, id_column=id_col, predictions=_predictions)
    return predicted_traits(joined, _labels, currency=currency, horizon_days=horizon_days)


def _card(
    persona: Persona, *, name: str, action: str, run_token: str, predicted: tuple[str, ...] = ()
) -> None:
    with st.container(border=True):
        if persona.segment == -1:
            st.markdown(f"#### {name}")
            st.caption("Customers the density method left out of every segment; they are not described.")
        else:
            _name_input(persona, name, run_token)
        metrics = st.columns(3)
        metrics[0].metric("Customers", f"{persona.size:,}")
        metrics[1].metric("Share of customers", f"{persona.share:.0%}")
        if persona.revenue_share is not None:
            metrics[2].metric("Share of revenue", f"{persona.revenue_share:.0%}")
        if persona.segment == -1:
            return
        st.markdown("**What stands out**")
        if persona.traits:
            st.markdown("\n".join(f"- {trait.sentence}" for trait in persona.traits))
        else:
            st.markdown("Nothing stands out: these customers are close to the average customer.")
        if predicted:
            st.markdown("**Predicted** (from the Predictions page)")
            st.markdown("\n".join(f"- {sentence}" for sentence in predicted))
        if persona.top_categories:
            measure = "spend" if persona.money_col is not None else "items bought"
            st.markdown(
                f"**Top categories** (average share of {measure}): {_shares_line(persona.top_categories)}"
            )
        if persona.rfm_mix:
            st.markdown(f"**RFM mix**: {_shares_line(persona.rfm_mix)}")
        if persona.rule:
            st.markdown(
                f"**Rule of thumb**: {persona.rule_sentence or persona.rule}",
                help=f"The rule as the data writes it: {persona.rule}",
            )
            st.caption(_rule_caption(persona))
        _action_input(persona, action, run_token)


def _customer_map(projection: Projection, names: dict[int, str], ids: np.ndarray) -> go.Figure:
    """Scatter of the mapped customers; ``ids`` holds the customer id of each mapped row."""
    points = projection.frame.assign(
        segment_name=[label_name(int(s), names) for s in projection.frame["segment"]],
        customer=ids,
    )
    first, second = projection.explained_variance
    figure = px.scatter(
        points,
        x="x",
        y="y",
        color="segment_name",
        color_discrete_map=segment_colour_map(names),
        custom_data=["customer", "segment_name"],
        title="Customers on a map of their features",
        labels={
            "x": f"Map axis 1 (keeps {first:.0%} of the differences)",
            "y": f"Map axis 2 (keeps {second:.0%})",
            "segment_name": "Segment",
        },
        opacity=0.6,
    )
    figure.update_traces(
        marker={"size": 5}, hovertemplate="Customer %{customdata[0]}<br>%{customdata[1]}<extra></extra>"
    )
    return finish(
        figure,
        title="Customers on a map of their features",
        x_title=f"Map axis 1 (keeps {first:.0%} of the differences)",
        y_title=f"Map axis 2 (keeps {second:.0%})",
        height=520,
    )


def _current_names_and_actions(personas: tuple[Persona, ...]) -> tuple[dict[int, str], dict[int, str]]:
    """Generated names and actions with the marketer's edits applied."""
    names = {p.segment: p.name for p in personas} | state.segment_names()
    actions = {p.segment: p.action for p in personas} | state.segment_actions()
    return names, actions


# ---- page ----
page_header("personas")
st.caption(
    "Who is in each segment, in plain words and in your data's own units. Rename segments and edit the "
    "suggested actions: your wording is kept on every later page and in exports."
)

data, run = require_segments("Build segments on the Features & k page first; personas describe them.")

labels = np.asarray(run.labels)
# Segmented on a prediction (expected value, chance to respond): those columns come from the Predictions page.
customers, _ = state.customers_with_predictions(data)
missing = [f for f in run.features if f not in customers.columns]
if missing:
    st.info(
        f"These segments were built on predictions ({', '.join(label(f) for f in missing)}) that this "
        "session does not have: run them again on the Predictions page, and the personas follow."
    )
    st.stop()
try:
    # Described again only when the currency or a label changed since the run was described.
    personas: tuple[Persona, ...] = (
        run.personas
        if run.personas and run.wording == wording_key()
        else personas_for(
            customers,
            labels,
            run.token,
            tuple(run.features),
            data.customer_id_col,
            run.seed,
            **persona_wording(),
        )
    )
    profile = _profile(customers, labels, run.token, tuple(run.features))
    predicted = (
        _predicted(
            data.customers,
            labels,
            state.get_predictions(),
            run.token,
            data.customer_id_col,
            state.predictions_token(),
            state.currency(),
            state.predictions_horizon_days(),
        )
        if state.get_predictions() is not None
        else {}
    )
    projection = _projection(customers, labels, run.token, tuple(run.features), run.seed)
except SegmentationError as error:
    st.error(f"These segments cannot be described: {with_labels(str(error), customers.columns)}")
    st.stop()

names, actions = _current_names_and_actions(personas)
segmented = [p for p in personas if p.segment != -1]
unassigned = sum(p.size for p in personas if p.segment == -1)
not_segmented = int((labels == -2).sum())
st.markdown(
    f"**{len(segmented)} segments** of {len(labels):,} customers, "
    f"built with {run.algorithm} on {len(run.features)} features"
    + (f"; {unassigned:,} customers fit no segment" if unassigned else "")
    + (
        f"; {not_segmented:,} customers were not segmented (no data or missing values) and get no persona."
        if not_segmented
        else "."
    )
)
model = getattr(run.result, "model", None)
fills = model.fills if model is not None else ()
if fills:
    st.caption(
        "Missing values were filled before segmenting, so these personas include those customers: "
        + "; ".join(fill_sentence(fill) for fill in fills)
        + "."
    )

for start in range(0, len(personas), CARDS_PER_ROW):
    for column, persona in zip(
        st.columns(CARDS_PER_ROW), personas[start : start + CARDS_PER_ROW], strict=False
    ):
        with column:
            _card(
                persona,
                name=names[persona.segment],
                action=actions[persona.segment],
                run_token=run.token,
                predicted=predicted.get(persona.segment, ()),
            )

# Names and actions may have just been edited above: read them back for the charts and export.
names, actions = _current_names_and_actions(personas)
workspace_session.save_names(run, names, actions)
repeated = sorted({name for name in names.values() if list(names.values()).count(name) > 1})
if repeated:
    st.warning(
        f"Several segments are called {', '.join(repr(n) for n in repeated)}; give each its own name so "
        "lists and reports can tell them apart."
    )
chart_names = {s: f"{n} (#{s})" if n in repeated else n for s, n in names.items()}

st.subheader("Segments side by side")
all_features = False
if profile.shape[1] > HEATMAP_ROWS:
    all_features = st.checkbox(
        f"Show all {profile.shape[1]} features (now: the {HEATMAP_ROWS} that differ most between segments)",
        key="personas:heatmap_all",
    )
st.plotly_chart(
    segment_profile_heatmap(
        profile.rename(columns=feature_labels(profile.columns, customers.columns)),
        chart_names,
        show_all=all_features,
    ),
    width="stretch",
)
st.caption(
    "What this means: red cells are above the average customer on that feature, blue below; the number is "
    "how far, in standard deviations (±1 is a big difference). Features that differ most come first."
)

st.subheader("Customer map")
mapped_rows = projection.frame["row"].to_numpy()
ids = (
    data.customers[data.customer_id_col].iloc[mapped_rows].astype(str).to_numpy()
    if data.customer_id_col in data.customers
    else mapped_rows.astype(str)
)
st.plotly_chart(_customer_map(projection, chart_names, ids), width="stretch")
shown = (
    f"a random sample of {len(projection.frame):,} of {projection.n_total:,} customers"
    if projection.sampled
    else f"all {projection.n_total:,} customers"
)
st.caption(
    f"Each dot is a customer ({shown}); customers close together have similar values on the segmentation "
    "features. Colours that form separate clouds are segments that really differ."
)

st.download_button(
    "Download personas (JSON)",
    data=json.dumps(
        {**personas_to_dict(personas, names=names, actions=actions), "currency": state.currency() or None},
        indent=2,
        ensure_ascii=False,
    ),
    file_name="personas.json",
    mime="application/json",
    help="Names and actions as you edited them, traits, rules and shares per segment.",
)
