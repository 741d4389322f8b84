"""Loading and validation: each kind of bad row is set aside and named by file, line and column;
the rest of the file still loads."""

import io
import shutil
from pathlib import Path

import pytest

from tests.factories import PROVIDER_COLUMNS, SOURCE, evidence, provider, source, write_directory
from vetting import load_directory
from vetting.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"

# (what is wrong, provider fields that make it wrong, column the problem names)
BAD_PROVIDER_ROWS = [
    ("bad state", dict(state="XX"), "state"),
    ("lowercase state", dict(state="tx"), "state"),
    ("phone with letters", dict(phone="512-KET-AMIN"), "phone"),
    ("phone not normalised", dict(phone="(512) 555-0100"), "phone"),
    ("phone too short", dict(phone="555-0100"), "phone"),
    ("javascript: website", dict(website="javascript:alert(1)"), "website"),
    ("relative website", dict(website="/clinic"), "website"),
    ("unknown route", dict(routes="iv;snorted"), "routes"),
    ("missing name", dict(name=""), "name"),
    ("unknown care setting", dict(care_setting="spa"), "care_setting"),
    ("unknown supervision model", dict(supervision_model="none"), "supervision_model"),
    ("latitude out of range", dict(latitude=95, longitude=-100), "latitude"),
    ("longitude not a number", dict(latitude=40, longitude="west"), "longitude"),
    ("bad zip", dict(zip="1234"), "zip"),
    ("bad date", dict(checked_on="2026-13-45"), "checked_on"),
    ("bad id", dict(provider_id="Has Spaces"), "provider_id"),
    ("unknown served state", dict(states_served="TX;ZZ"), "states_served"),
    ("unknown condition", dict(conditions="depression;boredom"), "conditions"),
    ("closed without a source", dict(status="closed"), ""),
    ("source not in sources.csv", dict(source_urls="https://example.org/not-listed"), "source_urls"),
]


@pytest.mark.parametrize("what, fields, column", BAD_PROVIDER_ROWS, ids=[r[0] for r in BAD_PROVIDER_ROWS])
def test_bad_provider_row_is_set_aside_and_named(tmp_path, what, fields, column):
    good = [provider("good-one"), provider("good-two")]
    bad = {**provider("bad-row"), **{k: str(v) for k, v in fields.items()}}
    rows = [good[0], bad, good[1]]
    write_directory(tmp_path, rows)
    directory = load_directory(tmp_path)
    assert sorted(directory.providers["provider_id"]) == ["good-one", "good-two"]
    problems = [p for p in directory.problems if p.file == "providers.csv"]
    assert problems, what
    assert all(p.line == 3 for p in problems), problems  # header is line 1, the bad row line 3
    if column:
        assert column in {p.column for p in problems}, problems


BAD_EVIDENCE_ROWS = [
    ("unknown provider", dict(provider_id="nobody"), "provider_id"),
    ("unknown criterion", dict(criterion_id="good_vibes"), "criterion_id"),
    ("unknown status", dict(status="maybe"), "status"),
    ("unknown is never written", dict(status="unknown"), "status"),
    ("source not listed", dict(source_url="https://example.org/elsewhere"), "source_url"),
    ("javascript: source", dict(source_url="javascript:alert(1)"), "source_url"),
    ("empty note", dict(note=""), "note"),
]


@pytest.mark.parametrize("what, fields, column", BAD_EVIDENCE_ROWS, ids=[r[0] for r in BAD_EVIDENCE_ROWS])
def test_bad_evidence_row_is_set_aside_and_named(tmp_path, what, fields, column):
    bad = {**evidence("p1", "integration_support"), **fields}
    rows = [evidence("p1", "medical_screening"), bad, evidence("p1", "licensed_clinicians")]
    write_directory(tmp_path, [provider("p1")], rows)
    directory = load_directory(tmp_path)
    assert len(directory.evidence) == 2
    problems = [p for p in directory.problems if p.file == "evidence.csv"]
    assert [(p.line, p.column) for p in problems] == [(3, column)], problems


UNLISTED = "https://example.org/unlisted-{}"
# (what, provider fields, column the problem names or None for any, the URL it names or None: no problem)
CITED_SOURCES = [
    ("listed, with spaces and empty items", dict(source_urls=f" {SOURCE} ;; "), None, None),
    ("second of two unlisted", dict(source_urls=f"{SOURCE};{UNLISTED.format('a')}"), "source_urls", UNLISTED.format("a")),
    ("first of two unlisted is named", dict(source_urls=f"{UNLISTED.format('a')};{UNLISTED.format('b')}"),
     "source_urls", UNLISTED.format("a")),
    ("unlisted source_urls before status", dict(source_urls=UNLISTED.format("a"), status="closed",
                                                status_source_url=UNLISTED.format("s")), "source_urls", UNLISTED.format("a")),
    ("unlisted status source", dict(status="closed", status_source_url=UNLISTED.format("s")), "status_source_url",
     UNLISTED.format("s")),
    ("listed status source", dict(status="closed", status_source_url=SOURCE), None, None),
]


