"""Units and words every page shares: the money's currency and the marketer's column labels.

The Data page sets both once (:func:`currency_picker`, :func:`labels_editor`); every other page
reads them through :mod:`app_pages.state` and writes money with :func:`money` and money columns
of tables with :func:`money_columns_config`.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import streamlit as st

from app_pages import state
from segmentation import (
    CURRENCIES,
    CurrencyGuess,
    FeatureFill,
    format_money,
    in_thousands,
    is_money_column,
    readable_label,
)

NO_CURRENCY = "No currency (plain numbers)"
OTHER_WORD = "Another unit (type a word)…"
_MONEY_ROLES = frozenset({"amount", "price"})


def money(value: float, *, compact: bool = False) -> str:
    """``value`` written with the marketer's currency (``€1,234``; plain ``1,234`` when none is set)."""
    return format_money(value, state.currency(), compact=compact)


def signed_money(value: float) -> str:
    """``+€1,234`` / ``-€56``; a rounded zero has no sign."""
    text = money(abs(value))
    if not any(ch.isdigit() and ch != "0" for ch in text):
        return text
    return f"{'-' if value < 0 else '+'}{text}"


def money_unit() -> str:
    """The unit for an axis or a header: ``€``, ``CHF``, the marketer's word, or "" for none."""
    code = state.currency()
    known = CURRENCIES.get(code)
    return known.symbol if known is not None else code


def _printf_format(currency: str, *, thousands: bool = False) -> str:
    """The column format, thousands grouped in every currency.

    ``$1,234.50``, ``CHF 1,234.50``, ``¥1,235``, ``1,234.50 points`` (a word after the number) and
    ``$75.0k`` for columns in thousands. Streamlit's printf formats group with ``,`` (``%,.2f``), so
    the cells stay numbers (the table sorts by value) and read like :func:`money`.
    """
    known = CURRENCIES.get(currency)
    places = 1 if thousands else (known.decimals if known is not None else 2)
    number = f"%,.{places}f" + ("k" if thousands else "")
    if known is None:
        word = currency.replace("%", "")  # a "%" would start another printf directive
        return f"{number} {word}" if word else number
    spacer = " " if known.symbol[-1].isalpha() else ""
    return f"{known.symbol}{spacer}{number}"


def money_format() -> str:
    """The format of a money column in the marketer's currency (thousands grouped; plain without one)."""
    currency = state.currency()
    return _printf_format(currency) if currency else "%,.2f"


def is_money(column: str, roles: dict[str, str] | None = None) -> bool:
    """Whether a column holds money: its role says so, or (without a role) its name does."""
    role = (roles or {}).get(str(column))
    return role in _MONEY_ROLES or (role in (None, "numeric") and is_money_column(str(column)))


def axis_label(column: str, roles: dict[str, str] | None = None) -> str:
    """A chart axis title: the column's label, with the currency for money (``"Monetary (€)"``)."""
    unit = money_unit() if is_money(column, roles) else ""
    return f"{label(column)} ({unit})" if unit else label(column)


def money_columns_config(frame: pd.DataFrame, roles: dict[str, str] | None = None) -> dict[str, object]:
    """``st.dataframe`` column configs writing the money columns of ``frame`` with the currency."""
    currency = state.currency()
    if not currency:
        return {}
    config: dict[str, object] = {}
    for column in frame.columns:
        name = str(column)
        numeric = pd.api.types.is_numeric_dtype(frame[column].dtype) and not pd.api.types.is_bool_dtype(
            frame[column].dtype
        )
        if numeric and is_money(name, roles):
            config[name] = st.column_config.NumberColumn(
                label(name),
                format=_printf_format(currency, thousands=in_thousands(name)),
                help=f"Money, in {currency}" + (", in thousands." if in_thousands(name) else "."),
            )
    return config


def labelled_config(frame: pd.DataFrame, config: dict[str, object]) -> dict[str, object]:
    """``config`` (``st.dataframe`` column configs) with every column of ``frame`` headed by its label."""
    out: dict[str, object] = {}
    for column in frame.columns:
        name = str(column)
        given = config.get(name)
        entry = dict(given) if isinstance(given, dict) else {}
        entry["label"] = label(name)
        out[name] = entry
    return out


def label(column: str) -> str:
    """The label of a column: the marketer's, else the readable label (``MntWines`` → "Wines (Mnt)")."""
    return state.column_labels().get(str(column)) or _default_label(str(column))


def labelled(columns: list[str] | tuple[str, ...] | pd.Index) -> dict[str, str]:
    """Column → label for every column (for ``DataFrame.rename`` of a chart's or table's columns)."""
    return {str(c): label(str(c)) for c in columns}


