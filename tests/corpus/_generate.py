"""Shared pieces of the corpus's export generators: seeded random sources, people, dates, phones, ids."""

from __future__ import annotations

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


def rng_for(offset: int) -> np.random.Generator:
    return np.random.default_rng(SEED + offset)


def people(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    handles = pd.Series(first).str.lower().str.normalize("NFKD").str.encode("ascii", "ignore").str.decode(
        "ascii"
    ) + pd.Series(rng.integers(1, 9999, n).astype(str))
    domains = rng.choice(["gmail.com", "web.de", "outlook.com", "yahoo.fr", "example.org"], n)
    emails = (handles + "@" + domains).to_numpy()
    return first, last, emails


def timestamps(rng: np.random.Generator, n: int, start: str = "2023-01-01", days: int = 540) -> pd.Series:
    base = pd.Timestamp(start)
    seconds = rng.integers(0, days * 86_400, n)
    return pd.Series(base + pd.to_timedelta(np.sort(seconds), unit="s"))


def phones(rng: np.random.Generator, n: int, template: str) -> list[str]:
    digits = rng.integers(0, 10, (n, template.count("#")))
    out = []
    for row in digits:  # a few hundred rows, once, in a generator script
        text = template
        for d in row:
            text = text.replace("#", str(d), 1)
        out.append(text)
    return out


def blank(rng: np.random.Generator, values: pd.Series | np.ndarray, share: float) -> pd.Series:
    series = pd.Series(values).astype(object)
    series[rng.random(len(series)) < share] = None
    return series


def hex_ids(rng: np.random.Generator, n: int, length: int = 32) -> np.ndarray:
    alphabet = np.array(list("0123456789abcdef"))
    return np.array(["".join(row) for row in rng.choice(alphabet, (n, length))])
