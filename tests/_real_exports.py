"""Small, realistic copies of exports marketers and analysts really load, written to a folder.

Each builder writes one file with the headers, separators and value formats of a well-known
export and returns its path with the expected column roles, the expected table shape and, for
consent columns, the expected polarity. The values are random but seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RealExport:
    path: Path
    shape: str
    roles: dict[str, str | tuple[str, ...]]  # a tuple lists every acceptable role
    consent: dict[str, str] = field(default_factory=dict)  # column -> "opt-in" / "opt-out"


def _dates(rng: np.random.Generator, n: int, start: str = "2012-07-30", days: int = 700) -> pd.Series:
    return pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")


def marketing_campaign(folder: Path, n: int = 60) -> RealExport:
    """Kaggle "marketing_campaign.csv": tab-separated, one row per customer, dd-mm-yyyy dates."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "ID": rng.choice(np.arange(1, 11_200), n, replace=False),
            "Year_Birth": rng.integers(1940, 1997, n),
            "Education": rng.choice(["Graduation", "PhD", "Master", "Basic", "2n Cycle"], n),
            "Marital_Status": rng.choice(["Single", "Together", "Married", "Divorced", "Widow"], n),
            "Income": [
                ("" if i % 29 == 5 else str(v)) for i, v in enumerate(rng.integers(1_730, 113_000, n))
            ],
            "Kidhome": rng.integers(0, 3, n),
            "Teenhome": rng.integers(0, 3, n),
            "Dt_Customer": _dates(rng, n).strftime("%d-%m-%Y"),
            "Recency": rng.integers(0, 100, n),
            "MntWines": rng.integers(0, 1_500, n),
            "MntFruits": rng.integers(0, 200, n),
            "MntMeatProducts": rng.integers(0, 1_700, n),
            "MntFishProducts": rng.integers(0, 260, n),
            "MntSweetProducts": rng.integers(0, 260, n),
            "MntGoldProds": rng.integers(0, 330, n),
            "NumDealsPurchases": rng.integers(0, 16, n),
            "NumWebPurchases": rng.integers(0, 28, n),
            "NumCatalogPurchases": rng.integers(0, 29, n),
            "NumStorePurchases": rng.integers(0, 14, n),
            "NumWebVisitsMonth": rng.integers(0, 21, n),
            "AcceptedCmp3": rng.integers(0, 2, n),
            "AcceptedCmp4": rng.integers(0, 2, n),
            "AcceptedCmp5": rng.integers(0, 2, n),
            "AcceptedCmp1": rng.integers(0, 2, n),
            "AcceptedCmp2": rng.integers(0, 2, n),
            "Complain": (rng.random(n) < 0.05).astype(int),
            "Z_CostContact": 3,
            "Z_Revenue": 11,
            "Response": rng.integers(0, 2, n),
        }
    )
    path = folder / "marketing_campaign.csv"
    frame.to_csv(path, sep="\t", index=False)
    flag = ("categorical", "numeric")
    money = ("numeric", "amount")
    roles: dict[str, str | tuple[str, ...]] = {
        "ID": "customer_id",
        "Year_Birth": "numeric",
        "Education": "categorical",
        "Marital_Status": "categorical",
        "Income": money,
        "Kidhome": "numeric",
        "Teenhome": "numeric",
        "Dt_Customer": "date",
        "Recency": "numeric",
        **{c: money for c in frame.columns if c.startswith("Mnt")},
        **{c: "numeric" for c in frame.columns if c.startswith("Num")},
        **{c: flag for c in frame.columns if c.startswith("AcceptedCmp")},
        "Complain": flag,
        "Z_CostContact": "ignore",
        "Z_Revenue": "ignore",
        "Response": flag,
    }
    return RealExport(path, "customers", roles)


def ratings(folder: Path) -> RealExport:
    """MovieLens "ratings.csv": userId,movieId,rating,timestamp (epoch seconds), sorted by user."""
    rng = np.random.default_rng(2)
    users = np.repeat(np.arange(1, 21), rng.integers(3, 12, 20))
    n = len(users)
    frame = pd.DataFrame(
        {
            "userId": users,
            "movieId": rng.choice([1, 3, 6, 47, 50, 70, 101, 110, 151, 157, 163, 216, 2571, 58559], n),
            "rating": rng.choice([0.5, 1.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0], n),
            "timestamp": rng.integers(964_982_703, 1_537_799_250, n),
        }
    )
    path = folder / "ratings.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "transactions",
        {"userId": "customer_id", "movieId": "item", "rating": "numeric", "timestamp": "date"},
    )


