"""Data page: bring a customer or order export (or keep the demo), see how it was read and what it holds."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from app_pages import state, workspace_session
from app_pages.charts import rfm_group_chart, table_config
from app_pages.shell import load_demo, page_header
from app_pages.units import currency_picker, labelled_config, labels_editor, money_columns_config
from app_pages.upload import UPLOAD_TYPES, read_upload
from segmentation import (
    DEMO_NAME,
    ROLE_LABELS,
    SUPPORTED_ENCODINGS,
    CustomerDataset,
    LoadedTable,
    ReadOptions,
    Role,
    SegmentationError,
    TableProfile,
    TransactionColumns,
    coerce_table,
    customer_table_dataset,
    detect_currency,
    detect_transaction_columns,
    fingerprint,
    infer_roles,
    profile_table,
    rfm_segment_table,
    transaction_dataset,
)

DELIMITERS = {"Comma ,": ",", "Semicolon ;": ";", "Tab": "\t", "Pipe |": "|", "Spaces": " "}
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}
AUTO = "Detect automatically"


# ---- cached wrappers (keys are content hashes; frames travel as unhashed "_" arguments) ----
@st.cache_data(show_spinner="Working out what each column holds…", max_entries=8)
def _roles(_frame: pd.DataFrame, key: str) -> dict[str, Role]:
    return infer_roles(_frame)


@st.cache_data(show_spinner="Checking data quality…", max_entries=8)
def _typed_and_profile(
    _frame: pd.DataFrame, key: str, roles: dict[str, str], decimal: str
) -> tuple[pd.DataFrame, TableProfile]:
    typed_roles = {c: Role(r) for c, r in roles.items()}
    return coerce_table(_frame, typed_roles, decimal=decimal), profile_table(
        _frame, roles=typed_roles, decimal=decimal
    )


@st.cache_data(show_spinner="Building one row per customer from the purchases…", max_entries=4)
def _transaction_dataset(
    _tx: pd.DataFrame,
    _customers: pd.DataFrame | None,
    _catalog: pd.DataFrame | None,
    key: str,
    columns: TransactionColumns,
    as_of: dt.date | None,
    source_name: str,
) -> CustomerDataset:
    return transaction_dataset(
        _tx, columns=columns, source_name=source_name, as_of=as_of, customers=_customers, catalog=_catalog
    )


# ---- small drawing helpers ----
def _detection_summary(loaded: LoadedTable) -> str:
    d = loaded.detection
    delimiter = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes", " ": "runs of spaces"}.get(
        d.delimiter, repr(d.delimiter)
    )
    parts = [f"**{loaded.name}** read as {d.format.upper()}"]
    if d.format == "csv":
        parts.append(f"encoding {d.encoding}, columns separated by {delimiter}")
        parts.append("first row is the header" if d.header else "no header row (columns numbered)")
        if d.skip_rows:
            parts.append(f"{d.skip_rows} line(s) before the table skipped")
        if d.decimal == ",":
            parts.append("decimal comma (12,5 = twelve and a half)")
        if d.quoted_lines:
            parts.append("each line was wrapped in quotes (unwrapped)")
    if d.compression:
        parts.append(f"unpacked from {d.compression}" + (f" ({d.inner_name})" if d.inner_name else ""))
    return "; ".join(parts) + "."


def _read_options_form(loaded: LoadedTable | None) -> ReadOptions:
    """Widgets to override each detection; 'Detect automatically' leaves it to the loader."""
    with st.expander("How the file was read — change it if something looks wrong", expanded=False):
        c1, c2, c3 = st.columns(3)
        encoding = c1.selectbox("Text encoding", [AUTO, *SUPPORTED_ENCODINGS], key="data:encoding")
        delimiter = c2.selectbox("Column separator", [AUTO, *DELIMITERS], key="data:delimiter")
        decimal = c3.selectbox("Decimal mark", [AUTO, "Point 12.5", "Comma 12,5"], key="data:decimal")
        c4, c5, c6 = st.columns(3)
        header = c4.selectbox("Header row", [AUTO, "First row is the header", "No header"], key="data:header")
        skip = c5.number_input(
            "Lines to skip before the table (-1 = detect)", min_value=-1, value=-1, key="data:skip"
        )
        quoted = c6.selectbox("Whole lines wrapped in quotes", [AUTO, "Yes", "No"], key="data:quoted")
        if loaded is not None and loaded.detection.preview_lines:
            st.caption("The first lines of the file, exactly as stored:")
            st.code("\n".join(loaded.detection.preview_lines[:12]), language=None)
    return ReadOptions(
        encoding=None if encoding == AUTO else encoding,
        delimiter=None if delimiter == AUTO else DELIMITERS[delimiter],
        decimal=None if decimal == AUTO else ("," if decimal.startswith("Comma") else "."),
        header=None if header == AUTO else header.startswith("First"),
        skip_rows=None if skip < 0 else int(skip),
        quoted_lines=None if quoted == AUTO else quoted == "Yes",
    )


CHECK_MARK = "⚠ check this"


def _roles_editor(profile: TableProfile, roles: dict[str, Role]) -> dict[str, Role]:
    """The guessed roles, how sure each guess is and why; uncertain guesses are marked to check."""
    rows = pd.DataFrame(
        {
            "Column": [c.name for c in profile.columns],
            "Role": [ROLE_LABELS[roles[c.name]] for c in profile.columns],
            "Check": [CHECK_MARK if c.uncertain else "" for c in profile.columns],
            "Sure": [c.confidence for c in profile.columns],
            "Or maybe": [ROLE_LABELS[c.runner_up] if c.runner_up else "" for c in profile.columns],
            "Why": [c.evidence for c in profile.columns],
            "Type": [c.dtype for c in profile.columns],
            "Missing": [c.missing_share for c in profile.columns],
            "Distinct values": [c.distinct for c in profile.columns],
        }
    )
    edited = st.data_editor(
        rows,
        hide_index=True,
        width="stretch",
        disabled=["Column", "Check", "Sure", "Or maybe", "Why", "Type", "Missing", "Distinct values"],
        column_config={
            "Role": st.column_config.SelectboxColumn(
                "Role", options=list(ROLE_LABELS.values()), required=True, help="What the column holds."
            ),
            "Check": st.column_config.TextColumn("Check", help="Guesses we are not sure about."),
            "Sure": st.column_config.ProgressColumn(
                "Sure", format="percent", min_value=0.0, max_value=1.0, help="How sure the guess is."
            ),
            "Or maybe": st.column_config.TextColumn("Or maybe", help="The next most likely role."),
            "Why": st.column_config.TextColumn("Why", help="What the guess rests on.", width="large"),
            "Missing": st.column_config.ProgressColumn(
                "Missing", format="percent", min_value=0.0, max_value=1.0
            ),
        },
        key="data:roles_editor",
    )
    return {
        str(col): ROLE_BY_LABEL[label] for col, label in zip(edited["Column"], edited["Role"], strict=True)
    }


def _consent_meanings(profile: TableProfile) -> None:
    """Say in words what "yes" means in each consent column; ask when the name leaves it open."""
    consent = [c for c in profile.columns if c.consent is not None]
    if not consent:
        return
    st.markdown("**Marketing consent columns**")
    for column in consent:
        line = f"• {column.consent_meaning}"
        if column.consent is not None and not column.consent.certain:
            st.warning(f"{line}. The name does not say which way round: check before sending campaigns.")
        else:
            st.caption(line)


def _issues_table(profile: TableProfile) -> None:
    if not profile.issues:
        st.success("No data-quality problems found.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Column": [i.column for i in profile.issues],
                "Problem": [i.message for i in profile.issues],
                "Rows affected": [i.count for i in profile.issues],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Rows affected": st.column_config.NumberColumn(format="%d")},
    )


def _pick(
    label: str, options: list[str], current: str | None, *, key: str, optional: bool = False
) -> str | None:
    """A column picker; a required one starts on "(choose)" when detection found nothing."""
    placeholder = "(none)" if optional else "(choose)"
    choices = ([placeholder] if optional or current not in options else []) + options
    index = choices.index(current) if current in choices else 0
    value = st.selectbox(label, choices, index=index, key=key)
    return None if value == placeholder else value


def _transaction_form(loaded: LoadedTable, sha: str, typed: pd.DataFrame, roles: dict[str, Role]) -> None:
    st.subheader("From purchases to customers")
    st.caption(
        "Each customer gets one row: how recently, how often and how much they bought (RFM), "
        "plus habits such as favourite categories. Tell us which column is which."
    )
    try:
        detected = detect_transaction_columns(typed, roles)
        detect_message = None
    except SegmentationError as exc:
        detected = None
        # The package's message names command-line flags; here the pickers below do that job.
        detect_message = re.sub(r"\s*Pass --[\w-]+( or --[\w-]+)*\.?", " Pick it below.", str(exc))
    columns = [str(c) for c in typed.columns]
    guess = detected or TransactionColumns(customer="", date="")
    c1, c2, c3 = st.columns(3)
    with c1:
        customer = _pick("Customer id", columns, guess.customer, key="data:tx_customer")
        amount = _pick("Amount (optional)", columns, guess.amount, key="data:tx_amount", optional=True)
        item = _pick("Item / product (optional)", columns, guess.item, key="data:tx_item", optional=True)
    with c2:
        date_col = _pick("Purchase date", columns, guess.date, key="data:tx_date")
        quantity = _pick(
            "Quantity (optional)", columns, guess.quantity, key="data:tx_quantity", optional=True
        )
        category = _pick(
            "Category (optional)", columns, guess.category, key="data:tx_category", optional=True
        )
    with c3:
        order = _pick("Order id (optional)", columns, guess.order, key="data:tx_order", optional=True)
        price = _pick("Unit price (optional)", columns, guess.price, key="data:tx_price", optional=True)
    if detect_message and detected is None:
        st.info(f"Not every column could be recognised: {detect_message}")

    with st.expander("Optional: customer attributes and product catalog files"):
        attributes_file = st.file_uploader(
            "Customer attributes (one row per customer: age, region, consent…), joined on the customer id",
            type=UPLOAD_TYPES,
            key="data:attributes_upload",
        )
        catalog_file = st.file_uploader(
            "Product catalog (item id, name, category)", type=UPLOAD_TYPES, key="data:catalog_upload"
        )
    attributes = _typed_side_file(attributes_file)
    catalog = _typed_side_file(catalog_file)

    as_of_default = None
    if date_col:
        st.caption("Recency is counted from the as-of date: by default the day after the last purchase.")
    as_of_text = st.text_input(
        "As-of date (YYYY-MM-DD, blank = day after the last purchase)", key="data:as_of"
    )
    if as_of_text.strip():
        try:
            as_of_default = dt.date.fromisoformat(as_of_text.strip())
        except ValueError:
            st.error(f"'{as_of_text}' is not a date like 2026-10-31.")
            return

    if not st.button("Build the customer table", type="primary", key="data:build"):
        return
    if not customer or not date_col:
        st.error("Choose the customer id and purchase date columns first.")
        return
    mapping = TransactionColumns(
        customer=customer,
        date=date_col,
        amount=amount,
        quantity=quantity,
        price=price,
        order=order,
        item=item,
        category=category,
    )
    key = fingerprint(
        sha, mapping, as_of_default, attributes[1] if attributes else None, catalog[1] if catalog else None
    )
    try:
        dataset = _transaction_dataset(
            typed,
            attributes[0] if attributes else None,
            catalog[0] if catalog else None,
            key,
            mapping,
            as_of_default,
            loaded.name,
        )
    except SegmentationError as exc:
        st.error(str(exc))
        return
    currency = detect_currency(loaded.frame, roles=roles)
    active = state.ActiveData.from_dataset(
        dataset, token=key, source_bytes_sha256=sha, currency_guess=currency
    )
    state.set_active_data(active)
    workspace_session.save_dataset(active)
    st.success(f"Built {len(dataset.customers):,} customers from {len(typed):,} purchase lines.")


def _typed_side_file(uploaded: object | None) -> tuple[pd.DataFrame, str] | None:
    if uploaded is None:
        return None
    read = read_upload(uploaded)
    if read is None:
        return None
    loaded, sha = read
    roles = _roles(loaded.frame, sha)
    typed, _ = _typed_and_profile(
        loaded.frame, sha, {k: str(v) for k, v in roles.items()}, loaded.detection.decimal
    )
    return typed, sha


def _customer_form(loaded: LoadedTable, sha: str, typed: pd.DataFrame, roles: dict[str, Role]) -> None:
    ids = [c for c, r in roles.items() if r == Role.CUSTOMER_ID]
    if len(ids) > 1:
        st.warning(f"Several columns look like customer ids ({', '.join(ids)}); the first is used.")
    if not st.button("Use this customer table", type="primary", key="data:use_customers"):
        return
    try:
        dataset = customer_table_dataset(
            typed, roles, source_name=loaded.name, customer_id_col=ids[0] if ids else None
        )
    except SegmentationError as exc:
        st.error(str(exc))
        return
    token = fingerprint(sha, sorted(roles.items()))
    currency = detect_currency(loaded.frame, roles=roles)
    active = state.ActiveData.from_dataset(
        dataset, token=token, source_bytes_sha256=sha, currency_guess=currency
    )
    state.set_active_data(active)
    workspace_session.save_dataset(active)
    st.success(f"Using {len(dataset.customers):,} customers from {loaded.name}.")


def _upload_flow() -> None:
    uploaded = st.file_uploader(
        "Your customer table or order export",
        type=UPLOAD_TYPES,
        key="data:upload",
        help="CSV, TSV or TXT (also inside .gz or .zip), Excel .xlsx, or Parquet. "
        "Any separator, encoding or header layout: we detect it and you can correct it.",
    )
    if uploaded is None:
        active = state.get_active_data()
        if active is not None and active.is_upload:
            st.info(
                f"The next steps use **{active.source_name}**, the file you confirmed (summary below). "
                "Upload another file to replace it."
            )
            return
        st.info(
            "Upload a file with **one row per customer** (id, age, spend, region…) or **one row per "
            "purchase** (customer id, date, amount or quantity × price, product…). "
            "Files stay on this computer."
        )
        return
    first = read_upload(uploaded)
    if first is None:
        return
    options = _read_options_form(first[0])
    read = read_upload(uploaded, options=options) if options != ReadOptions() else first
    if read is None:
        return
    loaded, sha = read
    key = fingerprint(sha, options)
    st.markdown(_detection_summary(loaded))
    for note in loaded.detection.notes:
        st.caption(f"• {note}")
    if loaded.frame.empty:
        st.error(f"{loaded.name} has no data rows.")
        return
    st.dataframe(loaded.frame.head(20), width="stretch", hide_index=True)

    st.subheader("What each column holds")
    st.caption(
        "We guessed a role for every column. Change a role if it is wrong: it decides how the column is used."
    )
    guessed = _roles(loaded.frame, key)
    first_profile = _typed_and_profile(
        loaded.frame, key, {k: str(v) for k, v in guessed.items()}, loaded.detection.decimal
    )[1]
    uncertain = [c.name for c in first_profile.columns if c.uncertain]
    if uncertain:
        st.warning(
            f"Please check {len(uncertain)} guess(es) marked '{CHECK_MARK}': "
            + ", ".join(repr(name) for name in uncertain[:8])
            + (" …" if len(uncertain) > 8 else "")
        )
    roles = _roles_editor(first_profile, guessed)
    typed, profile = _typed_and_profile(
        loaded.frame, key, {k: str(v) for k, v in roles.items()}, loaded.detection.decimal
    )
    _consent_meanings(profile)

    st.subheader("Data quality")
    st.caption(
        f"{profile.rows:,} rows × {len(profile.columns)} columns. Problems worth a look before segmenting:"
    )
    _issues_table(profile)

    st.subheader("What kind of table is this?")
    shapes = ["One row per customer", "One row per purchase (transactions)"]
    shape = st.radio(
        "Table type",
        shapes,
        index=1 if profile.shape == "transactions" else 0,
        key="data:shape",
        horizontal=True,
        help=profile.shape_reason,
    )
    st.caption(f"Our guess: {profile.shape_reason}")
    if shape == shapes[1]:
        _transaction_form(loaded, key, typed, roles)
    else:
        _customer_form(loaded, key, typed, roles)


def _active_summary() -> None:
    data = state.get_active_data()
    if data is None:
        st.info("No data is active yet: use the demo or upload a file above.")
        return
    st.subheader("The customer table the next steps use")
    line = f"**{data.source_name}**: {len(data.customers):,} customers"
    if data.transactions is not None:
        line += f", built from {len(data.transactions):,} purchase lines"
    st.markdown(line + ".")
    for note in data.notes:
        st.caption(f"• {note}")
    preview = data.customers.head(50)
    st.dataframe(
        preview,
        width="stretch",
        hide_index=True,
        column_config=labelled_config(
            preview, {**table_config(preview), **money_columns_config(preview, data.roles)}
        ),
    )
    currency_picker(data.currency_guess, data_token=data.token)
    with st.expander("Column labels: how personas, charts and tables name your columns"):
        st.caption("Change a label once; every later page and the personas' sentences use it.")
        labels_editor(data.customers, data_token=data.token, skip=(data.customer_id_col,))
    if "rfm_segment" in data.customers.columns:
        with st.expander("How RFM scores become groups"):
            st.caption(
                "Each customer gets 1–5 for Recency (5 = bought most recently), Frequency and Monetary "
                "(5 = top 20%). The group comes from the recency score and the average of the other two:"
            )
            st.dataframe(rfm_segment_table(), hide_index=True, width="stretch")
            figure = rfm_group_chart(data.customers["rfm_segment"])
            st.plotly_chart(figure, width="stretch")
            st.caption("How many of your customers fall in each RFM group; hover a bar for the share.")


page_header("data", "Bring your customer or order export, or keep exploring the demo shop.")
active = state.get_active_data()
# The choice opens on where the active data came from: Streamlit forgets a page's widgets when the
# marketer visits another page, and coming back to "Demo shop" would contradict the file in use.
source = st.radio(
    "Where is your data?",
    ["Demo shop", "Upload a file"],
    index=1 if active is not None and active.is_upload else 0,
    horizontal=True,
    key="data:source",
)
if source == "Demo shop":
    is_demo_active = active is not None and active.source_name == DEMO_NAME
    if active is not None and not is_demo_active:
        st.info(f"The next steps use your file **{active.source_name}**. Switch back to the demo here:")
    if not is_demo_active and st.button("Use the demo shop", type="primary", key="data:use_demo"):
        load_demo()
        st.rerun()
    st.caption(
        "A made-up online shop: 5,000 customers with names, ages, regions and marketing consent, "
        "a 300-product catalog, and two years of orders."
    )
else:
    _upload_flow()
st.divider()
_active_summary()
