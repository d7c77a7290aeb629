"""Consent for campaign lists: which column records it, which way round it is, and who may be contacted.

A column called ``unsubscribed`` holds "yes" for the people who said *no*. Reading it as consent
mails exactly the people who opted out, so the polarity of the consent column is never assumed:

* :func:`consent_candidates` lists the columns whose name means consent, each with what its
  name says ("'unsubscribed': yes means do not contact") and whether the name is clear;
* :func:`resolve_polarity` takes the polarity the user chose, or the one a clear name gives, and
  refuses to go on when neither exists;
* :func:`read_consent_column` applies it through :func:`segmentation.vocabulary.may_contact`,
  so "ja", "oui", "はい" or "t" are read the same in the app and the command line.

The words come from :mod:`segmentation.vocabulary`; nothing here keeps a word list of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segmentation.errors import ParameterError
from segmentation.keys import clean_text
from segmentation.vocabulary import ConsentPolarity, is_yes_no, may_contact, read_consent_name

__all__ = [
    "ConsentCandidate",
    "ConsentDecision",
    "consent_candidates",
    "default_consent_column",
    "describe_consent",
    "read_consent_column",
    "resolve_polarity",
]

# Columns 'segmentation segment' and 'export' write: never a consent column.
_OUTPUT_COLUMNS = frozenset({"segment", "segment_name", "rfm_segment", "group"})


def describe_consent(column: str, polarity: ConsentPolarity | str, *, certain: bool = True) -> str:
    """The meaning shown to the user, e.g. ``'unsubscribed': yes means do not contact``."""
    meaning = ConsentPolarity(polarity).meaning
    return f"{column!r}: {meaning}" if certain else f"{column!r}: probably {meaning} (please confirm)"


@dataclass(frozen=True)
class ConsentCandidate:
    """A column whose name means consent, with the polarity its name suggests.

    ``certain`` is False when the name does not say which way round it is ("gdpr",
    "marketing status"); ``yes_no_values`` says whether every value is a yes/no word.
    """

    column: str
    polarity: ConsentPolarity
    certain: bool
    yes_no_values: bool

    @property
    def meaning(self) -> str:
        """E.g. "yes means do not contact", or "probably yes means may contact (please confirm)"."""
        meaning = self.polarity.meaning
        return meaning if self.certain else f"probably {meaning} (please confirm)"

    @property
    def description(self) -> str:
        return f"{self.column!r}: {self.meaning}"


def default_consent_column(candidates: tuple[ConsentCandidate, ...]) -> str | None:
    """The column to preselect: the only candidate with a clear name and yes/no values; else None."""
    clear = [c.column for c in candidates if c.certain and c.yes_no_values]
    return clear[0] if len(clear) == 1 else None


def consent_candidates(frame: pd.DataFrame) -> tuple[ConsentCandidate, ...]:
    """The columns of ``frame`` whose name means consent: yes/no columns first, clear names first."""
    found = []
    for column in frame.columns:
        if str(column) in _OUTPUT_COLUMNS:
            continue
        reading = read_consent_name(column)
        if reading is None:
            continue
        yes_no = bool(pd.api.types.is_bool_dtype(frame[column].dtype) or is_yes_no(frame[column]))
        found.append(ConsentCandidate(str(column), reading.polarity, reading.certain, yes_no))
    return tuple(sorted(found, key=lambda c: (not c.yes_no_values, not c.certain)))


def resolve_polarity(column: str, chosen: ConsentPolarity | str | None) -> tuple[ConsentPolarity, str | None]:
    """The polarity to apply to ``column`` and a note when the choice goes against the name.

    Raises :class:`ParameterError` when nothing was chosen and the name does not say clearly
    which way round the column is.
    """
    reading = read_consent_name(column)
    if chosen is None:
        if reading is None or not reading.certain:
            said = "does not look like a consent column" if reading is None else reading.description
            raise ParameterError(
                f"the consent column {column!r} does not say which way round it is ({said}); choose "
                "whether 'yes' means the person may be contacted (opt-in) or must not be (opt-out)."
            )
        return reading.polarity, None
    polarity = ConsentPolarity(chosen)
    note = None
    if reading is not None and reading.certain and reading.polarity is not polarity:
        note = (
            f"The consent column {column!r} was read as {polarity.meaning!r} as chosen, although its "
            f"name suggests {reading.polarity.meaning!r}."
        )
    return polarity, note


@dataclass(frozen=True)
class ConsentDecision:
    """How consent was applied to a list (recorded in the manifest).

    Attributes
    ----------
    column : str
    polarity : ConsentPolarity
    confirmed : bool
        True when the user (or a command-line flag) said which way round the column is; False
        when it was read from a clear column name.
    contact_words, no_contact_words : tuple of str
        The distinct values read as "may contact" and as "do not contact".
    unrecognised : dict of str to int
        Values that are neither (never guessed: those people are left out), with their counts.
    n_blank : int
        Rows with an empty consent cell (left out).
    """

    column: str
    polarity: ConsentPolarity
    confirmed: bool
    contact_words: tuple[str, ...] = ()
    no_contact_words: tuple[str, ...] = ()
    unrecognised: dict[str, int] = field(default_factory=dict)
    n_blank: int = 0

    @property
    def description(self) -> str:
        return describe_consent(self.column, self.polarity)


def read_consent_column(
    values: pd.Series,
    *,
    column: str,
    polarity: ConsentPolarity,
    confirmed: bool,
    counts: pd.Series | None = None,
) -> tuple[pd.Series, np.ndarray, ConsentDecision]:
    """Read a consent column of known polarity.

    ``counts`` (optional, aligned with ``values``) says how many rows each value stands for when
    ``values`` are the column's distinct values; the decision's counts are then counts of rows.

    Returns
    -------
    contact : Series of shape (n_rows,)
        Nullable boolean: True = may be contacted, False = must not be, NA = not recognised.
    blank : ndarray of shape (n_rows,)
        True where the cell is empty (never contacted, not counted as unrecognised).
    decision : ConsentDecision
    """
    reading = may_contact(values, polarity, counts=counts)
    text = clean_text(values)
    blank = (text.isna() | (text == "")).to_numpy()
    unrecognised = {k: n for k, n in reading.unrecognised.items() if k not in ("", "(blank)")}
    decision = ConsentDecision(
        column=column,
        polarity=ConsentPolarity(polarity),
        confirmed=confirmed,
        contact_words=reading.contact_words,
        no_contact_words=reading.no_contact_words,
        unrecognised=unrecognised,
        n_blank=int(blank.sum()) if counts is None else int(counts[blank].sum()),
    )
    return reading.may_contact, blank, decision
