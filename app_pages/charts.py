"""Small plotly figures shared by pages (the stage-specific ones live with their page).

The segment colours they use live in :mod:`app_pages.colours` (no plotly.express there, so a page
that only colours, like the Workspace page, opens without loading it); they are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

# Re-exported: pages and tests take the segment colours from here, as they always have.
from app_pages.colours import (  # noqa: F401
    NO_SEGMENT_COLOUR,
    SEGMENT_PALETTE,
    segment_colour,
    segment_colour_map,
)


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
    figure.update_yaxes(type="category")
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


# ---- shared finishing and the wide charts ----------------------------------------------------
#: Heatmaps show this many rows until the marketer asks for all of them.
HEATMAP_ROWS = 12
_LABEL_CHARS = 24
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


def short_label(name: object, *, limit: int = _LABEL_CHARS, keep: str = "both") -> str:
    """``name`` cut to ``limit`` characters with an ellipsis.

    ``keep="both"`` cuts in the middle ("Average basket…aisle 01"): column names often differ
    only at the end (a number, a unit). ``keep="start"`` cuts the end, ``keep="end"`` the start.
    """
    text = str(name)
    if len(text) <= limit:
        return text
    if keep == "start":
        return text[: limit - 1].rstrip() + "…"
    if keep == "end":
        return "…" + text[-(limit - 1) :].lstrip()
    tail = limit // 3
    return text[: limit - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


def short_labels(names: list[str], *, limit: int = _LABEL_CHARS) -> list[str]:
    """Short labels that stay distinct (a category axis would merge two equal ones).

    Cuts in the middle, else at the end, else at the start, whichever keeps every label
    distinct; when none does, equal labels are numbered.
    """
    for keep in ("both", "start", "end"):
        labels = [short_label(name, limit=limit, keep=keep) for name in names]
        if len(set(labels)) == len(labels):
            return labels
    labels = [short_label(name, limit=limit) for name in names]
    seen: dict[str, int] = {}
    numbered = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        numbered.append(label if labels.count(label) == 1 else f"{label} ({seen[label]})")
    return numbered


def finish(
    figure: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    category_axes: str = "",
    height: int | None = None,
) -> go.Figure:
    """Give ``figure`` the house look: a title, both axis titles (with units), categories where asked.

    ``category_axes`` lists the axes ("x", "y" or "xy") that hold labels or ids (segments,
    customers, items): plotly.js would read "1", "2", "2024" as numbers and draw a number line.
    """
    figure.update_layout(
        title={"text": title},
        xaxis_title={"text": x_title},
        yaxis_title={"text": y_title},
        margin=_MARGIN,
        hoverlabel={"namelength": -1},
    )
    if "x" in category_axes:
        figure.update_xaxes(type="category")
    if "y" in category_axes:
        figure.update_yaxes(type="category")
    if height is not None:
        figure.update_layout(height=height)
    return figure


def heatmap_height(rows: int, *, per_row: int = 30, base: int = 170, minimum: int = 320) -> int:
    """Pixels for a heatmap of ``rows`` rows: every row keeps room for its label and number."""
    return max(minimum, base + per_row * rows)


def _cell_format(cells: int) -> str:
    # Two decimals stay readable up to about 10 columns; beyond that one decimal is enough to compare.
    return ".2f" if cells <= 10 else ".1f"


def correlation_order(correlations: pd.DataFrame) -> list[str]:
    """Features ordered so that strongly related ones sit side by side, the most related first.

    Greedy chain: start from the feature with the strongest link to any other, then repeatedly
    add the remaining feature most correlated (in absolute value) with the last one added.
    """
    strength = correlations.abs().to_numpy(dtype="float64", copy=True)
    np.fill_diagonal(strength, np.nan)
    names = [str(c) for c in correlations.columns]
    if len(names) <= 2:
        return names
    remaining = set(range(len(names)))
    current = int(np.nanargmax(np.nanmax(np.nan_to_num(strength, nan=-1.0), axis=1)))
    order = [current]
    remaining.discard(current)
    while remaining:
        candidates = sorted(remaining)
        links = np.nan_to_num(strength[current, candidates], nan=-1.0)
        current = candidates[int(np.argmax(links))]
        order.append(current)
        remaining.discard(current)
    return [names[i] for i in order]


def correlation_heatmap(correlations: pd.DataFrame, *, show_all: bool = False) -> go.Figure:
    """Correlation between features, legible at 20+: related features side by side, rounded numbers.

    Without ``show_all`` only the :data:`HEATMAP_ROWS` features most related to another are shown.
    """
    order = correlation_order(correlations)
    if not show_all and len(order) > HEATMAP_ROWS:
        strength = correlations.abs().to_numpy(dtype="float64", copy=True)
        np.fill_diagonal(strength, 0.0)
        strongest = pd.Series(np.nanmax(strength, axis=1), index=[str(c) for c in correlations.columns])
        keep = set(strongest.sort_values(ascending=False).index[:HEATMAP_ROWS])
        order = [name for name in order if name in keep]
    frame = correlations.set_axis([str(c) for c in correlations.columns], axis=1)
    frame = frame.set_axis([str(c) for c in frame.index], axis=0).loc[order, order]
    labels = short_labels(order)
    figure = go.Figure(
        go.Heatmap(
            z=frame.to_numpy(),
            x=labels,
            y=labels,
            customdata=np.array([[(row, column) for column in order] for row in order], dtype=object),
            zmin=-1,
            zmax=1,
            colorscale="RdBu_r",
            texttemplate="%{z:" + _cell_format(len(order)) + "}",
            colorbar={"title": {"text": "Correlation<br>(-1 to 1)"}},
            hovertemplate="%{customdata[0]} and %{customdata[1]}: correlation %{z:.2f}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    return finish(
        figure,
        title="How strongly features move together (correlation)",
        x_title="Feature",
        y_title="Feature",
        category_axes="xy",
        height=heatmap_height(len(order), per_row=28),
    )


def _signed(value: float) -> str:
    """A cell's number with its sign, one decimal; 0.0 without a sign (never "-0.0")."""
    if not np.isfinite(value):
        return ""
    rounded = round(float(value), 1)
    return "0.0" if rounded == 0 else f"{rounded:+.1f}"


