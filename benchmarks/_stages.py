"""Every stage's benchmark as setup functions (run in fresh processes) and report rows.

Setup functions (``load_ours``, ``sweep_compare``, …) run inside a child started by
:func:`_harness.measure`: they build the inputs and return the work to measure. They reuse the
data generators and measurements of the per-stage scripts (``bench_*.py``) so the numbers here
match what those scripts print.

Collectors (``collect_load``, …) run in the parent: they start the measurements for one size and
turn them into :class:`Row` values with the stage's targets checked. The parent never imports
numpy or pandas, so it stays small and cannot inflate a child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _harness import measure

Work = Callable[[], dict[str, Any]]

HERE = Path(__file__).resolve()
SIZES = ("small", "medium", "large")
_DIVISOR = {"small": 100, "medium": 10, "large": 1}  # large = the target sizes
TIMEOUT = 1800.0
SWEEP_EXACT = 20_000  # customers for the exact-silhouette check (O(n²)) at medium and large
SWEEP_REFERENCE = 30_000  # sample of the reference silhouette at the row's size (exact below it)
# Sizes at which the plain approach runs only k = 2, 6, 10 and its 2..10 time is extrapolated:
# at large because KMeans(n_init=10) for every k would take minutes, at small to keep the smoke
# check short.
SWEEP_PLAIN_EXTRAPOLATED = ("small", "large")


def scaled(large: int, size: str) -> int:
    """The size of ``size`` for a stage whose target size is ``large``."""
    return large // _DIVISOR[size]


def count_label(n: float) -> str:
    """``1_000_000`` → ``1M``, ``50_000`` → ``50k``."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:g}"


@dataclass(frozen=True)
class Check:
    """One target: its wording and whether the measurement met it."""

    label: str
    passed: bool


@dataclass(frozen=True)
class Row:
    """One line of the report table."""

    stage: str
    size: str
    seconds: float | None
    peak_mb: float | None
    ratio: str = "—"
    target: str = "—"
    result: str = "—"


def row(
    stage: str,
    size: str,
    seconds: float | None,
    peak_mb: float | None,
    *,
    checks: list[Check],
    detail: str,
    ratio: str = "—",
) -> Row:
    """A row whose target column lists ``checks`` and whose result says pass or which failed."""
    if not checks:
        return Row(stage, size, seconds, peak_mb, ratio, "—", f"— ({detail})")
    failed = [c.label for c in checks if not c.passed]
    verdict = "pass" if not failed else f"**FAIL** ({'; '.join(failed)})"
    target = "; ".join(c.label for c in checks)
    return Row(stage, size, seconds, peak_mb, ratio, target, f"{verdict} — {detail}")


# -- setup functions: run in the measured child ------------------------------------------------


def load_generate(path: str, rows: int, cols: int) -> Work:
    """Write the seeded mixed CSV (run in its own process; not a measurement that is reported)."""
    import bench_load

    def work() -> dict[str, Any]:
        bench_load.generate_csv(Path(path), n_rows=rows, n_cols=cols, seed=0)
        return {"csv_mb": Path(path).stat().st_size / 2**20}

    return work


def load_ours(path: str) -> Work:
    """``load_table`` + ``profile_table`` on the CSV, as ``bench_load.measure`` times them."""
    import bench_load

    import segmentation.io.loading
    import segmentation.profiling.table_profile  # noqa: F401  (imported before the baseline is taken)

    return lambda: bench_load.measure(Path(path))


def load_plain(path: str) -> Work:
    """The plain approach: ``pandas.read_csv`` with every column as text."""
    import pandas as pd

    return lambda: {"rows": len(pd.read_csv(path, dtype="str"))}


def features_build(lines: int) -> Work:
    """``build_customer_features`` on generated lines as text, as a CSV loader gives them."""
    import bench_features

    from segmentation.customers.features import build_customer_features

    frame, columns = bench_features.prepare_inputs(lines, typed=False)
    data_mb = float(frame.memory_usage(deep=True).sum()) / 2**20

    def work() -> dict[str, Any]:
        result = build_customer_features(frame, columns=columns)
        return {"customers": len(result.frame), "data_mb": data_mb}

    return work


def _sweep_options(**values: int) -> argparse.Namespace:
    """The options ``bench_sweep``'s child functions read."""
    return argparse.Namespace(seed=0, plain_ks="2,6,10", reference_sample=SWEEP_REFERENCE, **values)


