"""Propensity tab of the Predictions page: who is likely to say yes (respond, convert) or to stop buying.

The marketer picks a yes/no column (or, with purchase data, "No purchase in the next N days"),
the five models are trained with progress shown, and the page answers in one sentence, then
shows the model table, the gains chart, calibration, the decision tree's rules in words and the
features that matter. Every customer's score is kept in the session for later pages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import state
from segmentation import (
    PROPENSITY_MODEL_LABELS,
    PROPENSITY_MODEL_MEANINGS,
    PROPENSITY_MODELS,
    PROPENSITY_TECHNICAL_NAMES,
    ChurnTable,
    PropensityResult,
    SegmentationError,
    churn_table,
    fit_propensity,
    target_candidates,
)

CHURN_CHOICE = "No purchase in the next N days (from the orders)"
RESULT_KEY = "predictions:propensity"
#: Every customer's score (id as text, ``propensity`` 0-1, ``decile`` 1-10, ``target``): for later pages.
SCORES_KEY = "predictions:scores"
MODEL_HELP = "\n".join(
    f"- **{PROPENSITY_MODEL_LABELS[m]}** ({PROPENSITY_TECHNICAL_NAMES[m]}): {PROPENSITY_MODEL_MEANINGS[m]}."
    for m in PROPENSITY_MODELS
)


@st.cache_data(max_entries=8)
def _candidates(_customers: pd.DataFrame, data_token: str, id_col: str) -> tuple[str, ...]:
    return target_candidates(_customers, id_col=id_col)


@st.cache_data(show_spinner="Splitting the purchases at the cut-off…", max_entries=4)
def _churn(_transactions: pd.DataFrame, data_token: str, _columns: Any, churn_days: int) -> ChurnTable:
    return churn_table(_transactions, columns=_columns, churn_days=churn_days)


def _train(
    frame: pd.DataFrame, request: tuple[Any, ...], *, target: str, id_col: str, roles: dict[str, str] | None
) -> PropensityResult:
    """Train (with a status box listing each model) once per request; kept in the session.

    (Not ``st.cache_data``: a cached function cannot write progress into a box drawn outside it.)
    """
    cached = st.session_state.get(RESULT_KEY)
    if cached is not None and cached[0] == request:
        return cached[1]
    models = request[-2]
    with st.status("Training the models…", expanded=True) as box:
        result = fit_propensity(
            frame,
            target=target,
            id_col=id_col,
            roles=roles,
            models=models,
            seed=request[-1],
            on_model=lambda label: box.write(f"Training {label.lower()} with cross-validation…"),
        )
        box.update(label=f"Trained {len(models)} models", state="complete", expanded=False)
    st.session_state[RESULT_KEY] = (request, result)
    return result


def draw(data: state.ActiveData) -> None:
    """The propensity tab for ``data``: choose the outcome, train, read the answer and the checks."""
    st.subheader("Who is likely to say yes")
    options = list(_candidates(data.customers, data.token, data.customer_id_col))
    if data.has_transactions and data.transaction_columns is not None:
        options.append(CHURN_CHOICE)
    if not options:
        st.info(
            "This table has no yes/no column (such as 'responded to the last campaign' or 'churned') and no "
            "purchase dates, so there is no outcome to learn. Load a customer table with a yes/no column, or "
            "purchase lines, on the Data page."
        )
        return
    target = st.selectbox(
        "What should be predicted?",
        options,
        help="Only yes/no columns are offered. With purchase data, 'no purchase in the next N days' is built "
        "from the orders: history up to a cut-off date, and whether each customer bought after it.",
    )
    churn_days = None
    if target == CHURN_CHOICE:
        churn_days = int(
            st.number_input("N: days without a purchase that count as churn", 14, 730, 90, step=1)
        )
    models = st.multiselect(
        "Models to compare",
        list(PROPENSITY_MODELS),
        default=list(PROPENSITY_MODELS),
        format_func=PROPENSITY_MODEL_LABELS.__getitem__,
        help=MODEL_HELP,
    )
    if not models:
        st.warning("Choose at least one model.")
        return
    request = (data.token, target, churn_days, tuple(models), state.seed())
    cached = st.session_state.get(RESULT_KEY)
    if (cached is None or cached[0] != request) and not st.button("Train and compare", type="primary"):
        st.caption("Training five models on a few thousand customers takes about a minute.")
        return
    try:
        frame, target_col, id_col, roles, outcome = _outcome_table(data, target, churn_days)
        result = _train(frame, request, target=target_col, id_col=id_col, roles=roles)
    except SegmentationError as exc:
        st.error(str(exc))
        return
    _show(result, outcome)
    scores = result.scores.assign(target=target_col)
    state.put(SCORES_KEY, scores)
    _share_with_later_pages(scores, id_col=result.id_col)
    st.caption(
        f"Each customer's score (chance of yes, 0-100%) and decile are kept for the next pages "
        f"({len(scores):,} customers)."
    )
    st.download_button(
        "Download scores (CSV)",
        scores.to_csv(index=False).encode("utf-8"),
        file_name="propensity_scores.csv",
        mime="text/csv",
    )


def _share_with_later_pages(scores: pd.DataFrame, *, id_col: str | None) -> None:
    """Add ``propensity`` and ``propensity_decile`` to the shared per-customer predictions, if any.

    (The Predictions page's shared store, ``state.set_predictions``, is keyed on ``customer``; until
    it exists the scores live only under :data:`SCORES_KEY`.)
    """
    share = getattr(state, "set_predictions", None)
    if share is None or id_col is None:
        return
    share(
        pd.DataFrame(
            {
                "customer": scores[id_col].astype(str),
                "propensity": scores["propensity"],
                "propensity_decile": scores["decile"],
            }
        )
    )


def _outcome_table(
    data: state.ActiveData, target: str, churn_days: int | None
) -> tuple[pd.DataFrame, str, str, dict[str, str] | None, str]:
    """The table to learn from, its target and id columns, roles (None: inferred) and the outcome's story."""
    if churn_days is None:
        return data.customers, target, data.customer_id_col, data.roles, ""
    churn = _churn(data.transactions, data.token, data.transaction_columns, churn_days)
    return churn.frame, churn.target, churn.id_col, None, churn.description


