"""The Campaigns page's audience builder: AND/OR groups of conditions with a live count after each.

Drawn by :func:`draw` inside the Campaigns page; the conditions themselves (operators, reading
numbers/dates/yes-no from text, counting) live in :mod:`segmentation.campaigns.conditions`.
The builder's layout (which groups hold which conditions) is kept in session state under
page-only keys (``"campaigns:…"``); each widget's key carries its condition's number, so
removing one condition leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from segmentation import (
    OPERATORS,
    OPERATORS_BY_KIND,
    PREDICTION_LABELS,
    AudienceQuery,
    Condition,
    ConditionGroup,
    QueryCounts,
    SegmentationError,
    column_kind,
    count_after_each,
    describe_query,
    query_mask,
)

LAYOUT = "campaigns:builder"  # list of {"id": group number, "conditions": [condition numbers]}
NEXT_ID = "campaigns:builder_next"
#: Readable names of the columns the journey adds to the customer table.
COLUMN_LABELS = {"segment_name": "Segment", "rfm_segment": "RFM group", **PREDICTION_LABELS}
MATCH_LABELS = {"all": "all of these (AND)", "any": "any of these (OR)"}
COMBINE_LABELS = {"all": "every group (AND)", "any": "any group (OR)"}
_HIDDEN = frozenset({"segment"})  # the number behind "Segment": offered by name instead
_PICK = "— choose a column —"


# ---- cached wrappers -------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _column_kinds(_customers: pd.DataFrame, key: str) -> dict[str, str]:
    return {str(c): column_kind(_customers[c]) for c in _customers.columns if str(c) not in _HIDDEN}


@st.cache_data(show_spinner=False, max_entries=32)
def _category_values(_customers: pd.DataFrame, key: str, column: str) -> list[str]:
    values = _customers[column].dropna().astype("str").str.strip()
    return sorted(v for v in values.unique() if v)


@st.cache_data(show_spinner=False, max_entries=32)
def _counts(_customers: pd.DataFrame, key: str, base: AudienceQuery, query: AudienceQuery) -> QueryCounts:
    chosen = _customers if base.is_empty else _customers[query_mask(_customers, base)]
    return count_after_each(chosen, query)


def chosen_groups(segments: tuple[str, ...], rfm_groups: tuple[str, ...]) -> AudienceQuery:
    """The page's segment and RFM choices as a query, so the builder counts within them."""
    groups = []
    if segments:
        groups.append(ConditionGroup((Condition("segment_name", "one_of", segments),)))
    if rfm_groups:
        groups.append(ConditionGroup((Condition("rfm_segment", "one_of", rfm_groups),)))
    return AudienceQuery(tuple(groups))


# ---- layout in session state -----------------------------------------------------------------
def _new_id() -> int:
    number = int(st.session_state.get(NEXT_ID, 0))
    st.session_state[NEXT_ID] = number + 1
    return number


def _layout() -> list[dict[str, Any]]:
    if LAYOUT not in st.session_state:
        st.session_state[LAYOUT] = [{"id": _new_id(), "conditions": []}]
    layout: list[dict[str, Any]] = st.session_state[LAYOUT]
    return layout


def _add_condition(group_id: int) -> None:
    for group in _layout():
        if group["id"] == group_id:
            group["conditions"].append(_new_id())


def _remove_condition(group_id: int, condition_id: int) -> None:
    for group in _layout():
        if group["id"] == group_id:
            group["conditions"].remove(condition_id)


def _add_group() -> None:
    _layout().append({"id": _new_id(), "conditions": [_new_id()]})


def _remove_group(group_id: int) -> None:
    st.session_state[LAYOUT] = [g for g in _layout() if g["id"] != group_id] or [
        {"id": _new_id(), "conditions": []}
    ]


# ---- widgets ---------------------------------------------------------------------------------
def _label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def _value(
    customers: pd.DataFrame, data_key: str, cid: int, column: str, kind: str, operator: str
) -> tuple[bool, Any]:
    """The value widget for ``operator`` on a ``kind`` column: (complete, value)."""
    key = f"campaigns:cond_value:{cid}:{column}:{operator}"
    if operator in ("is_yes", "is_no", "missing", "not_missing"):
        return True, None
    if operator == "between":
        # Stacked, not side by side: this already sits in a column (Streamlit nests columns one level).
        low = st.number_input("From", value=None, key=f"{key}:low", placeholder="e.g. 10")
        high = st.number_input("To", value=None, key=f"{key}:high", placeholder="e.g. 500")
        if low is None or high is None:
            return False, None
        if low > high:
            st.caption(":material/info: “From” is above “To”: swap them.")
            return False, None
        return True, (float(low), float(high))
    if kind == "number":
        number = st.number_input("Value", value=None, key=key, placeholder="e.g. 100")
        return number is not None, None if number is None else float(number)
    if operator == "within_days":
        days = st.number_input("Days", min_value=0, value=30, step=1, key=key)
        return True, int(days)
    if operator in ("before", "after"):
        day = st.date_input("Date", value=None, key=key, format="YYYY-MM-DD")
        return isinstance(day, dt.date), day.isoformat() if isinstance(day, dt.date) else None
    categories = _category_values(customers, data_key, column) if kind == "category" else []
    if operator == "one_of":
        if categories:
            picked = st.multiselect("Values", categories, key=key, placeholder="Choose one or more")
        else:
            text = st.text_input("Values, separated by commas", key=key, placeholder="e.g. DE, FR")
            picked = [v.strip() for v in text.split(",") if v.strip()]
        return bool(picked), tuple(str(v) for v in picked)
    if categories and operator in ("is", "is_not"):
        choice = st.selectbox("Value", categories, index=None, key=key, placeholder="Choose a value")
        return choice is not None, choice
    text = st.text_input("Value", key=key, placeholder="e.g. DE")
    return bool(text.strip()), text.strip()


