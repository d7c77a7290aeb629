"""The workspace through the command line: --save, runs/campaigns list, lift --campaign, migration, forget."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmentation import open_workspace
from segmentation.cli import main
from tests._workspace_helpers import fresh_postgres, payload_files

FEATURES = "Age,Income"


@pytest.fixture
def customer_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    n = 150
    group = np.arange(n) % 3
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{i:03d}" for i in range(n)],
            "email": [f"k{i}@example.com" for i in range(n)],
            "marketing_consent": np.where(np.arange(n) % 10 == 0, "no", "yes"),
            "Age": (np.array([25, 45, 65])[group] + rng.normal(0, 2, n)).round(0),
            "Income": (np.array([20, 60, 40])[group] + rng.normal(0, 3, n)).round(1),
        }
    )
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    return path


def _segment(path: Path, out: Path, name: str, *extra: str) -> int:
    return main(
        ["segment", str(path), "--features", FEATURES, "--k", "3", "-o", str(out), "--save", name, *extra]
    )


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_segment_save_lists_the_run_and_asks_before_replacing(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seg.csv"
    assert _segment(customer_file, out, "spring") == 0
    assert "Saved run 'spring'" in capsys.readouterr().err
    (run,) = _json(capsys, ["runs", "list", "--json"])  # type: ignore[misc]
    assert (run["name"], run["customers"], run["k"], run["algorithm"], run["features"]) == (
        "spring", 150, 3, "kmeans", 2
    )  # fmt: skip
    out.unlink()
    assert _segment(customer_file, out, "spring") == 2
    err = capsys.readouterr().err
    assert err == "segmentation segment: error: run 'spring' exists; add --replace to replace it.\n"
    assert not out.exists()  # refused before any work
    assert _segment(customer_file, out, "spring", "--replace", "--seed", "4") == 0
    (again,) = _json(capsys, ["runs", "list", "--json"])  # type: ignore[misc]
    assert again["id"] == run["id"]
    with open_workspace() as workspace:
        stored = workspace.load_run("spring")
    written = pd.read_csv(out, dtype={"customer_id": str})
    assert stored.labels["customer_id"].tolist() == written["customer_id"].tolist()
    assert stored.labels["segment"].tolist() == written["segment"].tolist()
    assert stored.names == dict(zip(written["segment"], written["segment_name"], strict=False))
    assert stored.seed == 4 and stored.model_json is not None and len(stored.personas) == 3


def test_lift_on_a_stored_campaign_matches_lift_on_the_files(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seg = tmp_path / "seg.csv"
    assert _segment(customer_file, seg, "spring") == 0
    listing = tmp_path / "list.csv"
    export = ["export", str(seg), "--consent-col", "marketing_consent", "-o", str(listing), "--save", "mail"]
    assert main([*export, "--holdout", "0.3"]) == 0
    assert "segmentation lift --campaign mail RESULTS.csv" in capsys.readouterr().err
    sent = pd.read_csv(listing, dtype=str)
    results = pd.DataFrame(
        {"customer_id": sent["customer_id"], "converted": (np.arange(len(sent)) % 4 == 0).astype(int)}
    )
    results.to_csv(tmp_path / "results.csv", index=False)
    from_files = _json(capsys, ["lift", str(listing), str(tmp_path / "results.csv"), "--json"])
    stored = _json(capsys, ["lift", "--campaign", "mail", str(tmp_path / "results.csv"), "--json"])
    assert isinstance(stored, dict) and isinstance(from_files, dict)
    # The same numbers; segments come in the order of the list's rows (send list first when stored).
    assert sorted(stored.pop("segments"), key=str) == sorted(from_files.pop("segments"), key=str)
    assert stored == from_files
    (campaign,) = _json(capsys, ["campaigns", "list", "--json"])  # type: ignore[misc]
    assert campaign["name"] == "mail" and campaign["treatment"] + campaign["control"] == 135
    assert campaign["lift"] == pytest.approx(stored["overall"]["absolute_lift"])
    assert main(["lift", "--campaign", "mail", str(listing), str(tmp_path / "results.csv")]) == 2
    assert "with --campaign give only RESULTS" in capsys.readouterr().err
    assert main(["export", *export[1:]]) == 2
    assert "campaign 'mail' exists; add --replace" in capsys.readouterr().err


def test_migration_and_forget(
    customer_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _segment(customer_file, tmp_path / "a.csv", "winter") == 0
    later = pd.read_csv(customer_file, dtype=str).iloc[10:]
    later.to_csv(tmp_path / "later.csv", index=False)
    assert _segment(tmp_path / "later.csv", tmp_path / "b.csv", "spring") == 0
    moved = _json(capsys, ["migration", "winter", "spring", "--json"])
    assert isinstance(moved, dict)
    assert (moved["from"], moved["to"], moved["new_customers"], moved["lost_customers"]) == (
        "winter", "spring", 0, 10
    )  # fmt: skip
    assert sum(cell["customers"] for cell in moved["matrix"]) == 140
    assert {"from_segment", "to_segment", "customers"} <= set(moved["matrix"][0])
    movers = tmp_path / "movers.csv"
    biggest = max(moved["matrix"], key=lambda cell: cell["customers"])
    pair = ["--valuable", str(biggest["from_segment"]), "--at-risk", str(biggest["to_segment"])]
    assert main(["migration", "winter", "spring", *pair, "-o", str(movers)]) == 0
    out = capsys.readouterr().out
    expected = biggest["customers"]
    assert "lost 10" in out and f"{expected:,} customers went from a valuable to an at-risk segment" in out
    written = pd.read_csv(movers, dtype={"customer_id": str})
    assert len(written) == expected > 0
    assert set(written["from_segment"]) == {biggest["from_segment"]}
    assert main(["migration", "winter", "spring", "--valuable", "first"]) == 2
    assert "give segment numbers" in capsys.readouterr().err
    forgotten = _json(capsys, ["forget", "k12@example.com", "--json"])
    assert forgotten == {
        "datasets": 2, "runs": 2, "campaigns": 0, "recommendations": 0, "lifts": 0,
        "payloads_rewritten": 4, "audit_id": 1,
    }  # fmt: skip
    with open_workspace() as workspace:
        assert "K012" not in set(workspace.load_run("winter").labels["customer_id"])
        for path in payload_files(workspace):
            assert b"K012" not in path.read_bytes()


def test_the_workspace_option_goes_before_or_after_the_command(
    customer_file: Path, tmp_path: Path, segmentation_cli: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "chosen.sqlite"
    argv = ["segment", str(customer_file), "--features", FEATURES, "--k", "2", "-o", str(tmp_path / "o.csv")]
    assert main(["--workspace", str(chosen), *argv, "--save", "first"]) == 0
    assert main([*argv, "--save", "second", "--workspace", str(chosen)]) == 0
    listed = _json(capsys, ["runs", "list", "--workspace", str(chosen), "--json"])
    assert [run["name"] for run in listed] == ["second", "first"]  # type: ignore[union-attr]
    order = ["--workspace", str(chosen), "runs", "list", "--json"]  # as a user's shell runs it
    done = subprocess.run([*segmentation_cli, *order], capture_output=True, text=True, check=True)
    assert [run["name"] for run in json.loads(done.stdout)] == ["second", "first"]
    with open_workspace() as default:
        assert default.items("run") == []  # the default workspace was not used


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and expected in captured.err, captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_bad_workspaces_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unreachable = "postgresql+psycopg://nobody:secret@127.0.0.1:1/shop"
    _one_line_error(
        capsys,
        ["--workspace", unreachable, "runs", "list"],
        "cannot reach the workspace database postgresql+psycopg://nobody:***@127.0.0.1:1/shop",
    )
    assert "secret" not in capsys.readouterr().err
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database\n" * 10)
    _one_line_error(
        capsys, ["--workspace", str(damaged), "campaigns", "list"], "is damaged or not a workspace"
    )
    newer = tmp_path / "newer.sqlite"
    open_workspace(newer).close()
    with sqlite3.connect(newer) as raw:
        raw.execute("UPDATE alembic_version SET version_num = 'r9999'")
    _one_line_error(capsys, ["--workspace", str(newer), "runs", "list"], "written by a newer version")
    with open_workspace() as workspace:
        workspace.save_run(
            name="a", dataset_id=None, customer_ids=pd.Series(["x"]), labels=[0], features=["f"],
            algorithm="kmeans", k=1, seed=0,
        )  # fmt: skip
        workspace.save_run(
            name="b", dataset_id=None, customer_ids=pd.Series(["y"]), labels=[0], features=["f"],
            algorithm="kmeans", k=1, seed=0,
        )  # fmt: skip
        missing = payload_files(workspace)[0]
    missing.unlink()
    _one_line_error(capsys, ["migration", "a", "b"], f"{missing} is not there")
    _one_line_error(capsys, ["migration", "nope", "a"], "there is no run 'nope' in the workspace")


def test_a_postgresql_workspace_by_url(
    customer_file: Path, tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = fresh_postgres(postgres_url)
    argv = ["segment", str(customer_file), "--features", FEATURES, "--k", "3", "-o", str(tmp_path / "o.csv")]
    assert main(["--workspace", url, *argv, "--save", "spring"]) == 0
    (run,) = _json(capsys, ["--workspace", url, "runs", "list", "--json"])  # type: ignore[misc]
    assert (run["name"], run["customers"]) == ("spring", 150)
    assert _json(capsys, ["--workspace", url, "forget", "K001", "--json"])["runs"] == 1  # type: ignore[index]
    with open_workspace() as default:
        assert default.items("run") == []
