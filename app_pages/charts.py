"""Small plotly figures shared by pages (the stage-specific ones live with their page)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from segmentation import label_name

# One colour per segment number, on every page: segment 3 is the same colour on Features & k,
# Personas and every later chart, whatever the marketer renames it to. Customers without a
# segment ("Unassigned", "Not segmented …") are grey, a colour no segment gets.
SEGMENT_PALETTE: tuple[str, ...] = tuple(px.colors.qualitative.Plotly)
NO_SEGMENT_COLOUR = "#9ca3af"
_NO_SEGMENT_PREFIXES = ("Unassigned", "Not segmented")


def segment_colour(segment: int) -> str:
    """The colour of segment number ``segment``; grey for the negative labels of customers without one."""
    if segment < 0:
        return NO_SEGMENT_COLOUR
    return SEGMENT_PALETTE[segment % len(SEGMENT_PALETTE)]


def segment_colour_map(names: Mapping[int, str]) -> dict[str, str]:
    """Segment label → colour, for plotly's ``color_discrete_map`` in any chart coloured by segment.

    ``names`` maps segment numbers to the names shown; the colour follows the number, so renaming
    a segment keeps its colour. The fallback labels pages use for an unnamed segment ("Segment 3",
    "3") and the names of customers without a segment are included, so every label on a chart
    has its colour.
    """
    colours: dict[str, str] = {}
    for segment in names:
        colours[str(segment)] = colours[f"Segment {segment}"] = segment_colour(int(segment))
    for segment, name in names.items():  # the names shown win over the fallbacks above
        colours[name] = (
            NO_SEGMENT_COLOUR if name.startswith(_NO_SEGMENT_PREFIXES) else segment_colour(int(segment))
        )
    colours.update({label_name(label, {}): NO_SEGMENT_COLOUR for label in (-1, -2)})
    return colours


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
