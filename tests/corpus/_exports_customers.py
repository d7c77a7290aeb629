"""Corpus exports of customer tables from analytics work: surveys, loyalty cards, Kaggle-style files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.corpus._generate import (
    CITIES,
    TABLES,
    blank,
    hex_ids,
    rng_for,
    timestamps,
)


def survey() -> None:
    rng = rng_for(12)
    n = 300
    likert = np.array(["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"])
    stamp = timestamps(rng, n, "2024-02-01", 30)
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
            "Any other comments?": blank(
                rng,
                rng.choice(["Great staff!", "Delivery took too long.", "More vegan options please"], n),
                0.7,
            ),
            "I agree to receive marketing emails": rng.choice(["Yes", "No"], n),
        }
    ).to_csv(TABLES / "exp_survey_results.csv", index=False)


def loyalty_cards() -> None:
    rng = rng_for(13)
    n = 500
    points = rng.integers(0, 12_000, n)
    pd.DataFrame(
        {
            "card_number": 2_900_000_000_000 + rng.choice(1_000_000, n, replace=False),
            "points": points,
            "points_value_eur": [f"{p / 100:.2f}".replace(".", ",") for p in points],
            "tier": np.select([points > 8000, points > 3000], ["Gold", "Silver"], "Bronze"),
            "member_since": timestamps(rng, n, "2015-01-01", 3000).dt.strftime("%d.%m.%Y").to_numpy(),
            "birth_date": blank(rng, timestamps(rng, n, "1950-01-01", 18000).dt.strftime("%d.%m.%Y"), 0.2),
            "home_store": rng.choice(["Köln Innenstadt", "Bonn", "Düsseldorf Altstadt"], n),
            "opt_in": rng.choice(["Y", "N"], n),
        }
    ).to_csv(TABLES / "exp_loyalty_cards.csv", index=False, sep=";")


def marketing_campaign() -> None:
    rng = rng_for(15)
    n = 800
    frame = pd.DataFrame(
        {
            "ID": rng.choice(11_200, n, replace=False),
            "Year_Birth": rng.integers(1940, 2000, n),
            "Education": rng.choice(["Graduation", "PhD", "Master", "Basic", "2n Cycle"], n),
            "Marital_Status": rng.choice(["Married", "Together", "Single", "Divorced", "Widow"], n),
            "Income": blank(rng, rng.integers(5_000, 110_000, n).astype(float), 0.02),
            "Kidhome": rng.integers(0, 3, n),
            "Teenhome": rng.integers(0, 3, n),
            "Dt_Customer": timestamps(rng, n, "2012-07-30", 700).dt.strftime("%d-%m-%Y").to_numpy(),
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
    rng = rng_for(16)
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
    rng = rng_for(17)
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


def telco_churn() -> None:
    rng = rng_for(29)
    n = 700
    tenure = rng.integers(0, 73, n)
    monthly = np.round(rng.uniform(18, 119, n), 2)
    total = np.where(tenure == 0, " ", np.round(tenure * monthly, 2).astype(str))
    phone = rng.choice(["Yes", "No"], n, p=[0.9, 0.1])
    pd.DataFrame(
        {
            "customerID": [
                f"{a:04d}-{b}"
                for a, b in zip(rng.choice(10_000, n, replace=False), hex_ids(rng, n, 5), strict=True)
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
    rng = rng_for(30)
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
