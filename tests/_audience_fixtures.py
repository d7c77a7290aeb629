"""A segmented customer file with every trap a campaign list must handle, shared by both engines' tests.

Written as the CSV ``segmentation segment`` writes (text as in the file), it holds: numeric ids
written two ways (``1000`` and ``1000.0``), ids with leading zeros, emails with display names and
capitals, a consent column whose ``yes`` means *do not contact* (``unsubscribed``), answers in
several languages, blanks and values nobody can read, a customer who said no on one row and yes on
another, decimal commas in a money column, dates for the audience builder, segment -1
(Unassigned), RFM groups and rows without an id.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation import AudienceQuery, CampaignSpec, ColumnFilter, Condition, ConditionGroup, ContactColumns

CONTACTS = ContactColumns(customer_id="customer_id", email="email", name=("first_name",))
SEGMENT_NAMES = {-1: "Unassigned", 0: "Loyal regulars", 1: "Big spenders", 2: "Drifting away", 3: "New faces"}
UNSUBSCRIBED = ("no", "NO", "nein", "non", "yes", "ja", "", "maybe", "いいえ", "1", "0")


def messy_customers(n_customers: int = 600, *, seed: int = 7) -> pd.DataFrame:
    """The segmented table as text, ``n_customers`` rows plus traps; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    ids = [str(1000 + i) for i in range(n_customers)]
    emails = [f"person{i}@example.org" for i in range(n_customers)]
    segments = rng.choice([-1, 0, 1, 2, 3], size=n_customers, p=[0.05, 0.3, 0.25, 0.25, 0.15])
    spend = rng.gamma(2.0, 80.0, size=n_customers)
    frame = pd.DataFrame(
        {
            "customer_id": ids,
            "email": emails,
            "first_name": [f"Name{i}" for i in range(n_customers)],
            "country": rng.choice(["DE", "de ", "FR", "AT", "=cmd|' /C calc'!A0"], size=n_customers),
            "monetary": [f"{v:.2f}".replace(".", ",") for v in spend],
            "last_order": [
                (pd.Timestamp("2026-01-01") + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
                for d in rng.integers(0, 300, size=n_customers)
            ],
            "unsubscribed": rng.choice(UNSUBSCRIBED, size=n_customers),
            "rfm_segment": rng.choice(["Champions", "At risk", "Hibernating"], size=n_customers),
            "segment": segments.astype(str),
            "segment_name": [SEGMENT_NAMES[int(s)] for s in segments],
        }
    )
    traps = pd.DataFrame(
        [
            # the same customer as 1000, written as a decimal, with a display-name email: a duplicate
            [
                "1000.0",
                "Person0 <PERSON0@Example.org>",
                "Dup",
                "DE",
                "10,00",
                "2026-02-01",
                "no",
                "Champions",
            ],
            # said yes here, but "yes" (unsubscribed) on the row above for the same email: blocked
            ["77777", "person1@example.org", "Twin", "DE", "12,50", "2026-02-01", "no", "Champions"],
            ["", "noid@example.org", "NoId", "DE", "5,00", "2026-02-01", "no", "Champions"],
            ["00042", "zero@example.org", "Zero", "FR", "1.234,50", "2026-03-01", "NO", "At risk"],
            ["cust-9", "", "Textid", "AT", "99,00", "2026-03-02", "nein", "At risk"],
        ],
        columns=frame.columns[:8],
    )
    traps["segment"] = ["0", "0", "1", "2", "3"]
    traps["segment_name"] = [SEGMENT_NAMES[int(s)] for s in traps["segment"]]
    frame.loc[1, "unsubscribed"] = "yes"  # person1 said no (unsubscribed = yes); the trap row says otherwise
    return pd.concat([frame, traps], ignore_index=True)


def write_customers(folder: Path, frame: pd.DataFrame, name: str = "segmented.csv") -> Path:
    """Write ``frame`` as UTF-8 CSV with a header, every value as text."""
    path = folder / name
    frame.to_csv(path, index=False)
    return path


def campaign_specs() -> dict[str, CampaignSpec]:
    """Named specs covering segments, RFM groups, number/text filters, the query, consent and suppression."""
    query = AudienceQuery(
        groups=(
            ConditionGroup(
                conditions=(
                    Condition(column="monetary", operator="ge", value=60),
                    Condition(column="country", operator="one_of", value=("DE", "FR")),
                ),
                match="all",
            ),
            ConditionGroup(
                conditions=(Condition(column="last_order", operator="after", value="2026-06-30"),),
                match="all",
            ),
        ),
        combine="any",
        as_of="2026-11-01",
    )
    base = CampaignSpec(
        name="Spring",
        consent_col="unsubscribed",
        consent_polarity="opt-out",
        consent_confirmed=True,
        control_share=0.15,
        seed=11,
        suppression=("person5@example.org", "1007", "PERSON9@EXAMPLE.ORG"),
    )
    return {
        "everyone": base,
        "segments_filters": replace(
            base,
            segments=("Big spenders", "2"),
            rfm_groups=("champions", "At risk"),
            filters=(ColumnFilter("monetary", ">=", 50.0), ColumnFilter("country", "in", ("de", "fr"))),
        ),
        "query": replace(base, query=query),
        "polarity_from_name": replace(
            base, consent_polarity=None, consent_confirmed=False, control_share=0.5
        ),
        "waived": replace(base, consent_col=None, consent_waived=True, seed=3),
    }
