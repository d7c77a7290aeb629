"""Copy the real tables that ship inside installable packages into ``tests/corpus/tables/``.

Run once by hand (the output is committed; tests never run this)::

    pip install statsmodels vega_datasets lifetimes   # only to extract; not project dependencies
    python tests/corpus/collect_packages.py

Files are copied as shipped when a marketer's upload could look like that (odd quoting, tab or
space separators, no index); tables shipped without a header row or as JSON are written the way a
user would export them (CSV with the package's own column names). Big tables keep their first
2,000 rows.
"""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

import pandas as pd

TABLES = Path(__file__).resolve().parent / "tables"
MAX_ROWS = 2_000


def _package_file(package: str, relative: str) -> Path:
    return Path(str(files(package).joinpath(relative)))


def _head_lines(source: Path, target: Path, *, rows: int = MAX_ROWS) -> None:
    """Copy the header and the first ``rows`` lines byte for byte (keeps quoting and separators)."""
    with source.open("rb") as handle:
        lines = handle.readlines()[: rows + 1]
    target.write_bytes(b"".join(lines))


def _copy_statsmodels() -> None:
    for name, relative in {
        "anes96": "anes96/anes96.csv",
        "ccard": "ccard/ccard.csv",
        "fair": "fair/fair.csv",
        "fair_pt": "fair/fair_pt.csv",
        "statecrime": "statecrime/statecrime.csv",
        "longley": "longley/longley.csv",
        "randhie": "randhie/randhie.csv",
        "spector": "spector/spector.csv",
        "star98": "star98/star98.csv",
        "cpunish": "cpunish/cpunish.csv",
        "engel": "engel/engel.csv",
        "co2": "co2/co2.csv",
        "scotvote": "scotland/scotvote.csv",
    }.items():
        _head_lines(_package_file("statsmodels.datasets", relative), TABLES / f"pkg_statsmodels_{name}.csv")


def _copy_sklearn() -> None:
    from sklearn import datasets

    datasets.load_wine(as_frame=True).frame.to_csv(TABLES / "pkg_sklearn_wine.csv", index=False)
    datasets.load_breast_cancer(as_frame=True).frame.to_csv(
        TABLES / "pkg_sklearn_breast_cancer.csv", index=False
    )
    diabetes = datasets.load_diabetes(as_frame=True, scaled=False).frame
    diabetes.to_csv(TABLES / "pkg_sklearn_diabetes.tsv", index=False, sep="\t")
    linnerud = datasets.load_linnerud(as_frame=True)
    pd.concat([linnerud.data, linnerud.target], axis=1).to_csv(TABLES / "pkg_sklearn_linnerud.csv")


def _copy_vega() -> None:
    data = "vega_datasets"
    cars = pd.DataFrame(json.loads(_package_file(data, "_data/cars.json").read_text()))
    cars.to_csv(TABLES / "pkg_vega_cars.csv", index=False)
    for name in ("seattle-weather", "la-riots", "iowa-electricity", "us-employment"):
        shutil.copyfile(_package_file(data, f"_data/{name}.csv"), TABLES / f"pkg_vega_{name}.csv")
    _head_lines(_package_file(data, "_data/airports.csv"), TABLES / "pkg_vega_airports.csv")


def _copy_plotly() -> None:
    for name in ("tips", "experiment", "election", "carshare", "wind"):
        source = _package_file("plotly", f"package_data/datasets/{name}.csv.gz")
        shutil.copyfile(source, TABLES / f"pkg_plotly_{name}.csv.gz")


def _copy_lifetimes() -> None:
    data = "lifetimes"
    master = pd.read_csv(
        _package_file(data, "datasets/CDNOW_master.txt"), sep=r"\s+", dtype={"customer_id": str}
    )
    master.head(MAX_ROWS).to_csv(TABLES / "pkg_lifetimes_cdnow_master.csv", index=False)
    # CDNOW_sample.txt has no header: customer id, customer index, date, CDs bought, dollars.
    sample = pd.read_csv(
        _package_file(data, "datasets/CDNOW_sample.txt"),
        sep=r"\s+",
        header=None,
        names=["CustomerNo", "CustomerIndex", "OrderDate", "CDs", "DollarValue"],
        dtype={"CustomerNo": str, "CustomerIndex": str},
    )
    sample.head(MAX_ROWS).to_csv(TABLES / "pkg_lifetimes_cdnow_sample.tsv", index=False, sep="\t")
    for name in ("cdnow_customers_summary", "cdnow_customers_summary_with_transactions", "donations"):
        _head_lines(_package_file(data, f"datasets/{name}.csv"), TABLES / f"pkg_lifetimes_{name}.csv")
    _head_lines(
        _package_file(data, "datasets/example_transactions.csv"),
        TABLES / "pkg_lifetimes_example_transactions.csv",
    )


def main() -> None:
    TABLES.mkdir(exist_ok=True)
    _copy_statsmodels()
    _copy_sklearn()
    _copy_vega()
    _copy_plotly()
    _copy_lifetimes()


if __name__ == "__main__":
    main()
