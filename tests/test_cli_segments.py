"""``segmentation sweep / segment / assign`` through the real command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from segmentation.cli import main

FEATURES = "Age,Annual Income (k$),Spending Score (1-100)"
CORNERS = np.array([[25, 20, 80], [60, 90, 20], [35, 90, 85], [50, 30, 30]], dtype=float)


@pytest.fixture
def customer_file(tmp_path: Path) -> Path:
    points, _ = make_blobs(n_samples=200, centers=CORNERS, cluster_std=4.0, random_state=7)
    frame = pd.DataFrame(
        {
            "CustomerID": [f"{i:04d}" for i in range(200)],
            "Gender": np.where(np.arange(200) % 3 == 0, "Female", "Male"),
            "Age": points[:, 0].round(0),
            "Annual Income (k$)": points[:, 1].round(1),
            "Spending Score (1-100)": points[:, 2].round(0),
        }
    )
    path = tmp_path / "mall customers.csv"
    frame.to_csv(path, index=False)
    return path


def test_sweep_json_recommends_the_planted_k(customer_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", str(customer_file), "--features", FEATURES, "--k-max", "6", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["k"] == [2, 3, 4, 5, 6]
    for key in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
        assert len(payload[key]) == 5
    assert payload["recommended_k"] == 4 and payload["elbow_k"] == 4
    assert payload["silhouette_sample_size"] == 200 and payload["silhouette_reference_size"] == 200


def test_sweep_text_output_explains_the_choice(
    customer_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(customer_file), "--features", FEATURES, "--k-max", "5"]) == 0
    out = capsys.readouterr().out
    assert (
        "Recommended k: 4." in out
        and "Silhouette estimated on 200 of 200 customers (each compared with 200)" in out
    )


def test_segment_then_assign_reproduces_segments(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, model, personas = tmp_path / "out.csv", tmp_path / "model.json", tmp_path / "personas.json"
    args = ["segment", str(customer_file), "--features", FEATURES, "--k", "4", "-o", str(out)]
    assert main([*args, "--model", str(model), "--personas", str(personas)]) == 0
    segmented = pd.read_csv(out, dtype={"CustomerID": str})
    assert list(segmented.columns)[-2:] == ["segment", "segment_name"]
    assert segmented["CustomerID"].iloc[0] == "0000"  # ids kept as written
    assert sorted(segmented["segment"].unique()) == [0, 1, 2, 3]
    saved = json.loads(model.read_text(encoding="utf-8"))
    names = {s["segment"]: s["name"] for s in saved["segments"]}
    assert segmented["segment_name"].tolist() == [names[s] for s in segmented["segment"]]
    assert len(json.loads(personas.read_text(encoding="utf-8"))["segments"]) == 4

    shuffled = pd.read_csv(customer_file, dtype=str).iloc[::-1][
        ["Spending Score (1-100)", "Age", "Annual Income (k$)", "CustomerID"]
    ]
    new_file = tmp_path / "new.csv"
    shuffled.to_csv(new_file, index=False)
    assigned_path = tmp_path / "assigned.csv"
    assert main(["assign", str(new_file), "--model", str(model), "-o", str(assigned_path)]) == 0
    assigned = pd.read_csv(assigned_path, dtype={"CustomerID": str}).set_index("CustomerID")
    expected = segmented.set_index("CustomerID")
    assert assigned.loc[expected.index, "segment"].tolist() == expected["segment"].tolist()
    assert assigned.loc[expected.index, "segment_name"].tolist() == expected["segment_name"].tolist()
    assert "Wrote" in capsys.readouterr().out


def test_errors_are_one_clear_line(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "o.csv")
    assert main(["segment", str(customer_file), "--features", FEATURES, "--k", "500", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "k=500" in err or "out of range" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["sweep", str(customer_file), "--features", "Age,Income"]) == 2
    assert "'Income'" in capsys.readouterr().err
    assert main(["assign", str(customer_file), "--model", str(customer_file), "-o", out]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_constant_feature_is_left_out_with_a_warning(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(customer_file, dtype=str).assign(Country="FR")
    path = tmp_path / "with_country.csv"
    frame.to_csv(path, index=False)
    assert main(["sweep", str(path), "--features", f"{FEATURES},Country", "--k-max", "4", "--json"]) == 0
    captured = capsys.readouterr()
    assert "'Country' has the same value for every customer" in captured.err
    assert json.loads(captured.out)["k"] == [2, 3, 4]


def test_console_script_runs_sweep(customer_file: Path, segmentation_cli: list[str]) -> None:
    done = subprocess.run(
        [*segmentation_cli, "sweep", str(customer_file), "--features", FEATURES, "--k-max", "3", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["k"] == [2, 3]
