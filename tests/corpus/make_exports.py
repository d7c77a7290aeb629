"""Write the corpus's realistic exports: tables in the exact column shapes of the tools marketers
export from (Shopify, WooCommerce, Stripe, Mailchimp, HubSpot, Salesforce, Olist, ...).

Values are synthetic and seeded, so running this again writes the same files::

    python tests/corpus/make_exports.py

The output is committed under ``tests/corpus/tables/exp_*``; the tests never run this script.
Separators, encodings (UTF-8, UTF-8 with BOM, cp1252), decimal commas, date formats and XLSX
vary the way they do in real exports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = Path(__file__).resolve().parent / "tables"
SEED = 20240305

FIRST = np.array(
    ["Anna", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Karin", "Liam",
     "Mia", "Noah", "Olivia", "Paul", "Quinn", "Rosa", "Sven", "Tara", "Uwe", "Vera", "Will", "Zoë"]
)  # fmt: skip
LAST = np.array(
    ["Müller", "Smith", "Dubois", "García", "Rossi", "Jansen", "Nowak", "Brown", "Schmidt", "Martin",
     "Bernard", "Wilson", "Keller", "López", "Bauer", "Taylor", "Moreau", "Fischer", "O'Brien", "Weber"]
)  # fmt: skip
CITIES = np.array(["Berlin", "London", "Paris", "Madrid", "Rome", "Amsterdam", "Vienna", "Dublin", "Lyon"])
COUNTRIES = np.array(["DE", "GB", "FR", "ES", "IT", "NL", "AT", "IE", "FR"])
PRODUCTS = np.array(
    ["Organic Cotton T-Shirt", "Merino Beanie", "Canvas Tote Bag", "Leather Wallet", "Rain Jacket",
     "Wool Socks (3-pack)", "Linen Shirt", "Denim Jeans", "Running Cap", "Bamboo Sunglasses",
     "Silk Scarf", "Hiking Boots", "Gift Card", "Yoga Mat", "Water Bottle"]
)  # fmt: skip
PRICES = np.array([24.9, 19.0, 12.5, 49.0, 89.0, 15.0, 39.9, 79.0, 18.0, 59.0, 35.0, 129.0, 25.0, 29.0, 14.5])


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(SEED + offset)


def _people(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    handles = pd.Series(first).str.lower().str.normalize("NFKD").str.encode("ascii", "ignore").str.decode(
        "ascii"
    ) + pd.Series(rng.integers(1, 9999, n).astype(str))
    domains = rng.choice(["gmail.com", "web.de", "outlook.com", "yahoo.fr", "example.org"], n)
    emails = (handles + "@" + domains).to_numpy()
    return first, last, emails


def _timestamps(rng: np.random.Generator, n: int, start: str = "2023-01-01", days: int = 540) -> pd.Series:
    base = pd.Timestamp(start)
    seconds = rng.integers(0, days * 86_400, n)
    return pd.Series(base + pd.to_timedelta(np.sort(seconds), unit="s"))


def _phones(rng: np.random.Generator, n: int, template: str) -> list[str]:
    digits = rng.integers(0, 10, (n, template.count("#")))
    out = []
    for row in digits:  # a few hundred rows, once, in a generator script
        text = template
        for d in row:
            text = text.replace("#", str(d), 1)
        out.append(text)
    return out


def _blank(rng: np.random.Generator, values: pd.Series | np.ndarray, share: float) -> pd.Series:
    series = pd.Series(values).astype(object)
    series[rng.random(len(series)) < share] = None
    return series


def _hex(rng: np.random.Generator, n: int, length: int = 32) -> np.ndarray:
    alphabet = np.array(list("0123456789abcdef"))
    return np.array(["".join(row) for row in rng.choice(alphabet, (n, length))])


def shopify_orders() -> None:
    rng = _rng(1)
    n_orders = 400
    first, last, emails = _people(rng, 150)
    who = rng.integers(0, 150, n_orders)
    lines = rng.integers(1, 4, n_orders)
    order = np.repeat(np.arange(n_orders), lines)
    first_line = np.r_[True, order[1:] != order[:-1]]
    product = rng.integers(0, len(PRODUCTS), len(order))
    qty = rng.integers(1, 4, len(order))
    line_total = pd.Series(qty * PRICES[product]).groupby(order).sum().to_numpy()
    shipping = np.where(line_total > 60, 0.0, 4.9)
    taxes = np.round(line_total * 0.19 / 1.19, 2)
    discount = np.where(rng.random(n_orders) < 0.2, np.round(line_total * 0.1, 2), 0.0)
    created = _timestamps(rng, n_orders).dt.strftime("%Y-%m-%d %H:%M:%S +0100").to_numpy()
    status = rng.choice(["paid", "paid", "paid", "refunded", "pending", "partially_refunded"], n_orders)

    def per_order(values: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=object)[order]).where(first_line, None)

    frame = pd.DataFrame(
        {
            "Name": [f"#{1001 + i}" for i in order],
            "Email": emails[who][order],
            "Financial Status": per_order(status),
            "Paid at": per_order(np.where(status == "pending", None, created)),
            "Fulfillment Status": per_order(rng.choice(["fulfilled", "unfulfilled", "partial"], n_orders)),
            "Accepts Marketing": per_order(rng.choice(["yes", "no"], n_orders, p=[0.6, 0.4])),
            "Currency": per_order(np.full(n_orders, "EUR")),
            "Subtotal": per_order(np.round(line_total - discount, 2)),
            "Shipping": per_order(shipping),
            "Taxes": per_order(taxes),
            "Total": per_order(np.round(line_total - discount + shipping, 2)),
            "Discount Code": per_order(
                np.where(discount > 0, rng.choice(["WELCOME10", "SPRING"], n_orders), None)
            ),
            "Discount Amount": per_order(discount),
            "Shipping Method": per_order(rng.choice(["Standard", "Express", "Pickup"], n_orders)),
            "Created at": np.asarray(created)[order],
            "Lineitem quantity": qty,
            "Lineitem name": PRODUCTS[product],
            "Lineitem price": PRICES[product],
            "Lineitem sku": [f"SKU-{1000 + p}" for p in product],
            "Lineitem requires shipping": np.where(PRODUCTS[product] == "Gift Card", "false", "true"),
            "Billing Name": pd.Series(first[who] + " " + last[who])[order].to_numpy(),
            "Billing Street": per_order(
                [
                    f"{s} {k}"
                    for s, k in zip(
                        rng.choice(["Main St", "Hauptstr.", "Rue Haute"], n_orders),
                        rng.integers(1, 200, n_orders),
                        strict=True,
                    )
                ]
            ),
            "Billing City": per_order(CITIES[who % len(CITIES)]),
            "Billing Zip": per_order(rng.integers(10000, 99999, n_orders).astype(str)),
            "Billing Country": per_order(COUNTRIES[who % len(COUNTRIES)]),
            "Billing Phone": per_order(_blank(rng, _phones(rng, n_orders, "+49 1## #######"), 0.3)),
            "Notes": per_order(
                _blank(
                    rng,
                    rng.choice(["Please gift wrap", "Leave at door", "Call before delivery"], n_orders),
                    0.85,
                )
            ),
            "Payment Method": per_order(
                rng.choice(["Shopify Payments", "PayPal Express Checkout"], n_orders)
            ),
            "Refunded Amount": per_order(np.where(status == "refunded", line_total, 0.0)),
            "Vendor": rng.choice(["Acme Apparel", "Northwind", "Green Goods"], len(order)),
            "Id": per_order(5_512_345_000_000 + rng.integers(0, 999_999, n_orders)),
            "Tags": per_order(_blank(rng, rng.choice(["vip", "wholesale", "first-order"], n_orders), 0.7)),
            "Source": per_order(rng.choice(["web", "pos", "shopify_draft_order"], n_orders)),
        }
    )
    frame.to_csv(TABLES / "exp_shopify_orders.csv", index=False)


def shopify_customers() -> None:
    rng = _rng(2)
    n = 500
    first, last, emails = _people(rng, n)
    orders = rng.poisson(2.5, n)
    frame = pd.DataFrame(
        {
            "Customer ID": 6_201_000_000_000 + rng.choice(10_000_000, n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Accepts Email Marketing": rng.choice(["yes", "no"], n),
            "Default Address Company": _blank(
                rng, rng.choice(["Acme GmbH", "Studio Nord", "Café Lumière"], n), 0.9
            ),
            "Default Address Address1": [f"{k} High Street" for k in rng.integers(1, 300, n)],
            "Default Address City": rng.choice(CITIES, n),
            "Default Address Province Code": _blank(rng, rng.choice(["BE", "BY", "HH", "NW"], n), 0.5),
            "Default Address Country Code": rng.choice(COUNTRIES, n),
            "Default Address Zip": rng.integers(10000, 99999, n).astype(str),
            "Default Address Phone": _blank(rng, _phones(rng, n, "+44 20 #### ####"), 0.4),
            "Phone": _blank(rng, _phones(rng, n, "+4915#########"), 0.5),
            "Accepts SMS Marketing": rng.choice(["yes", "no"], n, p=[0.2, 0.8]),
            "Total Spent": np.round(orders * rng.gamma(2.0, 30.0, n), 2),
            "Total Orders": orders,
            "Note": _blank(rng, rng.choice(["prefers email", "met at fair", "VIP — call first"], n), 0.9),
            "Tax Exempt": rng.choice(["no", "yes"], n, p=[0.95, 0.05]),
            "Tags": _blank(rng, rng.choice(["newsletter", "vip", "wholesale", "newsletter, vip"], n), 0.6),
        }
    )
    frame.to_csv(TABLES / "exp_shopify_customers.csv", index=False)


def woocommerce_orders() -> None:
    rng = _rng(3)
    n = 600
    first, last, emails = _people(rng, 120)
    who = rng.integers(0, 120, n)
    user_id = np.where(who < 100, who + 2, 0)  # guests check out as user 0
    product = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 3, n)
    order_no = np.sort(rng.choice(np.arange(5000, 5000 + n), n)).astype(int)
    frame = pd.DataFrame(
        {
            "Order Number": order_no,
            "Order Status": rng.choice(
                ["Completed", "Processing", "Refunded", "Cancelled"], n, p=[0.7, 0.15, 0.1, 0.05]
            ),
            "Order Date": _timestamps(rng, n).dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "Customer Note": _blank(
                rng, rng.choice(["Bitte klingeln", "Gift, no invoice", "Leave with neighbour"], n), 0.9
            ),
            "First Name (Billing)": first[who],
            "Last Name (Billing)": last[who],
            "City (Billing)": CITIES[who % len(CITIES)],
            "Postcode (Billing)": (10000 + who * 37).astype(str),
            "Country Code (Billing)": COUNTRIES[who % len(COUNTRIES)],
            "Email (Billing)": emails[who],
            "Phone (Billing)": np.array(_phones(rng, 120, "(0###) ### ####"))[who],
            "Payment Method Title": rng.choice(["PayPal", "Credit Card (Stripe)", "Direct bank transfer"], n),
            "Cart Discount Amount": np.where(rng.random(n) < 0.15, 5.0, 0.0),
            "Order Subtotal Amount": np.round(qty * PRICES[product], 2),
            "Shipping Method Title": rng.choice(["Flat rate", "Free shipping", "Local pickup"], n),
            "Order Shipping Amount": rng.choice([0.0, 4.95, 6.9], n),
            "Order Total Amount": np.round(qty * PRICES[product] + 4.95, 2),
            "Order Total Tax Amount": np.round(qty * PRICES[product] * 0.16, 2),
            "SKU": [f"WC-{p:03d}" for p in product],
            "Item Name": PRODUCTS[product],
            "Quantity (- Refund)": qty,
            "Item Cost": PRICES[product],
            "Coupon Code": _blank(rng, rng.choice(["summer24", "bf-2023"], n), 0.85),
            "Customer User ID": user_id,
        }
    )
    frame.to_csv(TABLES / "exp_woocommerce_orders.csv", index=False, encoding="utf-8-sig")


def stripe_payments() -> None:
    rng = _rng(4)
    n = 700
    _, last, emails = _people(rng, 200)
    who = rng.integers(0, 200, n)
    customer_ids = np.array([f"cus_{h[:14]}" for h in _hex(rng, 200)])
    amount = rng.choice([9.0, 19.0, 49.0, 99.0, 149.5], n)
    status = rng.choice(["Paid", "Paid", "Paid", "Refunded", "Failed"], n)
    refunded = np.where(status == "Refunded", amount, 0.0)
    fee = np.round(amount * 0.014 + 0.25, 2)
    frame = pd.DataFrame(
        {
            "id": [f"ch_3N{h[:22]}" for h in _hex(rng, n, 24)],
            "Description": rng.choice(
                ["Subscription creation", "Subscription update", "Payment for Invoice"], n
            ),
            "Seller Message": np.where(
                status == "Failed", "The bank did not return any further details.", "Payment complete."
            ),
            "Created date (UTC)": _timestamps(rng, n).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "Amount": [f"{a:.2f}" for a in amount],
            "Amount Refunded": [f"{a:.2f}" for a in refunded],
            "Currency": "eur",
            "Converted Amount": [f"{a:.2f}" for a in amount],
            "Fee": [f"{a:.2f}" for a in fee],
            "Mode": "Live",
            "Status": status,
            "Customer ID": customer_ids[who],
            "Customer Description": (np.array(["Mr. ", "Ms. ", ""])[who % 3] + last[who]),
            "Customer Email": emails[who],
            "Captured": np.where(status == "Failed", "false", "true"),
            "Card Brand": rng.choice(["Visa", "MasterCard", "American Express"], n),
            "Card Funding": rng.choice(["credit", "debit"], n),
            "Card Exp Year": rng.integers(2025, 2031, n),
            "Card Address Country": rng.choice(COUNTRIES, n),
            "Invoice ID": _blank(rng, [f"in_1N{h[:20]}" for h in _hex(rng, n, 20)], 0.3),
        }
    )
    frame.to_csv(TABLES / "exp_stripe_payments.csv", index=False)


def _mailchimp_base(rng: np.random.Generator, n: int) -> pd.DataFrame:
    first, last, emails = _people(rng, n)
    optin = _timestamps(rng, n, "2019-01-01", 1500)
    return pd.DataFrame(
        {
            "Email Address": emails,
            "First Name": first,
            "Last Name": last,
            "Address": _blank(
                rng,
                [
                    f"{k} Market Rd  {c}  {z}"
                    for k, c, z in zip(
                        rng.integers(1, 99, n),
                        rng.choice(CITIES, n),
                        rng.integers(10000, 99999, n),
                        strict=True,
                    )
                ],
                0.5,
            ),
            "Phone Number": _blank(rng, _phones(rng, n, "+33 6 ## ## ## ##"), 0.6),
            "Birthday": _blank(
                rng,
                [
                    f"{m:02d}/{d:02d}"
                    for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
                ],
                0.5,
            ),
            "MEMBER_RATING": rng.integers(1, 6, n),
            "OPTIN_TIME": optin.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "OPTIN_IP": [f"{a}.{b}.{c}.{d}" for a, b, c, d in rng.integers(1, 255, (n, 4))],
            "CONFIRM_TIME": (optin + pd.Timedelta(minutes=3)).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "CONFIRM_IP": [f"{a}.{b}.{c}.{d}" for a, b, c, d in rng.integers(1, 255, (n, 4))],
            "LATITUDE": _blank(rng, np.round(rng.uniform(40, 55, n), 7), 0.5),
            "LONGITUDE": _blank(rng, np.round(rng.uniform(-5, 15, n), 7), 0.5),
            "GMTOFF": rng.choice([0, 1, 2], n),
            "DSTOFF": rng.choice([1, 2, 3], n),
            "TIMEZONE": rng.choice(["Europe/Berlin", "Europe/London", "Europe/Paris"], n),
            "CC": rng.choice(COUNTRIES, n),
            "REGION": rng.choice(["BE", "ENG", "IDF", "BY"], n),
            "LAST_CHANGED": (optin + pd.Timedelta(days=30)).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "LEID": rng.choice(np.arange(100_000_000, 999_999_999), n, replace=False),
            "EUID": _hex(rng, n, 10),
            "NOTES": _blank(rng, rng.choice(["met at trade fair", "asked for catalogue"], n), 0.9),
            "TAGS": _blank(rng, rng.choice(['"Customer"', '"Customer","VIP"', '"Lead"'], n), 0.4),
        }
    )


def mailchimp_subscribed() -> None:
    _mailchimp_base(_rng(5), 600).to_csv(TABLES / "exp_mailchimp_subscribed.csv", index=False)


def mailchimp_unsubscribed() -> None:
    rng = _rng(6)
    frame = _mailchimp_base(rng, 250)
    n = len(frame)
    frame["UNSUB_TIME"] = _timestamps(rng, n, "2024-01-01", 200).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    frame["UNSUB_CAMPAIGN_TITLE"] = rng.choice(["Spring Sale 2024", "Weekly Digest #12", "Black Friday"], n)
    frame["UNSUB_CAMPAIGN_ID"] = rng.choice(["a1b2c3d4e5", "f6e5d4c3b2", "0a9b8c7d6e"], n)
    frame["UNSUB_REASON"] = rng.choice(
        [
            "I no longer want to receive these emails",
            "The emails are spam",
            "Other",
            "N/A (Unsubscribed by admin)",
        ],
        n,
    )
    frame["UNSUB_REASON_OTHER"] = _blank(
        rng, rng.choice(["too many mails", "moved abroad", "not relevant"], n), 0.8
    )
    frame.to_csv(TABLES / "exp_mailchimp_unsubscribed.csv", index=False)


def hubspot_contacts() -> None:
    rng = _rng(7)
    n = 500
    first, last, emails = _people(rng, n)
    created = _timestamps(rng, n, "2022-01-01", 800)
    frame = pd.DataFrame(
        {
            "Record ID": rng.choice(np.arange(50_000, 9_000_000), n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Phone Number": _blank(rng, _phones(rng, n, "+1 (###) ###-####"), 0.5),
            "Contact owner": rng.choice(["Sarah Lee", "Tom Becker", "No owner"], n),
            "Lifecycle Stage": rng.choice(["Subscriber", "Lead", "Marketing Qualified Lead", "Customer"], n),
            "Lead Status": _blank(rng, rng.choice(["New", "Open", "In progress", "Unqualified"], n), 0.3),
            "Create Date": created.dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "Last Activity Date": _blank(
                rng, (created + pd.Timedelta(days=20)).dt.strftime("%Y-%m-%d %H:%M"), 0.3
            ),
            "Marketing contact status": rng.choice(["Marketing contact", "Non-marketing contact"], n),
            "Unsubscribed from all email": rng.choice(["false", "true"], n, p=[0.85, 0.15]),
            "Company Name": _blank(rng, rng.choice(["Globex", "Initech", "Umbrella Corp", "Hooli"], n), 0.4),
            "City": rng.choice(CITIES, n),
            "Country/Region": rng.choice(["Germany", "United Kingdom", "France", "Spain"], n),
            "Number of Pageviews": rng.poisson(6, n),
            "Number of Sessions": rng.poisson(3, n),
            "Original Source": rng.choice(
                ["Organic Search", "Direct Traffic", "Paid Social", "Email Marketing"], n
            ),
        }
    )
    frame.to_csv(TABLES / "exp_hubspot_contacts.csv", index=False)


def salesforce_contacts() -> None:
    rng = _rng(8)
    n = 400
    first, last, emails = _people(rng, n)
    ids = [f"0035g00000{h[:8].upper()}" for h in _hex(rng, n, 8)]
    frame = pd.DataFrame(
        {
            "Contact ID": ids,
            "Salutation": rng.choice(["Mr.", "Ms.", "Mrs.", "Dr."], n),
            "First Name": first,
            "Last Name": last,
            "Title": _blank(rng, rng.choice(["Marketing Manager", "CEO", "Buyer", "Office Manager"], n), 0.2),
            "Account Name": rng.choice(
                ["Société Générale Café", "Bäckerei Krüger", "Northwind Traders", "Contoso Ltd"], n
            ),
            "Mailing Street": [f"{k} Church Lane" for k in rng.integers(1, 300, n)],
            "Mailing City": rng.choice(CITIES, n),
            "Mailing Zip/Postal Code": rng.integers(10000, 99999, n).astype(str),
            "Mailing Country": rng.choice(["Germany", "France", "United Kingdom"], n),
            "Phone": _blank(rng, _phones(rng, n, "+44 20 #### ####"), 0.3),
            "Email": emails,
            "Email Opt Out": rng.choice([0, 1], n, p=[0.8, 0.2]),
            "Do Not Call": rng.choice([0, 1], n, p=[0.9, 0.1]),
            "Lead Source": rng.choice(["Web", "Trade Show", "Partner Referral", "Phone Inquiry"], n),
            "Created Date": _timestamps(rng, n, "2021-01-01", 1000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Contact Owner": rng.choice(["Julia Roberts", "Marc Weber"], n),
        }
    )
    frame.to_csv(TABLES / "exp_salesforce_contacts.csv", index=False, encoding="cp1252")


def _retail_lines(rng: np.random.Generator, n: int) -> pd.DataFrame:
    codes = np.array(
        ["85123A", "71053", "84406B", "22423", "47566", "85099B", "20725", "22720", "21232", "POST"]
    )
    names = np.array(
        ["WHITE HANGING HEART T-LIGHT HOLDER", "WHITE METAL LANTERN", "CREAM CUPID HEARTS COAT HANGER",
         "REGENCY CAKESTAND 3 TIER", "PARTY BUNTING", "JUMBO BAG RED RETROSPOT", "LUNCH BAG RED RETROSPOT",
         "SET OF 3 CAKE TINS PANTRY DESIGN", "STRAWBERRY CERAMIC TRINKET BOX", "POSTAGE"]
    )  # fmt: skip
    prices = np.array([2.55, 3.39, 2.75, 12.75, 4.95, 1.95, 1.65, 4.95, 1.25, 18.0])
    invoice = np.sort(rng.integers(536365, 536365 + n // 4, n))
    cancelled = np.isin(invoice, rng.choice(np.unique(invoice), 15))
    product = rng.integers(0, len(codes), n)
    customer = rng.choice(np.arange(12346, 18287), n // 6)[invoice % (n // 6)]
    return pd.DataFrame(
        {
            "invoice": np.where(cancelled, "C" + invoice.astype(str), invoice.astype(str)),
            "code": codes[product],
            "name": names[product],
            "qty": np.where(cancelled, -1, 1) * rng.choice([1, 2, 6, 12, 24], n),
            "date": pd.Timestamp("2010-12-01 08:26") + pd.to_timedelta(invoice - 536365, unit="h"),
            "price": prices[product],
            "customer": np.where(rng.random(n) < 0.1, np.nan, customer.astype(float)),
            "country": np.where(customer % 7 == 0, "France", "United Kingdom"),
        }
    )


def online_retail() -> None:
    lines = _retail_lines(_rng(9), 2000)
    lines.columns = [
        "InvoiceNo",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "UnitPrice",
        "CustomerID",
        "Country",
    ]
    lines.to_excel(TABLES / "exp_online_retail.xlsx", index=False)
    lines_ii = _retail_lines(_rng(10), 1500)
    lines_ii.columns = [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    lines_ii["InvoiceDate"] = lines_ii["InvoiceDate"].dt.strftime("%d/%m/%Y %H:%M")
    lines_ii.to_csv(TABLES / "exp_online_retail_ii.csv", index=False, encoding="cp1252")


def olist() -> None:
    rng = _rng(11)
    n_people = 300
    unique_ids = _hex(rng, n_people)
    n_orders = 400
    person = rng.integers(0, n_people, n_orders)
    customer_ids = _hex(rng, n_orders)  # Olist gives every order its own customer_id
    order_ids = _hex(rng, n_orders)
    purchase = _timestamps(rng, n_orders, "2017-01-05", 600)
    states = np.array(["SP", "RJ", "MG", "RS", "PR"])
    cities = np.array(["sao paulo", "rio de janeiro", "belo horizonte", "porto alegre", "curitiba"])
    place = person % len(states)
    pd.DataFrame(
        {
            "customer_id": customer_ids,
            "customer_unique_id": unique_ids[person],
            "customer_zip_code_prefix": [f"{z:05d}" for z in 1000 + person * 97],
            "customer_city": cities[place],
            "customer_state": states[place],
        }
    ).to_csv(TABLES / "exp_olist_customers.csv", index=False)
    fmt = "%Y-%m-%d %H:%M:%S"
    pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": customer_ids,
            "order_status": rng.choice(["delivered", "delivered", "shipped", "canceled"], n_orders),
            "order_purchase_timestamp": purchase.dt.strftime(fmt).to_numpy(),
            "order_approved_at": (purchase + pd.Timedelta(hours=2)).dt.strftime(fmt).to_numpy(),
            "order_delivered_customer_date": _blank(
                rng, (purchase + pd.Timedelta(days=8)).dt.strftime(fmt), 0.05
            ),
            "order_estimated_delivery_date": (purchase + pd.Timedelta(days=20))
            .dt.strftime("%Y-%m-%d 00:00:00")
            .to_numpy(),
        }
    ).to_csv(TABLES / "exp_olist_orders.csv", index=False)
    product_ids = _hex(rng, 60)
    categories = np.array(
        ["beleza_saude", "cama_mesa_banho", "esporte_lazer", "informatica_acessorios", "moveis_decoracao"]
    )
    items_per = rng.integers(1, 4, n_orders)
    item_order = np.repeat(np.arange(n_orders), items_per)
    product = rng.integers(0, 60, len(item_order))
    product_price = np.round(rng.gamma(2.0, 40.0, 60), 2)
    pd.DataFrame(
        {
            "order_id": order_ids[item_order],
            "order_item_id": pd.Series(item_order).groupby(item_order).cumcount().to_numpy() + 1,
            "product_id": product_ids[product],
            "seller_id": _hex(rng, 25)[product % 25],
            "shipping_limit_date": (purchase[item_order].reset_index(drop=True) + pd.Timedelta(days=6))
            .dt.strftime(fmt)
            .to_numpy(),
            "price": product_price[product],
            "freight_value": np.round(rng.uniform(7, 40, len(item_order)), 2),
        }
    ).to_csv(TABLES / "exp_olist_order_items.csv", index=False)
    installments = rng.integers(1, 10, n_orders)
    pd.DataFrame(
        {
            "order_id": order_ids,
            "payment_sequential": 1,
            "payment_type": rng.choice(["credit_card", "boleto", "voucher", "debit_card"], n_orders),
            "payment_installments": installments,
            "payment_value": np.round(rng.gamma(2.0, 70.0, n_orders), 2),
        }
    ).to_csv(TABLES / "exp_olist_order_payments.csv", index=False)
    pd.DataFrame(
        {
            "product_id": product_ids,
            "product_category_name": categories[rng.integers(0, 5, 60)],
            "product_name_lenght": rng.integers(20, 60, 60),
            "product_description_lenght": rng.integers(100, 3000, 60),
            "product_photos_qty": rng.integers(1, 6, 60),
            "product_weight_g": rng.integers(100, 10_000, 60),
            "product_length_cm": rng.integers(10, 100, 60),
            "product_height_cm": rng.integers(2, 60, 60),
            "product_width_cm": rng.integers(10, 60, 60),
        }
    ).to_csv(TABLES / "exp_olist_products.csv", index=False)


def survey() -> None:
    rng = _rng(12)
    n = 300
    likert = np.array(["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"])
    stamp = _timestamps(rng, n, "2024-02-01", 30)
    pd.DataFrame(
        {
            "Timestamp": stamp.dt.strftime("%Y/%m/%d %-I:%M:%S %p GMT+1").to_numpy(),
            "Respondent ID": rng.choice(np.arange(114_000_000_000, 115_000_000_000), n, replace=False),
            "How satisfied are you with our service?": rng.choice(likert, n),
            "How easy was it to find what you needed?": rng.choice(likert, n),
            "How likely are you to recommend us to a friend? (0-10)": rng.integers(0, 11, n),
            "Which channels do you use?": rng.choice(
                ["Email", "Instagram", "Email;Instagram", "TikTok;Email"], n
            ),
            "Age group": rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], n),
            "Any other comments?": _blank(
                rng,
                rng.choice(["Great staff!", "Delivery took too long.", "More vegan options please"], n),
                0.7,
            ),
            "I agree to receive marketing emails": rng.choice(["Yes", "No"], n),
        }
    ).to_csv(TABLES / "exp_survey_results.csv", index=False)


def loyalty_cards() -> None:
    rng = _rng(13)
    n = 500
    points = rng.integers(0, 12_000, n)
    pd.DataFrame(
        {
            "card_number": 2_900_000_000_000 + rng.choice(1_000_000, n, replace=False),
            "points": points,
            "points_value_eur": [f"{p / 100:.2f}".replace(".", ",") for p in points],
            "tier": np.select([points > 8000, points > 3000], ["Gold", "Silver"], "Bronze"),
            "member_since": _timestamps(rng, n, "2015-01-01", 3000).dt.strftime("%d.%m.%Y").to_numpy(),
            "birth_date": _blank(rng, _timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d.%m.%Y"), 0.2),
            "home_store": rng.choice(["Köln Innenstadt", "Bonn", "Düsseldorf Altstadt"], n),
            "opt_in": rng.choice(["Y", "N"], n),
        }
    ).to_csv(TABLES / "exp_loyalty_cards.csv", index=False, sep=";")


def ratings() -> None:
    rng = _rng(14)
    n = 2000
    user = np.sort(rng.integers(1, 120, n))
    pd.DataFrame(
        {
            "userId": user,
            "movieId": rng.choice(
                [1, 2, 3, 6, 32, 47, 50, 110, 260, 296, 318, 356, 480, 527, 589, 1196, 2571], n
            ),
            "rating": rng.choice(np.arange(1, 11) / 2, n),
            "timestamp": 964_982_703 + rng.integers(0, 500_000_000, n),
        }
    ).to_csv(TABLES / "exp_ratings.csv", index=False)


def marketing_campaign() -> None:
    rng = _rng(15)
    n = 800
    frame = pd.DataFrame(
        {
            "ID": rng.choice(11_200, n, replace=False),
            "Year_Birth": rng.integers(1940, 2000, n),
            "Education": rng.choice(["Graduation", "PhD", "Master", "Basic", "2n Cycle"], n),
            "Marital_Status": rng.choice(["Married", "Together", "Single", "Divorced", "Widow"], n),
            "Income": _blank(rng, rng.integers(5_000, 110_000, n).astype(float), 0.02),
            "Kidhome": rng.integers(0, 3, n),
            "Teenhome": rng.integers(0, 3, n),
            "Dt_Customer": _timestamps(rng, n, "2012-07-30", 700).dt.strftime("%d-%m-%Y").to_numpy(),
            "Recency": rng.integers(0, 100, n),
        }
    )
    for col in [
        "MntWines",
        "MntFruits",
        "MntMeatProducts",
        "MntFishProducts",
        "MntSweetProducts",
        "MntGoldProds",
    ]:
        frame[col] = rng.integers(0, 1500, n) // rng.integers(1, 10, n)
    for col in [
        "NumDealsPurchases",
        "NumWebPurchases",
        "NumCatalogPurchases",
        "NumStorePurchases",
        "NumWebVisitsMonth",
    ]:
        frame[col] = rng.poisson(4, n)
    for col in ["AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "AcceptedCmp1", "AcceptedCmp2", "Complain"]:
        frame[col] = (rng.random(n) < 0.07).astype(int)
    frame["Z_CostContact"] = 3
    frame["Z_Revenue"] = 11
    frame["Response"] = (rng.random(n) < 0.15).astype(int)
    frame.to_csv(TABLES / "exp_marketing_campaign.csv", index=False, sep="\t")


def scaled_features() -> None:
    rng = _rng(16)
    n = 600
    frame = pd.DataFrame({"customer_id": [f"C{i:05d}" for i in rng.choice(90_000, n, replace=False)]})
    for col in [
        "recency_scaled",
        "frequency_scaled",
        "monetary_scaled",
        "tenure_scaled",
        "avg_basket_scaled",
    ]:
        frame[col] = rng.standard_normal(n) * rng.uniform(0.5, 3.0)
    frame["cluster"] = rng.integers(0, 4, n)
    frame.to_csv(TABLES / "exp_scaled_features.csv", index=False)


def mall_customers() -> None:
    rng = _rng(17)
    n = 200
    pd.DataFrame(
        {
            "CustomerID": np.arange(1, n + 1),
            "Gender": rng.choice(["Male", "Female"], n),
            "Age": rng.integers(18, 70, n),
            "Annual Income (k$)": rng.integers(15, 137, n),
            "Spending Score (1-100)": rng.integers(1, 100, n),
        }
    ).to_csv(TABLES / "exp_mall_customers.csv", index=False)


def groceries() -> None:
    rng = _rng(18)
    n = 2000
    items = np.array(
        ["whole milk", "other vegetables", "rolls/buns", "soda", "yogurt", "bottled water",
         "root vegetables", "tropical fruit", "shopping bags", "sausage", "pastry", "citrus fruit"]
    )  # fmt: skip
    pd.DataFrame(
        {
            "Member_number": rng.integers(1000, 1400, n),
            "Date": _timestamps(rng, n, "2014-01-01", 700).dt.strftime("%d-%m-%Y").to_numpy(),
            "itemDescription": rng.choice(items, n),
        }
    ).to_csv(TABLES / "exp_groceries.csv", index=False, sep=";")


def german_customers() -> None:
    rng = _rng(19)
    n = 400
    first, last, emails = _people(rng, n)
    spent = np.round(rng.gamma(2.0, 300.0, n), 2)
    pd.DataFrame(
        {
            "Kundennummer": [f"K-{10001 + i}" for i in range(n)],
            "Anrede": rng.choice(["Herr", "Frau", "Divers"], n, p=[0.48, 0.48, 0.04]),
            "Vorname": first,
            "Nachname": last,
            "E-Mail": emails,
            "Telefon": _blank(rng, _phones(rng, n, "+49 30 #######"), 0.3),
            "Straße": [f"Lindenstraße {k}" for k in rng.integers(1, 150, n)],
            "PLZ": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "Ort": rng.choice(["Berlin", "München", "Köln", "Hamburg", "Düsseldorf"], n),
            "Geburtsdatum": _timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d.%m.%Y").to_numpy(),
            "Kunde seit": _timestamps(rng, n, "2016-01-01", 2500).dt.strftime("%d.%m.%Y").to_numpy(),
            "Umsatz gesamt (EUR)": [
                f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") for v in spent
            ],
            "Anzahl Bestellungen": rng.integers(1, 30, n),
            "Kundengruppe": rng.choice(["Privat", "Gewerbe", "Premium"], n),
            "Newsletter-Einwilligung": rng.choice(["ja", "nein"], n),
            "Widerspruch Werbung": rng.choice(["nein", "ja"], n, p=[0.85, 0.15]),
        }
    ).to_csv(TABLES / "exp_german_customers.csv", index=False, sep=";", encoding="cp1252")


def french_customers() -> None:
    rng = _rng(20)
    n = 350
    first, last, emails = _people(rng, n)
    pd.DataFrame(
        {
            "Numéro client": [f"FR{200000 + i}" for i in rng.choice(90_000, n, replace=False)],
            "Civilité": rng.choice(["M.", "Mme"], n),
            "Prénom": first,
            "Nom": last,
            "Courriel": emails,
            "Téléphone": _blank(rng, _phones(rng, n, "06 ## ## ## ##"), 0.2),
            "Ville": rng.choice(["Paris", "Lyon", "Marseille", "Toulouse", "Nantes"], n),
            "Code postal": [f"{z:05d}" for z in rng.integers(1000, 95999, n)],
            "Date de naissance": _timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Date d'inscription": _timestamps(rng, n, "2018-01-01", 2000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Montant total des achats": [f"{v:.2f}".replace(".", ",") for v in rng.gamma(2.0, 150.0, n)],
            "Nombre de commandes": rng.integers(1, 25, n),
            "Consentement newsletter": rng.choice(["oui", "non"], n),
            "Désabonné": rng.choice(["non", "oui"], n, p=[0.9, 0.1]),
        }
    ).to_csv(TABLES / "exp_french_customers.csv", index=False, sep=";", encoding="utf-8-sig")


def japanese_customers() -> None:
    rng = _rng(21)
    n = 300
    family = np.array(["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"])
    given = np.array(["太郎", "花子", "健", "美咲", "翔", "結衣", "大輔", "陽菜"])
    pd.DataFrame(
        {
            "顧客ID": [f"JP{i:06d}" for i in rng.choice(500_000, n, replace=False)],
            "氏名": rng.choice(family, n) + " " + rng.choice(given, n),
            "メールアドレス": [f"user{i}@example.jp" for i in rng.choice(100_000, n, replace=False)],
            "電話番号": _phones(rng, n, "090-####-####"),
            "都道府県": rng.choice(["東京都", "大阪府", "神奈川県", "愛知県", "福岡県"], n),
            "生年月日": _timestamps(rng, n, "1955-01-01", 17000).dt.strftime("%Y/%m/%d").to_numpy(),
            "登録日": _timestamps(rng, n, "2019-04-01", 1500).dt.strftime("%Y/%m/%d").to_numpy(),
            "購入金額合計": rng.integers(1, 400, n) * 100,
            "購入回数": rng.integers(1, 40, n),
            "会員ランク": rng.choice(["ブロンズ", "シルバー", "ゴールド"], n),
            "配信停止": rng.choice(["いいえ", "はい"], n, p=[0.85, 0.15]),
        }
    ).to_csv(TABLES / "exp_japanese_customers.csv", index=False)


def chinese_orders() -> None:
    rng = _rng(22)
    n = 900
    goods = np.array(["绿茶", "乌龙茶", "茶具套装", "月饼礼盒", "蜂蜜", "枸杞"])
    kinds = np.array(["茶叶", "茶叶", "茶具", "食品", "食品", "食品"])
    unit = np.array([68.0, 88.0, 299.0, 158.0, 45.0, 39.9])
    item = rng.integers(0, len(goods), n)
    qty = rng.integers(1, 5, n)
    pd.DataFrame(
        {
            "订单号": [f"DD{20240000 + k}" for k in np.sort(rng.integers(0, 600, n))],
            "客户编号": [f"KH{c:05d}" for c in rng.integers(1, 250, n)],
            "日期": _timestamps(rng, n, "2023-06-01", 300).dt.strftime("%Y-%m-%d").to_numpy(),
            "商品名称": goods[item],
            "类别": kinds[item],
            "数量": qty,
            "单价": unit[item],
            "金额": np.round(qty * unit[item], 2),
            "支付方式": rng.choice(["支付宝", "微信支付", "银行卡"], n),
            "城市": rng.choice(["上海", "北京", "杭州", "广州"], n),
        }
    ).to_csv(TABLES / "exp_chinese_orders.csv", index=False)


def inverted_consent() -> None:
    rng = _rng(23)
    n = 400
    _, _, emails = _people(rng, n)
    pd.DataFrame(
        {
            "customer_id": rng.choice(np.arange(100_000, 999_999), n, replace=False),
            "email": emails,
            "signup_date": _timestamps(rng, n, "2020-01-01", 1400).dt.strftime("%m/%d/%Y").to_numpy(),
            "country": rng.choice(COUNTRIES, n),
            "lifetime_value": np.round(rng.gamma(2.0, 120.0, n), 2),
            "unsubscribed": rng.choice(["no", "yes"], n, p=[0.8, 0.2]),
            "consent_withdrawn": rng.choice(["false", "true"], n, p=[0.9, 0.1]),
            "gdpr_objection": rng.choice(["N", "Y"], n, p=[0.9, 0.1]),
            "newsletter_unsubscribe": rng.choice([0, 1], n, p=[0.75, 0.25]),
        }
    ).to_csv(TABLES / "exp_inverted_consent.csv", index=False)


def crm_customers_xlsx() -> None:
    rng = _rng(24)
    n = 300
    first, last, emails = _people(rng, n)
    pd.DataFrame(
        {
            "Customer Number": [f"CRM-{i:05d}" for i in rng.choice(50_000, n, replace=False)],
            "Full Name": first + " " + last,
            "Email": emails,
            "Mobile": _blank(rng, _phones(rng, n, "+44 7### ######"), 0.3),
            "Gender": rng.choice(["F", "M", "X"], n, p=[0.5, 0.45, 0.05]),
            "Date of Birth": _timestamps(rng, n, "1950-01-01", 18000).dt.normalize(),
            "Segment": rng.choice(["Loyal", "At risk", "New", "Lapsed"], n),
            "Lifetime Value": np.round(rng.gamma(2.0, 200.0, n), 2),
            "Last Purchase Date": _timestamps(rng, n, "2023-01-01", 600).dt.normalize(),
            "Email Opt-In": rng.random(n) < 0.6,
            "SMS Opt-Out": rng.random(n) < 0.3,
        }
    ).to_excel(TABLES / "exp_crm_customers.xlsx", index=False)


def klaviyo_profiles() -> None:
    rng = _rng(25)
    n = 400
    first, last, emails = _people(rng, n)
    added = _timestamps(rng, n, "2022-03-01", 700)
    pd.DataFrame(
        {
            "Email": emails,
            "Phone Number": _blank(rng, _phones(rng, n, "+1##########"), 0.5),
            "First Name": first,
            "Last Name": last,
            "Organization": _blank(rng, rng.choice(["Globex", "Initech", "Hooli"], n), 0.7),
            "City": rng.choice(CITIES, n),
            "Country": rng.choice(["Germany", "France", "United States"], n),
            "Zip Code": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "Source": rng.choice(["Shopify", "Signup Form", "Manual Import"], n),
            "Date Added": added.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy(),
            "Last Open": _blank(
                rng, (added + pd.Timedelta(days=9)).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"), 0.3
            ),
            "Email Marketing Consent": rng.choice(
                ["SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED"], n, p=[0.6, 0.2, 0.2]
            ),
            "Predicted Customer Lifetime Value": np.round(rng.gamma(2.0, 80.0, n), 2),
            "Average Days Between Orders": _blank(rng, np.round(rng.uniform(10, 200, n), 1), 0.4),
        }
    ).to_csv(TABLES / "exp_klaviyo_profiles.csv", index=False)


def pos_receipts() -> None:
    rng = _rng(26)
    n = 1200
    receipt = np.sort(rng.integers(0, 400, n))
    article = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 4, n)
    card = np.where(receipt % 3 == 0, "", (4_000_100 + receipt % 97).astype(str))
    stamp = _timestamps(rng, 400, "2024-01-02", 90)[receipt].reset_index(drop=True)
    pd.DataFrame(
        {
            "Receipt No": [f"{r:06d}" for r in 100_000 + receipt],
            "Store": np.array(["Filiale 01", "Filiale 02", "Filiale 07"])[receipt % 3],
            "Till": receipt % 4 + 1,
            "Date": stamp.dt.strftime("%d/%m/%y").to_numpy(),
            "Time": stamp.dt.strftime("%H:%M").to_numpy(),
            "Member Card": card,
            "Article": PRODUCTS[article],
            "Article Group": np.array(["Apparel", "Accessories", "Outdoor"])[article % 3],
            "Qty": qty,
            "Unit Price": PRICES[article],
            "Line Total": np.round(qty * PRICES[article], 2),
            "VAT %": np.where(PRODUCTS[article] == "Gift Card", 0, 19),
            "Payment": np.array(["Cash", "Card", "Card", "Voucher"])[receipt % 4],
        }
    ).to_csv(TABLES / "exp_pos_receipts.tsv", index=False, sep="\t")


def amazon_orders() -> None:
    rng = _rng(27)
    n = 500
    article = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 3, n)
    stamp = _timestamps(rng, n, "2024-02-01", 60)
    order_ids = [
        f"{a:03d}-{b:07d}-{c:07d}"
        for a, b, c in zip(
            rng.integers(100, 999, n),
            rng.integers(0, 9_999_999, n),
            rng.integers(0, 9_999_999, n),
            strict=True,
        )
    ]
    pd.DataFrame(
        {
            "amazon-order-id": order_ids,
            "purchase-date": stamp.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy(),
            "order-status": rng.choice(["Shipped", "Pending", "Cancelled"], n, p=[0.85, 0.1, 0.05]),
            "fulfillment-channel": rng.choice(["Amazon", "Merchant"], n),
            "sales-channel": rng.choice(["Amazon.de", "Amazon.fr"], n),
            "product-name": PRODUCTS[article],
            "sku": [f"AMZ-{a:04d}" for a in article],
            "asin": np.array([f"B0{h[:8].upper()}" for h in _hex(rng, len(PRODUCTS), 8)])[article],
            "quantity": qty,
            "currency": "EUR",
            "item-price": np.round(qty * PRICES[article], 2),
            "item-tax": np.round(qty * PRICES[article] * 0.19 / 1.19, 2),
            "shipping-price": rng.choice([0.0, 3.99], n),
            "ship-city": rng.choice(["BERLIN", "PARIS", "MÜNCHEN", "LYON"], n),
            "ship-postal-code": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "ship-country": rng.choice(["DE", "FR"], n),
            "is-business-order": rng.choice(["false", "true"], n, p=[0.9, 0.1]),
        }
    ).to_csv(TABLES / "exp_amazon_orders.txt", index=False, sep="\t")


def ecommerce_events() -> None:
    rng = _rng(28)
    n = 2000
    product_ids = rng.integers(1_000_000, 100_000_000, 80)
    product = rng.integers(0, 80, n)
    codes = np.array(
        ["electronics.smartphone", "appliances.kitchen.kettle", "apparel.shoes", "computers.notebook"]
    )
    category_ids = np.array(
        [2053013555631882655, 2232732093077520756, 2053013553341792533, 2053013554658804075]
    )
    pd.DataFrame(
        {
            "event_time": _timestamps(rng, n, "2019-10-01", 31)
            .dt.strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_numpy(),
            "event_type": rng.choice(["view", "view", "view", "cart", "purchase"], n),
            "product_id": product_ids[product],
            "category_id": category_ids[product % 4],
            "category_code": _blank(rng, codes[product % 4], 0.2),
            "brand": _blank(rng, np.array(["samsung", "apple", "xiaomi", "bosch", "nike"])[product % 5], 0.1),
            "price": np.round(rng.gamma(2.0, 100.0, 80), 2)[product],
            "user_id": rng.integers(512_000_000, 512_000_300, n),
            "user_session": [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}" for h in _hex(rng, n)],
        }
    ).to_csv(TABLES / "exp_ecommerce_events.csv", index=False)


def telco_churn() -> None:
    rng = _rng(29)
    n = 700
    tenure = rng.integers(0, 73, n)
    monthly = np.round(rng.uniform(18, 119, n), 2)
    total = np.where(tenure == 0, " ", np.round(tenure * monthly, 2).astype(str))
    phone = rng.choice(["Yes", "No"], n, p=[0.9, 0.1])
    pd.DataFrame(
        {
            "customerID": [
                f"{a:04d}-{b}"
                for a, b in zip(rng.choice(10_000, n, replace=False), _hex(rng, n, 5), strict=True)
            ],
            "gender": rng.choice(["Female", "Male"], n),
            "SeniorCitizen": rng.choice([0, 1], n, p=[0.84, 0.16]),
            "Partner": rng.choice(["Yes", "No"], n),
            "Dependents": rng.choice(["Yes", "No"], n),
            "tenure": tenure,
            "PhoneService": phone,
            "MultipleLines": np.where(phone == "No", "No phone service", rng.choice(["Yes", "No"], n)),
            "InternetService": rng.choice(["DSL", "Fiber optic", "No"], n),
            "Contract": rng.choice(["Month-to-month", "One year", "Two year"], n),
            "PaperlessBilling": rng.choice(["Yes", "No"], n),
            "PaymentMethod": rng.choice(["Electronic check", "Mailed check", "Bank transfer (automatic)"], n),
            "MonthlyCharges": monthly,
            "TotalCharges": total,
            "Churn": rng.choice(["No", "Yes"], n, p=[0.73, 0.27]),
        }
    ).to_csv(TABLES / "exp_telco_churn.csv", index=False)


def pandas_reexport() -> None:
    """A table read with pandas and written again without index=False: an "Unnamed: 0" column."""
    rng = _rng(30)
    n = 300
    frame = pd.DataFrame(
        {
            "Unnamed: 0": np.arange(n),
            "client_id": rng.choice(np.arange(10_000, 99_999), n, replace=False),
            "age": rng.integers(18, 90, n),
            "city": rng.choice(CITIES, n),
            "visits_last_90d": rng.poisson(5, n),
            "avg_order_value": np.round(rng.gamma(2.0, 25.0, n), 2),
            "churned": rng.choice([True, False], n, p=[0.2, 0.8]),
        }
    )
    frame.to_csv(TABLES / "exp_pandas_reexport.csv")


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
)


def main() -> None:
    TABLES.mkdir(exist_ok=True)
    for generate in GENERATORS:
        generate()


if __name__ == "__main__":
    main()
