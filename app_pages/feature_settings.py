"""The Features & k page's table of how each feature is prepared, in plain words.

The package's choices (``log1p``, skewness numbers) are shown as words a marketer reads
("compressed large values (log)", "Lopsided: a few very large values"), with the technical
term in the column's help; edits are read back into the package's choices.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from segmentation import MISSING_CHOICES, SCALINGS, SKEW_FOR_LOG, TRANSFORMS

TRANSFORM_WORDS = {
    "none": "as they are",
    "log1p": "compressed large values (log)",
    "yeo-johnson": "evened out",
}
WORDS_TRANSFORM = {words: transform for transform, words in TRANSFORM_WORDS.items()}


def shape_words(skew: float) -> str:
    """The skewness of a column in words (empty for categories, which have none)."""
    if pd.isna(skew):
        return ""
    if abs(float(skew)) > SKEW_FOR_LOG:
        return "Lopsided: a few very large values" if skew > 0 else "Lopsided: a few very small values"
    return "Even"


def preparation_editor(defaults: pd.DataFrame, *, labels: Mapping[str, str], key: str) -> pd.DataFrame:
    """Edit a :func:`segmentation.specs_table` in words; returns it with the package's choices.

    ``labels`` (column → the marketer's label) names each feature; the column's own name is shown
    beside it, and the table returned has only the package's columns.
    """
    shown = defaults.assign(
        transform=defaults["transform"].map(TRANSFORM_WORDS),
        skew=[shape_words(value) for value in defaults["skew"]],
    )
    shown.insert(0, "label", [labels.get(str(f), str(f)) for f in defaults["feature"]])
    edited = st.data_editor(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["label", "feature", "kind", "n_missing", "skew", "levels"],
        column_config={
            "label": st.column_config.TextColumn("Feature"),
            "feature": st.column_config.TextColumn("Name in your file"),
            "kind": st.column_config.TextColumn("Kind"),
            "missing": st.column_config.SelectboxColumn(
                "Missing values", options=list(MISSING_CHOICES), required=True
            ),
            "n_missing": st.column_config.NumberColumn("Customers missing", format="%d"),
            "transform": st.column_config.SelectboxColumn(
                "Large values",
                options=[TRANSFORM_WORDS[t] for t in TRANSFORMS],
                required=True,
                help="How very large values are treated. Technical names: as they are = none; compressed "
                "(log) = log1p, the logarithm of 1 + value; evened out = the Yeo-Johnson power transform.",
            ),
            "scaling": st.column_config.SelectboxColumn("Scaling", options=list(SCALINGS), required=True),
            "weight": st.column_config.NumberColumn("Weight", min_value=0.1, max_value=10.0, step=0.1),
            "rare_share": st.column_config.NumberColumn(
                "Group levels rarer than", min_value=0.0, max_value=0.49, step=0.01, format="percent"
            ),
            "skew": st.column_config.TextColumn(
                "Shape of the values",
                help=f"Lopsided when the skewness (a measure of asymmetry) is above {SKEW_FOR_LOG:g}: most "
                "customers have small values and a few have very large ones.",
            ),
            "levels": st.column_config.NumberColumn("Distinct values", format="%d"),
        },
    )
    return edited.drop(columns="label").assign(transform=edited["transform"].map(WORDS_TRANSFORM))
