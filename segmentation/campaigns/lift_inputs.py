"""The lists :mod:`segmentation.campaigns.lift` reads: a split export joined back, simulated results.

Kept apart from the statistics so :mod:`.lift` stays about comparing the groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.campaigns.export import unescape_text
from segmentation.errors import ColumnError, ParameterError
from segmentation.keys import match_key

__all__ = ["combine_split_lists", "simulate_results"]


def combine_split_lists(
    send: pd.DataFrame, control: pd.DataFrame, *, group_col: str = "group"
) -> pd.DataFrame:
    """The send list and the control file of a split export as one list with a ``group`` column.

    Parameters
    ----------
    send : DataFrame of shape (n_treatment, n_columns)
        The people who were contacted (``export --split-control``'s OUT, the app's send file).
    control : DataFrame of shape (n_control, n_columns)
        The control group held back.

    Returns
    -------
    DataFrame of shape (n_treatment + n_control, n_columns + 1)
    """
    for frame, what in ((send, "send list"), (control, "control file")):
        if group_col in frame.columns:
            groups = set(match_key(frame[group_col])) - {""}
            expected = "treatment" if what == "send list" else "control"
            if groups - {expected}:
                raise ColumnError(
                    f"the {what} already has a {group_col!r} column with {sorted(groups)!r}; give the "
                    "full list alone, or the send list with its control file."
                )
    missing = [c for c in send.columns if c != group_col and c not in control.columns]
    if missing:
        raise ColumnError(
            f"the control file has no column {missing[0]!r} that the send list has; give the control file "
            "written with the same list."
        )
    return pd.concat(
        [send.assign(**{group_col: "treatment"}), control.assign(**{group_col: "control"})],
        ignore_index=True,
    )


def simulate_results(
    export: pd.DataFrame,
    *,
    customer_col: str,
    control_rate: float = 0.03,
    absolute_lift: float = 0.01,
    mean_order_value: float = 50.0,
    seed: int = 0,
    group_col: str = "group",
) -> pd.DataFrame:
    """Made-up campaign results for a list, to preview the analysis before real results exist.

    Each control customer converts with probability ``control_rate``, each treated customer with
    ``control_rate + absolute_lift``; converters spend a gamma-distributed amount averaging
    ``mean_order_value``. Never use these numbers as evidence: they only show what the report
    will look like.

    Returns
    -------
    DataFrame of shape (n_listed, 3)
        ``customer_col``, ``converted`` (0/1) and ``revenue``.
    """
    if not 0 <= control_rate <= 1 or not 0 <= control_rate + absolute_lift <= 1:
        raise ParameterError("the simulated conversion rates must lie between 0 and 1.")
    rng = np.random.default_rng(seed)
    treated = match_key(export[group_col]).eq("treatment").to_numpy()
    probability = np.where(treated, control_rate + absolute_lift, control_rate)
    converted = rng.random(len(export)) < probability
    revenue = np.where(converted, rng.gamma(2.0, mean_order_value / 2.0, len(export)), 0.0).round(2)
    return pd.DataFrame(
        {
            customer_col: unescape_text(export[customer_col]).to_numpy(),
            "converted": converted.astype("int64"),
            "revenue": revenue,
        }
    )
