"""Write the corpus's realistic exports: tables in the exact column shapes of the tools marketers
export from (Shopify, WooCommerce, Stripe, Mailchimp, HubSpot, Salesforce, Olist, ...).

Values are synthetic and seeded, so running this again writes the same files::

    python -m tests.corpus.make_exports      # or: python tests/corpus/make_exports.py

The generators live in ``_exports_orders.py``, ``_exports_contacts.py``, ``_exports_customers.py``
and ``_exports_hostile.py`` (shared helpers in ``_generate.py``). The output is committed under
``tests/corpus/tables/exp_*``; the tests never run this script. Separators, encodings (UTF-8,
UTF-8 with BOM, cp1252), decimal commas, date formats and XLSX vary the way they do in real exports.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tests.corpus`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.corpus._exports_contacts import (
    crm_customers_xlsx,
    french_customers,
    german_customers,
    hubspot_contacts,
    inverted_consent,
    japanese_customers,
    klaviyo_profiles,
    mailchimp_subscribed,
    mailchimp_unsubscribed,
    salesforce_contacts,
    shopify_customers,
)
from tests.corpus._exports_customers import (
    loyalty_cards,
    mall_customers,
    marketing_campaign,
    pandas_reexport,
    scaled_features,
    survey,
    telco_churn,
)
from tests.corpus._exports_hostile import HOSTILE_GENERATORS
from tests.corpus._exports_orders import (
    amazon_orders,
    chinese_orders,
    ecommerce_events,
    groceries,
    olist,
    online_retail,
    pos_receipts,
    ratings,
    shopify_orders,
    stripe_payments,
    woocommerce_orders,
)
from tests.corpus._generate import TABLES

GENERATORS: tuple[Callable[[], None], ...] = (
    shopify_orders,
    shopify_customers,
    woocommerce_orders,
    stripe_payments,
    mailchimp_subscribed,
    mailchimp_unsubscribed,
    hubspot_contacts,
    salesforce_contacts,
    online_retail,
    olist,
    survey,
    loyalty_cards,
    ratings,
    marketing_campaign,
    scaled_features,
    mall_customers,
    groceries,
    german_customers,
    french_customers,
    japanese_customers,
    chinese_orders,
    inverted_consent,
    crm_customers_xlsx,
    klaviyo_profiles,
    pos_receipts,
    amazon_orders,
    ecommerce_events,
    telco_churn,
    pandas_reexport,
    *HOSTILE_GENERATORS,
)


def main() -> None:
    TABLES.mkdir(exist_ok=True)
    for generate in GENERATORS:
        generate()


if __name__ == "__main__":
    main()