def decimals_customers(folder: Path, n: int = 80) -> RealExport:
    """A customer table written by pandas/R: full-precision decimals, negative coordinates."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "customer_id": [f"CU{i:05d}" for i in range(n)],
            "longitude": rng.uniform(-9.5, 3.2, n),
            "latitude": rng.uniform(36.0, 43.7, n),
            "avg_basket": rng.gamma(2.0, 20.0, n),
            "visits_per_month": rng.gamma(1.5, 2.0, n),
            "churn_probability": rng.random(n),
            "segment_score": rng.normal(0, 1, n),
        }
    )
    path = folder / "customers_decimals.csv"
    frame.to_csv(path, index=False)
    number = "numeric"
    return RealExport(
        path,
        "customers",
        {
            "customer_id": "customer_id",
            "longitude": number,
            "latitude": number,
            "avg_basket": ("numeric", "amount"),
            "visits_per_month": number,
            "churn_probability": number,
            "segment_score": number,
        },
    )


def _people(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str]]:
    first = rng.choice(
        ["Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Greta", "Hiro", "Ines", "Jonas"], n
    )
    last = rng.choice(["Smith", "Müller", "García", "Rossi", "Tanaka", "Dubois", "Nowak", "Silva"], n)
    emails = [
        f"{f.lower()}.{s.lower()}{i}@example.com" for i, (f, s) in enumerate(zip(first, last, strict=True))
    ]
    return list(first), list(last), emails


def shopify_customers(folder: Path, n: int = 50) -> RealExport:
    """Shopify "customers_export.csv" with its opt-in marketing column."""
    rng = np.random.default_rng(4)
    first, last, emails = _people(rng, n)
    frame = pd.DataFrame(
        {
            "Customer ID": rng.choice(np.arange(6_000_000_000_000, 6_000_000_900_000), n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Accepts Email Marketing": rng.choice(["yes", "no"], n),
            "Default Address Company": rng.choice(["", "ACME Ltd", "Globex"], n),
            "Default Address City": rng.choice(["London", "Leeds", "Bristol", "York"], n),
            "Default Address Country Code": rng.choice(["GB", "IE"], n),
            "Phone": [f"+44 20 7946 {i:04d}" for i in range(n)],
            "Accepts SMS Marketing": rng.choice(["yes", "no"], n),
            "Total Spent": rng.gamma(2.0, 60.0, n).round(2),
            "Total Orders": rng.integers(0, 12, n),
            "Tags": rng.choice(["", "vip", "wholesale", "vip, newsletter"], n),
            "Tax Exempt": rng.choice(["yes", "no"], n, p=[0.1, 0.9]),
        }
    )
    path = folder / "customers_export.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "customers",
        {
            "Customer ID": "customer_id",
            "First Name": "name",
            "Last Name": "name",
            "Email": "email",
            "Accepts Email Marketing": "consent",
            "Default Address City": "categorical",
            "Default Address Country Code": "categorical",
            "Phone": "phone",
            "Accepts SMS Marketing": "consent",
            "Total Spent": ("numeric", "amount"),
            "Total Orders": "numeric",
            "Tax Exempt": "categorical",
        },
        {"Accepts Email Marketing": "opt-in", "Accepts SMS Marketing": "opt-in"},
    )


def hubspot_contacts(folder: Path, n: int = 50) -> RealExport:
    """HubSpot contact export with opt-out and unsubscribe columns (yes = do not contact)."""
    rng = np.random.default_rng(5)
    first, last, emails = _people(rng, n)
    frame = pd.DataFrame(
        {
            "Record ID": rng.choice(np.arange(51, 90_000), n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Phone Number": [f"(555) {100 + i:03d}-{1000 + 7 * i:04d}" for i in range(n)],
            "Lifecycle Stage": rng.choice(["Lead", "Subscriber", "Customer", "Opportunity"], n),
            "Create Date": _dates(rng, n, "2021-01-01").strftime("%Y-%m-%d %H:%M"),
            "Unsubscribed from all email": rng.choice(["true", "false"], n),
            "Opted out of email: Marketing Information": rng.choice(["true", "false", ""], n),
            "Number of Sessions": rng.integers(0, 40, n),
        }
    )
    path = folder / "hubspot-crm-exports-all-contacts.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "customers",
        {
            "Record ID": "customer_id",
            "First Name": "name",
            "Last Name": "name",
            "Email": "email",
            "Phone Number": "phone",
            "Lifecycle Stage": "categorical",
            "Create Date": "date",
            "Unsubscribed from all email": "consent",
            "Opted out of email: Marketing Information": "consent",
            "Number of Sessions": "numeric",
        },
        {"Unsubscribed from all email": "opt-out", "Opted out of email: Marketing Information": "opt-out"},
    )


def salesforce_contacts(folder: Path, n: int = 50) -> RealExport:
    """Salesforce contact report: 18-character ids, Email Opt Out, Do Not Call, semicolons."""
    rng = np.random.default_rng(6)
    first, last, emails = _people(rng, n)
    frame = pd.DataFrame(
        {
            "Contact ID": [f"0035g00000{i:04d}AbCAAU" for i in range(n)],
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Mailing City": rng.choice(["Paris", "Lyon", "Lille"], n),
            "Email Opt Out": rng.choice(["1", "0"], n),
            "Do Not Call": rng.choice(["1", "0"], n),
            "Lead Source": rng.choice(["Web", "Partner", "Phone Inquiry", "Trade Show"], n),
            "Created Date": _dates(rng, n, "2020-03-01").strftime("%d/%m/%Y"),
        }
    )
    path = folder / "salesforce_contacts.csv"
    frame.to_csv(path, index=False, sep=";")
    return RealExport(
        path,
        "customers",
        {
            "Contact ID": "customer_id",
            "First Name": "name",
            "Last Name": "name",
            "Email": "email",
            "Mailing City": "categorical",
            "Email Opt Out": "consent",
            "Do Not Call": "consent",
            "Lead Source": "categorical",
            "Created Date": "date",
        },
        {"Email Opt Out": "opt-out", "Do Not Call": "opt-out"},
    )


def gdpr_customers(folder: Path, n: int = 40) -> RealExport:
    """A CRM extract whose consent columns are all opt-out flags, with yes/no words."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "customer_id": [f"K-{1000 + i}" for i in range(n)],
            "unsubscribed": rng.choice(["yes", "no"], n),
            "consent_withdrawn": rng.choice(["Y", "N"], n),
            "gdpr_objection": rng.choice(["true", "false"], n),
            "newsletter_unsubscribe": rng.choice(["ja", "nein"], n),
            "churned": rng.choice(["yes", "no"], n),
            "age": rng.integers(18, 80, n),
        }
    )
    path = folder / "crm_optouts.csv"
    frame.to_csv(path, index=False)
    opt_out = "opt-out"
    return RealExport(
        path,
        "customers",
        {
            "customer_id": "customer_id",
            "unsubscribed": "consent",
            "consent_withdrawn": "consent",
            "gdpr_objection": "consent",
            "newsletter_unsubscribe": "consent",
            "churned": "categorical",
            "age": "numeric",
        },
        {
            c: opt_out
            for c in ("unsubscribed", "consent_withdrawn", "gdpr_objection", "newsletter_unsubscribe")
        },
    )


