"""Corpus exports of contact and customer lists: shops, e-mail tools, CRMs, local-language files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.corpus._generate import (
    CITIES,
    COUNTRIES,
    TABLES,
    blank,
    hex_ids,
    people,
    phones,
    rng_for,
    timestamps,
)


def shopify_customers() -> None:
    rng = rng_for(2)
    n = 500
    first, last, emails = people(rng, n)
    orders = rng.poisson(2.5, n)
    frame = pd.DataFrame(
        {
            "Customer ID": 6_201_000_000_000 + rng.choice(10_000_000, n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Accepts Email Marketing": rng.choice(["yes", "no"], n),
            "Default Address Company": blank(
                rng, rng.choice(["Acme GmbH", "Studio Nord", "Café Lumière"], n), 0.9
            ),
            "Default Address Address1": [f"{k} High Street" for k in rng.integers(1, 300, n)],
            "Default Address City": rng.choice(CITIES, n),
            "Default Address Province Code": blank(rng, rng.choice(["BE", "BY", "HH", "NW"], n), 0.5),
            "Default Address Country Code": rng.choice(COUNTRIES, n),
            "Default Address Zip": rng.integers(10000, 99999, n).astype(str),
            "Default Address Phone": blank(rng, phones(rng, n, "+44 20 #### ####"), 0.4),
            "Phone": blank(rng, phones(rng, n, "+4915#########"), 0.5),
            "Accepts SMS Marketing": rng.choice(["yes", "no"], n, p=[0.2, 0.8]),
            "Total Spent": np.round(orders * rng.gamma(2.0, 30.0, n), 2),
            "Total Orders": orders,
            "Note": blank(rng, rng.choice(["prefers email", "met at fair", "VIP — call first"], n), 0.9),
            "Tax Exempt": rng.choice(["no", "yes"], n, p=[0.95, 0.05]),
            "Tags": blank(rng, rng.choice(["newsletter", "vip", "wholesale", "newsletter, vip"], n), 0.6),
        }
    )
    frame.to_csv(TABLES / "exp_shopify_customers.csv", index=False)


def _mailchimp_base(rng: np.random.Generator, n: int) -> pd.DataFrame:
    first, last, emails = people(rng, n)
    optin = timestamps(rng, n, "2019-01-01", 1500)
    return pd.DataFrame(
        {
            "Email Address": emails,
            "First Name": first,
            "Last Name": last,
            "Address": blank(
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
            "Phone Number": blank(rng, phones(rng, n, "+33 6 ## ## ## ##"), 0.6),
            "Birthday": blank(
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
            "LATITUDE": blank(rng, np.round(rng.uniform(40, 55, n), 7), 0.5),
            "LONGITUDE": blank(rng, np.round(rng.uniform(-5, 15, n), 7), 0.5),
            "GMTOFF": rng.choice([0, 1, 2], n),
            "DSTOFF": rng.choice([1, 2, 3], n),
            "TIMEZONE": rng.choice(["Europe/Berlin", "Europe/London", "Europe/Paris"], n),
            "CC": rng.choice(COUNTRIES, n),
            "REGION": rng.choice(["BE", "ENG", "IDF", "BY"], n),
            "LAST_CHANGED": (optin + pd.Timedelta(days=30)).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "LEID": rng.choice(np.arange(100_000_000, 999_999_999), n, replace=False),
            "EUID": hex_ids(rng, n, 10),
            "NOTES": blank(rng, rng.choice(["met at trade fair", "asked for catalogue"], n), 0.9),
            "TAGS": blank(rng, rng.choice(['"Customer"', '"Customer","VIP"', '"Lead"'], n), 0.4),
        }
    )


def mailchimp_subscribed() -> None:
    _mailchimp_base(rng_for(5), 600).to_csv(TABLES / "exp_mailchimp_subscribed.csv", index=False)


def mailchimp_unsubscribed() -> None:
    rng = rng_for(6)
    frame = _mailchimp_base(rng, 250)
    n = len(frame)
    frame["UNSUB_TIME"] = timestamps(rng, n, "2024-01-01", 200).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
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
    frame["UNSUB_REASON_OTHER"] = blank(
        rng, rng.choice(["too many mails", "moved abroad", "not relevant"], n), 0.8
    )
    frame.to_csv(TABLES / "exp_mailchimp_unsubscribed.csv", index=False)


def hubspot_contacts() -> None:
    rng = rng_for(7)
    n = 500
    first, last, emails = people(rng, n)
    created = timestamps(rng, n, "2022-01-01", 800)
    frame = pd.DataFrame(
        {
            "Record ID": rng.choice(np.arange(50_000, 9_000_000), n, replace=False),
            "First Name": first,
            "Last Name": last,
            "Email": emails,
            "Phone Number": blank(rng, phones(rng, n, "+1 (###) ###-####"), 0.5),
            "Contact owner": rng.choice(["Sarah Lee", "Tom Becker", "No owner"], n),
            "Lifecycle Stage": rng.choice(["Subscriber", "Lead", "Marketing Qualified Lead", "Customer"], n),
            "Lead Status": blank(rng, rng.choice(["New", "Open", "In progress", "Unqualified"], n), 0.3),
            "Create Date": created.dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "Last Activity Date": blank(
                rng, (created + pd.Timedelta(days=20)).dt.strftime("%Y-%m-%d %H:%M"), 0.3
            ),
            "Marketing contact status": rng.choice(["Marketing contact", "Non-marketing contact"], n),
            "Unsubscribed from all email": rng.choice(["false", "true"], n, p=[0.85, 0.15]),
            "Company Name": blank(rng, rng.choice(["Globex", "Initech", "Umbrella Corp", "Hooli"], n), 0.4),
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
    rng = rng_for(8)
    n = 400
    first, last, emails = people(rng, n)
    ids = [f"0035g00000{h[:8].upper()}" for h in hex_ids(rng, n, 8)]
    frame = pd.DataFrame(
        {
            "Contact ID": ids,
            "Salutation": rng.choice(["Mr.", "Ms.", "Mrs.", "Dr."], n),
            "First Name": first,
            "Last Name": last,
            "Title": blank(rng, rng.choice(["Marketing Manager", "CEO", "Buyer", "Office Manager"], n), 0.2),
            "Account Name": rng.choice(
                ["Société Générale Café", "Bäckerei Krüger", "Northwind Traders", "Contoso Ltd"], n
            ),
            "Mailing Street": [f"{k} Church Lane" for k in rng.integers(1, 300, n)],
            "Mailing City": rng.choice(CITIES, n),
            "Mailing Zip/Postal Code": rng.integers(10000, 99999, n).astype(str),
            "Mailing Country": rng.choice(["Germany", "France", "United Kingdom"], n),
            "Phone": blank(rng, phones(rng, n, "+44 20 #### ####"), 0.3),
            "Email": emails,
            "Email Opt Out": rng.choice([0, 1], n, p=[0.8, 0.2]),
            "Do Not Call": rng.choice([0, 1], n, p=[0.9, 0.1]),
            "Lead Source": rng.choice(["Web", "Trade Show", "Partner Referral", "Phone Inquiry"], n),
            "Created Date": timestamps(rng, n, "2021-01-01", 1000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Contact Owner": rng.choice(["Julia Roberts", "Marc Weber"], n),
        }
    )
    frame.to_csv(TABLES / "exp_salesforce_contacts.csv", index=False, encoding="cp1252")


def klaviyo_profiles() -> None:
    rng = rng_for(25)
    n = 400
    first, last, emails = people(rng, n)
    added = timestamps(rng, n, "2022-03-01", 700)
    pd.DataFrame(
        {
            "Email": emails,
            "Phone Number": blank(rng, phones(rng, n, "+1##########"), 0.5),
            "First Name": first,
            "Last Name": last,
            "Organization": blank(rng, rng.choice(["Globex", "Initech", "Hooli"], n), 0.7),
            "City": rng.choice(CITIES, n),
            "Country": rng.choice(["Germany", "France", "United States"], n),
            "Zip Code": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "Source": rng.choice(["Shopify", "Signup Form", "Manual Import"], n),
            "Date Added": added.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy(),
            "Last Open": blank(
                rng, (added + pd.Timedelta(days=9)).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"), 0.3
            ),
            "Email Marketing Consent": rng.choice(
                ["SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED"], n, p=[0.6, 0.2, 0.2]
            ),
            "Predicted Customer Lifetime Value": np.round(rng.gamma(2.0, 80.0, n), 2),
            "Average Days Between Orders": blank(rng, np.round(rng.uniform(10, 200, n), 1), 0.4),
        }
    ).to_csv(TABLES / "exp_klaviyo_profiles.csv", index=False)


def crm_customers_xlsx() -> None:
    rng = rng_for(24)
    n = 300
    first, last, emails = people(rng, n)
    pd.DataFrame(
        {
            "Customer Number": [f"CRM-{i:05d}" for i in rng.choice(50_000, n, replace=False)],
            "Full Name": first + " " + last,
            "Email": emails,
            "Mobile": blank(rng, phones(rng, n, "+44 7### ######"), 0.3),
            "Gender": rng.choice(["F", "M", "X"], n, p=[0.5, 0.45, 0.05]),
            "Date of Birth": timestamps(rng, n, "1950-01-01", 18000).dt.normalize(),
            "Segment": rng.choice(["Loyal", "At risk", "New", "Lapsed"], n),
            "Lifetime Value": np.round(rng.gamma(2.0, 200.0, n), 2),
            "Last Purchase Date": timestamps(rng, n, "2023-01-01", 600).dt.normalize(),
            "Email Opt-In": rng.random(n) < 0.6,
            "SMS Opt-Out": rng.random(n) < 0.3,
        }
    ).to_excel(TABLES / "exp_crm_customers.xlsx", index=False)


def inverted_consent() -> None:
    rng = rng_for(23)
    n = 400
    _, _, emails = people(rng, n)
    pd.DataFrame(
        {
            "customer_id": rng.choice(np.arange(100_000, 999_999), n, replace=False),
            "email": emails,
            "signup_date": timestamps(rng, n, "2020-01-01", 1400).dt.strftime("%m/%d/%Y").to_numpy(),
            "country": rng.choice(COUNTRIES, n),
            "lifetime_value": np.round(rng.gamma(2.0, 120.0, n), 2),
            "unsubscribed": rng.choice(["no", "yes"], n, p=[0.8, 0.2]),
            "consent_withdrawn": rng.choice(["false", "true"], n, p=[0.9, 0.1]),
            "gdpr_objection": rng.choice(["N", "Y"], n, p=[0.9, 0.1]),
            "newsletter_unsubscribe": rng.choice([0, 1], n, p=[0.75, 0.25]),
        }
    ).to_csv(TABLES / "exp_inverted_consent.csv", index=False)


def german_customers() -> None:
    rng = rng_for(19)
    n = 400
    first, last, emails = people(rng, n)
    spent = np.round(rng.gamma(2.0, 300.0, n), 2)
    pd.DataFrame(
        {
            "Kundennummer": [f"K-{10001 + i}" for i in range(n)],
            "Anrede": rng.choice(["Herr", "Frau", "Divers"], n, p=[0.48, 0.48, 0.04]),
            "Vorname": first,
            "Nachname": last,
            "E-Mail": emails,
            "Telefon": blank(rng, phones(rng, n, "+49 30 #######"), 0.3),
            "Straße": [f"Lindenstraße {k}" for k in rng.integers(1, 150, n)],
            "PLZ": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "Ort": rng.choice(["Berlin", "München", "Köln", "Hamburg", "Düsseldorf"], n),
            "Geburtsdatum": timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d.%m.%Y").to_numpy(),
            "Kunde seit": timestamps(rng, n, "2016-01-01", 2500).dt.strftime("%d.%m.%Y").to_numpy(),
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
    rng = rng_for(20)
    n = 350
    first, last, emails = people(rng, n)
    pd.DataFrame(
        {
            "Numéro client": [f"FR{200000 + i}" for i in rng.choice(90_000, n, replace=False)],
            "Civilité": rng.choice(["M.", "Mme"], n),
            "Prénom": first,
            "Nom": last,
            "Courriel": emails,
            "Téléphone": blank(rng, phones(rng, n, "06 ## ## ## ##"), 0.2),
            "Ville": rng.choice(["Paris", "Lyon", "Marseille", "Toulouse", "Nantes"], n),
            "Code postal": [f"{z:05d}" for z in rng.integers(1000, 95999, n)],
            "Date de naissance": timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Date d'inscription": timestamps(rng, n, "2018-01-01", 2000).dt.strftime("%d/%m/%Y").to_numpy(),
            "Montant total des achats": [f"{v:.2f}".replace(".", ",") for v in rng.gamma(2.0, 150.0, n)],
            "Nombre de commandes": rng.integers(1, 25, n),
            "Consentement newsletter": rng.choice(["oui", "non"], n),
            "Désabonné": rng.choice(["non", "oui"], n, p=[0.9, 0.1]),
        }
    ).to_csv(TABLES / "exp_french_customers.csv", index=False, sep=";", encoding="utf-8-sig")


def japanese_customers() -> None:
    rng = rng_for(21)
    n = 300
    family = np.array(["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"])
    given = np.array(["太郎", "花子", "健", "美咲", "翔", "結衣", "大輔", "陽菜"])
    pd.DataFrame(
        {
            "顧客ID": [f"JP{i:06d}" for i in rng.choice(500_000, n, replace=False)],
            "氏名": rng.choice(family, n) + " " + rng.choice(given, n),
            "メールアドレス": [f"user{i}@example.jp" for i in rng.choice(100_000, n, replace=False)],
            "電話番号": phones(rng, n, "090-####-####"),
            "都道府県": rng.choice(["東京都", "大阪府", "神奈川県", "愛知県", "福岡県"], n),
            "生年月日": timestamps(rng, n, "1955-01-01", 17000).dt.strftime("%Y/%m/%d").to_numpy(),
            "登録日": timestamps(rng, n, "2019-04-01", 1500).dt.strftime("%Y/%m/%d").to_numpy(),
            "購入金額合計": rng.integers(1, 400, n) * 100,
            "購入回数": rng.integers(1, 40, n),
            "会員ランク": rng.choice(["ブロンズ", "シルバー", "ゴールド"], n),
            "配信停止": rng.choice(["いいえ", "はい"], n, p=[0.85, 0.15]),
        }
    ).to_csv(TABLES / "exp_japanese_customers.csv", index=False)
