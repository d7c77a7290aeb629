"""Features & k page: choose what customers are compared on, find a good number of segments, segment."""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import state, workspace_session
from app_pages.charts import (
    HEATMAP_ROWS,
    correlation_heatmap,
    histogram_chart,
    segment_sizes_chart,
    silhouette_chart,
)
from app_pages.feature_settings import preparation_editor
from app_pages.shell import link_to, page_header, persona_wording, personas_for, require_data, wording_key
from app_pages.units import axis_label, distinct_labels, feature_labels, fill_sentence, label, with_labels
from app_pages.upload import UPLOAD_TYPES, read_upload
from segmentation import (
    ALGORITHM_LABELS,
    MAX_K,
    NO_DATA_NAME,
    FeatureFill,
    FeatureSpec,
    FeatureSuggestion,
    SegmentationError,
    SegmentationResult,
    SegmentationWarning,
    SilhouetteProfile,
    SweepResult,
    assign_segments,
    default_specs,
    feature_correlations,
    fills_for_rows,
    fit_segments,
    high_correlation_pairs,
    incomplete_rows,
    missing_issues,
    missing_value_fills,
    numbers_for_model,
    personas_to_dict,
    rows_without_data,
    safe_table_bytes,
    segment_name_column,
    silhouette_profile,
    specs_from_table,
    specs_table,
    suggest_features,
    sweep_k,
)

PLOT_POINTS = 20_000
SWEEP_KEY = "features:sweep_request"
SWEEP_RESULT_KEY = "features:sweep_result"
# (SweepResult field, chart title, axis label, field of the k to mark, one-line meaning)
METRIC_CHARTS = (
    ("inertia", "Elbow: spread within segments (inertia)", "Spread within segments", "elbow_k",
     "How far customers sit from their segment's centre; the star marks the elbow, after which extra "
     "segments buy little."),
    ("silhouette", "Silhouette: how distinct the segments are", "Silhouette (-1 to 1)", "recommended_k",
     "How much closer customers are to their own segment than to the next one. Higher is better."),
    ("stability", "Stability: the same segments on other samples", "Agreement (0 to 1)", "recommended_k",
     "Segments found again when re-fitted on other samples of customers; below 0.75 they are not stable."),
    ("calinski_harabasz", "Calinski–Harabasz: spread between vs within", "Score (higher is better)", None,
     "How far apart segments are compared with how spread out each one is. Higher is better."),
    ("davies_bouldin", "Davies–Bouldin: overlap with the nearest segment", "Score (lower is better)", None,
     "How much each segment overlaps its closest neighbour. Lower is better."),
)  # fmt: skip
MEASURE_COLUMNS = {
    "k": st.column_config.NumberColumn("segments", format="%d"),
    "inertia": st.column_config.NumberColumn("spread within (inertia)", format="%.1f"),
    "silhouette": st.column_config.NumberColumn("silhouette", format="%.2f"),
    "calinski_harabasz": st.column_config.NumberColumn("Calinski–Harabasz", format="%.1f"),
    "davies_bouldin": st.column_config.NumberColumn("Davies–Bouldin", format="%.2f"),
    "stability": st.column_config.ProgressColumn(
        "stability (agreement across refits)", min_value=0, max_value=1, format="%.2f"
    ),
    "smallest_share": st.column_config.NumberColumn("smallest segment", format="percent"),
}


