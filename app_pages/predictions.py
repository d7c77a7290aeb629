"""Predictions page: lifetime value and the chance each customer is still active, and who will respond."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import propensity_panel, state, units
from app_pages.shell import link_to, page_header, require_data
from segmentation import (
    CLV_MODEL_LABELS,
    ClvResult,
    HoldoutCheck,
    SegmentationError,
    fit_clv,
    purchase_history,
    safe_table_bytes,
)

RESULT_KEY = "predictions:clv"
HORIZON_MONTHS = (3, 6, 12, 24)
PREVIEW_LIMIT = 1000


# ---- cached wrapper (keyed on the data token; frames travel as unhashed "_" arguments) ----
@st.cache_data(show_spinner=False, max_entries=4)
def _lifetime_value(
    _transactions: pd.DataFrame,
    _columns: object,
    data_token: str,
    calibration_end: date | None,
    horizon_days: int,
    discount_rate: float,
) -> ClvResult:
    history = purchase_history(_transactions, columns=_columns, calibration_end=calibration_end)  # type: ignore[arg-type]
    return fit_clv(history, horizon_days=horizon_days, discount_rate=discount_rate)


# ---- drawing helpers ----
def _horizon_words(months: int) -> str:
    return f"next {months} months"


def _check_chart(check: HoldoutCheck) -> go.Figure:
    table = check.by_frequency
    start, end = check.calibration_end.isoformat(), check.holdout_end.isoformat()
    figure = go.Figure(
        [
            go.Bar(
                name="Actual",
                x=table["group"],
                y=table["actual"],
                customdata=table["customers"],
                hovertemplate="%{x} earlier repeat orders: %{y:.2f} orders per customer "
                "(%{customdata:,} customers)<extra>Actual</extra>",
            ),
            go.Bar(
                name="Predicted",
                x=table["group"],
                y=table["predicted"],
                customdata=table["customers"],
                hovertemplate="%{x} earlier repeat orders: %{y:.2f} orders per customer "
                "(%{customdata:,} customers)<extra>Predicted</extra>",
            ),
        ]
    )
    figure.update_layout(
        title=f"Predicted vs actual orders after {start}",
        barmode="group",
        xaxis_title=f"Repeat orders up to {start} (orders per customer)",
        yaxis_title=f"Orders per customer, {start} to {end}",
        legend_title_text="",
    )
    return figure


def _show_check(result: ClvResult) -> None:
    check = result.holdout
    st.subheader("How well it predicted orders it had not seen")
    left, middle, right = st.columns(3)
    left.metric("Model kept", CLV_MODEL_LABELS[result.model])
    middle.metric(
        "Orders predicted vs actual",
        f"{check.predicted_total:,.0f} vs {check.actual_total:,.0f}",
        delta=f"{check.aggregate_error:+.0%}",
        delta_color="off",
    )
    right.metric("Per-customer correlation", f"{check.correlation:.2f}")
    st.plotly_chart(_check_chart(check), width="stretch")
    weeks = check.holdout_weeks
    st.caption(
        f"What this means: the models learned from orders up to {check.calibration_end.isoformat()} and "
        f"predicted each customer's orders in the {weeks:.0f} weeks after; bars close together mean the "
        "predictions can be trusted. A correlation of 1 would rank every customer exactly right; "
        "published studies report about 0.6."
    )
    with st.expander("Technical numbers (for analysts)"):
        rows = [
            {
                "model": CLV_MODEL_LABELS[c.model],
                "log_likelihood": c.log_likelihood,
                "correlation": c.correlation,
                "mean_squared_error": c.mean_squared_error,
            }
            for c in result.checks
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        parameters = ", ".join(f"{k} = {v:.3f}" for k, v in result.parameters.items())
        spend = ", ".join(f"{k} = {v:.3f}" for k, v in result.spend_parameters.items())
        st.markdown(
            f"Kept the model with the smaller holdout error per customer. Refitted on every order up to "
            f"{result.as_of.isoformat()}: {CLV_MODEL_LABELS[result.model]} {parameters}; Gamma-Gamma "
            f"(spend) {spend}. Point estimates (maximum likelihood), so there is no interval."
        )


def _show_customers(result: ClvResult, months: int) -> None:
    words = _horizon_words(months)
    st.subheader("Every customer's outlook")
    customers = result.customers.sort_values("expected_value", ascending=False)
    shown = customers.head(PREVIEW_LIMIT)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "customer": st.column_config.TextColumn("Customer"),
            "probability_active": st.column_config.ProgressColumn(
                "Chance still active", min_value=0.0, max_value=1.0, format="percent"
            ),
            "expected_purchases": st.column_config.NumberColumn(f"Expected orders {words}", format="%.1f"),
            "expected_value": st.column_config.NumberColumn(
                f"Expected value {words}", format=units.money_format()
            ),
        },
    )
    rate = result.discount_rate
    st.caption(
        f"The {len(shown):,} most valuable of {len(customers):,} customers. Expected value is future spend "
        f"in today's money ({rate:.0%} a year discount). The same columns are available as segmentation "
        "features and in exports."
    )
    st.download_button(
        "Download every customer's predictions (CSV)",
        data=safe_table_bytes(customers, file_format="csv"),
        file_name="lifetime_value.csv",
        mime="text/csv",
        key="predictions:download",
    )


def _lifetime_value_tab(data: state.ActiveData) -> None:
    if not data.has_transactions or data.transaction_columns is None:
        st.info(
            "Lifetime value needs purchase history: a file with one line per purchase, naming the "
            "customer, the date and the amount paid. This data has one row per customer without purchase "
            "dates; load a transaction file on the Data page to predict it."
        )
        link_to("data")
        return
    st.markdown(
        "For every customer: the chance they are still buying from you, how many orders to expect and "
        "what those orders are worth. Learned from the rhythm of their past orders (the BG/NBD model "
        "for orders, Gamma-Gamma for spend) and checked on orders the models did not see."
    )
    left, middle, right = st.columns(3)
    months = left.select_slider(
        "Predict for the",
        options=HORIZON_MONTHS,
        value=12,
        format_func=_horizon_words,
        key="predictions:months",
    )
    discount = middle.slider(
        "Discount future money by (a year)", 0, 30, 10, format="%d%%", key="predictions:discount"
    )
    calibration_end = right.date_input(
        "Check on orders after",
        value=None,
        help="The models learn from orders up to this day and are checked on the orders after it. "
        "Empty: the last third of the period is held out.",
        key="predictions:calibration_end",
    )
    settings = (data.token, calibration_end, round(int(months) * 365.25 / 12), discount / 100)
    stored = st.session_state.get(RESULT_KEY)
    result = stored[1] if isinstance(stored, tuple) and stored[0] == settings else None
    if result is None and st.button("Predict lifetime value", type="primary", key="predictions:run"):
        with st.status("Learning from past orders…", expanded=False) as status:
            try:
                result = _lifetime_value(data.transactions, data.transaction_columns, *settings)
            except SegmentationError as exc:
                status.update(label="Could not predict", state="error")
                st.error(str(exc))
                return
            status.update(label="Predictions ready", state="complete")
        st.session_state[RESULT_KEY] = (settings, result)
        state.set_predictions(result.customers, horizon_days=result.horizon_days)
    if result is None:
        st.info(
            "Takes under a minute for most shops (longer the very first time); the result is kept while "
            "you move between pages."
        )
        return
    for note in result.notes:
        st.caption(note)
    _show_check(result)
    _show_customers(result, int(months))


page_header("predictions", "What customers will do next: lifetime value, and who will respond.")
active = require_data()
value_tab, respond_tab = st.tabs(["Lifetime value", "Who will respond"])
with value_tab:
    _lifetime_value_tab(active)
with respond_tab:
    propensity_panel.draw(active)
