"""Argument types of the command line, defined once and used by every subcommand.

Each is an argparse ``type=`` function: it turns the text into a value or raises
:class:`argparse.ArgumentTypeError` with a sentence saying what is wrong, so a bad value stops at
the edge with one line on stderr and exit code 2, never deeper as a traceback or exit code 1
(``--seed 99999999999`` used to reach NumPy, which rejects seeds above 2**32 - 1). Only the
standard library and :mod:`segmentation._choices` are imported: building the parser stays fast.
"""

from __future__ import annotations

import argparse
import math

from segmentation import MAX_K, MAX_SEED, MIN_K

__all__ = ["currency", "positive_int", "seed", "segment_count", "share"]


def _whole_number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}; give a whole number.") from None


def currency(text: str) -> str:
    """A currency: an ISO code in any case (``eur`` → ``EUR``), or a word written after numbers ("points")."""
    written = " ".join(text.split())
    if not written:
        raise argparse.ArgumentTypeError("give a currency code such as EUR, or a word such as points.")
    return written.upper() if len(written) == 3 and written.isalpha() else written


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**32 - 1 (4294967295)."""
    value = _whole_number(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"seed {value} is out of range; choose a whole number from 0 to {MAX_SEED}."
        )
    return value


def positive_int(text: str) -> int:
    """A count of at least 1 (items per customer, list length, customers)."""
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small; give a whole number of 1 or more.")
    return value


def segment_count(text: str) -> int:
    """A number of segments k, from 2 to 30."""
    value = _whole_number(text)
    if not MIN_K <= value <= MAX_K:
        raise argparse.ArgumentTypeError(
            f"k={value} is out of range; choose a number of segments from {MIN_K} to {MAX_K}."
        )
    return value


def share(text: str) -> float:
    """A share of customers: a number from 0 to 1, such as 0.1 for 10%."""
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid float value: {text!r}; give a share such as 0.1 for 10%."
        ) from None
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share from 0 to 1 (0.1 means 10%).")
    return value
