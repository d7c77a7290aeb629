"""Words must match numbers: over many synthetic segmentations, no persona name or action contradicts
the segment's own numbers, computed here straight from the table (not by the code under test)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from segmentation.personas.describe import describe_segments, guess_money_column
from segmentation.personas.naming import ACTION_LOW_COST, ACTION_ONBOARDING, WIN_BACK_ACTIONS
from segmentation.segments.choosing_features import default_specs
from segmentation.segments.clustering import fit_segments

MONEY_WORDS = re.compile(r"spend|spender|revenue|value|\$", re.IGNORECASE)


def _table(seed: int, *, money: bool) -> pd.DataFrame:
    """Customers from 3-6 random behaviour profiles, some deliberately odd (old but frequent ...)."""
    rng = np.random.default_rng(seed)
    n_profiles = int(rng.integers(3, 7))
    sizes = rng.integers(30, 150, n_profiles)
    rows = []
    for size in sizes:
        recency = rng.uniform(3, 500)
        tenure = recency + rng.uniform(0, 2500)
        frequency = rng.uniform(1, 25)
        spend = frequency * rng.uniform(5, 300)
        noise = rng.lognormal(0.0, 0.35, (size, 4))
        rows.append(np.column_stack([[recency, frequency, spend, tenure]] * size).T * noise)
    values = np.vstack(rows)
    values[:, 3] = np.maximum(values[:, 3], values[:, 0])  # tenure ≥ recency, as in real data
    total = "monetary" if money else "items_bought"
    return pd.DataFrame(
        {
            "customer": [f"C{i:05d}" for i in range(len(values))],
            "recency_days": values[:, 0].round(),
            "frequency": np.maximum(1.0, values[:, 1].round()),
            total: values[:, 2].round(2) if money else np.maximum(1.0, values[:, 2].round()),
            "tenure_days": values[:, 3].round(),
        }
    )


def _check(frame: pd.DataFrame, labels: np.ndarray, money: bool) -> list[str]:
    """Contradictions between each persona's words and the table's numbers."""
    total = "monetary" if money else "items_bought"
    features = ["recency_days", "frequency", total, "tenure_days"]
    personas = describe_segments(
        frame, labels, features=features, money_col=guess_money_column(frame), id_col="customer"
    )
    described = frame[labels != -2]
    medians, means = described.median(numeric_only=True), described.mean(numeric_only=True)
    problems: list[str] = []
    for persona in personas:
        if persona.segment < 0:
            continue
        rows = frame[labels == persona.segment]
        seg_median, seg_mean = rows.median(numeric_only=True), rows.mean(numeric_only=True)
        words = set(re.findall(r"[a-z-]+", persona.name.lower()))
        holds = {
            "new": seg_median["tenure_days"] < medians["tenure_days"],
            "long-standing": seg_median["tenure_days"] > medians["tenure_days"],
            "recent": seg_median["recency_days"] < medians["recency_days"],
            "lapsed": seg_median["recency_days"] > medians["recency_days"]
            and seg_mean["frequency"] <= means["frequency"],
            "at-risk": seg_median["recency_days"] > medians["recency_days"],
            "frequent": seg_mean["frequency"] > means["frequency"],
            "occasional": seg_mean["frequency"] < means["frequency"],
            "big": seg_mean[total] > means[total],
            "low-value": seg_mean[total] < means[total],
            "high-volume": seg_mean[total] > means[total],
            "light": seg_mean[total] < means[total],
        }
        problems += [
            f"{persona.name!r}: {word!r} is false" for word in words & holds.keys() if not holds[word]
        ]
        if persona.action == ACTION_ONBOARDING and not holds["new"]:
            problems.append(f"{persona.name!r}: onboarding for customers who are not new")
        if persona.action in WIN_BACK_ACTIONS and not holds["at-risk"]:
            problems.append(f"{persona.name!r}: win-back for customers who bought recently")
        if "new" in words and persona.action != ACTION_ONBOARDING:
            problems.append(f"{persona.name!r}: new customers without onboarding ({persona.action})")
        if words & {"lapsed", "at-risk"} and persona.action not in {*WIN_BACK_ACTIONS, ACTION_LOW_COST}:
            problems.append(f"{persona.name!r}: lapsed customers without a win-back ({persona.action})")
        if not money:
            said = [
                persona.name,
                persona.action,
                persona.action_reason,
                *(t.sentence for t in persona.traits),
            ]
            problems += [f"money word without money: {text!r}" for text in said if MONEY_WORDS.search(text)]
            if persona.revenue_share is not None:
                problems.append(f"{persona.name!r}: a revenue share without money")
    return problems


@pytest.mark.parametrize("money", [True, False], ids=["with money", "without money"])
def test_no_name_or_action_contradicts_its_numbers(money: bool) -> None:
    problems: list[str] = []
    names: set[str] = set()
    for seed in range(8):
        frame = _table(seed, money=money)
        features = [c for c in frame.columns if c != "customer"]
        k = 3 + seed % 4
        result = fit_segments(frame, default_specs(frame, features), k=k, seed=seed)
        problems += _check(frame, result.labels, money)
        # random labels too: segments that are not clusters still must not be mis-described
        random_labels = np.random.default_rng(seed).integers(0, k, len(frame))
        problems += _check(frame, random_labels, money)
        names.update(p.name for p in describe_segments(frame, result.labels, features=features))
    assert problems == []
    # the check is not vacuous: qualifiers were actually used
    assert any(re.search(r"\b(New|Lapsed|Frequent|Occasional|Recent|At-risk)\b", n) for n in names)


def test_segment_without_data_gets_no_persona() -> None:
    frame = _table(1, money=True)
    labels = fit_segments(frame, default_specs(frame, ["recency_days", "frequency"]), k=3).labels.copy()
    labels[:5] = -2
    personas = describe_segments(frame, labels, features=["recency_days", "frequency"])
    assert all(p.segment != -2 for p in personas)
    assert sum(p.size for p in personas) == len(frame) - 5