def sweep_compare(n: int, all_plain_ks: bool) -> Work:
    """``bench_sweep``'s comparison: our sweep 2..10, the plain approach, inertia and silhouette checks."""
    import bench_sweep

    options = _sweep_options(child=n, exact_size=0, full_plain_max=n if all_plain_ks else 0)
    return lambda: bench_sweep._child(options)


def sweep_exact(n: int) -> Work:
    """``bench_sweep``'s check of our silhouette estimate against the exact value, k = 2..10."""
    import bench_sweep

    return lambda: bench_sweep._exact_check(_sweep_options(exact_size=n))


def personas_describe(customers: int) -> Work:
    """``describe_segments`` on ``bench_personas``' synthetic features table (8 planted segments)."""
    import bench_personas

    from segmentation.personas.describe import describe_segments

    frame, labels = bench_personas.synthetic_customers(customers)

    def work() -> dict[str, Any]:
        personas = describe_segments(
            frame, labels, features=bench_personas.FEATURES, money_col="monetary", id_col="customer_id"
        )
        return {"segments": len(personas)}

    return work


def recs_scale(n_customers: int, n_items: int, n_interactions: int) -> Work:
    """Fit the default recommender and list top-10 for every customer (as ``bench_recs --scale``)."""
    import gc

    import numpy as np

    from segmentation.recommendations import (
        DEFAULT_MODEL,
        build_interactions,
        make_model,
        make_synthetic_interactions,
    )

    frame = make_synthetic_interactions(
        n_customers=n_customers,
        n_items=n_items,
        n_interactions=n_interactions,
        min_per_customer=1,
        seed=0,
    )
    interactions = build_interactions(
        frame, customer_col="customer_id", item_col="item_id", weighting="count"
    )
    matrix = interactions.matrix
    del frame, interactions
    gc.collect()

    def work() -> dict[str, Any]:
        model = make_model(DEFAULT_MODEL).fit(matrix)
        ids, _ = model.recommend(np.arange(matrix.shape[0]), matrix, 10)
        return {
            "model": DEFAULT_MODEL,
            "customers": int(matrix.shape[0]),
            "items": int(matrix.shape[1]),
            "interactions": int(matrix.nnz),
            "lists": int((ids[:, 0] >= 0).sum()),
        }

    return work


def recs_quality() -> Work:
    """Offline evaluation of the default model and popularity on the ~100k stand-in (seed 0)."""
    from segmentation.recommendations import (
        DEFAULT_MODEL,
        build_interactions,
        evaluate_interactions,
        make_synthetic_interactions,
    )

    interactions = build_interactions(
        make_synthetic_interactions(seed=0),
        customer_col="customer_id",
        item_col="item_id",
        time_col="timestamp",
        weighting="count",
    )

    def work() -> dict[str, Any]:
        report = evaluate_interactions(interactions, k=10, models=[DEFAULT_MODEL])
        return {
            "default": asdict(report.result(report.default_model)),
            "popularity": asdict(report.result("popularity")),
            "customers": interactions.n_customers,
            "items": interactions.n_items,
            "interactions": interactions.n_interactions,
        }

    return work


def export_audience(customers: int) -> Work:
    """``bench_export``'s run: build the audience, then CSV, ZIP and XLSX exports.

    Generating the customer table is inside the work (``bench_export`` does it in one call), so
    the peak includes the input tables; the seconds reported are the sum of the timed steps.
    """
    import bench_export

    import segmentation.campaigns.audience  # noqa: F401  (imported before the baseline is taken)

    return lambda: bench_export._run_one(customers, True)


# -- collectors: run in the parent ---------------------------------------------------------------


def collect_load(size: str) -> list[Row]:
    """Load + profile a generated CSV of 1M × 12 at large; plain = ``pandas.read_csv``."""
    n_rows, n_cols = scaled(1_000_000, size), 12
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.csv")
        generated = measure(HERE, "load_generate", path=path, rows=n_rows, cols=n_cols, timeout=TIMEOUT)
        ours = measure(HERE, "load_ours", path=path, timeout=TIMEOUT)
        plain = measure(HERE, "load_plain", path=path, timeout=TIMEOUT)
    numbers = ours.details
    profile_s = numbers["profile_s"] or 0.0
    seconds = numbers["load_s"] + profile_s
    times_data = ours.added_mb / numbers["frame_mb"]
    checks = (
        [Check("≤ 10 s", seconds <= 10), Check("added memory ≤ 3× data", times_data <= 3)]
        if size == "large"
        else []
    )
    detail = (
        f"load {numbers['load_s']:.1f} s + profile {profile_s:.1f} s; "
        f"CSV {generated.details['csv_mb']:.0f} MB, "
        f"frame {numbers['frame_mb']:.0f} MB; added {ours.added_mb:.0f} MB = {times_data:.1f}× data"
    )
    return [
        row(
            "load + validate",
            f"{size} · {count_label(n_rows)} rows × {n_cols}",
            seconds,
            ours.peak_mb,
            checks=checks,
            detail=detail,
            ratio=f"{plain.seconds / seconds:.2f}× (plain {plain.seconds:.1f} s)",
        )
    ]


