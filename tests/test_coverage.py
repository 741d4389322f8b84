"""The coverage table: shares of open providers, closed ones left out, unknown never counted as known."""

from __future__ import annotations

import pytest

from tests.factories import evidence, price, provider, source, write_directory
from vetting.coverage import coverage_frame, coverage_rows, read_previous, write_previous
from vetting.loader import load_directory

URL = "https://example.org/synthetic-source"


@pytest.fixture
def figures(tmp_path):
    providers = [
        provider("p-a", phone="512-555-0100", street="1 Main St", city="Austin", state="TX", zip="78701",
                 insurance="aetna"),
        provider("p-b", city="Austin", state="TX"),
        provider("p-c", care_setting="at_home", supervision_model="telehealth_remote", states_served="TX;CA"),
        provider("p-d", care_setting="hybrid", supervision_model="hybrid"),
        provider("p-e", status="closed", status_source_url=URL, phone="512-555-0101"),
    ]
    rows = [evidence("p-a", "medical_screening"), evidence("p-a", "licensed_clinicians"),
            evidence("p-a", "medical_screening", source_url=URL + "/2"), evidence("p-c", "remote_monitoring"),
            evidence("p-e", "medical_screening")]
    write_directory(tmp_path, providers, rows, prices=[price("p-a", 400)],
                    sources=[source(), source(URL + "/2")])
    directory = load_directory(tmp_path)
    assert not directory.problems, directory.problems
    return {c.measure: c for c in coverage_rows(directory)}, directory, tmp_path


@pytest.mark.parametrize("measure, count, of", [
    ("Providers listed", 5, None),
    ("Open providers with a phone", 1, 4),                      # the closed clinic's phone does not count
    ("On-site providers with street and ZIP", 1, 3),            # clinics a, b and hybrid d
    ("On-site providers with city and state", 2, 3),
    ("At-home and hybrid services with states served", 1, 2),
    ("Open providers with a price", 1, 4),
    ("Open providers with insurance facts", 1, 4),
    ("Open providers with evidence", 2, 4),
    ("Median checklist criteria known per open provider", 0.5, None),  # 2, 0, 1, 0: one criterion twice counts once
    ("Closures with a source", 1, None),
])
def test_coverage_measures(figures, measure, count, of):
    row = figures[0][measure]
    assert (row.count, row.of) == (count, of)


def test_previous_release_round_trips_and_shows_beside_now(figures):
    by_measure, directory, folder = figures
    assert read_previous(folder) is None
    write_previous(directory, "test release", folder)
    label, previous = read_previous(folder)
    table = coverage_frame(list(by_measure.values()), previous)
    assert label == "test release"
    assert table.set_index("Measure").loc["Open providers with a phone"].tolist() == ["1 of 4 (25%)", "1 of 4 (25%)"]


def test_unreadable_previous_file_is_ignored(tmp_path):
    (tmp_path / "coverage_previous.json").write_text("{not json", encoding="utf-8")
    assert read_previous(tmp_path) is None
