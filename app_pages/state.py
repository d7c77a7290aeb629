"""Every session-state key the app uses, and typed accessors for them.

Pages never touch ``st.session_state`` with a literal key of another page; they go through
these functions. Keys used by a single page only are named ``"<page>:<what>"`` and live in
that page.

The journey hands these objects from page to page:

* ``ActiveData`` (Data page): the customer table, and when the file was a transaction table,
  the transactions and their column mapping (for recommendations) and an optional catalog.
* ``SegmentRun`` (Features & k page): the fitted segmentation of ``ActiveData.customers``.
* segment names (Personas page): the marketer's names for the segments, by segment number.
* recommendations (Recommendations page): ``get(RECOMMENDATIONS)`` is a DataFrame in long
  format with columns ``customer`` (the id as text, as in ``ActiveData.customers``), ``rank``
  (1..N), ``item``, ``item_name``, ``score``, ``reason``, ``cold_start`` (bool).
* predictions (Predictions page): ``get_predictions()`` is a DataFrame with one row per
  customer, ``customer`` (the id as text, as in ``ActiveData.customers``) and one column per
  prediction (``probability_active``, ``expected_purchases``, ``expected_value`` …); other
  pages may offer these columns as features, traits, audience conditions and export columns.
* the last campaign (Campaigns page), read by the Campaign results page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from segmentation import with_predictions

ACTIVE_DATA = "active_data"
SEGMENT_RUN = "segment_run"
SEGMENT_NAMES = "segment_names"
SEGMENT_ACTIONS = "segment_actions"
RECOMMENDATIONS = "recommendations"
CAMPAIGN = "campaign"
PREDICTIONS = "predictions"
PREDICTIONS_TOKEN = "predictions_token"  # changes whenever the stored predictions do (a cache key)
PREDICTIONS_HORIZON = "predictions_horizon_days"  # the horizon of the lifetime-value columns
SEED = "seed"
CURRENCY = "currency"  # the money's currency as the marketer set it (ISO code, a word, or "" for none)
COLUMN_LABELS = "column_labels"  # column → the marketer's label, used by personas, charts and tables

DEFAULT_SEED = 42


@dataclass(frozen=True)
class ActiveData:
    """The dataset the journey works on.

    ``token`` changes whenever the data changes; cached wrappers take it as their key and
    receive the frames as ``_``-prefixed (unhashed) arguments, so a million rows are never
    hashed on each rerun.
    """

    source_name: str
    token: str
    customers: pd.DataFrame
    customer_id_col: str
    roles: dict[str, str]
    transactions: pd.DataFrame | None = None
    transaction_columns: Any = None  # segmentation.customers.features.TransactionColumns
    catalog: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    catalog_columns: Any = None  # segmentation.customers.datasets.CatalogColumns (item, name, category)
    kind: str = "customers"  # "customers" or "transactions": what the source file was
    source_bytes_sha256: str | None = None  # hash of the uploaded file(s), for campaign manifests
    currency_guess: Any = None  # segmentation.profiling.currency.CurrencyGuess, read from the file

    @classmethod
    def from_dataset(
        cls,
        dataset: Any,
        *,
        token: str,
        source_bytes_sha256: str | None = None,
        currency_guess: Any = None,
    ) -> ActiveData:
        """Wrap a :class:`segmentation.customers.datasets.CustomerDataset`."""
        return cls(
            source_name=dataset.source_name,
            token=token,
            customers=dataset.customers,
            customer_id_col=dataset.customer_id_col,
            roles={k: str(v) for k, v in dataset.roles.items()},
            transactions=dataset.transactions,
            transaction_columns=dataset.transaction_columns,
            catalog=dataset.catalog,
            notes=tuple(dataset.notes),
            catalog_columns=dataset.catalog_columns,
            kind="transactions" if dataset.transactions is not None else "customers",
            source_bytes_sha256=source_bytes_sha256,
            currency_guess=currency_guess,
        )

    @property
    def has_transactions(self) -> bool:
        return self.transactions is not None

    @property
    def is_upload(self) -> bool:
        """Whether the data came from the marketer's own file (the demo has no file hash)."""
        return self.source_bytes_sha256 is not None


@dataclass(frozen=True)
class SegmentRun:
    """A fitted segmentation of ``ActiveData.customers`` (rows aligned with it).

    ``result`` is the package's clustering result; ``labels`` holds one segment number per
    customer row (-1 for "Unassigned" with density methods); ``data_token`` is the token of the
    ``ActiveData`` it was fitted on, so pages can tell when it is out of date.
    """

    data_token: str
    token: str
    features: tuple[str, ...]
    algorithm: str
    k: int
    seed: int
    labels: Any  # numpy array of shape (n_customers,)
    result: Any
    default_names: dict[int, str] = field(default_factory=dict)
    default_actions: dict[int, str] = field(default_factory=dict)
    personas: Any = None  # tuple of segmentation.personas.describe.Persona, when computed
    wording: tuple[Any, ...] = ()  # the currency and labels the personas were worded with (() = none)


def get_active_data() -> ActiveData | None:
    value = st.session_state.get(ACTIVE_DATA)
    return value if isinstance(value, ActiveData) else None