def collect_features(size: str) -> list[Row]:
    """Customer features + RFM from 5M transaction lines (as text) at large."""
    lines = scaled(5_000_000, size)
    ours = measure(HERE, "features_build", lines=lines, timeout=TIMEOUT)
    data_mb = ours.details["data_mb"]
    times_data = ours.added_mb / data_mb
    checks = (
        [Check("≤ 20 s", ours.seconds <= 20), Check("added memory ≤ 3× data", times_data <= 3)]
        if size == "large"
        else []
    )
    detail = (
        f"{ours.details['customers']:,} customers; lines {data_mb:.0f} MB as text; "
        f"added {ours.added_mb:.0f} MB = {times_data:.1f}× data"
    )
    return [
        row(
            "customer features",
            f"{size} · {count_label(lines)} lines",
            ours.seconds,
            ours.peak_mb,
            checks=checks,
            detail=detail,
        )
    ]


@functools.cache
def _exact_silhouette_errors(n: int) -> tuple[int, int, tuple[float, ...]]:
    """(customers, sample, errors for k = 2..10) of our silhouette against the exact value."""
    result = measure(HERE, "sweep_exact", n=n, timeout=TIMEOUT).details
    return int(result["n"]), int(result["sample"]), tuple(float(v) for v in result["errors"].values())


def collect_sweep(size: str) -> list[Row]:
    """k = 2..10 sweep on 1M × 8 at large (and the 100k target at medium) against the plain approach."""
    n = scaled(1_000_000, size)
    all_plain_ks = size not in SWEEP_PLAIN_EXTRAPOLATED
    numbers = measure(HERE, "sweep_compare", n=n, all_plain_ks=all_plain_ks, timeout=TIMEOUT).details
    worst_inertia = max(numbers["inertia_ratio"].values()) - 1
    worst_reference = max(abs(v) for v in numbers["silhouette_vs_reference"].values())
    reference = f"{SWEEP_REFERENCE:,}-customer" if n > SWEEP_REFERENCE else "exact"
    detail = (
        f"inertia worst {worst_inertia:+.2%} vs KMeans(n_init=10) at k={','.join(numbers['inertia_ratio'])}; "
        f"silhouette (sample {numbers['silhouette_sample_size']:,}) worst error {worst_reference:.4f} vs "
        f"{reference} silhouette at k={','.join(numbers['silhouette_vs_reference'])}"
    )
    worst_silhouette = worst_reference
    if size != "small":  # at small the reference silhouette is already exact
        exact_n, exact_sample, exact_errors = _exact_silhouette_errors(min(n, SWEEP_EXACT))
        worst_exact = max(abs(v) for v in exact_errors)
        worst_silhouette = max(worst_reference, worst_exact)
        detail += (
            f" and {worst_exact:.4f} vs exact on {exact_n:,} customers (sample {exact_sample:,}), k=2..10"
        )
    detail += f"; recommended k={numbers['recommended_k']}"
    speedup = numbers["speedup"]
    seconds, peak = numbers["ours_seconds"], numbers["peak_mb"]
    checks = []
    if size == "medium":
        checks.append(Check("≤ 5 s", seconds <= 5))
    if size == "large":
        checks += [Check("≤ 60 s", seconds <= 60), Check("peak ≤ 2 GB", peak <= 2048)]
    if size != "small":
        checks += [
            Check("silhouette within 0.01", worst_silhouette <= 0.01),
            Check("inertia within 1% of KMeans(n_init=10)", worst_inertia <= 0.01),
            Check("≥ 5× plain", speedup >= 5),
        ]
    extrapolated = " extrapolated from k=2,6,10" if numbers["plain_extrapolated"] else ""
    return [
        row(
            "k sweep 2..10",
            f"{size} · {count_label(n)} × 8",
            seconds,
            peak,
            checks=checks,
            detail=detail,
            ratio=f"{speedup:.1f}× (plain {numbers['plain_seconds_2_10']:.0f} s{extrapolated})",
        )
    ]