def _condition_row(
    customers: pd.DataFrame, data_key: str, kinds: dict[str, str], group_id: int, cid: int
) -> Condition | None:
    """One condition's widgets; the condition once it is complete, else None."""
    columns = [_PICK, *sorted(kinds, key=lambda c: (c not in COLUMN_LABELS, c not in ("segment_name",), c))]
    left, middle, right, remove = st.columns([3, 2, 3, 1], vertical_alignment="bottom")
    column = left.selectbox("Column", columns, key=f"campaigns:cond_col:{cid}", format_func=_label)
    remove.button(
        "Remove", key=f"campaigns:remove_condition:{cid}", help="Remove this condition", type="tertiary",
        on_click=_remove_condition, args=(group_id, cid),
    )  # fmt: skip
    if column == _PICK:
        return None
    kind = kinds[column]
    operator = middle.selectbox(
        "Condition",
        OPERATORS_BY_KIND[kind],
        key=f"campaigns:cond_op:{cid}:{column}",
        format_func=OPERATORS.get,
    )
    with right:
        complete, value = _value(customers, data_key, cid, column, kind, operator)
    return Condition(column, operator, value) if complete else None


def draw(
    customers: pd.DataFrame, data_key: str, *, base: AudienceQuery | None = None
) -> AudienceQuery | None:
    """Draw the builder for ``customers`` (the segmented table) and return its query.

    Counts are of the customers matching ``base`` (the page's segment and RFM choices).
    Incomplete conditions (no value yet) are left out and say so; None when the conditions
    cannot be used (an error is shown).
    """
    kinds = _column_kinds(customers, data_key)
    layout = _layout()
    st.markdown("**Audience: who to include** (any column, segment, RFM group or score)")
    combine = "all"
    if len(layout) > 1:
        combine = st.radio(
            "Customers must match", list(COMBINE_LABELS), format_func=COMBINE_LABELS.get,
            horizontal=True, key="campaigns:combine",
        )  # fmt: skip
    groups: list[ConditionGroup] = []
    slots: dict[str, Any] = {}  # where each condition's and group's live count is written
    shown: list[list[int]] = []  # per group, the condition numbers that made it into the query
    for number, group in enumerate(layout, start=1):
        with st.container(border=True):
            match = "all"
            if len(group["conditions"]) <= 1:
                st.caption(f"Group {number}")
            else:
                match = st.radio(
                    f"Group {number}: customers match", list(MATCH_LABELS), format_func=MATCH_LABELS.get,
                    horizontal=True, key=f"campaigns:group_match:{group['id']}",
                )  # fmt: skip
            complete: list[Condition] = []
            ids: list[int] = []
            for cid in group["conditions"]:
                condition = _condition_row(customers, data_key, kinds, group["id"], cid)
                if condition is not None:
                    complete.append(condition)
                    ids.append(cid)
                slots[f"condition:{cid}"] = st.empty()
            add, drop, _ = st.columns([1, 1, 3])
            add.button(
                "Add a condition", key=f"campaigns:add_condition:{group['id']}", icon=":material/add:",
                on_click=_add_condition, args=(group["id"],),
            )  # fmt: skip
            if len(layout) > 1:
                drop.button(
                    "Remove this group", key=f"campaigns:remove_group:{group['id']}",
                    icon=":material/delete:", on_click=_remove_group, args=(group["id"],),
                )  # fmt: skip
            slots[f"group:{group['id']}"] = st.empty()
        groups.append(ConditionGroup(tuple(complete), str(match)))
        shown.append(ids)
    st.button("Add a group (OR / AND with the groups above)", key="campaigns:add_group", on_click=_add_group)
    query = AudienceQuery(tuple(groups), str(combine), as_of=dt.date.today().isoformat())
    if query.is_empty:
        waiting = any(group["conditions"] for group in layout)
        st.caption(
            "Give each condition a value to count its customers."
            if waiting
            else "No conditions: every customer of the chosen segments is in the audience."
        )
        return query
    try:
        counts = _counts(customers, data_key, base or AudienceQuery(), query)
    except SegmentationError as exc:
        st.error(str(exc))
        return None
    _show_counts(layout, shown, counts, slots)
    sentence = describe_query(query, labels=COLUMN_LABELS)
    within = " of the chosen segments" if base is not None and not base.is_empty else ""
    st.info(
        f"**{sentence}**: {counts.total:,} of {counts.n_customers:,} customers{within}, "
        "before consent, suppression and duplicates are removed."
    )
    st.download_button(
        "Save this audience (JSON)", query.to_json().encode("utf-8"), file_name="audience.json",
        mime="application/json", on_click="ignore", key="campaigns:download_audience",
        help="Reuse it on the command line: segmentation export … --audience audience.json",
    )  # fmt: skip
    return query


def _show_counts(
    layout: list[dict[str, Any]], shown: list[list[int]], counts: QueryCounts, slots: dict[str, Any]
) -> None:
    for group, ids, after, alone, combined in zip(
        layout, shown, counts.after_condition, counts.group, counts.after_group, strict=True
    ):
        for cid, count in zip(ids, after, strict=True):
            slots[f"condition:{cid}"].caption(f"→ {count:,} customers so far in this group")
        incomplete = len(group["conditions"]) - len(ids)
        note = ""
        if incomplete:
            note = (
                " (1 condition still needs a value)"
                if incomplete == 1
                else f" ({incomplete} still need a value)"
            )
        slots[f"group:{group['id']}"].caption(
            f"This group: {alone:,} customers; with the groups above: {combined:,}{note}."
        )