def set_active_data(data: ActiveData) -> None:
    """Make ``data`` the active dataset; everything computed from the previous one is dropped."""
    previous = get_active_data()
    st.session_state[ACTIVE_DATA] = data
    if previous is None or previous.token != data.token:
        for key in (
            SEGMENT_RUN,
            SEGMENT_NAMES,
            SEGMENT_ACTIONS,
            RECOMMENDATIONS,
            CAMPAIGN,
            CURRENCY,
            COLUMN_LABELS,
            PREDICTIONS,
            PREDICTIONS_HORIZON,
        ):
            st.session_state.pop(key, None)


def get_segment_run() -> SegmentRun | None:
    run = st.session_state.get(SEGMENT_RUN)
    data = get_active_data()
    if not isinstance(run, SegmentRun) or data is None or run.data_token != data.token:
        return None
    return run


def set_segment_run(run: SegmentRun) -> None:
    """Store a new segmentation; names and actions the marketer edited for an older one are dropped."""
    previous = st.session_state.get(SEGMENT_RUN)
    st.session_state[SEGMENT_RUN] = run
    if not isinstance(previous, SegmentRun) or previous.token != run.token:
        st.session_state[SEGMENT_NAMES] = dict(run.default_names)
        st.session_state.pop(SEGMENT_ACTIONS, None)
        st.session_state.pop(RECOMMENDATIONS, None)
        st.session_state.pop(CAMPAIGN, None)


def segment_names() -> dict[int, str]:
    """The segment names as the marketer last edited them (generated names until then)."""
    run = get_segment_run()
    names = dict(run.default_names) if run is not None else {}
    names.update(st.session_state.get(SEGMENT_NAMES, {}))
    return names


def set_segment_name(segment: int, name: str) -> None:
    names = dict(st.session_state.get(SEGMENT_NAMES, {}))
    names[int(segment)] = name
    st.session_state[SEGMENT_NAMES] = names


def segment_actions() -> dict[int, str]:
    """Suggested marketing action per segment, with the marketer's edits applied."""
    run = get_segment_run()
    actions = dict(run.default_actions) if run is not None else {}
    actions.update(st.session_state.get(SEGMENT_ACTIONS, {}))
    return actions


def set_segment_action(segment: int, action: str) -> None:
    actions = dict(st.session_state.get(SEGMENT_ACTIONS, {}))
    actions[int(segment)] = action
    st.session_state[SEGMENT_ACTIONS] = actions


def currency() -> str:
    """The money's currency: the marketer's choice, else the detected one ("" = unknown: plain numbers)."""
    chosen = st.session_state.get(CURRENCY)
    if isinstance(chosen, str):
        return chosen
    data = get_active_data()
    guess = data.currency_guess if data is not None else None
    return str(getattr(guess, "code", "") or "")


def set_currency(code: str) -> None:
    st.session_state[CURRENCY] = code


def column_labels() -> dict[str, str]:
    """The marketer's labels for columns (only those they changed)."""
    labels = st.session_state.get(COLUMN_LABELS)
    return dict(labels) if isinstance(labels, dict) else {}


def set_column_labels(labels: dict[str, str]) -> None:
    st.session_state[COLUMN_LABELS] = dict(labels)


def get_predictions() -> pd.DataFrame | None:
    """Per-customer predictions of the active data (column ``customer`` + prediction columns), if any."""
    value = st.session_state.get(PREDICTIONS)
    return value if isinstance(value, pd.DataFrame) else None


def set_predictions(frame: pd.DataFrame, *, horizon_days: int | None = None) -> None:
    """Add ``frame``'s prediction columns (keyed on ``customer``) to the stored predictions.

    Columns of the same name are replaced, others kept: lifetime value and response scores
    from different tabs live side by side. ``horizon_days`` is the lifetime-value horizon, when given.
    """
    if horizon_days is not None:
        st.session_state[PREDICTIONS_HORIZON] = int(horizon_days)
    current = get_predictions()
    if current is not None:
        kept = [c for c in current.columns if c == "customer" or c not in frame.columns]
        frame = current[kept].merge(frame, on="customer", how="outer")
    st.session_state[PREDICTIONS] = frame
    st.session_state[PREDICTIONS_TOKEN] = uuid.uuid4().hex


@st.cache_data(show_spinner=False, max_entries=2)
def _joined(_customers: pd.DataFrame, _predictions: pd.DataFrame, key: str, id_column: str) -> pd.DataFrame:
    return with_predictions(_customers, id_column=id_column, predictions=_predictions)


def customers_with_predictions(data: ActiveData) -> tuple[pd.DataFrame, str]:
    """The customer table with the stored prediction columns joined on, and a cache key for it.

    Rows and order are ``data.customers``'s, so segment labels stay aligned; without predictions the
    table and key are ``data.customers`` and ``data.token``.
    """
    predictions = get_predictions()
    if predictions is None:
        return data.customers, data.token
    key = f"{data.token}+predictions:{predictions_token()}"
    return _joined(data.customers, predictions, key, data.customer_id_col), key


def predictions_horizon_days() -> int | None:
    """The horizon of the stored lifetime-value predictions, in days (None: none stored)."""
    value = st.session_state.get(PREDICTIONS_HORIZON)
    return int(value) if isinstance(value, int) else None


def predictions_token() -> str:
    """A cache key for the stored predictions ("" when there are none)."""
    return str(st.session_state.get(PREDICTIONS_TOKEN, "")) if get_predictions() is not None else ""


def get(key: str) -> Any:
    """Read one of the shared keys above (recommendations, campaign ...)."""
    return st.session_state.get(key)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def seed() -> int:
    """The seed chosen in the sidebar; every random step in the app uses it."""
    return int(st.session_state.get(SEED, DEFAULT_SEED))