def collect_personas(size: str) -> list[Row]:
    """``describe_segments`` on 1M customers at large (no target)."""
    customers = scaled(1_000_000, size)
    ours = measure(HERE, "personas_describe", customers=customers, timeout=TIMEOUT)
    detail = f"{ours.details['segments']} segments, 5 features"
    return [
        row(
            "personas",
            f"{size} · {count_label(customers)} customers",
            ours.seconds,
            ours.peak_mb,
            checks=[],
            detail=detail,
        )
    ]


def collect_recs(size: str) -> list[Row]:
    """Default model: fit + top-10 for everyone on 1M interactions / 100k customers / 20k items at large."""
    scale = {
        "n_customers": scaled(100_000, size),
        "n_items": scaled(20_000, size),
        "n_interactions": scaled(1_000_000, size),
    }
    ours = measure(HERE, "recs_scale", timeout=TIMEOUT, **scale)
    numbers = ours.details
    checks = []
    if size == "large":
        checks = [Check("≤ 60 s", ours.seconds <= 60), Check("peak ≤ 4 GB", ours.peak_mb <= 4096)]
    detail = f"model {numbers['model']}; {numbers['lists']:,} top-10 lists over {numbers['items']:,} items"
    return [
        row(
            "recs: fit + top-10 for all",
            f"{size} · {count_label(numbers['interactions'])} interactions, "
            f"{count_label(numbers['customers'])} customers",
            ours.seconds,
            ours.peak_mb,
            checks=checks,
            detail=detail,
        )
    ]


def collect_recs_quality() -> list[Row]:
    """Offline P@10 / NDCG@10 of the default model on the ~100k stand-in; plain = most popular items."""
    ours = measure(HERE, "recs_quality", timeout=TIMEOUT)
    numbers = ours.details
    default, popular = numbers["default"], numbers["popularity"]
    checks = [
        Check("P@10 ≥ 0.115", default["precision_at_k"] >= 0.115),
        Check("NDCG@10 ≥ 0.125", default["ndcg_at_k"] >= 0.125),
        Check("train+score ≤ 5 s", default["seconds"] <= 5),
    ]
    detail = (
        f"{default['model']}: P@10 {default['precision_at_k']:.4f}, NDCG@10 {default['ndcg_at_k']:.4f}, "
        f"coverage {default['coverage']:.1%}; popularity: P@10 {popular['precision_at_k']:.4f}, "
        f"NDCG@10 {popular['ndcg_at_k']:.4f}"
    )
    return [
        row(
            "recs: offline quality",
            f"stand-in · {count_label(numbers['interactions'])} interactions, "
            f"{numbers['customers']} customers, {count_label(numbers['items'])} items",
            default["seconds"],
            ours.peak_mb,
            checks=checks,
            detail=detail,
            ratio=f"{default['precision_at_k'] / popular['precision_at_k']:.2f}× popularity's P@10",
        )
    ]


def collect_export(size: str) -> list[Row]:
    """Audience + CSV + ZIP + XLSX for 1M customers at large (and 100k at medium); no target."""
    customers = scaled(1_000_000, size)
    ours = measure(HERE, "export_audience", customers=customers, timeout=TIMEOUT)
    numbers = ours.details
    seconds = numbers["audience_s"] + numbers["csv_s"] + numbers["zip_s"] + numbers["xlsx_s"]
    detail = (
        f"{int(numbers['listed']):,} listed; audience {numbers['audience_s']:.1f} s, "
        f"CSV {numbers['csv_s']:.1f} s ({numbers['csv_mb']:.0f} MB), ZIP {numbers['zip_s']:.1f} s, "
        f"XLSX {numbers['xlsx_s']:.1f} s ({numbers['xlsx_mb']:.0f} MB)"
    )
    return [
        row(
            "export: audience + CSV/ZIP/XLSX",
            f"{size} · {count_label(customers)} customers",
            seconds,
            ours.peak_mb,
            checks=[],
            detail=detail,
        )
    ]


@dataclass(frozen=True)
class Stage:
    """A benchmarked stage: rows per size, and rows measured once whatever the sizes."""

    collect: Callable[[str], list[Row]]
    once: Callable[[], list[Row]] | None = None


STAGES: dict[str, Stage] = {
    "load": Stage(collect_load),
    "features": Stage(collect_features),
    "sweep": Stage(collect_sweep),
    "personas": Stage(collect_personas),
    "recs": Stage(collect_recs, once=collect_recs_quality),
    "export": Stage(collect_export),
}
