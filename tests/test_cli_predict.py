"""``segmentation predict`` through the real entry point, on the marketing-campaign table and demo orders."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from segmentation import load_propensity_model, score_saved_model
from segmentation.cli import main
from segmentation.cli._common import read_input

TABLES = Path(__file__).parent / "corpus" / "tables"
CAMPAIGN = TABLES / "exp_marketing_campaign.csv"


def _run(argv: list[str]) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(argv)
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """All five models on the marketing-campaign export (800 customers, 112 responded), as JSON."""
    folder = tmp_path_factory.mktemp("campaign")
    scores, model = folder / "scores.csv", folder / "model.json"
    code, out = _run(
        [
            "predict",
            str(CAMPAIGN),
            "--target",
            "Response",
            "-o",
            str(scores),
            "--json",
            "--model-out",
            str(model),
        ]
    )
    return {"code": code, "payload": json.loads(out), "scores": scores, "model": model}


def test_the_json_answer_has_the_promised_keys(campaign: dict[str, Any]) -> None:
    assert campaign["code"] == 0
    payload = campaign["payload"]
    assert {"target", "best_model", "models", "deciles", "excluded_features"} <= set(payload)
    assert payload["target"] == "Response"
    assert [m["name"] for m in payload["models"]] == ["logistic", "tree", "forest", "boosting", "svm"]
    assert all(set(m) >= {"name", "auc", "auc_std"} for m in payload["models"])
    best = max(payload["models"], key=lambda m: m["auc"])
    assert payload["best_model"] == best["name"]
    assert [d["decile"] for d in payload["deciles"]] == list(range(1, 11))
    assert sum(d["responders"] for d in payload["deciles"]) == payload["yes"] == 112
    excluded = {e["column"]: e["reason"] for e in payload["excluded_features"]}
    assert excluded["ID"] == "the customer id"
    assert excluded["Z_CostContact"] == "the same value for every customer"


def test_the_scores_file_has_every_customer_with_id_outcome_score_and_decile(
    campaign: dict[str, Any],
) -> None:
    scores = pd.read_csv(campaign["scores"], dtype={"ID": str})
    source = pd.read_csv(CAMPAIGN, sep="\t", dtype={"ID": str})
    assert list(scores.columns) == ["ID", "Response", "propensity", "decile"]
    assert scores["ID"].tolist() == source["ID"].tolist()
    assert scores["propensity"].between(0, 1).all()
    assert scores["decile"].value_counts().sort_index().tolist() == [80] * 10


def test_the_saved_model_is_readable_json(campaign: dict[str, Any]) -> None:
    payload = json.loads(Path(campaign["model"]).read_text(encoding="utf-8"))
    assert payload["format"] == "segmentation-propensity-model"
    assert payload["model"] == campaign["payload"]["best_model"]
    assert payload["target"] == "Response"


def test_same_seed_same_scores_and_a_written_out_model_rescores_them(tmp_path: Path) -> None:
    first, second, model = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "m.json"
    argv = ["predict", str(CAMPAIGN), "--target", "Response", "--models", "logistic", "--seed", "3"]
    assert _run([*argv, "-o", str(first), "--model-out", str(model)])[0] == 0
    assert _run([*argv, "-o", str(second)])[0] == 0
    assert first.read_bytes() == second.read_bytes()

    table = read_input(str(CAMPAIGN))
    rescored = score_saved_model(load_propensity_model(model), table.typed)
    np.testing.assert_allclose(rescored, pd.read_csv(first)["propensity"], atol=1e-9)


def test_text_output_says_the_answer_in_words(tmp_path: Path) -> None:
    code, out = _run(
        [
            "predict",
            str(CAMPAIGN),
            "--target",
            "response",
            "--models",
            "logistic,tree",
            "-o",
            str(tmp_path / "s.csv"),
        ]
    )
    assert code == 0
    assert out.startswith("Best: ")
    assert "The top 10% of customers by score hold" in out
    assert "wrote " in out


def test_churn_from_the_demo_orders(tmp_path: Path) -> None:
    orders = Path(__file__).parents[1] / "data" / "demo_orders.csv.gz"
    code, out = _run(
        [
            "predict",
            str(orders),
            "--churn-days",
            "90",
            "--models",
            "logistic,tree",
            "-o",
            str(tmp_path / "c.csv"),
            "--json",
        ]
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["target"] == "no_purchase_next_90_days"
    assert payload["outcome"].startswith("Outcome: no purchase between ")
    assert max(m["auc"] for m in payload["models"]) > 0.8


def _table(path: Path, yes: int, no: int, *, target: str = "bought") -> Path:
    rng = np.random.default_rng(0)
    pd.DataFrame(
        {"customer_id": [f"C{i}" for i in range(yes + no)], "spend": rng.normal(size=yes + no).round(2),
         target: ["yes"] * yes + ["no"] * no}
    ).to_csv(path, index=False)  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("yes", "no", "extra", "message"),
    [
        (0, 300, [], "is 'no' for every customer; a propensity model needs both yes and no outcomes"),
        (30, 300, [], "has only 30 customers with 'yes'; a propensity model needs at least 50 of each"),
        (60, 300, ["--models", "xgboost"], "Unknown propensity model 'xgboost'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], yes: int, no: int, extra: list[str], message: str
) -> None:
    path = _table(tmp_path / "t.csv", yes, no)
    code = main(["predict", str(path), "--target", "bought", *extra, "-o", str(tmp_path / "s.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_no_target_and_too_few_repeat_buyers_are_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _table(tmp_path / "t.csv", 60, 60)
    assert main(["predict", str(path), "-o", str(tmp_path / "s.csv")]) == 2
    assert "--target COL (a yes/no column) or, for purchase lines, --churn-days N" in capsys.readouterr().err
    orders = tmp_path / "orders.csv"
    pd.DataFrame(
        {"customer_id": [f"C{i % 150}" for i in range(300)],
         "order_date": pd.date_range("2024-01-01", periods=300, freq="D").strftime("%Y-%m-%d"),
         "amount": 10.0}
    ).to_csv(orders, index=False)  # fmt: skip
    assert main(["predict", str(orders), "--churn-days", "30", "-o", str(tmp_path / "s.csv")]) == 2
    assert "at least 200 repeat buyers" in capsys.readouterr().err
    assert main(["predict", str(orders), "--churn-days", "30", "--cutoff", "2024-10-20", "-o", "x.csv"]) == 2
    assert "leaves no full 30-day holdout" in capsys.readouterr().err
