"""Recommendations page: which model to trust, what to feature per segment, what each customer sees."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from app_pages import state, workspace_session
from app_pages.charts import ids_as_categories
from app_pages.shell import link_to, page_header, require_data, require_segments
from segmentation import (
    DEFAULT_MODEL,
    FEATURE_MAX_OWNED_SHARE,
    FEATURE_MIN_LIFT,
    MODEL_LABELS,
    MODEL_MEANINGS,
    MODELS,
    EvaluationReport,
    FittedRecommender,
    Interactions,
    SegmentationError,
    build_interactions,
    evaluate_interactions,
    featured_items,
    fit_recommender,
    recommend_top_n,
)

DEFAULT_REASON = (
    "in our offline tests on a 100,000-purchase benchmark its suggestions were bought about twice as often "
    "as the bestsellers, and it learns in a few seconds"
)
MODEL_HELP = "\n".join(f"- **{MODEL_LABELS[m]}**: {MODEL_MEANINGS[m]}." for m in MODELS)
EVALUATION_KEY = "recommendations:evaluation"
PREVIEW_LIMIT = 500


# ---- cached wrappers (keyed on tokens; frames travel as unhashed "_" arguments) ----
@st.cache_data(show_spinner="Reading purchase history…", max_entries=4)
def _interactions(
    _transactions: pd.DataFrame,
    data_token: str,
    customer: str,
    item: str,
    date: str | None,
    quantity: str | None,
) -> Interactions:
    return build_interactions(
        _transactions,
        customer_col=customer,
        item_col=item,
        time_col=date,
        value_col=quantity,
        weighting="count",
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _evaluation(_interactions: Interactions, data_token: str, k: int) -> EvaluationReport:
    return evaluate_interactions(_interactions, k=k, models=list(MODELS))


@st.cache_data(show_spinner="Learning who buys what together…", max_entries=4)
def _fitted(_interactions: Interactions, data_token: str, model: str) -> FittedRecommender:
    return fit_recommender(_interactions, model=model)


@st.cache_data(show_spinner="Picking items for every customer…", max_entries=4)
def _all_lists(
    _fitted: FittedRecommender,
    _catalog: pd.DataFrame | None,
    _customers: tuple[str, ...],
    _segments: dict[str, int],
    key: tuple[str, str, str, int],
    names: tuple[tuple[int, str], ...],
    catalog_cols: tuple[str | None, str | None],
) -> pd.DataFrame:
    return recommend_top_n(
        _fitted,
        n=key[3],
        customers=_customers,
        segments=_segments,
        segment_names=dict(names),
        catalog=_catalog,
        catalog_item_col=catalog_cols[0],
        catalog_name_col=catalog_cols[1],
    )


@st.cache_data(show_spinner="Scoring items for this segment…", max_entries=32)
def _segment_items(
    _fitted: FittedRecommender,
    _catalog: pd.DataFrame | None,
    _members: tuple[str, ...],
    key: tuple[str, str, str, int, int],
    catalog_cols: tuple[str | None, str | None],
) -> pd.DataFrame:
    return featured_items(
        _fitted,
        _members,
        n=key[4],
        catalog=_catalog,
        catalog_item_col=catalog_cols[0],
        catalog_name_col=catalog_cols[1],
    )


# ---- drawing helpers ----
def _label(model: str, *, marker: str) -> str:
    return f"{MODEL_LABELS.get(model, model)}{marker if model == DEFAULT_MODEL else ''}"


def _column(columns: Any, name: str) -> str | None:
    value = getattr(columns, name, None) if columns is not None else None
    return str(value) if value else None


def _catalog_columns(data: state.ActiveData, item_col: str) -> tuple[str | None, str | None]:
    """(item id column, name column) of the catalog, as the Data page detected them."""
    detected = getattr(data, "catalog_columns", None)
    if detected is not None:
        return _column(detected, "item"), _column(detected, "name")
    if data.catalog is not None and item_col in data.catalog.columns:
        return item_col, None
    return None, None


def _evaluation_section(interactions: Interactions, data_token: str) -> None:
    st.subheader("Which model to trust")
    st.caption(
        "How we test: for every customer we hide their most recent 20% of purchases, let each model learn "
        "from "
        "the rest, and count how many of its 10 suggestions the customer really bought next."
    )
    stored = st.session_state.get(EVALUATION_KEY)
    report = stored[1] if isinstance(stored, tuple) and stored[0] == data_token else None
    if report is None and st.button("Compare models on this data", key="recommendations:evaluate"):
        with st.status("Testing every model on held-out purchases…", expanded=False) as status:
            report = _evaluation(interactions, data_token, 10)
            status.update(label="Models compared", state="complete")
        st.session_state[EVALUATION_KEY] = (data_token, report)
    if report is None:
        st.info("Takes a few seconds; the result is kept while you move between pages.")
        return
    table = report.to_frame().assign(
        model=lambda f: f["model"].map(lambda m: _label(str(m), marker=" ★ default"))
    )
    st.dataframe(
        table[["model", "bought_per_10", "coverage", "seconds"]],
        hide_index=True,
        width="stretch",
        column_config={
            "model": st.column_config.TextColumn("Model", help=MODEL_HELP),
            "bought_per_10": st.column_config.ProgressColumn(
                "Out of 10 suggestions, how many they later bought",
                min_value=0.0,
                max_value=max(1.0, float(table["bought_per_10"].max())),
                format="%.1f",
            ),
            "coverage": st.column_config.ProgressColumn(
                "Share of the catalog it suggests", min_value=0.0, max_value=1.0, format="percent"
            ),
            "seconds": st.column_config.NumberColumn("Seconds to learn", format="%.1f"),
        },
    )
    default, bestsellers = report.result(DEFAULT_MODEL), report.result("popularity")
    st.caption(
        f"{MODEL_LABELS[DEFAULT_MODEL]} is the default because {DEFAULT_REASON}. On your data, out of 10 "
        f"suggestions customers later bought {default.bought_per_10:.1f} of its suggestions and "
        f"{bestsellers.bought_per_10:.1f} of the bestsellers "
        f"({report.n_customers_evaluated:,} customers tested)."
    )
    with st.expander("Technical numbers (for analysts)"):
        st.dataframe(
            table[["model", "precision_at_k", "recall_at_k", "ndcg_at_k"]],
            hide_index=True,
            width="stretch",
            column_config={
                "model": st.column_config.TextColumn("Model"),
                "precision_at_k": st.column_config.NumberColumn(
                    "P@10", format="%.3f", help="Share of the 10 suggestions bought later."
                ),
                "recall_at_k": st.column_config.NumberColumn(
                    "Recall@10", format="%.3f", help="Share of the later purchases among the 10 suggestions."
                ),
                "ndcg_at_k": st.column_config.NumberColumn(
                    "NDCG@10", format="%.3f", help="Like P@10, but hits near the top of the list count more."
                ),
            },
        )
    if default.precision_at_k < bestsellers.precision_at_k:
        st.warning(
            "On this data, plain bestsellers predict next purchases better than the personalised model "
            "(common when a few staples dominate every basket). Consider choosing "
            f"“{MODEL_LABELS['popularity']}” below, or use the personalised lists for variety."
        )


def _segment_section(items: pd.DataFrame, segment_label: str) -> None:
    st.markdown(f"**What to feature for {segment_label}**")
    rule = (
        "Featured items are wanted more by this segment than by customers overall (lift above "
        f"{FEATURE_MIN_LIFT:g}) and not already owned by most of it (at most "
        f"{FEATURE_MAX_OWNED_SHARE:.0%} own them)."
    )
    if items.empty:
        st.info(
            f"No item stands out for {segment_label}: every item its customers would buy next is either "
            "already owned by most of them or no more wanted here than by customers overall. Send the "
            "personal lists below, or the bestsellers."
        )
        st.caption(rule)
        return
    if bool(items["from_popularity"].iloc[0]):
        st.warning("This segment has no purchase history yet, so these are the overall bestsellers.")
    figure = px.bar(
        items.iloc[::-1].astype({"item": str, "item_name": str}),
        x="score",
        y="item_name",
        orientation="h",
        color="lift",
        color_continuous_scale="Teal",
        hover_data={"lift": ":.2f", "owned_share": ":.0%", "item": True},
        title=f"Items to feature for {segment_label}",
        labels={
            "score": "How strongly suggested (average score)",
            "item_name": "Item",
            "lift": "Wanted vs overall (×)",
            "owned_share": "Already own it",
        },
    )
    st.plotly_chart(ids_as_categories(figure, axis="y"), width="stretch")
    st.caption(
        "Longer bars: items this segment's customers are most likely to buy next. Darker: items this segment "
        f"wants more than customers overall. {rule}"
    )
    st.dataframe(
        items.drop(columns=["from_popularity"]),
        hide_index=True,
        width="stretch",
        column_config={
            "item": st.column_config.TextColumn("Item id"),
            "item_name": st.column_config.TextColumn("Item"),
            "score": st.column_config.NumberColumn(
                "How strongly suggested", format="%.3f", help="The model's score averaged over the segment."
            ),
            "lift": st.column_config.NumberColumn(
                "Wanted vs overall",
                format="%.2f×",
                help="2× means this segment wants it twice as much as its overall popularity suggests.",
            ),
            "owned_share": st.column_config.ProgressColumn(
                "Already own it", min_value=0.0, max_value=1.0, format="percent"
            ),
        },
    )


def _customer_preview(lists: pd.DataFrame, members: tuple[str, ...]) -> None:
    st.markdown("**What each customer would see**")
    shown = members[:PREVIEW_LIMIT]
    customer = st.selectbox(
        "Customer",
        shown,
        key="recommendations:customer",
        help=f"The first {PREVIEW_LIMIT} customers of the segment." if len(members) > PREVIEW_LIMIT else None,
    )
    chosen = lists[lists["customer"] == customer]
    if chosen.empty:
        st.info("No items left to suggest: this customer already has everything.")
        return
    if bool(chosen["cold_start"].iloc[0]):
        st.warning("No purchase history: showing this segment's most popular items instead.")
    st.dataframe(
        chosen[["rank", "item_name", "score", "reason", "cold_start"]],
        hide_index=True,
        width="stretch",
        column_config={
            "rank": st.column_config.NumberColumn("Rank"),
            "item_name": st.column_config.TextColumn("Item"),
            "score": st.column_config.NumberColumn("How strongly suggested", format="%.3f"),
            "reason": st.column_config.TextColumn("Why", width="large"),
            "cold_start": st.column_config.CheckboxColumn("No history"),
        },
    )


# ---- page ----
page_header("recommendations")
st.caption(
    "What to put in each segment's campaign, and what to show each customer, with evidence it beats "
    "bestsellers."
)
data = require_data()
columns = data.transaction_columns
customer_col, item_col = _column(columns, "customer"), _column(columns, "item")
if data.transactions is not None and customer_col is not None and item_col is None:
    listed = ", ".join(f"“{c}”" for c in data.transactions.columns)
    st.info(
        f"{data.source_name} has no item column (product, SKU, item…): recommendations need to know what "
        f"each customer bought. Its columns are {listed}. If one of them holds the product, pick it as "
        "“Item / product” on the Data page."
    )
    link_to("data", "Data")
    st.stop()
if data.transactions is None or customer_col is None or item_col is None:
    st.info(
        "Recommendations need purchase history: one row per purchase with a customer id, a product id and "
        "ideally a date. Load an order-lines or transactions file on the Data page (a customer-only table "
        "has no products to recommend)."
    )
    link_to("data", "Data")
    st.stop()

# Returns are lines with a negative quantity, or a negative amount when there is no quantity.
value_col = _column(columns, "quantity") or _column(columns, "amount")
try:
    interactions = _interactions(
        data.transactions,
        data.token,
        customer_col,
        item_col,
        _column(columns, "date"),
        value_col,
    )
except SegmentationError as error:
    st.error(str(error))
    st.stop()
# Everything computed from the purchase history is keyed on the data *and* its column mapping, so
# a session that maps other columns of the same file never gets another session's results.
history_token = repr((data.token, customer_col, item_col, _column(columns, "date"), value_col))

cols = st.columns(3)
cols[0].metric("Customers with purchases", f"{interactions.n_customers:,}")
cols[1].metric("Products", f"{interactions.n_items:,}")
cols[2].metric("Customer–product pairs", f"{interactions.n_interactions:,}")
_evaluation_section(interactions, history_token)

_, run = require_segments(
    "Segment your customers on the Features & k page to see recommendations per segment."
)

st.subheader("Recommendations per segment")
options = st.columns(2)
model_name = options[0].selectbox(
    "Model",
    list(MODELS),
    index=list(MODELS).index(DEFAULT_MODEL),
    format_func=lambda m: _label(str(m), marker=" (default)"),
    key="recommendations:model",
    help=MODEL_HELP,
)
top_n = int(options[1].slider("Items per customer", 3, 20, 10, key="recommendations:top_n"))

names = state.segment_names()
labels = np.asarray(run.labels)
customer_ids = data.customers[data.customer_id_col].astype(str).to_numpy()
segments = dict(zip(customer_ids.tolist(), labels.astype(int).tolist(), strict=True))
catalog = data.catalog
catalog_cols = _catalog_columns(data, item_col)
fitted = _fitted(interactions, history_token, model_name)
lists = _all_lists(
    fitted,
    catalog,
    tuple(customer_ids.tolist()),
    segments,
    (history_token, run.token, model_name, top_n),
    tuple(sorted(names.items())),
    catalog_cols,
)
state.put(
    state.RECOMMENDATIONS,
    lists[["customer", "rank", "item", "item_name", "score", "reason", "cold_start"]],
)
workspace_session.save_recommendations(
    data,
    run,
    token=repr((history_token, run.token, model_name, top_n)),
    name=f"{_label(model_name, marker='')} · top {top_n} · {data.source_name}",
    model=model_name,
    settings={"top_n": top_n, "customer": customer_col, "item": item_col},
    table=state.get(state.RECOMMENDATIONS),
)

segment_numbers = sorted({int(s) for s in labels.tolist()})
segment = st.selectbox(
    "Segment",
    segment_numbers,
    format_func=lambda s: names.get(s, "Unassigned" if s == -1 else f"Segment {s}"),
    key="recommendations:segment",
)
segment_label = names.get(segment, "Unassigned" if segment == -1 else f"Segment {segment}")
members = tuple(customer_ids[labels == segment].tolist())
items = _segment_items(
    fitted, catalog, members, (history_token, run.token, model_name, segment, top_n), catalog_cols
)
_segment_section(items, segment_label)
_customer_preview(lists, members)
st.caption(f"Top-{top_n} lists for all {len(customer_ids):,} customers are ready for the Campaigns page.")
link_to("campaigns", "Campaigns")
