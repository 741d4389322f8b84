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


def page_text(at: AppTest) -> str:
    return plain("\n".join(m.value for m in at.markdown))


@pytest.mark.parametrize("route, present, absent", [
    # Spravato shows only esketamine prices or says none is observed, with the Medicare and list-price references.
    ("esketamine_nasal", ["Medicare payment rate", "manufacturer's list price"], ["$150 per session"]),
    # IV: Nushama's $4,500 program stays a program of 6; never "$642.86" or "$750" a session.
    ("iv", ["$4,500 per program (6 sessions included)"], ["642", "$750 per session"]),
    ("im", ["$150 to $450"], ["$4,500"]),
])
def test_each_route_shows_only_its_own_prices_as_listed(route, present, absent):
    at = open_costs({"route": route})
    text = page_text(at) + "\n".join(i.value for i in at.info)
    for phrase in present:
        assert phrase in text, phrase
    for phrase in absent:
        assert phrase not in text, phrase


def test_spravato_without_observed_price_says_so_or_lists_only_esketamine():
    directory = load_directory(DATA)
    at = open_costs({"route": "esketamine_nasal"})
    spravato = directory.prices[directory.prices["route"] == "esketamine_nasal"]
    if spravato.empty:
        assert any("No observed price" in i.value for i in at.info)


def test_every_figure_line_links_to_a_source():
    at = open_costs({"route": "iv"})
    for markdown in at.markdown:
        line = markdown.value
        if line.startswith("- **") and "$" in line:
            assert "](<http" in line, line


def test_a_find_filter_narrows_the_observed_prices():
    at = open_costs({"route": "iv"}, find_ids=["brigham-faulkner-ketamine"])
    text = page_text(at)
    assert "n=1: Brigham" in text and "Nushama" not in text


def test_insured_off_label_headline_says_coverage_is_rare_and_shows_self_pay_beside_it():
    at = open_costs({"route": "iv"})
    paying = next(r for r in at.radio if r.label == "Paying")
    paying.set_value("insured").run()
    assert any("rarely covers off-label ketamine" in w.value for w in at.warning)
    labels = [m.value for m in at.markdown]
    assert "**Self-pay**" in labels and "**If your plan covers it**" in labels


def enter_quote(at: AppTest, amount: str, unit: str = "session", sessions: str = "") -> AppTest:
    at.text_input(key="quote_amount").input(amount)
    at.radio(key="quote_unit").set_value(unit)
    at.run()
    if unit == "program":
        at.text_input(key="quote_sessions").input(sessions)
    next(b for b in at.button if b.label == "Compare my quote").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("amount, unit, sessions, message", [
    ("", "session", "", "enter the amount"),
    ("0", "session", "", "more than $0"),
    ("-120", "session", "", "more than $0"),
    ("four hundred", "session", "", "not an amount"),
    ("2500000", "session", "", "check the amount"),
    ("4000", "program", "0", "how many sessions"),
])
def test_a_bad_quote_gets_a_clear_message_and_changes_nothing(amount, unit, sessions, message):
    at = enter_quote(open_costs({"route": "iv"}), "450")
    kept = list(at.session_state["cost_quotes"])
    at = enter_quote(at, amount, unit, sessions)
    assert any(message in plain(w.value) for w in at.warning), [w.value for w in at.warning]
    assert at.session_state["cost_quotes"] == kept


@pytest.mark.parametrize("amount, unit, sessions, phrases", [
    ("450", "session", "", ["$450 per session, IV infusion", "6 x $450 = $2,700"]),
    ("4500", "program", "6", ["$4,500 for a program of 6 sessions", "6-session program or series"]),
])
def test_a_quote_is_compared_and_kept_for_the_session(amount, unit, sessions, phrases):
    at = enter_quote(open_costs({"route": "iv"}), amount, unit, sessions)
    text = page_text(at)
    for phrase in phrases:
        assert phrase in text, phrase
    assert len(at.session_state["cost_quotes"]) == 1
