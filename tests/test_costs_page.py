"""The Costs page through app.py: documents' ranges, observed ranges, sources, estimator."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from vetting import costs, load_directory
from vetting.schemas import is_http_url

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIND_IDS = "find_provider_ids"


def open_costs(query: dict | None = None, find_ids: list[str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    # The default page (Find) may leave its filter behind; each test sets the state it needs.
    if FIND_IDS in at.session_state:
        del at.session_state[FIND_IDS]
    if find_ids is not None:
        at.session_state[FIND_IDS] = find_ids
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("pages/costs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, f"expected one table with column {column!r}"
    return tables[0]


def plain(markdown: str) -> str:
    return markdown.replace("\\", "")


@pytest.fixture(scope="module")
def directory():
    return load_directory(DATA)


@pytest.fixture(scope="module")
def page() -> AppTest:
    return open_costs({"route": "iv", "setting": "clinic"})


def test_documents_iv_clinic_range_with_its_source(page, directory):
    frame, _ = costs.load_costs(DATA)
    reference = costs.reference_price(frame, "iv", "clinic")
    url = directory.sources.set_index("source_id").at[reference["source_id"], "source_url"]
    docs = table_with(page, "What the document says")
    iv = docs[(docs["Route"] == "IV infusion") & (docs["Setting"] == "Clinic") & (docs["Unit"] == "per session")]
    assert list(zip(iv["Low (USD)"], iv["High (USD)"], iv["Source"])) == [(reference["low_usd"], reference["high_usd"], url)]
    shown = [plain(m.value) for m in page.markdown]
    low, high = costs.usd(reference["low_usd"]), costs.usd(reference["high_usd"])
    assert any(f"{low} to {high}" in m and url in m for m in shown), "price per session with its source link"


def test_every_document_figure_links_to_a_source(page):
    docs = table_with(page, "What the document says")
    assert len(docs) == len(costs.load_costs(DATA)[0])
    assert docs["Source"].map(is_http_url).all()


def test_observed_range_uses_all_providers_without_a_find_filter(page, directory):
    providers = directory.providers[directory.providers["status"].fillna("unknown") != "closed"]
    expected = costs.observed_ranges(providers).set_index(["route", "care_setting"]).loc[("iv", "clinic")]
    observed = table_with(page, "Price pages")
    row = observed[(observed["Route"] == "IV infusion") & (observed["Setting"] == "Clinic")].iloc[0]
    assert (row["Min (USD)"], row["Median (USD)"], row["Max (USD)"], row["n"]) == (
        expected["min_usd"], expected["median_usd"], expected["max_usd"], expected["n"])
    assert row["Providers"] == "./?route=iv&setting=clinic"
    assert any(f"all {len(providers)} providers" in plain(m.value) for m in page.markdown)


def test_every_observed_figure_has_sources(page):
    observed = table_with(page, "Price pages")
    assert len(observed) > 0
    for _, row in observed.iterrows():
        assert row["Providers"].startswith("./?route=")
        assert len(row["Price pages"]) > 0 and all(is_http_url(u) for u in row["Price pages"])
    behind = table_with(page, "price_source_url")
    assert len(behind) > 0 and behind["price_source_url"].map(is_http_url).all()


def test_every_table_row_has_an_http_source(page):
    for element in page.dataframe:
        frame = element.value
        link_columns = [c for c in frame.columns if c in ("Source", "price_source_url", "Price pages")]
        assert link_columns, f"a table without a source column: {list(frame.columns)}"
        for _, row in frame.iterrows():
            cells = [row[c] for c in link_columns]
            urls = [u for cell in cells for u in (list(cell) if not isinstance(cell, str) and hasattr(cell, "__iter__") else [cell])]
            assert any(is_http_url(u) for u in urls), f"row without a source: {dict(row)}"


def test_chart_draws_both_ranges_distinctly(page):
    charts = page.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    encodings = [layer.get("encoding", {}) for layer in spec["layer"]]
    assert any("strokeDash" in e for e in encodings) and any("shape" in e for e in encodings)
    assert any("text" in e for e in encodings), "ranges are labelled in text, not colour alone"
    assert any(e.get("x", {}).get("title") == "US dollars per session" for e in encodings)


def test_find_filter_narrows_the_observed_range(directory):
    providers = directory.providers
    iv_clinic = providers[providers["routes"].fillna("").str.contains("iv") & (providers["care_setting"] == "clinic")
                          & providers["price_low_usd"].notna() & (providers["price_unit"] == "session")]
    chosen = list(iv_clinic["provider_id"])[:2]
    assert len(chosen) == 2
    at = open_costs(find_ids=chosen)
    observed = table_with(at, "Price pages")
    row = observed[(observed["Route"] == "IV infusion") & (observed["Setting"] == "Clinic")].iloc[0]
    expected = costs.observed_ranges(providers[providers["provider_id"].isin(chosen)]).set_index(["route", "care_setting"]).loc[("iv", "clinic")]
    assert (row["n"], row["Min (USD)"], row["Max (USD)"]) == (2, expected["min_usd"], expected["max_usd"])
    assert any("the 2 providers in your current Find filter" in plain(m.value) for m in at.markdown)


def test_an_empty_find_filter_leaves_only_the_documents_figures():
    at = open_costs(find_ids=[])
    assert table_with(at, "Price pages").empty
    assert len(table_with(at, "What the document says")) == len(costs.load_costs(DATA)[0])
    assert any("the 0 providers in your current Find filter" in plain(m.value) for m in at.markdown)


def test_estimator_defaults_show_induction_and_first_year_with_arithmetic(page):
    frame, _ = costs.load_costs(DATA)
    reference = costs.reference_price(frame, "iv", "clinic")
    expected = costs.estimate_course(reference["low_usd"], reference["high_usd"])
    shown = [plain(m.value) for m in page.markdown]
    assert any(f"Induction ({costs.INDUCTION_SESSIONS} sessions):** "
               f"{costs.usd_range(expected.induction_low, expected.induction_high)}" in m for m in shown)
    assert any(costs.usd_range(expected.first_year_low, expected.first_year_high) in m and "First 12 months" in m for m in shown)
    assert page.code[0].value.splitlines() == expected.arithmetic


def test_estimator_insured():
    at = open_costs({"route": "iv", "setting": "clinic"})
    [payer] = [r for r in at.radio if r.label == "Paying"]
    payer.set_value("insured").run()
    copay = next(n for n in at.number_input if n.label.startswith("Copay"))
    deductible = next(n for n in at.number_input if n.label.startswith("Deductible"))
    copay.set_value(40.0)
    deductible.set_value(1500.0).run()
    frame, _ = costs.load_costs(DATA)
    reference = costs.reference_price(frame, "iv", "clinic")
    expected = costs.estimate_course(reference["low_usd"], reference["high_usd"], payer="insured",
                                     copay_per_session=40.0, deductible_left=1500.0)
    shown = [plain(m.value) for m in at.markdown]
    assert any(costs.usd_range(expected.first_year_low, expected.first_year_high) in m for m in shown)
    assert "Insured model" in at.code[0].value


def test_estimator_with_a_monthly_provider_price(directory):
    monthly = directory.providers[(directory.providers["price_unit"] == "month") & directory.providers["price_low_usd"].notna()]
    if monthly.empty:
        pytest.skip("no provider lists a monthly price")
    provider = monthly.iloc[0]
    at = open_costs({"provider": provider["provider_id"]})
    shown = [plain(m.value) for m in at.markdown]
    assert any("no separate figure, the price is per month" in m for m in shown)
    first_year = 12 * provider["price_low_usd"]
    assert any(costs.usd(first_year) in m and provider["price_source_url"] in m for m in shown)
