"""A customer table as ``sweep`` and ``segment`` read it: features as numbers, the id, the currency.

One place for both engines: the pandas path reads the file, the Spark path reads the rows Spark
brought to the driver back through the same loader (:mod:`segmentation.cli._spark_personas`), and
both type them here, so the personas they describe see the same values.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from segmentation import FeatureSpec, default_specs, detect_currency, parse_numbers
from segmentation.cli._common import CliTable, resolve_column, split_names

__all__ = ["id_column", "money_currency", "typed_features"]

_TEXT_ROLES = {"categorical", "category", "consent", "email", "phone", "name", "text"}


def _as_numbers(table: CliTable, names: list[str]) -> pd.DataFrame:
    """``table.typed`` with the named columns read as numbers from the raw text where every value is one.

    Explicitly named features win over guessed roles: small integers can look like dates or ids.
    """
    typed = table.typed
    for name in names:
        if pd.api.types.is_numeric_dtype(typed[name]) and not pd.api.types.is_bool_dtype(typed[name]):
            continue
        numbers = parse_numbers(table.raw[name], decimal=table.loaded.detection.decimal).values
        if numbers.notna().sum() == table.raw[name].notna().sum():
            typed = typed.assign(**{name: numbers.astype("float64")})
    return typed


def typed_features(table: CliTable, features_text: str) -> tuple[pd.DataFrame, tuple[FeatureSpec, ...]]:
    """The typed table and default specs for the features named on the command line."""
    names = [
        resolve_column(table.typed, name, file=table.path, flag="--features")
        for name in split_names(features_text)
    ]
    roles = {str(c): str(r) for c, r in table.roles.items()}
    guessable = [n for n in names if roles.get(n) not in _TEXT_ROLES]
    typed = _as_numbers(table, guessable)
    roles.update({n: "numeric" for n in guessable if typed[n].dtype != table.typed[n].dtype})
    return typed, default_specs(typed, names, roles)


def id_column(table: CliTable) -> str | None:
    """The first column whose role is the customer id, or None."""
    return next((str(c) for c, r in table.roles.items() if str(r) == "customer_id"), None)


def money_currency(args: argparse.Namespace, table: CliTable) -> str:
    """--currency, else the detected one (a note on stderr says which, and how sure); "" = unknown."""
    if args.currency:
        return str(args.currency)
    guess = detect_currency(table.raw, roles=table.roles)
    if guess.known and args.personas:
        sure = "" if guess.sure else ", a guess"
        sys.stderr.write(f"note: money is in {guess.code} ({guess.evidence}{sure}); --currency to change.\n")
    return guess.code
