import pytest

from vetting.insurance import accepts_insurance, normalise_payer, parse_payer, payer_ids

NAMES = [
    ("BCBS", "bcbs"), ("Blue Cross Blue Shield", "bcbs"), ("BlueCross BlueShield", "bcbs"),
    ("Blue Cross Blue Shield of Illinois PPO", "bcbs"), ("Anthem", "bcbs"),
    ("Aetna PPO", "aetna"), ("UHC", "unitedhealthcare"), ("UnitedHealthcare/Optum", "unitedhealthcare"),
    ("United Healthcare", "unitedhealthcare"), ("Medicare (traditional)", "medicare"),
    ("Medicare Advantage (Cigna, UHC, Aetna, BCBS)", "medicare_advantage"), ("TRICARE", "tricare"),
    ("AHCCCS", "medicaid"), ("Medi-Cal", "medicaid"), ("Cigna", "cigna"), ("most major plans", None),
    ("Keystone Health Plan East", None),
]


@pytest.mark.parametrize("name, payer", NAMES)
def test_payer_names_are_normalised(name, payer):
    assert normalise_payer(name) == payer


@pytest.mark.parametrize("cell, payers, accepts", [
    ("Aetna;BCBS;Blue Cross Blue Shield", {"aetna", "bcbs"}, True),
    ("none", set(), False),
    ("most major plans", set(), True),
    (None, set(), None),
    ("", set(), None),
])
def test_cells(cell, payers, accepts):
    assert set(payer_ids(cell)) == payers
    assert accepts_insurance(cell) is accepts


@pytest.mark.parametrize("value, payer", [("bcbs", "bcbs"), ("Blue Cross", "bcbs"), ("aetna", "aetna"), ("acme", None)])
def test_user_input(value, payer):
    assert parse_payer(value) == payer
