"""Checklist statuses and grades, pure and vectorised.

For every provider and every criterion that applies to it (vetting.checklists.applicable), the
status is:
- red_flag when a public source shows the problem, or you recorded a red flag;
- met when a public source shows the criterion is met, or you recorded it as met;
- unknown otherwise. Unknown is the absence of evidence, never a red flag.

Resolution. When public sources disagree for one provider and criterion, a red_flag row beats a met
row: a page that shows a problem is not cancelled by another page that shows good practice elsewhere
(a clinic can state a screening policy and still advertise a "guaranteed" cure), and for safety it
is better to show the problem and let the person ask. Among rows of the winning status the most
recently checked one is shown. An answer you record (met or red_flag) overrides public evidence for
your session only, and is shown as "your answer"; a note changes no status.

Grade (0-100), with w the weight of each criterion (defaults in checklist.toml, changeable on Find):
- A = total weight of the applicable criteria, M = weight of those met, R = weight of red flags;
  m = M / A and r = R / A (both 0 when A is 0).
- No red flag: grade = 50 + 50 * m. Between 50 (nothing known yet) and 100 (everything met).
- At least one red flag: grade = 49 * (1 - r + m) / 2. Between 0 and 49.

Why this shape: unknown adds nothing and takes nothing (it is in neither M nor R); a new met raises
m, so it never lowers the grade; a new red flag raises r (and may lower m), so it never raises the
grade, and the first one drops the provider into the 0-49 band, below every provider without a red
flag, whatever the weights. A weight of 0 takes a criterion out of the sums, but a red flag on it
still places the provider in the lower band: a documented problem is never weighted away.
Coverage = (met + red flags) / applicable criteria, counted without weights.

No grade without knowledge: when fewer than a third of a provider's applicable criteria are known
(met or red flag), the grade is missing (NaN here, null in JSON) and every page says "not enough
known yet: k of n checked" instead of a number. Otherwise a grade that mostly measured how little a
provider writes about itself would be shown as if it measured how it practises. `grade_text` is the
one way a grade is written, with the same rounding everywhere ("62 · 8 of 13 known").

For a whole directory (Find), resolve once with `status_matrix`, then `score_matrix` and
`must_have_mask(matrix, ...)` work on arrays; `criterion_statuses` (one row per provider and
criterion) is for one provider's page or for export. `data_freshness` reports how old the facts are.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .answers import answers_frame
from .checklists import applicable_array, default_weights
from .vocab import CRITERION_IDS

UNKNOWN, MET, RED_FLAG = 0, 1, 2
STATUS_NAMES = np.array(["unknown", "met", "red_flag"], dtype=object)
PUBLIC, YOURS = "public source", "your answer"
MIN_KNOWN_SHARE = Fraction(1, 3)  # below this share of applicable criteria known, no grade is given
SCORE_COLUMNS = ["provider_id", "grade", "red_flags", "red_flag_criteria", "met", "unknown", "applicable", "coverage"]
STATUS_COLUMNS = ["provider_id", "criterion_id", "status", "note", "source_url", "checked_on", "origin"]

FORMULA_MARKDOWN = r"""
For each provider, only the criteria that apply to it count (for example, Spravato REMS compliance
only where Spravato is offered). Each criterion has a weight *w* (3 for safety-critical criteria,
2 for quality of care, 1 for information that helps you choose).

- **A** = total weight of the applicable criteria; **M** = weight of those met; **R** = weight of
  those with a red flag. *m* = M / A and *r* = R / A.
- **No red flag:** grade = 50 + 50 × *m*. A provider about which nothing is known yet gets 50;
  one that meets every applicable criterion gets 100.
- **At least one red flag:** grade = 49 × (1 − *r* + *m*) / 2, so between 0 and 49.
- **Not enough known:** when fewer than a third of the applicable criteria are known (met or red
  flag), no grade is shown at all, only "not enough known yet: *k* of *n* checked" and the questions
  to ask. A number built mostly from silence would reward the providers that write the most about
  themselves.

