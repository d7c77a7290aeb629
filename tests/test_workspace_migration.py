"""Segment migration between two runs, on labels with a known answer."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation import ColumnError, compare_segmentations


def _labels(pairs: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [c for c, _ in pairs], "segment": [s for _, s in pairs]})


def test_the_matrix_counts_movers_new_and_lost() -> None:
    before = _labels([("1", 0), ("2", 0), ("3", 0), ("4", 1), ("5", 1), ("gone", 1)])
    after = _labels([("1.0", 0), ("2", 1), ("3", 1), ("4", 1), ("5", 0), ("new", 0), ("also new", 1)])
    result = compare_segmentations(
        before, after, before_names={0: "Loyal"}, after_names={1: "At risk"}, valuable=[0], at_risk=[1]
    )
    rows = result.matrix.to_dict("records")
    assert [(r["from_segment"], r["to_segment"], r["customers"]) for r in rows] == [
        (0, 0, 1),
        (0, 1, 2),
        (1, 0, 1),
        (1, 1, 1),
    ]
    assert [r["row_share"] for r in rows] == pytest.approx([1 / 3, 2 / 3, 0.5, 0.5])
    assert (rows[1]["from_name"], rows[1]["to_name"], rows[2]["to_name"]) == ("Loyal", "At risk", "Segment 0")
    assert (result.new_customers, result.lost_customers, result.stayed, result.moved) == (2, 1, 2, 3)
    assert result.movers["customer_id"].tolist() == ["2", "3"]
    payload = result.to_dict()
    assert payload["matrix"][1] == {
        "from_segment": 0,
        "to_segment": 1,
        "from_name": "Loyal",
        "to_name": "At risk",
        "customers": 2,
        "row_share": pytest.approx(2 / 3),
    }


def test_labels_without_the_columns_are_refused() -> None:
    with pytest.raises(ColumnError, match="'segment'"):
        compare_segmentations(pd.DataFrame({"customer_id": ["1"]}), _labels([("1", 0)]))
