"""Benchmark: the workspace (SQLite file + Parquet payloads) at the issue's sizes.

* listing: open a workspace holding 50 runs and 20 campaigns (2 lifts each) and list everything
  the Workspace page shows (datasets, runs, recommendations, campaigns, lifts) — target < 1 s;
* save a run: ``save_run`` of 1M customers' labels (what saving adds to a fit) — target < 3 s;
* reload a list: ``load_campaign`` of a stored 1M-row campaign list (treatment + control with id,
  email and segment columns) — target < 2 s.

Each measurement runs in a fresh process (``_harness.measure``); building the workspace to read
is setup, not measured. Usage::

    python benchmarks/bench_workspace.py                   # large (1M customers)
    python benchmarks/bench_workspace.py --sizes small     # 10k customers, a quick look
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from _harness import measure
from _stages import SIZES, TIMEOUT, Check, Row, Stage, Work, count_label, row, scaled

HERE = Path(__file__).resolve()
LIST_RUNS = 50
LIST_CAMPAIGNS = 20
_KINDS = ("dataset", "run", "recommendations", "campaign", "lift")


def _labels(n: int) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd

    ids = pd.Series(np.char.add("C", np.arange(n).astype(str)), dtype="str")
    return ids, np.random.default_rng(0).integers(0, 6, n)


def _campaign_lists(n: int) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd

    ids, labels = _labels(n)
    frame = pd.DataFrame(
        {
            "email": ids.str.lower() + "@example.com",
            "customer_id": ids,
            "segment": labels,
            "segment_name": np.array(["Loyal", "New", "At risk", "Bargain", "VIP", "Other"])[labels],
        }
    )
    control = np.random.default_rng(1).random(n) < 0.1
    return frame[~control].reset_index(drop=True), frame[control].reset_index(drop=True)


# -- setup functions: run in the measured child ------------------------------------------------


def workspace_listing(folder: str) -> Work:
    """A workspace with 50 runs (10k customers each) and 20 campaigns; work = open it and list it all."""
    from segmentation import open_workspace

    ids, labels = _labels(10_000)
    treatment, control = _campaign_lists(2_000)
    with open_workspace(folder) as workspace:
        for number in range(LIST_RUNS):
            workspace.save_run(
                name=f"run {number}", dataset_id=None, customer_ids=ids, labels=(labels + number) % 6,
                features=["recency", "frequency", "monetary"], algorithm="kmeans", k=6, seed=number,
                model_json="{}" * 200, personas=[{"segment": s, "name": f"Segment {s}"} for s in range(6)],
            )  # fmt: skip
        for number in range(LIST_CAMPAIGNS):
            campaign = workspace.save_campaign(
                name=f"campaign {number}", run_id=number + 1, rules={"segments": ["Loyal"]},
                treatment=treatment.iloc[number:], control=control, manifest={"campaign": number},
                id_column="customer_id",
            )  # fmt: skip
            for _ in range(2):
                report = {"overall": {"absolute_lift": 0.01, "p_value": 0.03}, "n_listed": 2_000}
                workspace.save_lift(campaign_id=campaign.id, report=report)

    def work() -> dict[str, Any]:
        with open_workspace(folder) as workspace:
            counts = {kind: len(workspace.items(kind)) for kind in _KINDS}
            counts["lift reports"] = len(workspace.lifts())
        return counts

    return work


def workspace_save_run(folder: str, customers: int) -> Work:
    """An open workspace and 1M customers' labels; work = ``save_run``."""
    from segmentation import open_workspace

    ids, labels = _labels(customers)
    workspace = open_workspace(folder)

    def work() -> dict[str, Any]:
        item = workspace.save_run(
            name="spring", dataset_id=None, customer_ids=ids, labels=labels, features=["a", "b", "c"],
            algorithm="kmeans", k=6, seed=0,
        )  # fmt: skip
        workspace.close()
        return {"customers": item.n_rows, "payload_mb": item.size_bytes / 2**20}

    return work


def workspace_reload_list(folder: str, customers: int) -> Work:
    """A workspace holding a 1M-row campaign list; work = open it and ``load_campaign``."""
    from segmentation import open_workspace

    treatment, control = _campaign_lists(customers)
    with open_workspace(folder) as workspace:
        workspace.save_campaign(
            name="spring mail", run_id=None, rules={}, treatment=treatment, control=control,
            manifest={}, id_column="customer_id",
        )  # fmt: skip
    del treatment, control

    def work() -> dict[str, Any]:
        with open_workspace(folder) as workspace:
            campaign = workspace.load_campaign("spring mail")
        return {
            "rows": len(campaign.treatment) + len(campaign.control),
            "payload_mb": campaign.item.size_bytes / 2**20,
        }

    return work


# -- collectors: run in the parent -------------------------------------------------------------


def collect_workspace(size: str) -> list[Row]:
    """Saving 1M customers' labels and reloading a 1M-row list (targets checked at large)."""
    customers = scaled(1_000_000, size)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as folder:
        saved = measure(HERE, "workspace_save_run", folder=folder, customers=customers, timeout=TIMEOUT)
    checks = [Check("≤ 3 s", saved.seconds <= 3)] if size == "large" else []
    detail = f"{saved.details['customers']:,} labels, {saved.details['payload_mb']:.2f} MB Parquet"
    rows.append(
        row("workspace: save a run", f"{size} · {count_label(customers)} customers", saved.seconds,
            saved.peak_mb, checks=checks, detail=detail)
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as folder:
        loaded = measure(HERE, "workspace_reload_list", folder=folder, customers=customers, timeout=TIMEOUT)
    checks = [Check("≤ 2 s", loaded.seconds <= 2)] if size == "large" else []
    detail = f"{loaded.details['rows']:,} rows, {loaded.details['payload_mb']:.2f} MB Parquet"
    rows.append(
        row("workspace: reload a stored list", f"{size} · {count_label(customers)} rows", loaded.seconds,
            loaded.peak_mb, checks=checks, detail=detail)
    )  # fmt: skip
    return rows


def collect_workspace_listing() -> list[Row]:
    """Open a workspace of 50 runs and 20 campaigns and list everything (the Workspace page's reads)."""
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as folder:
        listed = measure(HERE, "workspace_listing", folder=folder, timeout=TIMEOUT)
    counts = listed.details
    detail = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    return [
        row("workspace: open + list", f"{LIST_RUNS} runs, {LIST_CAMPAIGNS} campaigns", listed.seconds,
            listed.peak_mb, checks=[Check("≤ 1 s", listed.seconds <= 1)], detail=detail)
    ]  # fmt: skip


WORKSPACE_STAGES: dict[str, Stage] = {"workspace": Stage(collect_workspace, once=collect_workspace_listing)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="large", help=f"comma-separated, from {','.join(SIZES)}")
    args = parser.parse_args(argv)
    rows = collect_workspace_listing()
    for size in args.sizes.split(","):
        rows += collect_workspace(size.strip())
    for r in rows:
        seconds = "—" if r.seconds is None else f"{r.seconds:.2f}"
        peak = "—" if r.peak_mb is None else f"{r.peak_mb:.0f}"
        print(f"| {r.stage} | {r.size} | {seconds} | {peak} | {r.target} | {r.result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
