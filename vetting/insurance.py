"""Payer names as providers write them, normalised to one id per payer.

"BCBS", "Blue Cross Blue Shield of Illinois PPO" and "BlueCross BlueShield" are one payer
(`bcbs`). Plan types (PPO, HMO) are dropped; names we cannot place stay as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .vocab import split_list

# (payer id, label, pattern); the first pattern that matches wins, so specific ones come first.
PAYERS: list[tuple[str, str, str]] = [
    ("medicare_advantage", "Medicare Advantage", r"medicare\s+advantage"),
    ("medicare", "Medicare", r"\bmedicare\b"),
    ("medicaid", "Medicaid", r"\bmedicaid\b|\bahcccs\b|medi-?cal\b"),
    ("tricare", "Tricare", r"\btri-?care\b"),
    ("va_community_care", "VA Community Care", r"\bva\b|veterans|va choice"),
    ("bcbs", "Blue Cross Blue Shield", r"\bbcbs\b|blue\s*cross|blue\s*shield|\banthem\b|highmark|carefirst|premera|regence|independence\s+blue"),
    ("aetna", "Aetna", r"\baetna\b"),
    ("cigna", "Cigna", r"\bcigna\b|evernorth"),
    ("unitedhealthcare", "UnitedHealthcare / Optum", r"united\s*health\s*care|\buhc\b|\boptum\b|united\s+behavioral"),
    ("humana", "Humana", r"\bhumana\b"),
    ("magellan", "Magellan", r"\bmagellan\b"),
    ("kaiser", "Kaiser Permanente", r"\bkaiser\b"),
    ("beacon_carelon", "Carelon / Beacon", r"\bcarelon\b|\bbeacon\b"),
    ("oscar", "Oscar", r"\boscar\b"),
    ("ambetter", "Ambetter", r"\bambetter\b"),
    ("multiplan", "MultiPlan", r"\bmultiplan\b"),
]
_COMPILED = [(payer_id, label, re.compile(pattern, re.IGNORECASE)) for payer_id, label, pattern in PAYERS]
PAYER_LABELS = {payer_id: label for payer_id, label, _ in PAYERS}
NO_INSURANCE = "none"


@lru_cache(maxsize=4096)
def normalise_payer(name: str) -> str | None:
    """The payer id for one name as written, or None when it names no payer we know."""
    for payer_id, _label, pattern in _COMPILED:
        if pattern.search(name):
            return payer_id
    return None


@lru_cache(maxsize=4096)
def payer_ids(cell: str | None) -> frozenset[str]:
    """All payer ids a provider's `insurance` cell names (empty for unknown or `none`)."""
    if not isinstance(cell, str):
        return frozenset()
    return frozenset(p for p in (normalise_payer(item) for item in split_list(cell)) if p)


def accepts_insurance(cell: str | None) -> bool | None:
    """True if the source names any accepted plan, False if it says none, None if unknown."""
    items = split_list(cell) if isinstance(cell, str) else []
    if not items:
        return None
    if [item.lower() for item in items] == [NO_INSURANCE]:
        return False
    return True


def parse_payer(value: str) -> str | None:
    """A payer id from user input: an id ("bcbs") or any name we can place ("Blue Cross")."""
    value = value.strip().lower()
    if value in PAYER_LABELS:
        return value
    return normalise_payer(value)