def distinct_labels(columns: list[str] | tuple[str, ...] | pd.Index) -> dict[str, str]:
    """Column → label for a picker: two columns given the same label are told apart by their names.

    A widget's options must read differently (Streamlit maps the shown text back to the value), and
    a marketer who labels two columns alike still has to know which one they pick.
    """
    labels = labelled(columns)
    shown = list(labels.values())
    return {
        column: f"{text} ({column})" if shown.count(text) > 1 else text for column, text in labels.items()
    }


def with_labels(text: str, columns: list[str] | tuple[str, ...] | pd.Index) -> str:
    """A sentence from the package with each quoted column name (``'monetary'``) replaced by its label."""
    quoted = {repr(str(c)): repr(label(str(c))) for c in columns}
    if not quoted:
        return text
    pattern = "|".join(re.escape(q) for q in sorted(quoted, key=len, reverse=True))
    return re.sub(pattern, lambda found: quoted[found.group(0)], text)  # one pass: no label relabelled


def fill_sentence(fill: FeatureFill) -> str:
    """How one feature's missing values were filled, the feature named by its label."""
    return dataclasses.replace(fill, feature=label(fill.feature)).sentence


def feature_labels(names: pd.Index | list[str], columns: pd.Index | list[str]) -> dict[str, str]:
    """Labels for a chart's feature names: a column's label, and "column: level" as "label: level"."""
    known = {str(c) for c in columns}
    mapping: dict[str, str] = {}
    for name in (str(n) for n in names):
        column, _, level = name.partition(": ")
        if name in known:
            mapping[name] = label(name)
        elif level and column in known:
            mapping[name] = f"{label(column)}: {level}"
    return mapping


def _choice_label(option: str) -> str:
    known = CURRENCIES.get(option)
    return f"{option} — {known.name} ({known.symbol})" if known is not None else option


def currency_picker(guess: CurrencyGuess | None, *, data_token: str) -> None:
    """Show the detected currency and let the marketer set it once for every page and export.

    The widgets are keyed on the dataset, so a new file starts on its own detected currency
    rather than on the choice made for the previous one.
    """
    st.markdown("**Money**")
    current = state.currency()
    if guess is not None and guess.known:
        text = f"Detected currency: **{_choice_label(guess.code)}**, because {guess.evidence}."
        if guess.sure:
            st.caption(text)
        else:
            st.info(f"{text} This is a guess: please confirm or change it below.")
    elif guess is not None:
        st.info(
            "We could not tell the currency: "
            f"{guess.evidence}. Choose it below so money reads the same on every page and in exports."
        )
    options = [*CURRENCIES, OTHER_WORD, NO_CURRENCY]
    if not current:
        index = options.index(NO_CURRENCY)
    elif current in CURRENCIES:
        index = options.index(current)
    else:
        index = options.index(OTHER_WORD)
    picked = st.selectbox(
        "Currency of the money columns",
        options,
        index=index,
        format_func=_choice_label,
        key=f"data:currency:{data_token}",
        help="Used for spend in personas, money columns in tables, revenue on the results page and in "
        "campaign manifests.",
    )
    if picked == OTHER_WORD:
        word = st.text_input(
            "Unit word (written after the number)", value="" if current in CURRENCIES else current,
            key=f"data:currency_word:{data_token}", placeholder="e.g. points",
        )  # fmt: skip
        chosen = " ".join(word.split())
    else:
        chosen = "" if picked == NO_CURRENCY else picked
    if chosen != current:
        state.set_currency(chosen)
        st.rerun()  # the table above was drawn with the previous currency
    st.caption(f"Money is written like this: {money(1234.5)} and {money(12.5)}.")


def labels_editor(frame: pd.DataFrame, *, data_token: str, skip: tuple[str, ...] = ()) -> None:
    """A table of column → label the marketer edits once; personas, charts and tables use the labels."""
    columns = [str(c) for c in frame.columns if str(c) not in skip]
    if not columns:
        return
    current = state.column_labels()
    rows = pd.DataFrame(
        {
            "Column": columns,
            "Label": [current.get(c, _default_label(c)) for c in columns],
        }
    )
    edited = st.data_editor(
        rows,
        hide_index=True,
        width="stretch",
        disabled=["Column"],
        column_config={
            "Column": st.column_config.TextColumn("Column", help="The name in your file."),
            "Label": st.column_config.TextColumn(
                "Label", help="How personas, charts and tables name this column.", required=True
            ),
        },
        key=f"data:labels_editor:{data_token}",
    )
    labels = {
        str(column): " ".join(str(text).split())
        for column, text in zip(edited["Column"], edited["Label"], strict=True)
        if isinstance(text, str)
        and " ".join(text.split())
        and " ".join(text.split()) != _default_label(column)
    }
    if labels != current:
        state.set_column_labels(labels)
        st.rerun()  # the tables above were headed with the previous labels


def _default_label(column: str) -> str:
    text = readable_label(str(column))
    return text[:1].upper() + text[1:]
