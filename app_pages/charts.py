"""Small plotly figures shared by pages (the stage-specific ones live with their page)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st


def rfm_group_chart(groups: pd.Series) -> go.Figure:
    """Horizontal bar chart of customers per RFM group, largest first."""
    counts = groups.value_counts()
    frame = pd.DataFrame(
        {
            "group": counts.index.astype(str),
            "customers": counts.to_numpy(),
            "share": counts.to_numpy() / counts.sum(),
        }
    )
    figure = px.bar(
        frame.iloc[::-1],
        x="customers",
        y="group",
        orientation="h",
        title="Customers per RFM group",
        labels={"customers": "Customers", "group": "RFM group"},
        custom_data=["share"],
    )
    figure.update_traces(hovertemplate="%{y}: %{x:,} customers (%{customdata[0]:.1%})<extra></extra>")
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def ids_as_categories(figure: go.Figure, *, axis: str = "y") -> go.Figure:
    """Show ``axis`` as categories: numeric item ids (movieId 1, 2, 3…) are labels, not a number line.

    plotly.js reads text such as "1" and "2" as numbers and would draw a continuous axis with
    gaps and in-between ticks; a category axis keeps one bar per id, in the frame's order.
    """
    if axis == "x":
        figure.update_xaxes(type="category")
    else:
        figure.update_yaxes(type="category")
    return figure


def table_config(frame: pd.DataFrame) -> dict[str, object]:
    """Column formats for ``st.dataframe``: shares as percents, other decimals rounded for reading.

    Only the display changes; the values underneath (and every export) keep full precision.
    """
    config: dict[str, object] = {}
    for column in frame.columns:
        name = str(column)
        if frame[column].dtype.kind != "f":
            continue
        if name.startswith("share_") or name.endswith("_share"):
            config[name] = st.column_config.NumberColumn(name, format="percent")
        else:
            config[name] = st.column_config.NumberColumn(name, format="%.2f")
    return config