What follows from this: an unknown criterion neither adds nor subtracts; a criterion newly met never
lowers a grade; a new red flag never raises it; and any provider with a red flag is graded below every
provider without one, whatever the weights (a weight of 0 takes a criterion out of the sums, but
never hides a red flag). **Coverage** is the share of applicable criteria whose status is known
(met or red flag), counted without weights.

When public sources disagree about one criterion, a red flag beats a met: a page that shows a
problem is not cancelled by another page that shows good practice. An answer you record after
talking to the provider overrides public evidence for your session only and is labelled
"your answer".
""".strip()


def resolve_weights(weights: dict | None = None) -> np.ndarray:
    """Weights in CRITERION_IDS order: defaults, replaced by any given; each must be a number >= 0."""
    merged = default_weights()
    for criterion_id, weight in (weights or {}).items():
        if criterion_id not in merged:
            raise ValueError(f"unknown criterion {criterion_id!r} in weights")
        try:
            value = float(weight)
        except (TypeError, ValueError):
            raise ValueError(f"weight for {criterion_id!r} must be a number, not {weight!r}") from None
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"weight for {criterion_id!r} must be a number >= 0, not {weight!r}")
        merged[criterion_id] = value
    return np.array([merged[c] for c in CRITERION_IDS], dtype="float64")


@dataclass
class StatusMatrix:
    """Statuses as arrays: one row per provider (providers' order), one column per criterion."""
    provider_ids: pd.api.extensions.ExtensionArray | np.ndarray
    applies: np.ndarray       # bool (n, k)
    status: np.ndarray        # int8 (n, k): UNKNOWN / MET / RED_FLAG, UNKNOWN where not applicable
    evidence_row: np.ndarray  # int64 (n, k): row of the chosen evidence, -1 if none
    answer_row: np.ndarray    # int64 (n, k): row of the overriding answer, -1 if none
    evidence: pd.DataFrame
    answers: pd.DataFrame


def _arrow(values) -> pa.Array:
    if isinstance(values, pa.Array):
        return values
    return pa.array(values, type=pa.string(), from_pandas=True)


def positions(values, universe) -> np.ndarray:
    """Position of each value in `universe` (-1 where absent), hashed in Arrow: a few ms for 100,000."""
    try:
        found = pc.index_in(_arrow(values), value_set=_arrow(universe))
        return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # non-text cells: the slower pandas path
        return pd.Index(np.asarray(universe, dtype=object)).get_indexer(np.asarray(values, dtype=object))


def _ranks(statuses) -> np.ndarray:
    """UNKNOWN / MET / RED_FLAG for each status text (anything else counts as unknown)."""
    values = np.asarray(statuses, dtype=object)
    return np.select([values == "red_flag", values == "met"], [RED_FLAG, MET], UNKNOWN).astype(np.int8)


def _criterion_positions(criterion_ids) -> np.ndarray:
    """Column of each criterion id (-1 if unknown); factorised first, as there are few distinct ids."""
    codes, uniques = pd.factorize(np.asarray(criterion_ids, dtype=object))
    lookup = np.append(positions(pd.Index(uniques).astype(object), CRITERION_IDS), -1)
    return lookup[codes]  # code -1 (missing) picks the appended -1


def status_matrix(providers: pd.DataFrame, evidence: pd.DataFrame | None, answers=None) -> StatusMatrix:
    """Resolve public evidence and your answers into one status per provider and criterion.

    provider_id must be unique (the loader guarantees it; with a repeated id, evidence goes to the
    first row). Raises ValueError for malformed answers."""
    return with_answers(public_status_matrix(providers, evidence), answers)


def public_status_matrix(providers: pd.DataFrame, evidence: pd.DataFrame | None) -> StatusMatrix:
    """Public evidence alone, resolved (the part that depends only on the data version, so the Find
    page resolves it once and applies each session's answers with `with_answers`)."""
    provider_ids = providers["provider_id"].array
    provider_keys = _arrow(provider_ids)
    n, k = len(provider_ids), len(CRITERION_IDS)
    applies = applicable_array(providers)
    status = np.zeros((n, k), dtype=np.int8)
    evidence_row = np.full((n, k), -1, dtype=np.int64)

    if evidence is None:
        evidence = pd.DataFrame(columns=["provider_id", "criterion_id", "status", "note", "source_url", "checked_on"])
    evidence = evidence.reset_index(drop=True)
    if len(evidence):
        rank = _ranks(evidence["status"])
        rows = positions(evidence["provider_id"], provider_keys)
        cols = _criterion_positions(evidence["criterion_id"])
        usable = np.flatnonzero((rows >= 0) & (cols >= 0) & (rank > UNKNOWN))
        cell = rows[usable] * k + cols[usable]
        shared = np.bincount(cell, minlength=n * k)[cell] > 1
        single = usable[~shared]
        status[rows[single], cols[single]] = rank[single]
        evidence_row[rows[single], cols[single]] = single
        if shared.any():  # several rows for one cell (rare): red_flag beats met, then the latest check wins
            many = usable[shared]
            checked = evidence["checked_on"].iloc[many].fillna("").astype(str).to_numpy(dtype=object)
            order = many[np.lexsort((checked, rank[many]))]  # ISO dates sort as text; the winner sorts last
            winners = order[~pd.Index(rows[order] * k + cols[order]).duplicated(keep="last")]
            status[rows[winners], cols[winners]] = rank[winners]
            evidence_row[rows[winners], cols[winners]] = winners

    status[~applies] = UNKNOWN  # evidence about a criterion that does not apply is not counted
    return StatusMatrix(provider_ids, applies, status, evidence_row, np.full((n, k), -1, dtype=np.int64),
                        evidence, answers_frame(None))


def with_answers(public: StatusMatrix, answers=None) -> StatusMatrix:
    """`public` with your answers laid over it (a new matrix; `public` is not changed). Raises
    ValueError for malformed answers."""
    answers = answers_frame(answers)  # validated; one answer per provider and item, the latest
    if not len(answers):
        return public
    status = public.status.copy()
    answer_row = np.full(status.shape, -1, dtype=np.int64)
    rank = _ranks(answers["status"])
    rows = positions(answers["provider_id"], _arrow(public.provider_ids))
    cols = _criterion_positions(answers["item_id"])
    usable = np.flatnonzero((rows >= 0) & (cols >= 0) & (rank > UNKNOWN))
    status[rows[usable], cols[usable]] = rank[usable]
    answer_row[rows[usable], cols[usable]] = usable
    status[~public.applies] = UNKNOWN
    return StatusMatrix(public.provider_ids, public.applies, status, public.evidence_row, answer_row,
                        public.evidence, answers)


def criterion_statuses(providers: pd.DataFrame, evidence: pd.DataFrame | None, answers=None) -> pd.DataFrame:
    """Long frame, one row per provider and applicable criterion (providers' order, then CRITERION_IDS
    order): provider_id, criterion_id, status (met|red_flag|unknown), note, source_url, checked_on,
    origin ("public source", "your answer", or None when unknown)."""
    matrix = status_matrix(providers, evidence, answers)
    return _long(matrix)


def _long(matrix: StatusMatrix) -> pd.DataFrame:
    rows, cols = np.nonzero(matrix.applies)
    status = matrix.status[rows, cols]
    evidence_row = matrix.evidence_row[rows, cols]
    answer_row = matrix.answer_row[rows, cols]
    note = np.full(len(rows), None, dtype=object)
    source_url = np.full(len(rows), None, dtype=object)
    checked_on = np.full(len(rows), None, dtype=object)
    origin = np.full(len(rows), None, dtype=object)
    from_evidence = (evidence_row >= 0) & (answer_row < 0)
    if from_evidence.any():
        picked = matrix.evidence.iloc[evidence_row[from_evidence]]
        note[from_evidence] = picked["note"].to_numpy(dtype=object)
        source_url[from_evidence] = picked["source_url"].to_numpy(dtype=object)
        checked_on[from_evidence] = picked["checked_on"].to_numpy(dtype=object)
        origin[from_evidence] = PUBLIC
    from_answer = answer_row >= 0
    if from_answer.any():
        picked = matrix.answers.iloc[answer_row[from_answer]]
        note[from_answer] = picked["note"].to_numpy(dtype=object)
        checked_on[from_answer] = picked["recorded_on"].to_numpy(dtype=object)
        origin[from_answer] = YOURS
    columns = {
        "provider_id": np.asarray(matrix.provider_ids, dtype=object)[rows],
        "criterion_id": np.asarray(CRITERION_IDS, dtype=object)[cols],
        "status": STATUS_NAMES[status],
        "note": note, "source_url": source_url, "checked_on": checked_on, "origin": origin,
    }
    # Object columns: converting ~15 cells per provider to Arrow strings would cost more than the rest.
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()}, columns=STATUS_COLUMNS)


