"""``segmentation demo-data OUT_DIR``: write the bundled demo tables (customers, products, orders)."""

from __future__ import annotations

import argparse
from typing import Any

from segmentation import DEFAULT_DEMO_CUSTOMERS, DEFAULT_DEMO_SEED
from segmentation.cli._arguments import positive_int, seed
from segmentation.cli._lazy import DEFERRED

if DEFERRED:  # run when a subcommand starts, not at start-up (see segmentation/cli/_lazy.py)
    from segmentation import write_demo_data

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``demo-data`` subcommand."""
    parser = subparsers.add_parser(
        "demo-data",
        help="write the demo customers, product catalog and order lines into a folder",
        description="Generate the fictional demo shop (customers, ~300 products, two years of order lines "
        "with planted customer groups) and write demo_customers.csv, demo_products.csv, "
        "demo_orders.csv.gz and demo_truth.csv into OUT_DIR. The same seed always gives the same files.",
    )
    parser.add_argument(
        "out_dir", metavar="OUT_DIR", help="folder to write into (created if its parent exists)"
    )
    parser.add_argument(
        "--seed", type=seed, default=DEFAULT_DEMO_SEED, help=f"random seed (default {DEFAULT_DEMO_SEED})"
    )
    parser.add_argument(
        "--customers",
        type=positive_int,
        default=DEFAULT_DEMO_CUSTOMERS,
        metavar="N",
        help=f"number of customers, 100 to 100000 (default {DEFAULT_DEMO_CUSTOMERS})",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    paths = write_demo_data(args.out_dir, seed=args.seed, n_customers=args.customers)
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0