@pytest.mark.parametrize("what, fields, column, url", CITED_SOURCES, ids=[c[0] for c in CITED_SOURCES])
def test_every_cited_source_must_be_listed(tmp_path, what, fields, column, url):
    write_directory(tmp_path, [provider("good-one"), provider("cites", **fields)],
                    [evidence("good-one", "medical_screening"), evidence("cites", "medical_screening")])
    directory = load_directory(tmp_path)
    if url is None:
        assert directory.problems == [] and len(directory.providers) == 2 and len(directory.evidence) == 2
        return
    [problem] = directory.problems
    assert (problem.file, problem.line) == ("providers.csv", 3)
    assert problem.message == f"source {url!r} is not listed in sources.csv; row set aside"
    if column:
        assert problem.column == column
    # The set-aside provider's evidence goes with it.
    assert list(directory.providers["provider_id"]) == ["good-one"]
    assert list(directory.evidence["provider_id"]) == ["good-one"]


def test_evidence_problems_keep_file_order(tmp_path):
    rows = [evidence("p1", "medical_screening", source_url=UNLISTED.format("e")), evidence("nobody", "medical_screening"),
            evidence("p1", "licensed_clinicians"), evidence("p1", "licensed_clinicians"),
            evidence("ghost", "licensed_clinicians", source_url=UNLISTED.format("e"))]
    write_directory(tmp_path, [provider("p1")], rows)
    directory = load_directory(tmp_path)
    assert [(p.line, p.column) for p in directory.problems] == [(2, "source_url"), (3, "provider_id"),
                                                                 (5, "criterion_id"), (6, "provider_id")]
    assert "'ghost'" in directory.problems[-1].message  # an unknown provider is named before its source is checked
    assert len(directory.evidence) == 1


def test_duplicate_id_keeps_the_first_and_names_the_second(tmp_path):
    write_directory(tmp_path, [provider("p1"), provider("p2"), provider("p1", name="Copy")])
    directory = load_directory(tmp_path)
    assert sorted(directory.providers["provider_id"]) == ["p1", "p2"]
    assert directory.providers.set_index("provider_id").loc["p1", "name"] == "Synthetic p1"
    [problem] = directory.problems
    assert (problem.file, problem.line, problem.column) == ("providers.csv", 4, "provider_id")
    assert "first on line 2" in problem.message


def test_missing_required_column_reports_the_header(tmp_path):
    write_directory(tmp_path, [provider("p1")])
    text = (tmp_path / "providers.csv").read_text().replace("supervision_model", "supervision")
    (tmp_path / "providers.csv").write_text(text)
    directory = load_directory(tmp_path)
    assert directory.providers.empty
    assert ("providers.csv", 1, "supervision_model") in {(p.file, p.line, p.column) for p in directory.problems}


def test_optional_columns_may_be_absent(tmp_path):
    write_directory(tmp_path, [provider("p1")])
    minimal = "provider_id,name,care_setting,supervision_model,source_urls,checked_on\n" \
              "p1,Minimal,clinic,in_clinic_monitored,https://example.org/synthetic-source,2026-11-01\n"
    (tmp_path / "providers.csv").write_text(minimal)
    directory = load_directory(tmp_path)
    assert directory.problems == []
    assert directory.providers.loc[0, "name"] == "Minimal"


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_unreadable_files_are_reported(tmp_path, content, message):
    write_directory(tmp_path, [provider("p1")])
    (tmp_path / "providers.csv").write_bytes(content)
    directory = load_directory(tmp_path)
    assert directory.providers.empty
    assert any(p.file == "providers.csv" and message in p.message for p in directory.problems)


def test_header_only_file_loads_nothing_without_error(tmp_path):
    write_directory(tmp_path, [provider("p1")])
    (tmp_path / "providers.csv").write_text(",".join(PROVIDER_COLUMNS) + "\n")
    directory = load_directory(tmp_path)
    assert directory.providers.empty and directory.problems == []


def test_non_utf8_bytes_are_reported_and_other_rows_load(tmp_path):
    write_directory(tmp_path, [provider("p1"), provider("p2", name="Caf\u00e9")])
    raw = (tmp_path / "providers.csv").read_bytes().replace("Caf\u00e9".encode(), b"Caf\xe9")
    (tmp_path / "providers.csv").write_bytes(raw)
    directory = load_directory(tmp_path)
    assert len(directory.providers) == 2
    [problem] = directory.problems
    assert problem.line == 3 and "UTF-8" in problem.message