def _red_flag_criteria(red: np.ndarray) -> np.ndarray:
    """';'-joined red-flag criterion ids per row ("" for none), built once per distinct pattern."""
    labels = np.full(red.shape[0], "", dtype=object)
    flagged = np.flatnonzero(red.any(axis=1))
    if len(flagged):
        bits = red[flagged].astype(np.int64) @ (np.int64(1) << np.arange(red.shape[1], dtype=np.int64))
        patterns, inverse = np.unique(bits, return_inverse=True)
        names = np.array([";".join(c for j, c in enumerate(CRITERION_IDS) if int(p) >> j & 1) for p in patterns],
                         dtype=object)
        labels[flagged] = names[inverse.reshape(-1)]
    return labels


def grades(weighted_applicable: np.ndarray, weighted_met: np.ndarray, weighted_red: np.ndarray,
           red_flags: np.ndarray) -> np.ndarray:
    """The grade formula of the module docstring, on arrays."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(weighted_applicable > 0, weighted_met / weighted_applicable, 0.0)
        r = np.where(weighted_applicable > 0, weighted_red / weighted_applicable, 0.0)
    clean = 50.0 + 50.0 * m
    flagged = 49.0 * (1.0 - r + m) / 2.0
    return np.clip(np.where(red_flags > 0, flagged, clean), 0.0, 100.0)


def score_matrix(matrix: StatusMatrix, weights: dict | None = None, index=None,
                 min_known_share: Fraction = MIN_KNOWN_SHARE) -> pd.DataFrame:
    """Scores from an already resolved StatusMatrix (see `score`). `min_known_share` 0 grades
    everyone (the formula alone, as the property tests check it)."""
    w = resolve_weights(weights)
    met = (matrix.status == MET) & matrix.applies
    red = (matrix.status == RED_FLAG) & matrix.applies
    applicable_count = np.count_nonzero(matrix.applies, axis=1)
    met_count, red_count = np.count_nonzero(met, axis=1), np.count_nonzero(red, axis=1)
    weighted = [np.einsum("ij,j->i", flags, w) for flags in (matrix.applies, met, red)]
    grade = grades(*weighted, red_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(applicable_count > 0, (met_count + red_count) / applicable_count, 0.0)
    # Integer test (known x 3 < applicable for a third), so exactly a third known is graded.
    share = Fraction(min_known_share)
    too_little = (met_count + red_count) * share.denominator < share.numerator * applicable_count
    grade = np.where(too_little, np.nan, grade)
    return pd.DataFrame({
        "provider_id": matrix.provider_ids,
        "grade": grade.round(1),
        "red_flags": red_count.astype("int64"),
        "red_flag_criteria": pd.Series(_red_flag_criteria(red), index=index, dtype=object),
        "met": met_count.astype("int64"),
        "unknown": (applicable_count - met_count - red_count).astype("int64"),
        "applicable": applicable_count.astype("int64"),
        "coverage": coverage,
    }, index=index, columns=SCORE_COLUMNS)


def round_grade(grade) -> int | None:
    """The one rounding of a grade (half up, whole numbers), or None when there is none."""
    if grade is None or pd.isna(grade):
        return None
    return int(np.floor(float(grade) + 0.5))


def grade_text(grade, known, applicable) -> str:
    """A grade as every page, export and sheet writes it: "62 · 8 of 13 known", or, without a
    grade, "not enough known yet: 2 of 13 checked"."""
    known, applicable = int(known), int(applicable)
    rounded = round_grade(grade)
    if rounded is None:
        return f"not enough known yet: {known} of {applicable} checked"
    return f"{rounded} · {known} of {applicable} known"


def score(providers: pd.DataFrame, evidence: pd.DataFrame | None, answers=None, weights: dict | None = None,
          min_known_share: Fraction = MIN_KNOWN_SHARE) -> pd.DataFrame:
    """One row per provider, indexed like `providers`: provider_id, grade (0-100, one decimal; NaN
    when under a third of the applicable criteria are known),
    red_flags, red_flag_criteria (';'-joined), met, unknown, applicable, coverage (0..1).

    `answers`: your recorded answers (list of dicts or frame, see vetting.answers); `weights`:
    criterion id -> weight >= 0, replacing the defaults it names. Raises ValueError on bad input."""
    return score_matrix(status_matrix(providers, evidence, answers), weights, index=providers.index,
                        min_known_share=min_known_share)


def must_have_mask(statuses: pd.DataFrame | StatusMatrix, must_have: list[str], drop_unknown: bool = False,
                   provider_ids=None) -> pd.Series:
    """True for providers that keep their place: no red flag (and, with drop_unknown, no unknown) on
    any must-have criterion. A criterion that does not apply to a provider never drops it.

    `statuses` is the long frame of `criterion_statuses`, or (faster, for a whole directory) the
    StatusMatrix of `status_matrix`. The result is indexed by provider_id: the given `provider_ids`
    (absent ones keep their place), else the providers of `statuses` in order."""
    unknown_ids = [c for c in must_have if c not in CRITERION_IDS]
    if unknown_ids:
        raise ValueError(f"unknown must-have criterion {unknown_ids[0]!r}")
    if isinstance(statuses, StatusMatrix):
        columns = [CRITERION_IDS.index(c) for c in must_have]
        status, applies = statuses.status[:, columns], statuses.applies[:, columns]
        failing = applies & ((status == RED_FLAG) | ((status == UNKNOWN) if drop_unknown else False))
        keeps = pd.Series(~failing.any(axis=1), index=pd.Index(statuses.provider_ids, name="provider_id"),
                          name="keeps_must_haves")
        return keeps if provider_ids is None else keeps.reindex(pd.Index(provider_ids, name="provider_id"), fill_value=True)
    if provider_ids is None:
        provider_ids = pd.unique(statuses["provider_id"].to_numpy(dtype=object))
    chosen = statuses[statuses["criterion_id"].isin(list(must_have)).to_numpy(dtype=bool)]
    failing = chosen["status"].eq("red_flag")
    if drop_unknown:
        failing |= chosen["status"].eq("unknown")
    dropped = chosen.loc[failing, "provider_id"].to_numpy(dtype=object)
    index = pd.Index(np.asarray(provider_ids, dtype=object), dtype=object, name="provider_id")
    return pd.Series(~index.isin(dropped), index=index, name="keeps_must_haves")


def data_freshness(providers: pd.DataFrame, evidence: pd.DataFrame, today: pd.Timestamp | None = None,
                   stale_after_days: int = 365) -> pd.DataFrame:
    """How recent the facts are: one row per file (providers, evidence) with rows, oldest and median
    checked_on, and how many were checked more than `stale_after_days` days before `today`."""
    today = today if today is not None else pd.Timestamp.today().normalize()
    rows = []
    for name, frame in (("providers", providers), ("evidence", evidence)):
        checked = pd.to_datetime(frame["checked_on"], format="%Y-%m-%d", errors="coerce").dropna()
        rows.append({
            "facts": name, "rows": len(frame),
            "oldest_checked_on": checked.min() if len(checked) else pd.NaT,
            "median_checked_on": checked.median() if len(checked) else pd.NaT,
            "older_than_12_months": int(((today - checked).dt.days > stale_after_days).sum()),
        })
    return pd.DataFrame(rows)
