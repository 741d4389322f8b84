"""Cost figures, observed ranges, the course estimator and `python -m vetting cost`."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd

from vetting.prices import per_session_prices
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetting import costs
from vetting.cli import main
from vetting.vocab import CARE_SETTINGS, PRICE_UNITS, ROUTES

DATA = Path(__file__).resolve().parent.parent / "data"


# ---------------------------------------------------------------- estimator arithmetic

ESTIMATES = [
    # (case, kwargs, induction low/high, maintenance sessions, first year low/high)
    ("documents' IV example", dict(price_low=400, price_high=1200, sessions=6, maintenance_weeks=4, months=12),
     (2400, 7200), 12, (7200, 21600)),
    ("no maintenance", dict(price_low=400, price_high=1200, sessions=6, maintenance_weeks=None, months=12),
     (2400, 7200), 0, (2400, 7200)),
    ("missing high price: high = low", dict(price_low=500, price_high=None, sessions=6, maintenance_weeks=6, months=12),
     (3000, 3000), 8, (7000, 7000)),
    ("8 sessions, 6 months, every 2 weeks", dict(price_low=100, price_high=200, sessions=8, maintenance_weeks=2, months=6),
     (800, 1600), 11, (1900, 3800)),
    ("one month leaves no room for maintenance", dict(price_low=100, price_high=100, sessions=6, maintenance_weeks=4, months=1),
     (600, 600), 0, (600, 600)),
    ("known fee added to the first year only", dict(price_low=400, sessions=6, maintenance_weeks=None, months=12,
                                                     extra_fees=[("intake", 250, "provider page")]),
     (2400, 2400), 0, (2650, 2650)),
    ("insured, deductible larger than the total", dict(price_low=400, sessions=6, maintenance_weeks=None, months=12,
                                                       payer="insured", copay_per_session=30, deductible_left=5000),
     (2400, 2400), 0, (2400, 2400)),
    ("insured: deductible, then copay", dict(price_low=400, price_high=500, sessions=6, maintenance_weeks=4, months=12,
                                             payer="insured", copay_per_session=30, deductible_left=1000),
     (1000 + 3 * 30, 1000 + 4 * 30), 12, (1000 + 15 * 30, 1000 + 16 * 30)),
    ("self-pay, same prices as the insured case", dict(price_low=400, price_high=500, sessions=6, maintenance_weeks=4, months=12),
     (2400, 3000), 12, (7200, 9000)),
    ("insured, deductible already met", dict(price_low=400, sessions=6, maintenance_weeks=None, months=12,
                                             payer="insured", copay_per_session=25, deductible_left=0),
     (150, 150), 0, (150, 150)),
    ("insured, nothing entered: copay and deductible $0", dict(price_low=400, sessions=6, maintenance_weeks=None, months=12,
                                                               payer="insured"),
     (0, 0), 0, (0, 0)),
    ("per-month price: months x monthly", dict(price_low=129, price_high=149, months=12, price_unit="month"),
     (None, None), 0, (1548, 1788)),
]


@pytest.mark.parametrize("case,kwargs,induction,maintenance,first_year", ESTIMATES, ids=[e[0] for e in ESTIMATES])
def test_estimate_course(case, kwargs, induction, maintenance, first_year):
    estimate = costs.estimate_course(**kwargs)
    assert (estimate.induction_low, estimate.induction_high) == induction
    assert estimate.maintenance_sessions == maintenance
    assert (estimate.first_year_low, estimate.first_year_high) == first_year


@pytest.mark.parametrize("kwargs,phrase", [
    (dict(price_low=500), "No high price given"),
    (dict(price_low=129, price_unit="month"), "no per-session figure"),
    (dict(price_low=400, payer="insured", copay_per_session=30, deductible_left=5000), "so you pay the total"),
    (dict(price_low=400, payer="insured", copay_per_session=30, deductible_left=1000), "min($2,400, $1,000)"),
    (dict(price_low=400, payer="insured"), "No copay entered: taken as $0"),
    (dict(price_low=400, maintenance_weeks=None), "Maintenance: none chosen"),
    (dict(price_low=400, maintenance_weeks=4, months=12), "floor((52 - 3 induction weeks) / 4) = 12"),
])
def test_arithmetic_says_what_it_did(kwargs, phrase):
    assert any(phrase in line for line in costs.estimate_course(**kwargs).arithmetic)


@pytest.mark.parametrize("kwargs,message", [
    (dict(price_low=-1), "0 or more"),
    (dict(price_low=500, price_high=400), "above the high price"),
    (dict(price_low=math.nan), "low price is needed"),
    (dict(price_low=math.inf), "0 or more"),
    (dict(price_low=4500, price_unit="program"), "converted to a per-session price"),
    (dict(price_low=129, price_unit="month", payer="insured"), "needs a per-session price"),
    (dict(price_low=400, sessions=0), "sessions must be a whole number"),
    (dict(price_low=400, months=0), "months must be a whole number"),
    (dict(price_low=400, maintenance_weeks=0), "maintenance interval"),
    (dict(price_low=400, payer="medicare"), "payer must be"),
    (dict(price_low=400, payer="insured", copay_per_session=-5), "copay"),
    (dict(price_low=400, extra_fees=[("intake", -10, "x")]), "a fee needs"),
])
def test_estimate_rejects_unusable_input(kwargs, message):
    with pytest.raises(costs.CostInputError, match=message.replace("(", r"\(").replace("$", r"\$")):
        costs.estimate_course(**kwargs)


def test_inputs_carry_their_sources():
    price = costs.Citation("seed-x, section", "https://example.org/doc")
    estimate = costs.estimate_course(400, 1200, sources={"price": price})
    by_name = {i.name: i for i in estimate.inputs}
    assert by_name["price per session"].source == price
    assert by_name["months"].source == costs.ENTERED
    assert estimate.to_dict()["sources"][0] == {"input": "price per session", "value": "$400 to $1,200",
                                                "source": "seed-x, section", "url": "https://example.org/doc"}


@given(low=st.integers(0, 3000), extra=st.integers(0, 3000), sessions=st.integers(1, 10),
       copay=st.integers(0, 200), deductible=st.integers(0, 20000),
       interval=st.one_of(st.none(), st.integers(1, 8)), months=st.integers(1, 24))
def test_insured_range_is_ordered_and_never_above_full_price_when_copay_is_below_price(low, extra, sessions, copay, deductible, interval, months):
    insured = costs.estimate_course(low, low + extra, sessions=sessions, maintenance_weeks=interval, months=months,
                                    payer="insured", copay_per_session=copay, deductible_left=deductible)
    self_pay = costs.estimate_course(low, low + extra, sessions=sessions, maintenance_weeks=interval, months=months)
    assert insured.induction_low <= insured.induction_high
    assert insured.first_year_low <= insured.first_year_high
    if copay <= low:
        assert insured.first_year_low <= self_pay.first_year_low
        assert insured.first_year_high <= self_pay.first_year_high


# ---------------------------------------------------------------- data files

def test_costs_csv_validates_and_cites_known_sources():
    frame, problems = costs.load_costs(DATA)
    assert problems == []
    raw = pd.read_csv(DATA / "costs.csv", dtype=str)
    assert len(frame) == len(raw) > 0
    known = costs.known_source_ids(DATA)
    assert known and set(frame["source_id"]) <= known
    assert frame["unit"].dropna().isin(list(PRICE_UNITS)).all()
    assert frame["route"].dropna().isin(list(ROUTES)).all()
    assert frame["care_setting"].dropna().isin(list(CARE_SETTINGS)).all()
    assert (frame["section"].str.len() > 0).all()


def test_every_cost_column_is_described():
    from vetting.schemas import CostSchema, CourseFigureSchema

    for model in (CostSchema, CourseFigureSchema):
        for name, column in model.to_schema().columns.items():
            assert column.description, f"{model.__name__}.{name} has no description"


def test_course_defaults_match_the_file_and_lie_in_the_documents_ranges():
    figures, problems = costs.load_course_figures(DATA)
    assert problems == []
    for parameter, constant in (("induction_sessions", costs.INDUCTION_SESSIONS),
                                ("induction_weeks", costs.INDUCTION_WEEKS),
                                ("maintenance_interval_weeks", costs.MAINTENANCE_WEEKS)):
        assert costs.course_default(figures, parameter, -1) == constant
        low, high = costs.course_range(figures, parameter)
        assert low <= constant <= high


BAD_ROWS = [
    ("low above high", "x-order,iv,clinic,900,100,session,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03", "", "low_usd is not above high_usd"),
    ("unknown source", "x-source,iv,clinic,1,2,session,self_pay,provider_published,s,seed-not-a-document,FAQ,2026-12-03", "source_id", "not a source_id in sources.csv"),
    ("unit outside the vocabulary", "x-unit,iv,clinic,1,2,week,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03", "unit", "not one of the allowed values"),
    ("number without a unit", "x-nounit,iv,clinic,1,2,,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03", "", "a number needs a unit"),
    ("route outside the vocabulary", "x-route,nasal,clinic,1,2,session,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03", "route", "not one of the allowed values"),
    ("not a number", "x-nan,iv,clinic,cheap,2,session,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03", "low_usd", "not a number"),
]


@pytest.mark.parametrize("case,row,column,message", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_cost_rows_are_reported_with_their_line(tmp_path, case, row, column, message):
    shutil.copy(DATA / "sources.csv", tmp_path / "sources.csv")
    header = (DATA / "costs.csv").read_text().splitlines()[0]
    good = "ok-row,iv,clinic,400,1200,session,self_pay,provider_published,s,seed-innerwell-myths-facts,FAQ,2026-12-03"
    (tmp_path / "costs.csv").write_text("\n".join([header, good, row]) + "\n")
    frame, problems = costs.load_costs(tmp_path)
    assert list(frame["cost_id"]) == ["ok-row"]
    assert [(p.file, p.line, p.column) for p in problems] == [("costs.csv", 3, column)]
    assert message in problems[0].message


def test_missing_costs_file_is_a_problem_not_an_error(tmp_path):
    frame, problems = costs.load_costs(tmp_path)
    assert frame.empty and [p.message for p in problems] == ["file not found"]


# ---------------------------------------------------------------- observed ranges

def _price_rows(rows):
    columns = ["provider_id", "route", "unit", "sessions_included", "low_usd", "high_usd", "source_url"]
    frame = pd.DataFrame(rows, columns=columns).assign(payer="self_pay", note=None, checked_on="2026-11-01")
    for column in ("low_usd", "high_usd", "sessions_included"):
        frame[column] = frame[column].astype("float64")
    return frame


PROVIDERS = pd.DataFrame({"provider_id": list("abcd"), "name": list("ABCD"), "care_setting": "clinic"})


def test_a_route_counts_only_its_own_prices_and_a_program_is_never_divided():
    prices = _price_rows([
        ("a", "iv", "session", None, 300, 500, "https://a.example.com/p"),
        ("b", "iv", "program", 5, 1000, 1000, "https://b.example.com/p"),   # stays a program
        ("b", "im", "session", None, 150, 150, "https://b.example.com/im"),  # IM only
        ("c", "iv", "month", None, 100, 100, "https://c.example.com/p"),
        ("d", "any", "session", None, 700, 700, "https://d.example.com/p"),  # page names no route
    ])
    ranges = costs.observed_ranges(PROVIDERS, prices).set_index(["route", "care_setting", "unit"])
    iv = ranges.loc[("iv", "clinic", "session")]
    assert (iv["min_usd"], iv["median_usd"], iv["max_usd"], iv["n"]) == (300, 400, 500, 1)
    assert iv["price_source_urls"] == ["https://a.example.com/p"]  # not IM's $150, not the program
    program = ranges.loc[("iv", "clinic", "program")]
    assert (program["min_usd"], program["sessions_included"]) == (1000, [5])  # $1,000 for 5, never $200
    assert ranges.loc[("im", "clinic", "session"), "min_usd"] == 150
    assert ("esketamine_nasal", "clinic", "session") not in ranges.index  # no Spravato price observed
    assert ranges.loc[("any", "clinic", "session"), "provider_ids"] == ["d"]


def test_an_insured_copay_is_never_pooled_with_prices():
    prices = _price_rows([
        ("a", "esketamine_nasal", "session", None, 900, 900, "https://a.example.com/p"),
        ("b", "esketamine_nasal", "session", None, 10, 10, "https://b.example.com/copay"),
    ])
    prices.loc[1, "payer"] = "insured_copay"
    ranges = costs.observed_ranges(PROVIDERS, prices).set_index(["route", "care_setting", "unit", "copay"])
    price = ranges.loc[("esketamine_nasal", "clinic", "session", False)]
    copay = ranges.loc[("esketamine_nasal", "clinic", "session", True)]
    assert (price["min_usd"], price["n"]) == (900, 1) and (copay["min_usd"], copay["provider_ids"]) == (10, ["b"])
    per_session = per_session_prices(PROVIDERS, prices)
    low = per_session["price_per_session_low"]
    assert low.iloc[0] == 900 and pd.isna(low.iloc[1])  # b's copay is not its price


@pytest.mark.parametrize("amount, unit, sessions, message", [
    ("", "session", None, "enter the amount"),
    ("0", "session", None, "more than $0"),
    ("-50", "session", None, "more than $0"),
    ("lots", "session", None, "not an amount"),
    ("nan", "session", None, "more than $0"),
    ("250000", "session", None, "check the amount"),
    ("4000", "program", "0", "how many sessions"),
    ("4000", "program", "", "how many sessions"),
    ("4000", "program", "2.5", "how many sessions"),
])
def test_a_bad_quote_gets_a_clear_message(amount, unit, sessions, message):
    with pytest.raises(costs.QuoteError, match=re.escape(message)):
        costs.parse_quote(amount, unit, sessions, "iv")


@pytest.mark.parametrize("amount, unit, sessions, phrase", [
    ("250", "session", None, "below the lowest"),
    ("400", "session", None, "within the range"),
    ("$1,900", "session", None, "above the highest"),
    ("400", "session", None, "6 x $400 = $2,400"),
    ("4500", "program", "5", "1 provider(s) here list a 5-session program"),
    ("4500", "program", "5", "5 x $300 to $500 = $1,500 to $2,500"),
    ("4500", "program", "6", "other numbers of sessions"),
])
def test_a_quote_is_compared_with_its_route_and_unit(amount, unit, sessions, phrase):
    prices = _price_rows([
        ("a", "iv", "session", None, 300, 500, "https://a.example.com/p"),
        ("b", "iv", "program", 5, 4000, 4000, "https://b.example.com/p"),
        ("c", "im", "session", None, 100, 100, "https://c.example.com/p"),
    ])
    observed = costs.provider_session_prices(PROVIDERS, prices)
    lines = costs.compare_quote(costs.parse_quote(amount, unit, sessions, "iv"), observed)
    assert any(phrase in line for line in lines), lines
    assert not any("$100" in line for line in lines)  # the IM price is not IV's


@pytest.mark.parametrize("route, provider, plausible", [
    ("esketamine_nasal", None, True),
    ("iv", None, False),
    ("iv", {"insurance": "none"}, False),
    ("iv", {"insurance": "Aetna;Cigna"}, True),
    ("sublingual", {"spravato_covered_by_insurance": "yes"}, True),
])
def test_copay_arithmetic_only_where_coverage_is_plausible(route, provider, plausible):
    assert costs.insurance_plausible(route, provider) is plausible


# ---------------------------------------------------------------- reference price and query params

@pytest.mark.parametrize("route,setting,cost_id", [
    ("iv", "clinic", "iv-clinic-per-session"),
    ("sublingual", "at_home", "at-home-insured-one-provider"),
    ("im", "clinic", None),
    ("esketamine_nasal", "clinic", "spravato-medicare-g2082"),
])
def test_reference_price(route, setting, cost_id):
    frame, _ = costs.load_costs(DATA)
    row = costs.reference_price(frame, route, setting)
    assert (None if row is None else row["cost_id"]) == cost_id


@pytest.mark.parametrize("params,expected", [
    ({"route": "iv", "setting": "clinic"}, {"route": "iv", "setting": "clinic", "provider": None}),
    ({"route": "lsd", "setting": "moon"}, {"route": None, "setting": None, "provider": None}),
    ({"provider": "mindbloom"}, {"route": None, "setting": None, "provider": "mindbloom"}),
    ({}, {"route": None, "setting": None, "provider": None}),
])
def test_parse_cost_query(params, expected):
    assert costs.parse_cost_query(params) == expected


# ---------------------------------------------------------------- CLI

def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):  # argparse's own errors go to sys.stderr
        code = main(["cost", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


EXAMPLE = ["--price-low", "400", "--price-high", "1200", "--sessions", "6", "--maintenance-weeks", "4", "--months", "12"]


def test_cli_text():
    code, out, err = run_cli(*EXAMPLE)
    assert code == 0, err
    assert "Induction (6 sessions): $2,400 to $7,200" in out
    assert "First 12 months: $7,200 to $21,600" in out
    assert "Sources:" in out and "price per session = $400 to $1,200: entered on the command line" in out


def test_cli_json():
    code, out, err = run_cli(*EXAMPLE, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["induction_low"], data["induction_high"], data["first_year_low"], data["first_year_high"],
            data["maintenance_sessions"]) == (2400, 7200, 7200, 21600, 12)
    assert data["arithmetic"] and data["sources"][0]["input"] == "price per session"


def test_cli_route_takes_the_documents_range_and_cites_it():
    frame, _ = costs.load_costs(DATA)
    row = costs.reference_price(frame, "iv", "clinic")
    code, out, err = run_cli("--route", "iv", "--setting", "clinic", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["induction_low"] == 6 * row["low_usd"] and data["induction_high"] == 6 * row["high_usd"]
    assert row["source_id"] in data["sources"][0]["source"]
    assert data["sources"][0]["url"].startswith("https://")


@pytest.mark.parametrize("argv,message", [
    (["--price-low", "-400"], "0 or more"),
    (["--price-low", "1200", "--price-high", "400"], "above the high price"),
    (["--route", "im", "--setting", "clinic"], "no per-session price"),
    (["--route", "iv"], "--route must be one of"),
    (["--route", "iv", "--setting", "clinic", "--price-low", "5"], "not both"),
    ([], "give --price-low"),
    (["--price-low", "400", "--maintenance-weeks", "often"], "whole number of weeks"),
    (["--price-low", "400", "--months", "0"], "months must be"),
    (["--price-low", "abc"], "invalid float value"),
])
def test_cli_bad_arguments_exit_2(argv, message):
    code, out, err = run_cli(*argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