def online_retail(folder: Path) -> RealExport:
    """UCI "Online Retail": invoice lines, C-prefixed cancellations, CustomerID written 17850.0."""
    rng = np.random.default_rng(8)
    stock = {
        "85123A": "WHITE HANGING HEART T-LIGHT HOLDER",
        "71053": "WHITE METAL LANTERN",
        "84406B": "CREAM CUPID HEARTS COAT HANGER",
        "22752": "SET 7 BABUSHKA NESTING BOXES",
        "21730": "GLASS STAR FROSTED T-LIGHT HOLDER",
        "22633": "HAND WARMER UNION JACK",
        "POST": "POSTAGE",
    }
    rows = []
    invoice = 536_365
    for _ in range(40):
        customer = rng.choice([17850.0, 13047.0, 12583.0, 13748.0, 15100.0, np.nan])
        cancelled = rng.random() < 0.1
        when = pd.Timestamp("2010-12-01 08:26") + pd.Timedelta(minutes=int(rng.integers(0, 500_000)))
        for _ in range(int(rng.integers(1, 5))):
            code = rng.choice(list(stock))
            quantity = int(rng.integers(1, 25)) * (-1 if cancelled else 1)
            rows.append(
                {
                    "InvoiceNo": f"C{invoice}" if cancelled else str(invoice),
                    "StockCode": code,
                    "Description": stock[code],
                    "Quantity": quantity,
                    "InvoiceDate": when.strftime("%m/%d/%Y %H:%M").lstrip("0"),
                    "UnitPrice": float(rng.choice([2.55, 3.39, 2.75, 7.65, 4.25, 1.85, 18.0])),
                    "CustomerID": customer,
                    "Country": rng.choice(["United Kingdom", "France", "Australia"]),
                }
            )
        invoice += 1
    frame = pd.DataFrame(rows)
    path = folder / "Online Retail.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "transactions",
        {
            "InvoiceNo": "order_id",
            "StockCode": "item",
            "Description": ("item", "text", "categorical"),
            "Quantity": "quantity",
            "InvoiceDate": "date",
            "UnitPrice": "price",
            "CustomerID": "customer_id",
            "Country": "categorical",
        },
    )


