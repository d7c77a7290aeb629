"""Consent columns are read with their polarity: nobody who said no gets mailed, in the app or the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import page
from app_pages.state import ActiveData, SegmentRun
from segmentation.campaigns.audience import CampaignSpec, ContactColumns, build_audience, consent_candidates
from segmentation.cli import main
from segmentation.errors import ParameterError

CONTACTS = ContactColumns("customer_id", email="email")
INVERTED_NAMES = ["unsubscribed", "consent_withdrawn", "gdpr_objection", "newsletter_unsubscribe"]
# The same answers written the ways exports write them; True = may contact for an opt-in column.
MULTILINGUAL = {
    "はい": True, "いいえ": False, "ja": True, "nein": False, "oui": True, "non": False, "t": True,
    "f": False, "sí": True, "Ja ": True, "NEIN": False, "vielleicht": None, "": None,
}  # fmt: skip


def _customers(consent_col: str, values: list[str]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "customer_id": [str(1000 + i) for i in range(n)],
            "email": [f"p{i}@example.com" for i in range(n)],
            consent_col: values,
            "segment": [i % 2 for i in range(n)],
            "segment_name": ["Loyal" if i % 2 == 0 else "New" for i in range(n)],
        }
    )


def _listed(path: Path) -> set[str]:
    return set(pd.read_csv(path, dtype=str, keep_default_na=False)["customer_id"])


@pytest.mark.parametrize("name", INVERTED_NAMES)
def test_inverted_consent_lists_nobody_who_opted_out(name: str, tmp_path: Path) -> None:
    # 20 people said "yes" to opting out, 10 said "no": only those 10 may be mailed.
    values = ["yes"] * 20 + ["no"] * 10
    frame = _customers(name, values)
    path = tmp_path / "seg.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "list.csv"
    assert main(["export", str(path), "--consent-col", name, "-o", str(out), "--holdout", "0"]) == 0
    opted_out = set(frame["customer_id"][:20])
    assert _listed(out) & opted_out == set()
    assert _listed(out) == set(frame["customer_id"][20:])
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    consent = manifest["consent"]
    assert consent["column"] == name and consent["polarity"] == "opt-out"
    assert consent["meaning"] == f"'{name}': yes means do not contact"
    assert (
        consent["polarity_confirmed"] is False and consent["polarity_source"] == "read from the column name"
    )
    assert consent["do_not_contact_values"] == ["yes"] and consent["may_contact_values"] == ["no"]
    # The package function the Campaigns page calls gives the same answer.
    audience = build_audience(
        frame, CampaignSpec(name="x", consent_col=name, control_share=0.0), contacts=CONTACTS
    )
    assert set(audience.frame["customer_id"]) == _listed(out)


def test_cli_never_picks_the_consent_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = _customers("unsubscribed", ["yes", "no"] * 5).assign(gdpr=["yes", "no"] * 5)
    path = tmp_path / "seg.csv"
    frame.to_csv(path, index=False)
    assert main(["export", str(path), "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "'unsubscribed': yes means do not contact" in err
    assert "'gdpr': probably yes means may contact (please confirm)" in err
    assert "--consent-col" in err and "--no-consent-check" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()
    # A name that does not say which way round it is needs --consent-means.
    assert main(["export", str(path), "--consent-col", "gdpr", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--consent-means" in capsys.readouterr().err
    out = tmp_path / "y.csv"
    code = main(["export", str(path), "--consent-col", "gdpr", "--consent-means", "opt-out", "-o", str(out)])
    assert code == 0
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["consent"]["polarity"] == "opt-out" and manifest["consent"]["polarity_confirmed"] is True
    assert _listed(out) == set(frame["customer_id"][frame["gdpr"] == "no"])


def test_package_refuses_an_unclear_polarity() -> None:
    frame = _customers("gdpr", ["yes", "no"])
    with pytest.raises(ParameterError, match="which way round"):
        build_audience(frame, CampaignSpec(name="x", consent_col="gdpr"), contacts=CONTACTS)
    chosen = CampaignSpec(name="x", consent_col="gdpr", consent_polarity="opt-in", control_share=0.0)
    assert build_audience(frame, chosen, contacts=CONTACTS).frame["customer_id"].tolist() == ["1000"]
    candidates = {c.column: c for c in consent_candidates(frame)}
    assert list(candidates) == ["gdpr"] and not candidates["gdpr"].certain


def _session(customers: pd.DataFrame) -> tuple[ActiveData, SegmentRun]:
    roles = {"customer_id": "customer_id", "email": "email"}
    # The pages cache by the data token: each table gets its own, as the app gives each upload.
    token = f"d-{pd.util.hash_pandas_object(customers).sum()}-{'-'.join(customers.columns)}"
    data = ActiveData(
        source_name="t.csv", token=token, customers=customers, customer_id_col="customer_id", roles=roles
    )
    labels = np.array([i % 2 for i in range(len(customers))])
    run = SegmentRun(
        data_token=token, token="r-1", features=("x",), algorithm="kmeans", k=2, seed=0, labels=labels,
        result=None, default_names={0: "Loyal", 1: "New"}, default_actions={},
    )  # fmt: skip
    return data, run


def _page(customers: pd.DataFrame) -> AppTest:
    at = AppTest.from_file(str(page("campaigns").file), default_timeout=30)
    at.session_state["active_data"], at.session_state["segment_run"] = _session(customers)
    return at


def test_multilingual_values_give_the_same_list_in_app_and_cli(tmp_path: Path) -> None:
    values = list(MULTILINGUAL) * 2
    frame = _customers("marketing_consent", values)
    path = tmp_path / "seg.csv"
    frame.drop(columns=["segment", "segment_name"]).assign(
        segment=frame["segment"], segment_name=frame["segment_name"]
    ).to_csv(path, index=False)
    out = tmp_path / "list.csv"
    assert main(["export", str(path), "--consent-col", "marketing_consent", "-o", str(out)]) == 0
    expected = {cid for cid, v in zip(frame["customer_id"], values, strict=True) if MULTILINGUAL[v]}
    assert _listed(out) == expected

    at = _page(frame.drop(columns=["segment", "segment_name"])).run()
    assert not at.exception
    # Not preselected: some values are neither yes nor no; the user picks the column.
    assert at.selectbox(key="campaigns:consent_col").value == "— none —"
    at.selectbox(key="campaigns:consent_col").set_value("marketing_consent").run()
    assert at.radio(key="campaigns:polarity:marketing_consent").value == "opt-in"
    page_list = at.session_state["campaign"]["frame"]
    assert set(page_list["customer_id"]) == expected
    consent = at.session_state["campaign"]["manifest"]["consent"]
    assert consent["unrecognised_values"] == {"vielleicht": 2} and consent["blank_excluded"] == 2
    assert consent["polarity_confirmed"] is False


def test_page_shows_the_meaning_and_waits_for_an_unclear_polarity() -> None:
    customers = _customers("gdpr", ["yes", "no"] * 10).drop(columns=["segment", "segment_name"])
    at = _page(customers).run()
    assert not at.exception
    # Not preselected: the name does not say which way round it is.
    assert at.selectbox(key="campaigns:consent_col").value == "— none —"
    at.selectbox(key="campaigns:consent_col").set_value("gdpr").run()
    assert at.radio(key="campaigns:polarity:gdpr").value is None
    # A choice not yet made: a neutral next step, not a red error (issue 10).
    assert any("say what" in i.value.lower() for i in at.info)
    assert not at.error, [e.value for e in at.error]
    assert "campaign" not in at.session_state
    at.radio(key="campaigns:polarity:gdpr").set_value("opt-out").run()
    assert not at.exception
    campaign = at.session_state["campaign"]
    assert set(campaign["frame"]["customer_id"]) == set(customers["customer_id"][1::2])
    assert campaign["manifest"]["consent"]["polarity_confirmed"] is True
    assert campaign["manifest"]["consent"]["meaning"] == "'gdpr': yes means do not contact"


def test_page_reads_an_opt_out_column_the_right_way_round() -> None:
    customers = _customers("unsubscribed", ["yes"] * 20 + ["no"] * 4).drop(
        columns=["segment", "segment_name"]
    )
    at = _page(customers).run()
    assert not at.exception
    assert at.selectbox(key="campaigns:consent_col").value == "unsubscribed"
    assert at.radio(key="campaigns:polarity:unsubscribed").value == "opt-out"
    assert any("yes means do not contact" in i.value for i in at.info)
    assert set(at.session_state["campaign"]["frame"]["customer_id"]) == set(customers["customer_id"][20:])


@pytest.mark.parametrize("polarity", ["opt-in", "opt-out"])
def test_reading_distinct_values_with_counts_decides_as_reading_every_row(polarity: str) -> None:
    """An engine that reads each distinct value once (Spark) gets the decision of reading every row."""
    from segmentation.campaigns.consent import read_consent_column
    from segmentation.vocabulary import ConsentPolarity

    rng = np.random.default_rng(3)
    rows = pd.Series(rng.choice([*MULTILINGUAL, None, "maybe"], size=500), dtype="object")
    every_row = read_consent_column(rows, column="c", polarity=ConsentPolarity(polarity), confirmed=True)
    tally = rows.value_counts(dropna=False)
    distinct = pd.Series(list(tally.index), dtype="object")
    once_each = read_consent_column(
        distinct,
        column="c",
        polarity=ConsentPolarity(polarity),
        confirmed=True,
        counts=pd.Series(tally.to_numpy()),
    )
    assert once_each[2] == every_row[2]
    assert once_each[2].n_blank > 30 and sum(once_each[2].unrecognised.values()) > 30  # rows, not values

    def key(value: object) -> object:
        return value if isinstance(value, str) else None

    by_value = {key(v): may for v, may in zip(distinct, once_each[0].astype(object), strict=True)}
    expected = [by_value[key(v)] for v in rows]
    assert [None if pd.isna(v) else bool(v) for v in every_row[0]] == [
        None if pd.isna(v) else bool(v) for v in expected
    ]
