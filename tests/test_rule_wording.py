"""Segment rules read as sentences: shares as percentages, money with its currency, counts, days, labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.personas.describe import Condition, describe_segments, personas_to_dict
from segmentation.personas.rule_wording import condition_phrase, rule_sentence


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            Condition("share_other", ">", 0.576),
            "spent more than 58% of their money outside the top categories",
        ),
        (Condition("share_Wine", "<=", 0.2), "spent at most 20% of their money on Wine"),
        (Condition("recency_days", "<=", 30.0), "bought in the last 30 days"),
        (Condition("recency_days", ">", 90.0), "last bought more than 90 days ago"),
        (Condition("tenure_days", ">", 365.0), "customers for more than 365 days"),
        (
            Condition("mean_days_between_purchases", "<=", 20.0),
            "at most 20 days between purchases on average",
        ),
        (Condition("frequency", ">", 5.0), "placed more than 5 orders"),
        (Condition("frequency", "<=", 1.0), "placed at most 1 order"),
        (Condition("NumWebPurchases", ">", 4.0), "Web Purchases (Num) above 4"),
        (Condition("monetary", ">", 1200.0), "spent more than €1,200 in total"),
        (Condition("avg_order_value", "<=", 45.5), "average order worth at most €45.50"),
        (Condition("Annual Income (k$)", ">", 60.0), "annual income above $60k"),
        (Condition("MntWines", ">", 300.0), "Wines (Mnt) above €300"),
        (Condition("Age", "<=", 35.0), "aged 35 or younger"),
        (Condition("age", ">", 50.0), "older than 50"),
        (Condition("channel", "is", "Online"), "channel is Online"),
        (Condition("marketing_consent", "is", "yes"), "marketing consent: yes"),
        (Condition("marketing_consent", "is not", "yes"), "marketing consent: no"),
        (Condition("Spending Score (1-100)", ">", 49.0), "spending score above 49"),
    ],
)
def test_condition_phrases(condition: Condition, expected: str) -> None:
    assert condition_phrase(condition, currency="EUR", money_col="monetary") == expected


def test_shares_of_items_without_money() -> None:
    condition = Condition("share_other", ">", 0.576)
    assert (
        condition_phrase(condition, has_money=False)
        == "bought more than 58% of their items outside the top categories"
    )


def test_money_without_a_currency_is_a_plain_number() -> None:
    assert (
        condition_phrase(Condition("monetary", ">", 1200.0), money_col="monetary")
        == "spent more than 1,200 in total"
    )


def test_the_marketers_labels_replace_column_names() -> None:
    conditions = [Condition("NumWebPurchases", ">", 4.0), Condition("MntWines", "<=", 300.0)]
    sentence = rule_sentence(
        conditions, currency="USD", column_labels={"NumWebPurchases": "web orders", "MntWines": "wine spend"}
    )
    assert sentence == "Web orders above 4 and wine spend at most $300"
    # a label written with a capital reads in lower case inside the sentence; acronyms are kept
    sentence = rule_sentence(conditions, column_labels={"NumWebPurchases": "CLV", "MntWines": "Wine spend"})
    assert sentence == "CLV above 4 and wine spend at most 300"


def test_whole_rule_joins_with_commas_and_and() -> None:
    conditions = [
        Condition("share_other", ">", 0.576),
        Condition("recency_days", "<=", 30.0),
        Condition("frequency", ">", 5.0),
    ]
    assert rule_sentence(conditions, currency="GBP") == (
        "Spent more than 58% of their money outside the top categories, bought in the last 30 days and "
        "placed more than 5 orders"
    )
    assert rule_sentence([]) == ""


def test_personas_carry_the_rule_sentence() -> None:
    frame = pd.DataFrame(
        {
            "monetary": [100.0, 120, 90, 110, 95, 1500, 1600, 1400, 1550, 1450],
            "recency_days": [200.0, 180, 220, 190, 210, 10, 15, 12, 8, 20],
        }
    )
    labels = np.asarray([0] * 5 + [1] * 5)
    personas = describe_segments(
        frame, labels, features=["monetary", "recency_days"], money_col="monetary", currency="EUR"
    )
    big = next(p for p in personas if p.segment == 1)
    assert big.rule  # the rule as written stays available
    assert big.rule_sentence.startswith(("Spent more than €", "Bought in the last"))
    assert "monetary" not in big.rule_sentence and "recency_days" not in big.rule_sentence
    assert personas_to_dict(personas)["segments"][1]["rule_sentence"] == big.rule_sentence