def groceries(folder: Path) -> RealExport:
    """Kaggle "Groceries_dataset.csv" written with semicolons."""
    rng = np.random.default_rng(9)
    n = 120
    frame = pd.DataFrame(
        {
            "Member_number": rng.choice(np.arange(1000, 1030), n),
            "Date": _dates(rng, n, "2014-01-01").strftime("%d-%m-%Y"),
            "itemDescription": rng.choice(
                [
                    "whole milk",
                    "other vegetables",
                    "rolls/buns",
                    "soda",
                    "yogurt",
                    "tropical fruit",
                    "pip fruit",
                ],
                n,
            ),
        }
    )
    path = folder / "Groceries_dataset.csv"
    frame.to_csv(path, index=False, sep=";")
    return RealExport(
        path, "transactions", {"Member_number": "customer_id", "Date": "date", "itemDescription": "item"}
    )


BUILDERS = (
    marketing_campaign,
    ratings,
    decimals_customers,
    shopify_customers,
    hubspot_contacts,
    salesforce_contacts,
    gdpr_customers,
    online_retail,
    groceries,
)


def superstore(folder: Path) -> RealExport:
    """Tableau "Sample - Superstore": order lines with a row counter and two dates."""
    rng = np.random.default_rng(10)
    n = 90
    customers = [
        f"{a}{b}-{10000 + i * 15}" for i, (a, b) in enumerate(zip("CDSBAEJM", "GAVHKMRT", strict=True))
    ]
    products = {
        "FUR-BO-10001798": ("Furniture", "Bookcases", "Bush Somerset Collection Bookcase"),
        "OFF-LA-10000240": ("Office Supplies", "Labels", "Self-Adhesive Address Labels"),
        "TEC-PH-10002033": ("Technology", "Phones", "Konftel 250 Conference phone"),
        "OFF-ST-10000760": ("Office Supplies", "Storage", "Eldon Fold 'N Roll Cart System"),
    }
    codes = rng.choice(list(products), n)
    order_day = _dates(rng, n, "2016-01-01")
    frame = pd.DataFrame(
        {
            "Row ID": np.arange(1, n + 1),
            "Order ID": [f"CA-2016-{152156 + i // 2}" for i in range(n)],
            "Order Date": [f"{d.month}/{d.day}/{d.year}" for d in order_day],
            "Ship Date": [f"{d.month}/{d.day}/{d.year}" for d in order_day + pd.Timedelta(days=3)],
            "Ship Mode": rng.choice(["Second Class", "Standard Class", "First Class"], n),
            "Customer ID": rng.choice(customers, n),
            "Segment": rng.choice(["Consumer", "Corporate", "Home Office"], n),
            "Country": "United States",
            "City": rng.choice(["Henderson", "Los Angeles", "Fort Lauderdale", "Concord"], n),
            "Postal Code": rng.choice([42420, 90036, 33311, 28027], n),
            "Product ID": codes,
            "Category": [products[c][0] for c in codes],
            "Sub-Category": [products[c][1] for c in codes],
            "Product Name": [products[c][2] for c in codes],
            "Sales": rng.gamma(2.0, 100.0, n).round(4),
            "Quantity": rng.integers(1, 9, n),
            "Discount": rng.choice([0, 0.2, 0.45], n),
            "Profit": rng.normal(20, 40, n).round(4),
        }
    )
    path = folder / "Sample - Superstore.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "transactions",
        {
            "Row ID": ("ignore", "text", "numeric"),
            "Order ID": "order_id",
            "Order Date": "date",
            "Ship Date": "date",
            "Ship Mode": "categorical",
            "Customer ID": "customer_id",
            "Segment": "categorical",
            "Country": "ignore",
            "City": "categorical",
            "Product ID": "item",
            "Category": "category",
            "Sub-Category": "category",
            "Product Name": ("item", "text"),
            "Sales": "amount",
            "Quantity": "quantity",
            "Discount": "numeric",
            "Profit": ("numeric", "amount"),
        },
    )