def _show(result: PropensityResult, outcome: str) -> None:
    if outcome:
        st.caption(outcome)
    st.success(result.headline)
    st.markdown(
        "AUC is the chance that a random customer who said yes is scored above a random one who said no: "
        "0.5 is guessing, 1.0 is perfect. The ± is how much it moved between the test folds."
    )
    _model_table(result)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(_gains_chart(result), width="stretch")
        st.caption(f"What this means: {result.gains_sentence[0].lower()}{result.gains_sentence[1:]}")
    with right:
        st.plotly_chart(_calibration_chart(result), width="stretch")
        st.caption(
            "What this means: dots near the dashed line mean the scores can be read as chances "
            "(of customers scored 30%, about 30% said yes)."
        )
    if result.tree_rules:
        st.markdown("**The decision tree's rules, in words** (groups with the most yes first)")
        st.markdown("\n".join(f"- {rule.text}" for rule in result.tree_rules[:6]))
    if result.importance:
        st.plotly_chart(_importance_chart(result), width="stretch")
        st.caption(
            "What this means: the longer the bar, the more the chosen model's ranking suffers when that "
            "column's values are shuffled between customers."
        )
    if result.excluded_features or result.notes:
        with st.expander(f"Columns left out ({len(result.excluded_features)}) and notes"):
            for excluded in result.excluded_features:
                st.markdown(f"- **{excluded.column}**: {excluded.reason}")
            for note in result.notes:
                st.markdown(f"- {note}")


def _model_table(result: PropensityResult) -> None:
    table = pd.DataFrame(
        {
            "Model": [m.label for m in result.models],
            "AUC": [m.auc for m in result.models],
            "± spread": [m.auc_std for m in result.models],
            "Chosen": [m.name == result.best_model for m in result.models],
            "Seconds": [m.seconds for m in result.models],
            "Note": [m.note or "—" for m in result.models],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "Model": st.column_config.TextColumn("Model", help=MODEL_HELP),
            "AUC": st.column_config.ProgressColumn(
                "AUC",
                help="Cross-validated ROC AUC (mean over the test folds)",
                format="%.3f",
                min_value=0.5,
                max_value=1.0,
            ),
            "± spread": st.column_config.NumberColumn(
                help="Standard deviation over the folds", format="%.3f"
            ),
            "Seconds": st.column_config.NumberColumn(format="%.1f"),
        },
    )


def _gains_chart(result: PropensityResult) -> go.Figure:
    shown = [0] + [10 * d.decile for d in result.deciles]
    captured = [0.0] + [100 * d.cumulative_share for d in result.deciles]
    figure = go.Figure()
    figure.add_scatter(
        x=shown,
        y=captured,
        mode="lines+markers",
        name="By score",
        hovertemplate="Top %{x}% of customers hold %{y:.0f}% of the yes<extra></extra>",
    )
    figure.add_scatter(x=[0, 100], y=[0, 100], mode="lines", name="At random", line={"dash": "dash"})
    figure.update_layout(
        title=f"Gains: share of all {result.target} = yes reached by contacting the top-scored",
        xaxis_title="Customers contacted, highest scores first (%)",
        yaxis_title="Share of all yes reached (%)",
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _calibration_chart(result: PropensityResult) -> go.Figure:
    predicted = np.array([100 * b.predicted for b in result.calibration])
    observed = np.array([100 * b.observed for b in result.calibration])
    counts = [b.customers for b in result.calibration]
    figure = go.Figure()
    figure.add_scatter(
        x=predicted,
        y=observed,
        mode="markers+lines",
        name="Customers by score band",
        customdata=counts,
        hovertemplate="Scored %{x:.0f}% on average: %{y:.0f}% said yes "
        "(%{customdata:,} customers)<extra></extra>",
    )
    figure.add_scatter(
        x=[0, 100], y=[0, 100], mode="lines", name="Perfectly calibrated", line={"dash": "dash"}
    )
    figure.update_layout(
        title="Calibration: predicted chance vs what happened",
        xaxis_title="Predicted chance of yes (%)",
        yaxis_title="Actual share of yes (%)",
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _importance_chart(result: PropensityResult) -> go.Figure:
    top = list(result.importance[:10])[::-1]
    figure = go.Figure(
        go.Bar(
            x=[max(f.importance, 0.0) for f in top],
            y=[f.column for f in top],
            orientation="h",
            hovertemplate="%{y}: AUC drops by %{x:.3f} when shuffled<extra></extra>",
        )
    )
    figure.update_layout(
        title="Features that matter most to the chosen model",
        xaxis_title="Drop in AUC when the column is shuffled (AUC points)",
        yaxis_title="Column",
    )
    return figure
