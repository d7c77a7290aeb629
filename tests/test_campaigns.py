"""Campaign lists: consent, suppression, dedupe, control groups, formula-safe exports, manifests."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import zipfile
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation.campaigns.audience import (
    CampaignSpec,
    ColumnFilter,
    ContactColumns,
    build_audience,
    build_manifest,
    campaign_file_name,
    control_size,
    escape_formulas,
    export_csv,
    export_xlsx,
    export_zip,
    parse_consent,
    parse_filter,
    pivot_recommendations,
    safe_file_stem,
    suppression_entries,
    with_segments,
)
from segmentation.errors import ColumnError, ParameterError

CONTACTS = ContactColumns(customer_id="customer_id", email="email", name=("first_name",))
CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def customers() -> pd.DataFrame:
    """Eight rows with one of every problem; as text, the way a CSV is loaded."""
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", " c3 ", "C4", "C5", "C6", "C7"],
            "email": ["a@x.com", "b@x.com", "c@x.com", "c@x.com", " A@X.COM", "e@x.com", "f@x.com", None],
            "first_name": ["Ann", "Bo", "Cy", "Cy", "Di", "Ed", "Fi", "Gu"],
            "marketing_consent": ["yes", "no", "Opt-In", "yes", "y", "maybe", "1", "TRUE"],
            "country": ["DE", "FR", "de", "DE", "DE", "FR", "FR", "DE"],
            "monetary": ["120,5", "80", "300", "300", "15", "99", "100", "abc"],
            "segment": ["0", "0", "1", "1", "1", "-1", "0", "1"],
            "segment_name": [
                "Loyal",
                "Loyal",
                "客户/new",
                "客户/new",
                "客户/new",
                "Unassigned",
                "Loyal",
                "客户/new",
            ],
        },
        dtype="str",
    )


def _spec(**changes: object) -> CampaignSpec:
    base: dict[str, object] = {"name": "Spring", "consent_col": "marketing_consent", "control_share": 0.0}
    base.update(changes)
    return CampaignSpec(**base)  # type: ignore[arg-type]


def _removed(audience: object) -> dict[str, int]:
    return {r.rule: r.removed for r in audience.rules}  # type: ignore[attr-defined]


def test_parse_consent_is_explicit_and_reports_unknown_values() -> None:
    values = pd.Series(
        ["yes", " Y ", "TRUE", "1", "opt-in", "Subscribed", "no", "0", "unsubscribed", None, "maybe"]
    )
    consent, unknown = parse_consent(values)
    assert consent.iloc[:6].tolist() == [True] * 6
    assert consent.iloc[6:10].tolist() == [False] * 4
    assert consent.isna().iloc[10]
    assert unknown == {"maybe": 1}
    booleans, none = parse_consent(pd.Series([True, False, pd.NA], dtype="boolean"))
    assert booleans.tolist() == [True, False, False] and none == {}


def test_consent_suppression_and_dedupe_rules(customers: pd.DataFrame) -> None:
    spec = _spec(suppression=("f@x.com",))
    audience = build_audience(customers, spec, contacts=CONTACTS)
    removed = _removed(audience)
    assert removed["no marketing consent"] == 1  # C2 said no
    assert removed["consent value not recognised"] == 1  # C5 'maybe' is not guessed
    assert audience.unrecognised_consent == {"maybe": 1}
    assert removed["on the suppression list"] == 1  # C6 by email
    assert removed["duplicate customer id"] == 1  # ' c3 ' repeats C3 after trimming and lower-casing
    assert removed["duplicate email"] == 1  # C4's ' A@X.COM' repeats C1's email
    assert audience.frame["customer_id"].tolist() == ["C1", "C3", "C7"]
    assert audience.rules[-1].remaining == 3 and audience.n_input == 8


def test_explicit_no_on_one_row_blocks_the_duplicates(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame.loc[3, "marketing_consent"] = "no"  # ' c3 ' said no, 'C3' said yes
    audience = build_audience(frame, _spec(), contacts=CONTACTS)
    assert _removed(audience)["said no to marketing on another row"] == 1
    assert "C3" not in audience.frame["customer_id"].tolist()


def test_consent_must_be_chosen_or_waived(customers: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="consent"):
        build_audience(customers, _spec(consent_col=None), contacts=CONTACTS)
    waived = build_audience(customers, _spec(consent_col=None, consent_waived=True), contacts=CONTACTS)
    assert "no marketing consent" not in _removed(waived)
    assert len(waived.frame) == 6  # only the two duplicates go
    assert any("waived" in note for note in waived.notes)
    manifest = build_manifest(waived, source_sha256="abc", created_at=CREATED)
    assert manifest["consent"]["waived"] is True


def test_suppression_matches_ids_and_emails_trimmed_and_lowercased(customers: pd.DataFrame) -> None:
    entries = suppression_entries(
        pd.DataFrame({"Email Address": ["  B@X.com", "C@x.COM "], "reason": ["x", "y"]})
    )
    assert entries == ("b@x.com", "c@x.com")
    by_id = suppression_entries(pd.DataFrame({"customer id": [" c7 "]}))
    audience = build_audience(customers, _spec(suppression=entries + by_id), contacts=CONTACTS)
    assert audience.frame["customer_id"].tolist() == ["C1", "C6"]  # C3 by email, C7 by id
    # A plain list without a header: the loader takes the first email as the header.
    assert suppression_entries(pd.DataFrame({"x@y.com": ["Z@Y.com"]})) == ("x@y.com", "z@y.com")


def test_segments_rfm_groups_and_filters(customers: pd.DataFrame) -> None:
    chosen = build_audience(customers, _spec(segments=("客户/new",)), contacts=CONTACTS)
    assert set(chosen.frame["segment_name"]) == {"客户/new"}
    by_number = build_audience(customers, _spec(segments=("0",)), contacts=CONTACTS)
    assert set(by_number.frame["segment"]) == {0}
    with pytest.raises(ParameterError, match="'Loyal'"):
        build_audience(customers, _spec(segments=("Champions",)), contacts=CONTACTS)
    rich = build_audience(customers, _spec(filters=(parse_filter("monetary>=100"),)), contacts=CONTACTS)
    assert rich.frame["customer_id"].tolist() == ["C1", "C6", "C3"]  # '120,5' is read with its decimal comma
    german = build_audience(customers, _spec(filters=(parse_filter("country = de"),)), contacts=CONTACTS)
    assert german.frame["customer_id"].tolist() == ["C1", "C3", "C7"]
    rfm = customers.assign(rfm_segment=["Champions", "At risk"] * 4)
    champions = build_audience(rfm, _spec(rfm_groups=("champions",)), contacts=CONTACTS)
    assert champions.frame["customer_id"].tolist() == ["C1", "C6", "C3"]  # rows 0, 2, 4, 6; C4 repeats C1


def test_parse_filter_grammar() -> None:
    assert parse_filter("Annual Income (k$)>=50") == ColumnFilter("Annual Income (k$)", ">=", 50.0)
    assert parse_filter("country=DE|FR") == ColumnFilter("country", "in", ("DE", "FR"))
    assert parse_filter("city~berlin") == ColumnFilter("city", "contains", "berlin")
    assert parse_filter("country!=FR") == ColumnFilter("country", "!=", "FR")
    with pytest.raises(ParameterError, match="not a number"):
        parse_filter("monetary>=lots")
    with pytest.raises(ParameterError, match="not understood"):
        parse_filter("monetary")


def _population(sizes: dict[int, int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    segments = np.repeat(list(sizes), list(sizes.values()))
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{i:05d}" for i in range(len(segments))],
            "email": [f"k{i}@example.com" for i in range(len(segments))],
            "first_name": "Kim",
            "segment": segments,
            "segment_name": [f"Segment {s}" for s in segments],
        }
    )
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


@pytest.mark.parametrize("share", [0.05, 0.1, 0.25, 1 / 3, 0.5])
def test_control_share_is_within_one_customer_per_segment(share: float) -> None:
    sizes = {0: 7, 1: 13, 2: 50, 3: 101, -1: 3}
    spec = CampaignSpec(name="x", consent_waived=True, control_share=share, seed=3)
    audience = build_audience(_population(sizes), spec, contacts=CONTACTS)
    counts = audience.counts.set_index("segment")
    for segment, size in sizes.items():
        assert counts.loc[segment, "total"] == size
        assert counts.loc[segment, "control"] == control_size(size, share)
        assert abs(counts.loc[segment, "control"] - share * size) <= 1


def test_same_inputs_and_seed_give_a_byte_identical_list() -> None:
    population = _population({0: 40, 1: 60})
    spec = CampaignSpec(name="x", consent_waived=True, control_share=0.2, seed=7)
    first = export_csv(build_audience(population, spec, contacts=CONTACTS).frame)
    shuffled = population.sample(frac=1.0, random_state=1)
    again = export_csv(build_audience(shuffled, spec, contacts=CONTACTS).frame)
    assert first == again
    other_seed = export_csv(
        build_audience(population, CampaignSpec(**{**spec.__dict__, "seed": 8}), contacts=CONTACTS).frame
    )
    assert other_seed != first
    # Dropping a segment leaves the other segment's draw unchanged.
    only_one = build_audience(
        population, CampaignSpec(**{**spec.__dict__, "segments": ("Segment 1",)}), contacts=CONTACTS
    )
    both = build_audience(population, spec, contacts=CONTACTS).frame
    assert only_one.frame.reset_index(drop=True).equals(both[both["segment"] == 1].reset_index(drop=True))


def test_inputs_are_not_modified_and_results_pickle(customers: pd.DataFrame) -> None:
    before = customers.copy()
    audience = build_audience(customers, _spec(control_share=0.5), contacts=CONTACTS)
    pd.testing.assert_frame_equal(customers, before)
    restored = pickle.loads(pickle.dumps(audience))
    pd.testing.assert_frame_equal(restored.frame, audience.frame)


def test_list_columns_actions_items_and_hashing(customers: pd.DataFrame) -> None:
    recs = pd.DataFrame(
        {
            "customer_id": ["c1", "C1", "C1", "C3"],
            "rank": ["2", "1", "3", "1"],
            "product_id": ["P2", "P1", "P3", "P9"],
            "item_name": ["Mug", "Tea", "Pot", "=Evil"],
            "score": [0.5, 0.9, 0.1, 0.3],
        }
    )
    audience = build_audience(
        customers, _spec(top_n_items=2), contacts=CONTACTS, recommendations=recs, actions={0: "Thank them"}
    )
    frame = audience.frame
    assert list(frame.columns) == [
        "customer_id", "email", "first_name", "segment", "segment_name", "suggested_action", "group",
        "item_1", "item_1_name", "item_2", "item_2_name",
    ]  # fmt: skip
    first = frame.set_index("customer_id").loc["C1"]
    assert (first["item_1"], first["item_1_name"], first["item_2"]) == ("P1", "Tea", "P2")
    assert first["suggested_action"] == "Thank them"
    assert frame.set_index("customer_id").loc["C7", "item_1"] == ""
    assert any("have no recommendations" in n for n in audience.notes)
    hashed = build_audience(customers, _spec(hash_emails=True), contacts=CONTACTS).frame
    assert "email" not in hashed.columns and "first_name" not in hashed.columns
    assert hashed.loc[0, "email_sha256"] == hashlib.sha256(b"a@x.com").hexdigest()
    narrow = build_audience(customers, _spec(columns=("segment_name", "country")), contacts=CONTACTS).frame
    assert list(narrow.columns) == ["customer_id", "segment_name", "country", "group"]


def test_pivot_recommendations_without_names() -> None:
    recs = pd.DataFrame({"customer": ["A", "A", "B"], "rank": [1, 2, 1], "item": ["x", "y", "z"]})
    wide = pivot_recommendations(recs, customer_col="customer", top_n=3)
    assert list(wide.columns) == ["item_1", "item_2", "item_3"]
    assert wide.loc["a"].tolist() == ["x", "y", ""]
    with pytest.raises(ColumnError, match="rank"):
        pivot_recommendations(recs.drop(columns="rank"), customer_col="customer", top_n=1)


def test_escape_formulas_text_cells_and_headers_only() -> None:
    frame = pd.DataFrame(
        {
            "=HYPERLINK(1)": ["=1+2", "+44 20 7946", "-5", "@SUM(A1)", "\tx", "\rx", "plain", None],
            "amount": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan],
            "mixed": [-1, "=x", None, "ok", 2, "a-b", "", "-"],
        }
    )
    escaped = escape_formulas(frame)
    assert escaped.columns.tolist() == ["'=HYPERLINK(1)", "amount", "mixed"]
    assert escaped.iloc[:7, 0].tolist() == [
        "'=1+2",
        "'+44 20 7946",
        "'-5",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
    ]
    assert pd.isna(escaped.iloc[7, 0])
    assert escaped["amount"].tolist()[:7] == [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # numbers stay numbers
    assert escaped["mixed"].tolist()[:2] == [-1, "'=x"] and escaped["mixed"].tolist()[-1] == "'-"
    assert frame.columns[0] == "=HYPERLINK(1)"  # the input is not modified
    text = export_csv(frame).decode("utf-8")
    assert text.startswith("'=HYPERLINK(1),amount,mixed\n'=1+2,-5.0,-1\n")


def test_csv_excel_friendly_adds_a_bom(customers: pd.DataFrame) -> None:
    frame = build_audience(customers, _spec(), contacts=CONTACTS).frame
    plain, excel = export_csv(frame), export_csv(frame, excel_friendly=True)
    assert not plain.startswith(b"\xef\xbb\xbf") and excel == b"\xef\xbb\xbf" + plain
    assert "客户/new".encode() in plain


def test_xlsx_has_escaped_list_and_summary(customers: pd.DataFrame) -> None:
    frame = customers.assign(first_name=["=cmd|' /C calc'!A0"] * 8)
    audience = build_audience(frame, _spec(name="=Spring"), contacts=CONTACTS)
    manifest = build_manifest(audience, source_sha256="abc", created_at=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(audience.frame, manifest=manifest)))
    assert workbook.sheetnames == ["Audience", "Summary"]
    sheet = workbook["Audience"]
    assert [c.value for c in sheet[1]][:3] == ["customer_id", "email", "first_name"]
    name_cell = sheet.cell(row=2, column=3)
    assert name_cell.value == "'=cmd|' /C calc'!A0" and name_cell.data_type == "s"
    assert sheet.cell(row=2, column=4).value == 0  # the segment number is written as a number
    summary = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows() if row and row[0].value}
    assert summary["Campaign"] == "'=Spring"
    assert summary["on the suppression list"] == 0


def test_zip_has_one_safe_csv_per_segment_and_the_manifest(customers: pd.DataFrame) -> None:
    frame = customers.assign(segment_name=customers["segment_name"].replace("Loyal", "../../etc/passwd"))
    audience = build_audience(frame, _spec(consent_waived=True, consent_col=None), contacts=CONTACTS)
    manifest = build_manifest(audience, source_sha256="abc", created_at=CREATED)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(audience.frame, manifest=manifest)))
    names = archive.namelist()
    assert names == ["01_Unassigned.csv", "02_etc-passwd.csv", "03_客户-new.csv", "manifest.json"]
    assert all("/" not in n and not n.startswith(".") for n in names)
    loyal = pd.read_csv(archive.open(names[1]), dtype=str)
    assert set(loyal["segment"]) == {"0"} and len(loyal) == 3
    assert json.loads(archive.read("manifest.json"))["campaign"] == "Spring"
    again = zipfile.ZipFile(io.BytesIO(export_zip(audience.frame, manifest=manifest)))
    assert all(archive.read(n) == again.read(n) for n in names)


def test_file_names_and_manifest_content(customers: pd.DataFrame) -> None:
    assert (
        campaign_file_name("Spring sale / 客户", date(2026, 3, 1), "csv") == "Spring-sale-客户_2026-03-01.csv"
    )
    assert campaign_file_name("...", CREATED, ".zip") == "campaign_2026-03-01.zip"
    assert safe_file_stem("a:b*c?") == "a-b-c"
    spec = _spec(
        suppression=("f@x.com", "zz@x.com"), control_share=0.5, seed=11, filters=(parse_filter("country=DE"),)
    )
    audience = build_audience(customers, spec, contacts=CONTACTS)
    manifest = build_manifest(
        audience,
        source_sha256="f" * 64,
        created_at=CREATED,
        source_name="c.csv",
        file_name="x.csv",
        file_format="csv",
    )
    json.dumps(manifest)  # JSON-ready
    assert manifest["created_at"] == "2026-03-01T09:30:00+00:00"
    assert manifest["source"] == {"name": "c.csv", "sha256": "f" * 64}
    assert manifest["seed"] == 11 and manifest["control_share"] == 0.5
    assert manifest["suppression"]["entries"] == 2
    assert manifest["filters"] == [
        {"column": "country", "operator": "==", "value": "DE", "description": "country == DE"}
    ]
    assert sum(c["total"] for c in manifest["counts"]) == len(audience.frame) == manifest["totals"]["listed"]
    assert manifest["totals"]["control"] == sum(control_size(c["total"], 0.5) for c in manifest["counts"])


def test_with_segments_and_validation(customers: pd.DataFrame) -> None:
    plain = customers.drop(columns=["segment", "segment_name"])
    segmented = with_segments(plain, [0, 0, 1, 1, 1, -1, 0, 1], {0: "Loyal", 1: "New"})
    assert segmented["segment_name"].tolist()[4:6] == ["New", "Unassigned"]
    with pytest.raises(ParameterError, match="8 customers"):
        with_segments(plain, [0, 1], {})
    with pytest.raises(ColumnError, match="'phone'"):
        build_audience(customers, _spec(), contacts=ContactColumns("customer_id", email="phone"))
    with pytest.raises(ParameterError, match="control share"):
        build_audience(customers, _spec(control_share=0.95), contacts=CONTACTS)
    with pytest.raises(ColumnError, match="whole numbers"):
        build_audience(customers.assign(segment="x"), _spec(), contacts=CONTACTS)


def test_xlsx_round_trips_awkward_values() -> None:
    frame = pd.DataFrame(
        {
            "text": ["a & b <c>", "Zoë 客户", "bell\x07here", None, "  spaced  "],
            "number": [1.5, -2.0, np.nan, 1e-7, 3.0],
            "count": [1, 2, 3, 4, 5],
            "flag": [True, False, True, False, True],
        }
    )
    manifest = {
        "campaign": "x", "created_at": "now", "source": {"name": None, "sha256": "abc"}, "segments": [],
        "rfm_groups": [], "filters": [], "consent": {"waived": True, "column": None},
        "suppression": {"entries": 0}, "control_share": 0.1, "seed": 0, "totals": {"input": 5, "treatment": 5,
        "control": 0, "listed": 5}, "rules": [], "counts": [],
    }  # fmt: skip
    payload = export_xlsx(frame, manifest=manifest)
    ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(payload)).read("xl/worksheets/sheet1.xml"))
    rows = list(openpyxl.load_workbook(io.BytesIO(payload))["Audience"].iter_rows(values_only=True))
    assert rows[0] == ("text", "number", "count", "flag")
    assert [r[0] for r in rows[1:]] == ["a & b <c>", "Zoë 客户", "bellhere", None, "  spaced  "]
    assert [r[1] for r in rows[1:]] == [1.5, -2.0, None, 1e-7, 3.0]
    assert [r[2] for r in rows[1:]] == [1, 2, 3, 4, 5] and [r[3] for r in rows[1:]] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(ParameterError, match="Excel can hold"):
        export_xlsx(pd.DataFrame({"a": np.zeros(1_048_576)}), manifest=manifest)


def test_text_filters_compare_the_whole_text_not_the_email_inside(customers: pd.DataFrame) -> None:
    # Ids and emails are compared by match_key; free-text filters keep the whole cell.
    frame = customers.assign(note=["call Ann <a@x.com> please", "-", "x", "x", "x", "x", "x", "ＰＬＥＡＳＥ"])
    audience = build_audience(
        frame,
        _spec(consent_col=None, consent_waived=True, filters=(parse_filter("note~please"),)),
        contacts=CONTACTS,
    )
    assert audience.frame["customer_id"].tolist() == ["C1", "C7"]