def telco_churn(folder: Path, n: int = 60) -> RealExport:
    """IBM "Telco Customer Churn": Yes/No flags, a 'PhoneService' flag that is not a phone, charges."""
    rng = np.random.default_rng(11)
    yes_no = ["Yes", "No"]
    frame = pd.DataFrame(
        {
            "customerID": [
                f"{rng.integers(1000, 9999)}-{''.join(rng.choice(list('ABCDEFGHJK'), 5))}" for _ in range(n)
            ],
            "gender": rng.choice(["Female", "Male"], n),
            "SeniorCitizen": rng.integers(0, 2, n),
            "Partner": rng.choice(yes_no, n),
            "tenure": rng.integers(0, 72, n),
            "PhoneService": rng.choice(yes_no, n),
            "MultipleLines": rng.choice(["No phone service", "No", "Yes"], n),
            "Contract": rng.choice(["Month-to-month", "One year", "Two year"], n),
            "PaperlessBilling": rng.choice(yes_no, n),
            "PaymentMethod": rng.choice(["Electronic check", "Mailed check", "Credit card (automatic)"], n),
            "MonthlyCharges": rng.uniform(18, 119, n).round(2),
            "TotalCharges": [" " if i == 7 else f"{v:.2f}" for i, v in enumerate(rng.uniform(18, 8600, n))],
            "Churn": rng.choice(yes_no, n),
        }
    )
    path = folder / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    frame.to_csv(path, index=False)
    flag = ("categorical", "numeric")
    money = ("numeric", "amount")
    return RealExport(
        path,
        "customers",
        {
            "customerID": "customer_id",
            "gender": "categorical",
            "SeniorCitizen": flag,
            "Partner": "categorical",
            "tenure": "numeric",
            "PhoneService": "categorical",
            "MultipleLines": "categorical",
            "Contract": "categorical",
            "PaperlessBilling": "categorical",
            "PaymentMethod": "categorical",
            "MonthlyCharges": money,
            "TotalCharges": money,
            "Churn": "categorical",
        },
    )


def supermarket_sales(folder: Path, n: int = 60) -> RealExport:
    """Kaggle "supermarket_sales": invoice ids written like 750-67-8428, a constant margin column."""
    rng = np.random.default_rng(12)
    frame = pd.DataFrame(
        {
            "Invoice ID": [
                f"{rng.integers(100, 999)}-{rng.integers(10, 99)}-{rng.integers(1000, 9999)}"
                for _ in range(n)
            ],
            "Branch": rng.choice(["A", "B", "C"], n),
            "City": rng.choice(["Yangon", "Naypyitaw", "Mandalay"], n),
            "Customer type": rng.choice(["Member", "Normal"], n),
            "Gender": rng.choice(["Female", "Male"], n),
            "Product line": rng.choice(
                ["Health and beauty", "Electronic accessories", "Sports and travel"], n
            ),
            "Unit price": rng.uniform(10, 100, n).round(2),
            "Quantity": rng.integers(1, 11, n),
            "Tax 5%": rng.uniform(0.5, 50, n).round(4),
            "Total": rng.uniform(10, 1000, n).round(4),
            "Date": [f"{d.month}/{d.day}/{d.year}" for d in _dates(rng, n, "2019-01-01", 89)],
            "Payment": rng.choice(["Ewallet", "Cash", "Credit card"], n),
            "gross margin percentage": 4.761904762,
            "Rating": rng.uniform(4, 10, n).round(1),
        }
    )
    path = folder / "supermarket_sales.csv"
    frame.to_csv(path, index=False)
    # One row per sale, though no column names the customer: the invoice numbers make it purchases.
    return RealExport(
        path,
        "transactions",
        {
            "Invoice ID": "order_id",
            "Branch": "categorical",
            "City": "categorical",
            "Customer type": "categorical",
            "Gender": "categorical",
            "Product line": ("category", "categorical"),
            "Unit price": "price",
            "Quantity": "quantity",
            "Tax 5%": ("numeric", "amount"),
            "Total": "amount",
            "Date": "date",
            "Payment": "categorical",
            "gross margin percentage": "ignore",
            "Rating": "numeric",
        },
    )