# ---- cached wrappers (keyed on tokens; frames travel as unhashed "_" arguments) ----
def _quietly(call: Callable[[], Any]) -> Any:
    """Run a package call; its warnings are shown from the result's notes instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SegmentationWarning)
        return call()


@st.cache_data(show_spinner="Looking at the columns…", max_entries=8)
def _suggestion(
    _customers: pd.DataFrame, token: str, roles: tuple[tuple[str, str], ...]
) -> FeatureSuggestion:
    return suggest_features(_customers, dict(roles))


@st.cache_data(max_entries=16)
def _defaults(
    _customers: pd.DataFrame, token: str, features: tuple[str, ...], roles: tuple[tuple[str, str], ...]
) -> pd.DataFrame:
    return specs_table(_customers, default_specs(_customers, features, dict(roles)))


@st.cache_data(max_entries=16)
def _correlations(_customers: pd.DataFrame, token: str, features: tuple[str, ...]) -> pd.DataFrame:
    return feature_correlations(_customers, features)


@st.cache_data(max_entries=16)
def _fills_preview(
    _customers: pd.DataFrame, token: str, specs: tuple[FeatureSpec, ...]
) -> tuple[FeatureFill, ...]:
    return missing_value_fills(_customers, specs)


@st.cache_data(max_entries=8)
def _plot_sample(_customers: pd.DataFrame, token: str, seed: int) -> pd.DataFrame:
    if len(_customers) <= PLOT_POINTS:
        return _customers
    return _customers.sample(n=PLOT_POINTS, random_state=seed)


def _advance(bar: Any, done: float, message: str) -> None:
    bar.progress(done, text=message)


def _sweep(customers: pd.DataFrame, request: tuple[Any, ...], *, k_range: tuple[int, int]) -> SweepResult:
    """The k sweep for ``request``, with a progress bar; kept in the session so it runs once.

    (Not ``st.cache_data``: a cached function cannot drive a progress bar drawn outside it.)
    """
    cached = st.session_state.get(SWEEP_RESULT_KEY)
    if cached is not None and cached[0] == request:
        return cached[1]
    _, specs, _, algorithm, seed = request
    bar = st.progress(0.0, text="Trying each k…")
    result = _quietly(
        lambda: sweep_k(
            customers,
            specs,
            k_values=range(k_range[0], k_range[1] + 1),
            algorithm=algorithm,
            seed=seed,
            progress=lambda done, message: _advance(bar, done, message),
        )
    )
    bar.empty()
    st.session_state[SWEEP_RESULT_KEY] = (request, result)
    return result


@st.cache_data(show_spinner="Segmenting customers…", max_entries=8)
def _fit(
    _customers: pd.DataFrame, token: str, specs: tuple[FeatureSpec, ...], k: int, algorithm: str, seed: int
) -> SegmentationResult:
    return _quietly(lambda: fit_segments(_customers, specs, k=k, algorithm=algorithm, seed=seed))


@st.cache_data(show_spinner="Measuring how well each customer fits…", max_entries=8)
def _silhouettes(
    _customers: pd.DataFrame, _result: SegmentationResult, run_token: str, seed: int
) -> SilhouetteProfile:
    return silhouette_profile(_customers, _result, seed=seed)


@st.cache_data(show_spinner="Scoring the new customers…", max_entries=4)
def _score(
    _frame: pd.DataFrame,
    sha256: str,
    decimal: str,
    _model: Any,
    run_token: str,
    names: tuple[tuple[int, str], ...],
) -> pd.DataFrame:
    def run() -> pd.DataFrame:
        typed = numbers_for_model(_model, _frame, decimal=decimal)
        labels = assign_segments(_model, typed)
        names = segment_name_column(
            labels,
            _model.segment_names,
            not_segmented=incomplete_rows(_model, typed),
            no_data=rows_without_data(_model, typed),
        )
        return _frame.assign(segment=labels, segment_name=names)

    return _quietly(run)


@st.cache_data(max_entries=4)
def _score_fills(
    _frame: pd.DataFrame, sha256: str, decimal: str, _model: Any, run_token: str
) -> tuple[FeatureFill, ...]:
    return _quietly(lambda: fills_for_rows(_model, numbers_for_model(_model, _frame, decimal=decimal)))


# ---- drawing helpers ----


def _show_fills(fills: tuple[FeatureFill, ...], *, intro: str) -> None:
    """Say what was filled, feature by feature: nothing is filled silently."""
    if fills:
        st.info(intro + "\n" + "\n".join(f"- {fill_sentence(fill)}" for fill in fills))


def _keep_first(widget_key: str, dropped: str) -> None:
    """Button callback: take ``dropped`` out of the feature picker (runs before the rerun draws it)."""
    st.session_state[widget_key] = [f for f in st.session_state[widget_key] if f != dropped]


def _token(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _metric_chart(
    sweep: SweepResult, values: tuple[float, ...], title: str, axis: str, mark: int | None
) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=list(sweep.k),
            y=list(values),
            mode="lines+markers",
            name=axis,
            hovertemplate="%{x} segments<br>" + axis + " = %{y:,.3f}<extra></extra>",
        )
    )
    if mark is not None and mark in sweep.k:
        y = values[sweep.k.index(mark)]
        figure.add_trace(
            go.Scatter(
                x=[mark],
                y=[y],
                mode="markers",
                marker={"size": 14, "symbol": "star"},
                name=f"{mark} segments",
                hovertemplate=f"{mark} segments<extra></extra>",
            )
        )
    figure.update_layout(
        title=title,
        xaxis_title="Number of segments",
        yaxis_title=axis,
        xaxis={"dtick": 1},
        height=300,
        showlegend=False,
        margin={"t": 40, "b": 30},
    )
    return figure


# ---- the page ----
page_header("features")
data = require_data("Load data on the Data page first: this page segments the customers in it.")
# Predictions (Predictions page) are columns like any other here: segmenting on expected value works.
customers, table_token = state.customers_with_predictions(data)
seed = state.seed()
roles = tuple(sorted((str(k), str(v)) for k, v in data.roles.items()))

st.header("1. Features")
st.caption(
    "Customers are compared on these columns. Ids, personal data, dates and columns that are the same for "
    "everyone are left out; each reason is listed below."
)
suggestion = _suggestion(customers, table_token, roles)
predicted_columns = [c for c in customers.columns if c not in data.customers.columns]
# Offered, never chosen for the marketer: segmenting on predictions is a choice to make knowingly.
suggested = [f for f in suggestion.selected if f not in predicted_columns]
options = [*suggested, *predicted_columns, *(f for f in suggestion.available if f not in predicted_columns)]
picker_key = f"features:chosen:{data.token}"
# The picker shows the labels edited on the Data page; its values stay the column names.
shown_as = distinct_labels(customers.columns)
features = tuple(
    st.multiselect(
        "Features to segment on",
        options,
        default=suggested,
        key=picker_key,
        format_func=lambda column: shown_as.get(column, str(column)),
    )
)
correlations = _correlations(customers, table_token, features)
for first, second, r in high_correlation_pairs(correlations):
    st.warning(
        f"**{shown_as[first]}** and **{shown_as[second]}** are near-duplicates (correlation {r:.2f}): they "
        "say almost the same thing, so together they count twice. Keep one."
    )
    st.button(
        f"Keep {shown_as[first]}, drop {shown_as[second]}",
        key=f"features:keep_one:{first}:{second}",
        on_click=_keep_first,
        args=(picker_key, second),
    )
if suggestion.excluded:
    with st.expander(f"{len(suggestion.excluded)} columns left out, and why"):
        st.dataframe(
            pd.DataFrame(
                {
                    "label": [shown_as[c] for c in suggestion.excluded],
                    "column": list(suggestion.excluded),
                    "reason": list(suggestion.excluded.values()),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn("Column"),
                "column": st.column_config.TextColumn("Name in your file"),
                "reason": st.column_config.TextColumn("Why it is left out"),
            },
        )
if not features:
    st.warning("Choose at least one feature to segment on.")
    st.stop()
defaults = _defaults(customers, table_token, features, roles)
for feature, n_missing in zip(defaults["feature"], defaults["n_missing"], strict=True):
    for issue in missing_issues(shown_as[str(feature)], int(n_missing), len(customers)):
        st.warning(issue.message + " Consider leaving it out.")

st.subheader("How each feature is prepared")
st.caption(
    "Missing values are filled (or those customers left out); skewed money columns get a log so a few big "
    "spenders do not dominate; scaling puts every feature on the same footing; weight 2 counts a "
    "feature twice."
)
edited = preparation_editor(
    defaults, labels=shown_as, key=f"features:settings:{_token(data.token, features)}"
)
try:
    specs = specs_from_table(edited)
    fills = _fills_preview(customers, table_token, specs)
except SegmentationError as exc:
    st.error(str(exc))
    st.stop()
if fills:
    st.caption(
        "Missing values that will be filled: " + "; ".join(fill_sentence(fill) for fill in fills) + "."
    )

with st.expander("Distributions and correlations", expanded=False):
    sample = _plot_sample(customers, table_token, seed)
    shown = st.selectbox("Feature", features, format_func=shown_as.__getitem__, key="features:histogram")
    st.plotly_chart(
        histogram_chart(sample[shown], label=label(shown)).update_xaxes(
            title_text=axis_label(shown, data.roles)
        ),
        width="stretch",
    )
    note = (
        f" (a random {PLOT_POINTS:,} of {len(customers):,} customers)" if len(sample) < len(customers) else ""
    )
    st.caption(
        f"Each bar counts customers with values in that range{note}. A long tail to the right suggests a log."
    )
    if len(correlations) > 1:
        all_pairs = False
        if len(correlations) > HEATMAP_ROWS:
            all_pairs = st.checkbox(
                f"Show all {len(correlations)} features (now: the {HEATMAP_ROWS} most related to another)",
                key="features:correlations_all",
            )
        readable = feature_labels(correlations.columns, customers.columns)
        st.plotly_chart(
            correlation_heatmap(correlations.rename(index=readable, columns=readable), show_all=all_pairs),
            width="stretch",
        )
        st.caption(
            "What this means: 1 means two features move together, -1 opposite, 0 unrelated; related features "
            "sit side by side. Two near-duplicates count twice."
        )

st.header("2. Number of segments")
left, right = st.columns(2)
algorithm = str(
    left.selectbox(
        "Method", list(ALGORITHM_LABELS), format_func=lambda a: ALGORITHM_LABELS[a], key="features:algorithm"
    )
)
k_range = right.slider("k values to try", 2, MAX_K, (2, 10), key="features:k_range")
density = algorithm == "hdbscan"
request = (table_token, specs, k_range, algorithm, seed)
if density:
    st.info(
        "The density method finds the number of segments itself; customers far from every dense group "
        "are kept apart as 'Unassigned'."
    )
elif st.button("Find segments", type="primary", key="features:find") or (
    st.session_state.get(SWEEP_KEY) == request
):
    st.session_state[SWEEP_KEY] = request

sweep: SweepResult | None = None
if not density and st.session_state.get(SWEEP_KEY) == request:
    try:
        sweep = _sweep(customers, request, k_range=k_range)
    except SegmentationError as exc:
        st.error(str(exc))
        st.stop()

if sweep is not None:
    for note in sweep.notes:
        st.warning(with_labels(note, customers.columns))
    st.success(f"**{sweep.summary}**")
    with st.expander("How this was chosen"):
        st.write(sweep.reason)
        if sweep.disagreement:
            st.info(sweep.disagreement)
        for start in range(0, len(METRIC_CHARTS), 2):
            for column, (field, title, axis, mark, meaning) in zip(
                st.columns(2), METRIC_CHARTS[start : start + 2], strict=False
            ):
                marked = getattr(sweep, mark) if mark else None
                column.plotly_chart(
                    _metric_chart(sweep, getattr(sweep, field), title, axis, marked), width="stretch"
                )
                column.caption(meaning)
        exact = sweep.silhouette_reference_size >= sweep.n_customers
        st.caption(
            "Silhouette computed on all customers."
            if exact
            else f"Silhouette estimated: {sweep.silhouette_sample_size:,} of {sweep.n_customers:,} "
            f"customers, each compared with {sweep.silhouette_reference_size:,} others, sampled per "
            "segment so small segments count. The other measures use every customer."
        )
        st.dataframe(sweep.to_frame(), hide_index=True, width="stretch", column_config=MEASURE_COLUMNS)

if sweep is None and not density:
    st.info("Press **Find segments** to compare the k values.")
    st.stop()

st.header("3. Segments")
k_default = sweep.recommended_k if sweep is not None else 4
k = int(
    st.number_input(
        "Number of segments",
        min_value=2,
        max_value=MAX_K,
        value=k_default,
        key=f"features:k:{_token(request)}",
        disabled=density,
    )
)
try:
    result = _fit(customers, table_token, specs, k, algorithm, seed)
except SegmentationError as exc:
    st.error(str(exc))
    st.stop()
run_token = _token(table_token, specs, k, algorithm, seed)
try:
    personas = personas_for(
        customers, result.labels, run_token, result.features, data.customer_id_col, seed, **persona_wording()
    )
except SegmentationError as exc:
    st.warning(f"Segment names could not be generated ({exc}); segments are numbered instead.")
    personas = ()
names = {p.segment: p.name for p in personas if p.segment >= 0} or {
    s: f"Segment {s}" for s in range(result.k)
}
segment_run = state.SegmentRun(
    data_token=data.token,
    token=run_token,
    features=result.features,
    algorithm=algorithm,
    k=result.k,
    seed=seed,
    labels=result.labels,
    result=result,
    default_names=names,
    default_actions={p.segment: p.action for p in personas},
    personas=personas or None,
    wording=wording_key(),
)
state.set_segment_run(segment_run)
workspace_session.save_run(
    data,
    segment_run,
    model_json=result.model.with_names(names).to_json(),
    specs={"features": [dataclasses.asdict(spec) for spec in specs]},
    personas=tuple(personas_to_dict(personas)["segments"]) if personas else (),
)
for note in result.notes:
    st.warning(with_labels(note, customers.columns))
_show_fills(result.model.fills, intro="**Missing values filled before segmenting:**")
not_segmented = int((np.asarray(result.labels) == -2).sum())
if not_segmented:
    st.caption(
        f"{not_segmented:,} customers are listed as '{NO_DATA_NAME}' or left out for missing values: they "
        "have no segment, no persona, and are not put on campaign lists unless you choose them."
    )
current_names = state.segment_names()
sizes = pd.DataFrame({"segment": list(result.sizes), "customers": list(result.sizes.values())})
sizes["name"] = [current_names.get(s, "Unassigned") for s in sizes["segment"]]
sizes["share"] = sizes["customers"] / sizes["customers"].sum()
st.plotly_chart(segment_sizes_chart(sizes, current_names), width="stretch")
st.caption(
    "What this means: how many customers each segment holds. Segments under 1% of customers are flagged "
    "above: too small to be worth a campaign of their own."
)

profile = _silhouettes(customers, result, run_token, seed)
order = np.lexsort((-profile.values, profile.labels))
silhouette_frame = pd.DataFrame(
    {
        "position": np.arange(len(order)),
        "silhouette": profile.values[order],
        "segment": [current_names.get(int(s), str(s)) for s in profile.labels[order]],
    }
)
st.plotly_chart(silhouette_chart(silhouette_frame, current_names, mean=profile.mean), width="stretch")
scope = (
    "every customer"
    if profile.exact
    else f"{profile.sample_size:,} customers drawn per segment, each compared with {profile.reference_size:,}"
)
st.caption(f"Bars below 0 are customers closer to another segment than to their own ({scope}).")
link_to("personas", "Personas: name and describe the segments")

st.header("4. Saved model")
model = result.model.with_names(current_names)
st.download_button(
    "Download the model (JSON)", model.to_json(), file_name="segmentation-model.json", mime="application/json"
)
st.caption(
    "A readable file with the preparation settings, segment centres and names; apply it to new customers "
    "here or with `segmentation assign`."
)
st.subheader("Score new customers")
upload = st.file_uploader(
    "Customer file with the same feature columns", type=UPLOAD_TYPES, key="features:score"
)
if upload is not None:
    loaded = read_upload(upload)
    if loaded is not None:
        table, sha256 = loaded
        try:
            scored = _score(
                table.frame,
                sha256,
                table.detection.decimal,
                model,
                run_token,
                tuple(sorted(current_names.items())),
            )
        except SegmentationError as exc:
            st.error(f"**{upload.name}** could not be scored: {exc}")
        else:
            fills = _score_fills(table.frame, sha256, table.detection.decimal, model, run_token)
            _show_fills(fills, intro=f"**Missing values in {upload.name} filled with the model's values:**")
            st.dataframe(scored.head(200), hide_index=True, width="stretch")
            st.download_button(
                "Download scored customers (CSV)",
                safe_table_bytes(scored),
                file_name="scored-customers.csv",
                mime="text/csv",
            )