def test_row_with_wrong_cell_count_is_set_aside(tmp_path):
    write_directory(tmp_path, [provider("p1"), provider("p2")])
    lines = (tmp_path / "providers.csv").read_text().splitlines()
    lines.insert(2, "broken,row")
    (tmp_path / "providers.csv").write_text("\n".join(lines) + "\n")
    directory = load_directory(tmp_path)
    assert sorted(directory.providers["provider_id"]) == ["p1", "p2"]
    assert [(p.line, p.file) for p in directory.problems] == [(3, "providers.csv")]


def test_multiline_cell_keeps_line_numbers_true(tmp_path):
    write_directory(tmp_path, [provider("p1", notes="two\nlines"), provider("p2", state="XX")])
    directory = load_directory(tmp_path)
    [problem] = directory.problems
    assert problem.line == 4  # p1 spans lines 2-3


def test_missing_folder_is_a_problem_not_an_exception(tmp_path):
    directory = load_directory(tmp_path / "nowhere")
    assert directory.providers.empty
    assert "not found" in directory.problems[0].message


def test_geocoding_from_zip_and_from_city(tmp_path):
    write_directory(tmp_path, [provider("by-zip", zip="10001", city="Nowhere", state="NY"),
                               provider("by-city", city="Nashville", state="TN"),
                               provider("given", latitude=1.5, longitude=2.5, zip="10001"),
                               provider("unplaceable", city="Atlantis", state="TX")])
    p = load_directory(tmp_path).providers.set_index("provider_id")
    assert p.loc["by-zip", "geocoded_from"] == "zip"
    assert p.loc["by-zip", "latitude"] == pytest.approx(40.7484, abs=1e-3)
    assert p.loc["by-city", "geocoded_from"] == "city"
    assert p.loc["by-city", "latitude"] == pytest.approx(36.16, abs=0.2)
    assert (p.loc["given", "latitude"], p.loc["given", "geocoded_from"]) == (1.5, "file")
    assert p.loc["unplaceable", "geocoded_from"] is None


def test_bundled_data_is_clean_and_large_enough():
    directory = load_directory(DATA)
    assert directory.problems == []
    assert len(directory.providers) >= 50


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_cli_exits_0_on_the_bundled_data():
    code, out, err = run_cli("validate", str(DATA))
    assert (code, out) == (0, "")
    assert "ok:" in err


def test_validate_cli_names_each_broken_row(tmp_path):
    """The issue's list: duplicate id, bad state, inverted and negative price, javascript: URL,
    unknown route, missing name — each named by its line, no traceback."""
    folder = tmp_path / "broken"
    shutil.copytree(DATA, folder)
    lines = (folder / "providers.csv").read_text().splitlines()
    header = lines[0].split(",")
    import csv
    first = next(csv.DictReader([lines[0], lines[1]]))

    def variant(**changes):
        row = dict(first, **changes)
        out = io.StringIO()
        csv.DictWriter(out, fieldnames=header).writerow(row)
        return out.getvalue().rstrip("\r\n")

    broken = [
        variant(),  # duplicate id
        variant(provider_id="bad-state", state="ZZ"),
        variant(provider_id="bad-phone", phone="555-01"),
        variant(provider_id="zip-elsewhere", state="TX", zip="10001"),
        variant(provider_id="js-url", website="javascript:alert(1)"),
        variant(provider_id="bad-route", routes="iv;teleportation"),
        variant(provider_id="no-name", name=""),
    ]
    (folder / "providers.csv").write_text("\n".join(lines + broken) + "\n")
    code, out, err = run_cli("validate", str(folder))
    assert code == 1
    assert "Traceback" not in out + err
    expected_lines = range(len(lines) + 1, len(lines) + 1 + len(broken))
    reported = {int(line.split(":")[1]) for line in out.splitlines()}
    assert reported == set(expected_lines)
    assert all(line.startswith("providers.csv:") for line in out.splitlines())


# (what, price fields, column the problem names)
BAD_PRICE_ROWS = [
    ("route the provider does not offer", dict(route="esketamine_nasal"), "route"),
    ("route outside the vocabulary", dict(route="teleport"), "route"),
    ("sessions not a whole number", dict(unit="program", sessions_included="2.5"), "sessions_included"),
    ("zero sessions", dict(unit="program", sessions_included="0"), "sessions_included"),
    ("sessions not a number", dict(unit="program", sessions_included="six"), "sessions_included"),
    ("no source", dict(source_url=""), "source_url"),
    ("unlisted source", dict(source_url="https://example.org/unlisted-price"), "source_url"),
    ("no date", dict(checked_on=""), "checked_on"),
    ("inverted", dict(low_usd="900", high_usd="400"), ""),
    ("negative", dict(low_usd="-5", high_usd="100"), "low_usd"),
    ("no amount", dict(low_usd="", high_usd=""), ""),
    ("unknown unit", dict(unit="per-vibe"), "unit"),
    ("unknown provider", dict(provider_id="nobody"), "provider_id"),
]