def stripe_payments(folder: Path) -> RealExport:
    """Stripe "unified payments" export: a unique charge id, repeating customers, a constant currency."""
    rng = np.random.default_rng(13)
    n = 50
    frame = pd.DataFrame(
        {
            "id": [f"ch_3L{rng.integers(10**9, 10**10)}Kx{i:03d}" for i in range(n)],
            "Created (UTC)": _dates(rng, n, "2022-06-01").strftime("%Y-%m-%d %H:%M:%S"),
            "Amount": rng.gamma(2.0, 30.0, n).round(2),
            "Currency": "usd",
            "Status": rng.choice(["Paid", "Refunded", "Failed"], n, p=[0.8, 0.1, 0.1]),
            "Customer ID": rng.choice([f"cus_M{c}Hk2" for c in "ABCDEFGHIJ"], n),
            "Customer Email": rng.choice([f"buyer{c}@example.com" for c in "abcdefghij"], n),
            "Card Brand": rng.choice(["Visa", "MasterCard", "American Express"], n),
        }
    )
    path = folder / "unified_payments.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "transactions",
        {
            "id": ("order_id", "text"),
            "Created (UTC)": "date",
            "Amount": "amount",
            "Currency": "ignore",
            "Status": "categorical",
            "Customer ID": "customer_id",
            "Customer Email": "email",
            "Card Brand": "categorical",
        },
    )


def bank_marketing(folder: Path, n: int = 80) -> RealExport:
    """UCI "bank-full.csv": semicolons, quoted text, a 'contact' channel and a 'day' of month."""
    rng = np.random.default_rng(14)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 95, n),
            "job": rng.choice(["management", "technician", "entrepreneur", "blue-collar", "retired"], n),
            "marital": rng.choice(["married", "single", "divorced"], n),
            "default": rng.choice(["no", "yes"], n, p=[0.95, 0.05]),
            "balance": rng.integers(-8_000, 100_000, n),
            "housing": rng.choice(["yes", "no"], n),
            "contact": rng.choice(["unknown", "cellular", "telephone"], n),
            "day": rng.integers(1, 32, n),
            "month": rng.choice(["may", "jun", "jul", "aug", "nov"], n),
            "duration": rng.integers(0, 4_900, n),
            "campaign": rng.integers(1, 63, n),
            "pdays": rng.choice([-1, 100, 181, 350], n),
            "y": rng.choice(["no", "yes"], n),
        }
    )
    path = folder / "bank-full.csv"
    frame.to_csv(path, index=False, sep=";", quoting=2)
    return RealExport(
        path,
        "customers",
        {
            "age": "numeric",
            "job": "categorical",
            "marital": "categorical",
            "default": "categorical",
            "balance": ("numeric", "amount"),
            "housing": "categorical",
            "contact": "categorical",
            "day": "numeric",
            "month": "categorical",
            "duration": "numeric",
            "campaign": "numeric",
            "pdays": "numeric",
            "y": "categorical",
        },
    )


def mailchimp_audience(folder: Path, n: int = 40) -> RealExport:
    """Mailchimp audience export: opt-in time and IP, coordinates, a member rating."""
    rng = np.random.default_rng(15)
    first, last, emails = _people(rng, n)
    frame = pd.DataFrame(
        {
            "Email Address": emails,
            "First Name": first,
            "Last Name": last,
            "MEMBER_RATING": rng.integers(1, 6, n),
            "OPTIN_TIME": _dates(rng, n, "2019-01-01").strftime("%Y-%m-%d %H:%M:%S"),
            "OPTIN_IP": [
                f"{rng.integers(1, 255)}.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 255)}"
                for _ in range(n)
            ],
            "LATITUDE": rng.uniform(35, 60, n),
            "LONGITUDE": rng.uniform(-10, 30, n),
            "CC": rng.choice(["DE", "FR", "GB", "ES"], n),
            "LAST_CHANGED": _dates(rng, n, "2023-01-01").strftime("%Y-%m-%d %H:%M:%S"),
        }
    )
    path = folder / "subscribed_members_export.csv"
    frame.to_csv(path, index=False)
    return RealExport(
        path,
        "customers",
        {
            "Email Address": "email",
            "First Name": "name",
            "Last Name": "name",
            "MEMBER_RATING": "numeric",
            "OPTIN_TIME": "date",
            "OPTIN_IP": "text",
            "LATITUDE": "numeric",
            "LONGITUDE": "numeric",
            "CC": "categorical",
            "LAST_CHANGED": "date",
        },
    )


BUILDERS += (superstore, telco_churn, supermarket_sales, stripe_payments, bank_marketing, mailchimp_audience)
