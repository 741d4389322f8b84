"""The red-flag checklist and the questions to ask, loaded from vetting/checklist.toml.

`criteria()` is one row per criterion (indexed by criterion id, in CRITERION_IDS order);
`patient_questions()` one row per patient-side question. `applicable(providers)` says, for every
provider and criterion, whether the criterion applies to it: by care setting (vital-sign monitoring
is for on-site care, remote monitoring for at-home care) and by route (REMS compliance only where
Spravato is offered). It is vectorised: the distinct care settings and route combinations are
looked at once each, then mapped back to every provider with one array lookup per criterion.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .vocab import CARE_SETTINGS, CRITERION_IDS, ROUTES, split_list

CHECKLIST_PATH = Path(__file__).with_name("checklist.toml")
# The four seed documents, all published by ketamine providers (shared/seeds/README.md): cited, but
# every criterion also cites an independent source (a test checks each against sources.csv kinds).
SEED_SOURCE_IDS = (
    "seed-lumin-medical-vs-nonmedical",
    "seed-risks-benefits-explained",
    "seed-innerwell-ketamine-101",
    "seed-innerwell-myths-facts",
)
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
CRITERION_COLUMNS = ["title", "red_flag", "question", "question_source", "why", "care_settings",
                     "routes_any", "weight", "sources", "rubric_counts", "rubric_not", "severity"]
QUESTION_COLUMNS = ["title", "question", "why", "care_settings", "routes_any", "sources"]


class ChecklistError(ValueError):
    """checklist.toml is malformed; the message names the item and the field."""


def _check_item(item: dict, kind: str, needs_weight: bool) -> None:
    name = f"{kind} {item.get('id', '?')!r}"
    required = ("id", "title", "question", "why", "applies_to", "sources") + (("red_flag", "weight") if needs_weight else ())
    for key in required:
        if key not in item:
            raise ChecklistError(f"{name}: missing {key!r}")
    applies_to = item["applies_to"]
    bad = [s for s in applies_to.get("care_settings", []) if s not in CARE_SETTINGS]
    bad += [r for r in applies_to.get("routes_any", []) if r not in ROUTES]
    if bad or not applies_to.get("care_settings"):
        raise ChecklistError(f"{name}: applies_to needs known care settings and routes (bad: {bad})")
    cited = list(item["sources"]) + ([item["question_source"]] if "question_source" in item else [])
    if not item["sources"]:
        raise ChecklistError(f"{name}: needs at least one source")
    for source in cited:
        if not SOURCE_ID.match(str(source.get("source_id", ""))) or not source.get("section"):
            raise ChecklistError(f"{name}: source {source!r} needs a source_id and a section")
    if needs_weight and not (item.get("rubric_counts") and item.get("rubric_not")):
        raise ChecklistError(f"{name}: needs rubric_counts and rubric_not (what is and is not a red flag)")
    if needs_weight and not (isinstance(item["weight"], (int, float)) and item["weight"] >= 0):
        raise ChecklistError(f"{name}: weight must be a number >= 0")


def _frame(items: list[dict], columns: list[str]) -> pd.DataFrame:
    rows = []
    for item in items:
        row = {key: item.get(key) for key in columns}
        row["care_settings"] = tuple(item["applies_to"]["care_settings"])
        row["routes_any"] = tuple(item["applies_to"].get("routes_any", []))
        rows.append({"id": item["id"]} | row)
    return pd.DataFrame(rows, columns=["id"] + columns).set_index("id")


@lru_cache(maxsize=4)
def load_checklist(path: str | Path = CHECKLIST_PATH) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(criteria, patient questions, weight rationale) from a checklist file; raises ChecklistError."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ChecklistError(f"cannot read {path}: {error}") from error
    for item in data.get("criterion", []):
        _check_item(item, "criterion", needs_weight=True)
    for item in data.get("patient_question", []):
        _check_item(item, "patient question", needs_weight=False)
    criteria_frame = _frame(data.get("criterion", []), CRITERION_COLUMNS)
    if criteria_frame.index.has_duplicates or set(criteria_frame.index) != set(CRITERION_IDS):
        raise ChecklistError("criterion ids must be exactly vetting.vocab.CRITERION_IDS, each once")
    criteria_frame = criteria_frame.loc[list(CRITERION_IDS)]
    criteria_frame["weight"] = criteria_frame["weight"].astype("float64")
    questions = _frame(data.get("patient_question", []), QUESTION_COLUMNS)
    if questions.index.has_duplicates or questions.index.isin(criteria_frame.index).any():
        raise ChecklistError("patient question ids must be unique and differ from criterion ids")
    return criteria_frame, questions, str(data.get("weight_rationale", "")).strip()


def criteria() -> pd.DataFrame:
    """One row per criterion, indexed by id: title, red_flag, question, question_source, why,
    care_settings, routes_any, weight, sources (list of {source_id, section}), rubric_counts and
    rubric_not (what is and is not a red flag), severity (or None). A copy: safe to edit."""
    return load_checklist()[0].copy()


def patient_questions() -> pd.DataFrame:
    """One row per patient-side question, indexed by id: title, question, why, care_settings,
    routes_any, sources."""
    return load_checklist()[1].copy()


def weight_rationale() -> str:
    """Why the default weights are what they are (shown on the Methodology page)."""
    return load_checklist()[2]


def default_weights() -> dict[str, float]:
    """criterion id -> default weight (from checklist.toml)."""
    return load_checklist()[0]["weight"].to_dict()


def offers_route(providers: pd.DataFrame, routes) -> np.ndarray:
    """True where the provider's `;`-separated routes include any of `routes`.

    Vectorised by factorising: a directory has few distinct route combinations, so each is split once."""
    if "routes" not in providers or not routes:
        return np.zeros(len(providers), dtype=bool)
    codes, combinations = pd.factorize(np.asarray(providers["routes"], dtype=object))
    offered = np.array([any(r in split_list(cell) for r in routes) for cell in combinations] + [False], dtype=bool)
    return offered[codes]  # code -1 (empty cell) picks the appended False


def _applicable_array(providers: pd.DataFrame, items: pd.DataFrame) -> np.ndarray:
    """(providers x items) booleans: the care setting is listed, and a listed route is offered if any."""
    codes, settings = pd.factorize(np.asarray(providers["care_setting"], dtype=object))
    result = np.zeros((len(providers), len(items)), dtype=bool)
    routes_cache: dict[tuple, np.ndarray] = {}
    for j, (care_settings, routes_any) in enumerate(zip(items["care_settings"], items["routes_any"])):
        # One lookup table per item over the distinct settings; code -1 (empty) picks the appended False.
        allowed = np.array([s in care_settings for s in settings] + [False], dtype=bool)
        result[:, j] = allowed[codes]
        if routes_any:
            if routes_any not in routes_cache:
                routes_cache[routes_any] = offers_route(providers, routes_any)
            result[:, j] &= routes_cache[routes_any]
    return result


def _applicable(providers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(_applicable_array(providers, items), index=providers.index, columns=list(items.index))


def applicable_array(providers: pd.DataFrame) -> np.ndarray:
    """`applicable` as a bare (providers x CRITERION_IDS) boolean array, for the scoring hot path."""
    return _applicable_array(providers, load_checklist()[0])


def applicable(providers: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame indexed like `providers`, one column per criterion id (CRITERION_IDS order):
    True where the criterion applies to the provider."""
    return _applicable(providers, load_checklist()[0])


def applicable_questions(providers: pd.DataFrame) -> pd.DataFrame:
    """Like `applicable`, for the patient-side questions (Spravato prior authorization needs Spravato)."""
    return _applicable(providers, load_checklist()[1])