def separation_order(profile: pd.DataFrame) -> list[str]:
    """Features (columns of ``profile``) from the one that separates segments most to the least.

    ``profile`` holds each segment's distance from the average customer in standard deviations;
    a feature separates segments when those distances spread widely (largest range first).
    """
    values = profile.to_numpy(dtype="float64")
    spread = (
        np.nanmax(values, axis=0) - np.nanmin(values, axis=0) if len(profile) else np.zeros(profile.shape[1])
    )
    ranked = pd.Series(np.nan_to_num(spread, nan=0.0), index=[str(c) for c in profile.columns])
    return list(ranked.sort_values(ascending=False, kind="stable").index)


def segment_profile_heatmap(
    profile: pd.DataFrame, names: Mapping[int, str], *, show_all: bool = False
) -> go.Figure:
    """How each segment differs from the average customer: one row per feature, one column per segment.

    ``profile`` is indexed by segment number with one column per feature (standard deviations
    from the average). Features are sorted by how much they separate the segments; without
    ``show_all`` only the first :data:`HEATMAP_ROWS` are drawn. The height grows with the rows.
    """
    order = separation_order(profile)
    if not show_all:
        order = order[:HEATMAP_ROWS]
    frame = profile.set_axis([str(c) for c in profile.columns], axis=1)[order]
    segments = [names.get(int(s), f"Segment {s}") for s in frame.index]
    values = frame.to_numpy(dtype="float64").T  # rows: features, columns: segments
    limit = float(np.nanmax(np.abs(values))) if values.size and np.isfinite(values).any() else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=short_labels(segments),
            y=short_labels(order),
            customdata=np.array([[[name, segment] for segment in segments] for name in order], dtype=object),
            zmin=-limit,
            zmax=limit,
            zmid=0.0,
            colorscale="RdBu_r",
            text=[[_signed(v) for v in row] for row in values],
            texttemplate="%{text}",
            colorbar={"title": {"text": "Above (+) or below (−)<br>the average, in<br>standard deviations"}},
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}: "
            "%{z:+.2f} standard deviations from the average<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    return finish(
        figure,
        title="How each segment differs from the average customer",
        x_title="Segment",
        y_title="Feature (most different first)",
        category_axes="xy",
        height=heatmap_height(len(order)),
    )


def histogram_chart(values: pd.Series, *, label: str, note: str = "") -> go.Figure:
    """Customers per range of one feature."""
    figure = px.histogram(values.to_frame("value"), x="value")
    figure.update_traces(hovertemplate=f"{label} %{{x}}: %{{y:,}} customers<extra></extra>")
    return finish(
        figure, title=f"How {label} is spread across customers{note}", x_title=label, y_title="Customers"
    )


def segment_sizes_chart(sizes: pd.DataFrame, names: Mapping[int, str]) -> go.Figure:
    """Customers per segment (``sizes`` has ``name``, ``customers`` and ``share`` columns)."""
    figure = px.bar(
        sizes,
        x="name",
        y="customers",
        color="name",
        color_discrete_map=segment_colour_map(names),
        custom_data=["share"],
    )
    figure.update_traces(hovertemplate="%{x}: %{y:,} customers (%{customdata[0]:.1%})<extra></extra>")
    figure.update_layout(showlegend=False)
    return finish(
        figure, title="Customers per segment", x_title="Segment", y_title="Customers", category_axes="x"
    )


def silhouette_chart(frame: pd.DataFrame, names: Mapping[int, str], *, mean: float) -> go.Figure:
    """Each customer's fit to its segment (``frame``: ``position``, ``silhouette``, ``segment``)."""
    figure = px.bar(
        frame, x="position", y="silhouette", color="segment", color_discrete_map=segment_colour_map(names)
    )
    figure.update_traces(marker_line_width=0, hovertemplate="%{fullData.name}: fit %{y:+.2f}<extra></extra>")
    return finish(
        figure,
        title=f"How well each customer fits its segment (average {mean:.2f})",
        x_title="Customers, sorted within segment",
        y_title="Fit to own segment (−1 to 1)",
    )