@pytest.mark.parametrize("what, fields, column", BAD_PRICE_ROWS, ids=[r[0] for r in BAD_PRICE_ROWS])
def test_bad_price_row_is_set_aside_and_named(tmp_path, what, fields, column):
    from tests.factories import price

    rows = [price("good-one", 400), {**price("good-one", 500), **fields}, price("good-one", 2400, unit="series",
                                                                              sessions_included=6)]
    write_directory(tmp_path, [provider("good-one")], prices=rows)
    directory = load_directory(tmp_path)
    assert sorted(directory.prices["low_usd"]) == [400, 2400], what
    problems = [p for p in directory.problems if p.file == "prices.csv"]
    assert problems and all(p.line == 3 for p in problems), problems
    if column:
        assert column in {p.column for p in problems}, problems


@pytest.mark.parametrize("zip_code, state, message", [
    ("00000", "NY", "not a known US ZIP"),
    ("10001", "TX", "is in NY, not in the row's state TX"),
])
def test_a_wrong_zip_is_reported_and_ignored_but_the_row_stays(tmp_path, zip_code, state, message):
    write_directory(tmp_path, [provider("p1", zip=zip_code, state=state, city="Somewhere")])
    directory = load_directory(tmp_path)
    [problem] = directory.problems
    assert (problem.file, problem.line, problem.column) == ("providers.csv", 2, "zip") and message in problem.message
    assert list(directory.providers["provider_id"]) == ["p1"] and directory.providers.loc[0, "zip"] is None


@pytest.mark.parametrize("fields, precision", [
    (dict(street="1 Main St", zip="10001", city="New York", state="NY"), "street"),
    (dict(zip="10001", state="NY"), "zip"),
    (dict(city="New York", state="NY"), "city"),
    (dict(state="NY"), "state"),
    (dict(), None),
])
def test_location_precision_says_how_exactly_the_place_is_known(tmp_path, fields, precision):
    write_directory(tmp_path, [provider("p1", **fields)])
    assert load_directory(tmp_path).providers.loc[0, "location_precision"] == precision


def test_validate_cli_missing_folder(tmp_path):
    code, out, err = run_cli("validate", str(tmp_path / "missing"))
    assert code == 1 and "data folder not found" in out


def test_validate_cli_checks_the_cost_files_when_present(tmp_path):
    folder = tmp_path / "costs"
    shutil.copytree(DATA, folder)
    lines = (folder / "costs.csv").read_text().splitlines()
    header = lines[0].split(",")
    bad = dict.fromkeys(header, "")
    bad.update(cost_id="inverted", low_usd="900", high_usd="100", unit="session")
    import csv as csv_module
    out = io.StringIO()
    csv_module.DictWriter(out, fieldnames=header).writerow({k: v for k, v in bad.items() if k in header})
    (folder / "costs.csv").write_text("\n".join(lines) + "\n" + out.getvalue())
    code, out_text, _err = run_cli("validate", str(folder))
    assert code == 1
    assert out_text.startswith(f"costs.csv:{len(lines) + 1}:")


def test_validate_stale_lists_old_facts_only(tmp_path):
    write_directory(tmp_path, [provider("fresh", checked_on="2026-11-01"), provider("old", checked_on="2024-01-15")],
                    [evidence("old", "medical_screening", checked_on="2024-01-15"),
                     evidence("fresh", "medical_screening", checked_on="2026-11-01")])
    code, out, err = run_cli("validate", "--stale", "365", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("providers.csv:3:checked_on: old checked on 2024-01-15")
    assert lines[1].startswith("evidence.csv:2:checked_on: old medical_screening checked on 2024-01-15")
    assert "2 fact(s)" in err


def test_closed_providers_are_hidden_by_default(tmp_path):
    from tests.factories import SOURCE
    from vetting.filters import parse_params
    from vetting.find import enrich, find

    write_directory(tmp_path, [provider("open"), provider("shut", status="closed", status_source_url=SOURCE)])
    enriched = enrich(load_directory(tmp_path).providers)
    assert set(find(enriched, {})[0]["provider_id"]) == {"open"}
    assert set(find(enriched, parse_params({"closed": "1"})[0])[0]["provider_id"]) == {"open", "shut"}
