"""Proposals: corrections and additions that anyone can send, and maintainers merge after review.

The proposal file
-----------------
One UTF-8 CSV file. Each row proposes one row of `providers.csv`, `evidence.csv`, `prices.csv` or
`sources.csv`, to add or to change. Columns (any order; leave out the ones you do not use):

- `kind`: `provider`, `evidence`, `price` or `source` (the file the row goes to).
- `action`: `add` (a new row) or `update` (change an existing row).
- `source_url`: required on every row. The page that shows the proposed facts. On evidence and
  source rows it is that row's own `source_url`. On provider rows it is added to the row's
  `source_urls`. On price rows it is the price's own `source_url`. Every page a row cites
  (`source_url`, `source_urls`, `status_source_url`) must already be in `sources.csv` or be added
  by a `source` row in the same proposal.
- `proposed_on`: the date (YYYY-MM-DD) the page was read.
- `reason`: required free text for the maintainers: what is wrong or missing, and where the
  page shows it.
- The row's fields, with the same column names as the target file (see data/README.md).
  The exception is `source_kind`, which holds the `kind` column of `sources.csv` because
  `kind` already names the target file.
  Rows are keyed like the data: `provider_id` (provider), `provider_id` + `criterion_id` +
  `source_url` (evidence), `provider_id` + `route` + `unit` + `source_url` (price), `source_url` (source).
  An empty cell means "no change". A proposal cannot clear a field; ask for that in `reason`.
- `expected_<column>` (updates only): the value the update replaces, copied from the data.

Rules
-----
- Every row is checked with the same pandera schema as the data file it goes to (after the
  change), so the messages are the ones `python -m vetting validate` prints.
- `add` must not reuse an id already in the data or earlier in the proposal. `update` must name
  a row that is in the data (provider id; or provider id + criterion + source URL for evidence).
- URLs are absolute http(s) URLs only.
- A provider `add` takes `proposed_on` as its `checked_on` when none is given; so do evidence and
  prices. A phone is stored in one form (`NNN-NNN-NNNN`); the Suggest page normalises what is typed.
- A price row must be for a route the provider offers (or `any`); the merge refuses one that would
  not load. A provider row with a closed `status` but no `status_source_url` cites its `source_url` there.
- Nothing in the data is silently overwritten. An update conflicts, and is never applied, when
  a field it changes already holds a value and the row's `expected_<column>` is not that value,
  or when any `expected_<column>` it states differs from the data (the data changed since
  the proposal was written). Filling an empty field needs no `expected_` value.
  `source_url` is only appended to `source_urls`, never replacing a page already listed.

`validate_proposal` parses and checks a proposal, `plan_merge` lists what would change (one
line per change), and `apply_merge` writes the accepted rows into a data folder. Before it
writes, it checks that the merged folder loads with no new problems; otherwise it writes nothing.
The builders at the end make the rows the Suggest page offers for download.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .loader import DATA_FILES, LINE, Directory, Problem, load_directory, parse_csv, read_rows, validate_frame
from .schemas import DATE_PATTERN, NUMERIC_COLUMNS, SCHEMAS, is_http_url
from .contact import normalise_phone
from .vocab import SOURCE_KINDS, split_list

KINDS = {"provider": "providers.csv", "evidence": "evidence.csv", "price": "prices.csv", "source": "sources.csv"}
ACTIONS = ("add", "update")
KEYS = {"provider": ("provider_id",), "evidence": ("provider_id", "criterion_id", "source_url"),
        "price": ("provider_id", "route", "unit", "source_url"), "source": ("source_url",)}
META_COLUMNS = ["kind", "action", "source_url", "proposed_on", "reason"]
REQUIRED_META = META_COLUMNS
EXPECTED_PREFIX = "expected_"
SOURCE_KIND = "source_kind"  # sources.csv's `kind`; renamed because `kind` names the target file
LIST_COLUMNS = {"routes", "conditions", "states_served", "insurance", "source_urls"}
REASON_MAX = 2000
MAX_ROWS = 500

# The fields a person corrects on the Suggest page (the rest are for maintainers).
CORRECTABLE_FIELDS = [
    "name", "website", "phone", "care_setting", "routes", "supervision_model", "street", "city", "state", "zip",
    "states_served", "insurance", "conditions", "status",
]


def file_columns(kind: str) -> list[str]:
    """The columns of the data file a kind of row goes to, in file order."""
    return list(SCHEMAS[KINDS[kind]].to_schema().columns)


def proposal_name(kind: str, column: str) -> str:
    """The proposal's name for a data column (only sources.csv's `kind` differs)."""
    return SOURCE_KIND if kind == "source" and column == "kind" else column


def _field_columns() -> list[str]:
    names: list[str] = []
    for kind in KINDS:
        for column in file_columns(kind):
            name = proposal_name(kind, column)
            if name not in names and name not in META_COLUMNS:
                names.append(name)
    return names


FIELD_COLUMNS = _field_columns()
EXPECTED_COLUMNS = [EXPECTED_PREFIX + c for c in FIELD_COLUMNS]
ALL_COLUMNS = META_COLUMNS + FIELD_COLUMNS + EXPECTED_COLUMNS


@dataclass
class ProposalRow:
    """One proposed row: its target, the fields it sets and what it expects to replace."""

    line: int
    kind: str
    action: str
    source_url: str | None
    proposed_on: str | None
    reason: str | None
    fields: dict[str, str] = field(default_factory=dict)  # data column -> proposed text (non-empty cells only)
    expected: dict[str, str | None] = field(default_factory=dict)  # data column -> value it replaces
    result: dict[str, str | None] = field(default_factory=dict)  # the whole row after the change
    problems: list[Problem] = field(default_factory=list)

    @property
    def file(self) -> str:
        return KINDS.get(self.kind, "")

    @property
    def key(self) -> tuple:
        return tuple(self.result.get(c) or self.fields.get(c) for c in KEYS.get(self.kind, ()))

    @property
    def label(self) -> str:
        return " ".join(str(part) for part in self.key if part)


# --- reading -------------------------------------------------------------------------------------

def _text_cells(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _parse_text(text: str, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    """The proposal's cells as text with their line numbers, or None when the file is unusable."""
    return parse_csv(text, name, problems, set_aside="row rejected")


def _as_frame(proposal, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    if isinstance(proposal, (bytes, bytearray)):
        try:
            proposal = bytes(proposal).decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(name, 0, "", "the file is not UTF-8 text (save it as UTF-8 CSV and try again)"))
            return None
    if isinstance(proposal, str):
        return _parse_text(proposal, name, problems)
    frame = pd.DataFrame(list(proposal), dtype=object) if isinstance(proposal, list) else proposal.astype(object).copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[LINE] = [index + 2 for index in range(len(frame))]  # as if written out: line 1 is the header
    return frame


# --- the data as it is now -----------------------------------------------------------------------

def _format_number(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{float(value):g}"


def current_rows(directory: Directory) -> dict[str, dict[tuple, dict[str, str | None]]]:
    """kind -> key -> the row's cells as written in its file, for the rows the directory loaded.

    Raw text (not the loader's geocoded coordinates or floats), so a diff shows what the file holds."""
    frames = {"provider": directory.providers, "evidence": directory.evidence, "price": directory.prices,
              "source": directory.sources}
    result: dict[str, dict[tuple, dict]] = {}
    for kind, frame in frames.items():
        columns, keys = file_columns(kind), KEYS[kind]
        loaded = {tuple(row) for row in frame[list(keys)].itertuples(index=False)} if len(frame) else set()
        raw = pd.DataFrame()
        path = Path(directory.data_dir) / KINDS[kind] if directory.data_dir else None
        if path is not None and path.exists():
            raw = read_rows(path, [])
        rows: dict[tuple, dict] = {}
        if not raw.empty and all(k in raw.columns for k in keys):
            for record in raw.to_dict("records"):
                key = tuple(record.get(k) for k in keys)
                if key in loaded and key not in rows:
                    rows[key] = {c: _text_cells(record.get(c)) for c in columns}
        else:  # a directory built in memory: format the loaded values
            for record in frame.to_dict("records"):
                key = tuple(record.get(k) for k in keys)
                numeric = NUMERIC_COLUMNS.get(KINDS[kind], [])
                rows[key] = {c: (_format_number(record.get(c)) if c in numeric else _text_cells(record.get(c)))
                             for c in columns}
        result[kind] = rows
    return result


def same_value(column: str, a, b) -> bool:
    """Whether two cells say the same thing: numbers by value, `;` lists as sets, text exactly."""
    a, b = _text_cells(a), _text_cells(b)
    if a is None or b is None:
        return a is None and b is None
    if any(column in cols for cols in NUMERIC_COLUMNS.values()):
        try:
            return float(a) == float(b)
        except ValueError:
            return a == b
    if column in LIST_COLUMNS:
        return set(split_list(a)) == set(split_list(b))
    return a == b


# --- validation ----------------------------------------------------------------------------------

def _row_from_record(record: dict, name: str) -> ProposalRow:
    line = int(record[LINE])
    cells = {c: _text_cells(v) for c, v in record.items() if c != LINE}
    row = ProposalRow(line=line, kind=(cells.get("kind") or "").lower(), action=(cells.get("action") or "").lower(),
                      source_url=cells.get("source_url"), proposed_on=cells.get("proposed_on"), reason=cells.get("reason"))

    def problem(column: str, message: str) -> None:
        row.problems.append(Problem(name, line, column, message))

    if row.kind not in KINDS:
        hint = " (a source's own kind goes in source_kind)" if cells.get("kind") in SOURCE_KINDS else ""
        problem("kind", f"kind {cells.get('kind')!r} is not one of provider, evidence, source{hint}; row rejected")
        return row
    if row.action not in ACTIONS:
        problem("action", f"action {cells.get('action')!r} is not add or update; row rejected")
    if not row.source_url:
        problem("source_url", "every proposed fact needs the page that shows it (source_url); row rejected")
    elif not is_http_url(row.source_url):
        problem("source_url", f"source_url {row.source_url[:80]!r} is not an absolute http(s) URL; row rejected")
    if not row.proposed_on or not re.match(DATE_PATTERN, row.proposed_on) or pd.isna(
            pd.to_datetime(row.proposed_on, format="%Y-%m-%d", errors="coerce")):
        problem("proposed_on", f"proposed_on {row.proposed_on!r} is not a date (YYYY-MM-DD); row rejected")
    if not row.reason:
        problem("reason", "say why in reason (what is wrong or missing, and where the page shows it); row rejected")
    elif len(row.reason) > REASON_MAX:
        problem("reason", f"reason is longer than {REASON_MAX} characters; row rejected")
    own = {proposal_name(row.kind, c): c for c in file_columns(row.kind)}
    for column, value in cells.items():
        if value is None or column in META_COLUMNS:
            continue
        if column.startswith(EXPECTED_PREFIX):
            target = column[len(EXPECTED_PREFIX):]
            if target not in own:
                problem(column, f"{target} is not a {row.file} column; leave {column} empty on {row.kind} rows")
            elif row.action == "add":
                problem(column, f"{column} is for updates only; leave it empty on add rows")
            else:
                row.expected[own[target]] = value
        elif column in own:
            row.fields[own[column]] = value
        else:
            problem(column, f"{column} is not a {row.file} column; leave it empty on {row.kind} rows")
    # `expected_x` columns present but empty say "x is empty now" on updates.
    for column, value in cells.items():
        if column.startswith(EXPECTED_PREFIX) and value is None and row.action == "update":
            target = own.get(column[len(EXPECTED_PREFIX):])
            if target and target in row.fields and target not in KEYS[row.kind]:  # a key names the row; it never changes
                row.expected.setdefault(target, None)
    if row.kind in ("evidence", "price", "source") and row.source_url:
        if row.fields.get("source_url", row.source_url) != row.source_url:
            problem("source_url", "a row's own source_url is the proposal's source_url; they differ; row rejected")
        row.fields["source_url"] = row.source_url
    return row


def validate_proposal(proposal, directory: Directory, name: str = "proposal.csv") -> tuple[list[ProposalRow], list[Problem]]:
    """Parse and check a proposal (CSV text or bytes, a DataFrame, or a list of row dicts).

    Returns every row that could be read (rows with problems are rejected by `plan_merge`) and
    all problems: the file's (line 0 when it cannot be used at all, line 1 for its header) and
    each row's, with the proposal's line numbers."""
    file_problems: list[Problem] = []
    frame = _as_frame(proposal, name, file_problems)
    if frame is None:
        return [], file_problems
    header = [c for c in frame.columns if c != LINE]
    if len(set(header)) != len(header):
        file_problems.append(Problem(name, 1, "", "the header repeats a column name; nothing was read"))
        return [], file_problems
    unknown = [c for c in header if c not in ALL_COLUMNS]
    for column in unknown:
        file_problems.append(Problem(name, 1, column, f"unknown column {column!r}; nothing was read"))
    for column in REQUIRED_META:
        if column not in header:
            file_problems.append(Problem(name, 1, column, "required column is missing; nothing was read"))
    if len(frame) > MAX_ROWS:
        file_problems.append(Problem(name, 0, "", f"more than {MAX_ROWS} rows; split the proposal"))
    if file_problems:
        return [], file_problems
    rows = [_row_from_record(record, name) for record in frame.to_dict("records")]
    current = current_rows(directory)
    # Sources first, then providers, then evidence: later kinds may cite rows added by earlier ones.
    proposed_sources: dict[str, ProposalRow] = {}
    proposed_providers: dict[str, ProposalRow] = {}
    for kind in ("source", "provider", "evidence", "price"):
        _check_kind([r for r in rows if r.kind == kind], kind, current, proposed_sources, proposed_providers, name)
    problems = file_problems + [p for r in rows for p in r.problems]
    problems.sort(key=lambda p: p.line)
    return rows, problems


def _check_kind(rows: list[ProposalRow], kind: str, current: dict, proposed_sources: dict, proposed_providers: dict,
                name: str) -> None:
    file_name = KINDS[kind]
    columns = file_columns(kind)
    seen: dict[tuple, int] = {}
    candidates = []
    for row in rows:
        if row.problems:
            continue
        key = tuple(row.fields.get(c) for c in KEYS[kind])
        label = " + ".join(str(k) for k in key)
        if any(k is None for k in key):
            missing = [c for c, k in zip(KEYS[kind], key) if k is None]
            row.problems.append(Problem(name, row.line, missing[0], f"{kind} rows need {', '.join(KEYS[kind])}; row rejected"))
            continue
        if key in seen:
            row.problems.append(Problem(name, row.line, KEYS[kind][0],
                                        f"{label} is already proposed on line {seen[key]}; put all of its changes in one row; row rejected"))
            continue
        seen[key] = row.line
        existing = current[kind].get(key)
        if row.action == "add":
            if existing is not None:
                row.problems.append(Problem(name, row.line, KEYS[kind][0],
                                            f"{label} is already in {file_name}; use action update; row rejected"))
                continue
            result = {c: None for c in columns}
            result.update(row.fields)
            if kind in ("provider", "evidence", "price") and not result.get("checked_on"):
                result["checked_on"] = row.proposed_on
        else:
            if existing is None:
                row.problems.append(Problem(name, row.line, KEYS[kind][0],
                                            f"{label} is not in {file_name}; an update must name an existing row; row rejected"))
                continue
            if not [c for c in row.fields if c not in KEYS[kind]] and kind != "provider":
                row.problems.append(Problem(name, row.line, "", "the update names no field to change; row rejected"))
                continue
            result = dict(existing)
            result.update(row.fields)
        if kind == "provider":
            # A closure with no page of its own cites the page behind the proposal.
            if result.get("status") == "closed" and not result.get("status_source_url"):
                result["status_source_url"] = row.source_url
            cited = split_list(result.get("source_urls"))
            if row.source_url not in cited:
                cited.append(row.source_url)  # the page behind the change joins the row's sources
            result["source_urls"] = ";".join(cited)
            if row.action == "update" and all(same_value(c, result.get(c), existing.get(c)) for c in columns):
                row.problems.append(Problem(name, row.line, "", "the update changes nothing; row rejected"))
                continue
        row.result = result
        candidates.append(row)
    if not candidates:
        return
    # The same schema check as the data files, so the messages are the same.
    frame = pd.DataFrame([{**{c: r.result.get(c) for c in columns}, LINE: r.line} for r in candidates], dtype=object)
    frame[LINE] = frame[LINE].astype(int)
    schema_problems: list[Problem] = []
    validate_frame(file_name, frame, schema_problems)
    by_line = {r.line: r for r in candidates}
    row_checks = [check.name for check in SCHEMAS[file_name].to_schema().checks]
    for problem in schema_problems:
        target = by_line.get(problem.line)
        if target is None:
            continue
        # A check across columns is reported once per column by pandera; once per row is enough.
        check = next((c for c in row_checks if problem.message.startswith(c)), None)
        if check is not None:
            problem = Problem(name, problem.line, "", f"{check}; row set aside")
            if problem in target.problems:
                continue
        target.problems.append(Problem(name, problem.line, proposal_name(kind, problem.column), problem.message))
    known_sources = set(k[0] for k in current["source"])
    for row in candidates:
        if row.problems:
            continue
        if kind == "provider":
            cited = split_list(row.result.get("source_urls")) + [u for u in (row.result.get("status_source_url"),) if u]
        else:
            cited = [row.result.get("source_url")] if kind in ("evidence", "price") else []
        for url in cited:
            if url in known_sources:
                continue
            if url in proposed_sources:
                if not proposed_sources[url].problems:
                    continue
                why = f"source {url!r} is proposed on line {proposed_sources[url].line}, which is rejected; row rejected"
            else:
                why = f"source {url!r} is not listed in sources.csv nor added by a source row of this proposal; row rejected"
            row.problems.append(Problem(name, row.line, "source_url", why))
            break
        if kind in ("evidence", "price") and not row.problems:
            provider_id = row.result.get("provider_id")
            if (provider_id,) not in current["provider"]:
                added = proposed_providers.get(provider_id)
                if added is None:
                    row.problems.append(Problem(name, row.line, "provider_id",
                                                f"unknown provider {provider_id!r}; row rejected"))
                elif added.problems:
                    row.problems.append(Problem(name, row.line, "provider_id",
                                                f"provider {provider_id!r} is proposed on line {added.line}, which is rejected; row rejected"))
        if not row.problems and row.action == "add":
            if kind == "source":
                proposed_sources[row.result["source_url"]] = row
            elif kind == "provider":
                proposed_providers[row.result["provider_id"]] = row
    # A rejected add still names its id, so rows that depend on it say why they are rejected.
    for row in rows:
        if row.problems and row.action == "add":
            if kind == "source" and row.fields.get("source_url"):
                proposed_sources.setdefault(row.fields["source_url"], row)
            elif kind == "provider" and row.fields.get("provider_id"):
                proposed_providers.setdefault(row.fields["provider_id"], row)


# --- the merge plan ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Conflict:
    column: str
    current: str | None
    expected: str | None
    proposed: str | None

    def describe(self) -> str:
        if self.expected is None:
            return (f"{self.column} holds {self.current!r}; the proposal does not say it replaces it "
                    f"(add expected_{self.column}) (proposed {self.proposed!r})")
        return f"{self.column} holds {self.current!r}, the proposal expects {self.expected!r} (proposed {self.proposed!r})"


@dataclass
class RowPlan:
    """What one proposal row does: add or update a row, or nothing (rejected, conflict)."""

    line: int
    kind: str
    action: str
    file: str
    key: tuple
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    result: dict[str, str | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return " ".join(str(part) for part in self.key if part)


@dataclass
class MergePlan:
    added: list[RowPlan] = field(default_factory=list)
    updated: list[RowPlan] = field(default_factory=list)
    rejected: list[RowPlan] = field(default_factory=list)
    conflicts: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the file's own problems (no rows)

    @property
    def accepted(self) -> list[RowPlan]:
        return sorted(self.added + self.updated, key=lambda r: r.line)

    @property
    def clean(self) -> bool:
        """True when every row would apply: nothing rejected, no conflicts, no file problems."""
        return not (self.rejected or self.conflicts or self.problems)

    def lines(self) -> list[str]:
        """The diff, one line per change, in proposal order."""
        out = [f"! rejected: {p}" if p.line == 0 else f"! rejected line {p.line}: {p.column or '-'}: {p.message}"
               for p in self.problems]
        entries = sorted(self.added + self.updated + self.rejected + self.conflicts, key=lambda r: r.line)
        for entry in entries:
            if entry in self.rejected:
                out += [f"! rejected line {p.line}: {p.column or '-'}: {p.message}" for p in entry.problems]
            elif entry in self.conflicts:
                out += [f"? conflict line {entry.line}: {entry.file} {entry.label}: {c.describe()}" for c in entry.conflicts]
            elif entry in self.added:
                shown = ", ".join(f"{proposal_name(entry.kind, c.column)}={c.new}" for c in entry.changes
                                  if c.column not in KEYS[entry.kind])
                out.append(f"+ {entry.file} {entry.label}: {shown}")
            elif not entry.changes:
                out.append(f"= line {entry.line}: {entry.file} {entry.label}: no change")
            else:
                out += [f"~ {entry.file} {entry.label}: {proposal_name(entry.kind, c.column)}: {c.old or '(empty)'} -> {c.new or '(empty)'}"
                        for c in entry.changes]
        return out

    def summary(self) -> str:
        return (f"{len(self.added)} to add, {len(self.updated)} to update, "
                f"{len(self.rejected) + len(self.problems)} rejected, {len(self.conflicts)} in conflict")


def plan_merge(proposal_rows: list[ProposalRow], directory: Directory, problems: list[Problem] | None = None) -> MergePlan:
    """What merging the proposal would change. Rows with problems are rejected; updates whose
    expectations do not match the data are conflicts. Pass `validate_proposal`'s problems so the
    plan also lists those of the file and of lines that could not be read as rows."""
    row_lines = {row.line for row in proposal_rows}
    # Problems of the file itself, or of lines that could not be read as rows.
    plan = MergePlan(problems=[p for p in (problems or []) if p.line not in row_lines])
    current = current_rows(directory)
    for row in proposal_rows:
        entry = RowPlan(line=row.line, kind=row.kind, action=row.action, file=row.file, key=row.key,
                        problems=list(row.problems), result=dict(row.result))
        if row.problems or not row.result:
            if not entry.problems:
                entry.problems.append(Problem("proposal", row.line, "", "row rejected"))
            plan.rejected.append(entry)
            continue
        if row.action == "add":
            entry.changes = [FieldChange(c, None, v) for c, v in row.result.items() if v is not None]
            plan.added.append(entry)
            continue
        existing = current[row.kind].get(row.key, {})
        for column, expected in row.expected.items():
            if not same_value(column, expected, existing.get(column)):
                entry.conflicts.append(Conflict(column, existing.get(column), expected, row.result.get(column)))
        for column in row.fields:
            old, new = existing.get(column), row.result.get(column)
            if column not in row.expected and old is not None and not same_value(column, old, new):
                entry.conflicts.append(Conflict(column, old, None, new))
        entry.changes = [FieldChange(c, existing.get(c), v) for c, v in row.result.items()
                         if not same_value(c, existing.get(c), v)]
        (plan.conflicts if entry.conflicts else plan.updated).append(entry)
    return plan


# --- applying ------------------------------------------------------------------------------------

class MergeError(Exception):
    """The merge was not written; the message says why."""


def _split_records(text: str) -> list[str]:
    """The file's records as raw text (a quoted cell may hold line breaks), so untouched rows keep their bytes."""
    records, pending, quotes = [], "", 0
    for physical in text.splitlines(keepends=True):
        pending += physical
        quotes += physical.count('"')
        if quotes % 2 == 0:
            records.append(pending)
            pending, quotes = "", 0
    if pending:
        records.append(pending)
    return records


def _cells(record: str) -> list[str]:
    parsed = next(csv.reader(io.StringIO(record, newline="")), [])
    return [cell.strip() for cell in parsed]


def _serialise(cells: list[str | None], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(["" if c is None else c for c in cells])
    return buffer.getvalue()


def merged_texts(plan: MergePlan, data_dir: str | Path) -> dict[str, str]:
    """file name -> the file's new text with the plan's accepted rows; untouched rows keep their bytes."""
    data_dir = Path(data_dir)
    texts = {}
    for file_name in DATA_FILES:
        entries = [e for e in plan.accepted if e.file == file_name]
        if not entries:
            continue
        try:
            text = (data_dir / file_name).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise MergeError(f"{file_name}: cannot be read ({error})") from None
        records = _split_records(text)
        if not records:
            raise MergeError(f"{file_name}: the file has no header row")
        newline = "\r\n" if records[0].endswith("\r\n") else "\n"
        header = _cells(records[0])
        kind = entries[0].kind
        index = {tuple(_cells(r)[header.index(k)] if k in header else None for k in KEYS[kind]): i
                 for i, r in reversed(list(enumerate(records))) if i > 0 and len(_cells(r)) == len(header)}
        for entry in entries:
            unknown = [c.column for c in entry.changes if c.column not in header]
            if unknown:
                raise MergeError(f"{file_name}: has no column {unknown[0]!r}; add the column first")
            if entry.action == "update":
                position = index.get(tuple(entry.key))
                if position is None:
                    raise MergeError(f"{file_name}: {entry.label} is no longer in the file")
                cells = _cells(records[position])
                for change in entry.changes:
                    column = header.index(change.column)
                    if not same_value(change.column, cells[column], change.old):
                        raise MergeError(f"{file_name}: {entry.label} {change.column} changed since the plan was made")
                    cells[column] = change.new or ""
                records[position] = _serialise(cells, newline)
            else:
                if not records[-1].endswith(("\n", "\r")):
                    records[-1] += newline
                records.append(_serialise([entry.result.get(c) for c in header], newline))
        texts[file_name] = "".join(records)
    return texts


def _problem_counts(problems: list[Problem]) -> Counter:
    return Counter((p.file, p.column, p.message) for p in problems)


def apply_merge(plan: MergePlan, data_dir: str | Path) -> dict[str, str]:
    """Write the plan's accepted rows (adds and updates; never conflicts or rejected rows) into
    `data_dir`. Returns {file name: new text} for the files written.

    The merged files are first loaded from a temporary folder; when they show a problem the data
    did not have, MergeError is raised and nothing is written. Each file is replaced atomically."""
    data_dir = Path(data_dir)
    texts = merged_texts(plan, data_dir)
    if not texts:
        return {}
    before = _problem_counts(load_directory(data_dir).problems)
    with tempfile.TemporaryDirectory(prefix="vetting-merge-") as folder:
        for file_name in DATA_FILES:
            target = Path(folder) / file_name
            if file_name in texts:
                target.write_text(texts[file_name], encoding="utf-8", newline="")
            elif (data_dir / file_name).exists():
                target.write_bytes((data_dir / file_name).read_bytes())
        after = load_directory(folder).problems
    new = _problem_counts(after) - before
    if new:
        shown = "; ".join(f"{f}:{c or '-'}: {m}" for (f, c, m) in list(new)[:5])
        raise MergeError(f"the merged data would have {sum(new.values())} new problem(s), so nothing was written: {shown}")
    for file_name, text in texts.items():
        target = data_dir / file_name
        temporary = target.with_name(f".{file_name}.merge-tmp")
        temporary.write_text(text, encoding="utf-8", newline="")
        os.replace(temporary, target)
    return texts


# --- builders for the Suggest page -------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")[:80]


def suggest_provider_id(name: str, city: str | None, taken) -> str:
    """A provider_id from the name and city (`klarisana-san-antonio`), numbered when already taken."""
    base = _slug(" ".join(part for part in (name or "", city or "") if part)) or "provider"
    base = base if len(base) >= 2 else f"{base}-provider"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _known_sources(directory: Directory, pending: list[dict]) -> set[str]:
    known = set(directory.sources["source_url"])
    return known | {r.get("source_url") for r in pending if r.get("kind") == "source" and r.get("action") == "add"}


def _meta(kind: str, action: str, source_url: str, proposed_on: str, reason: str) -> dict:
    return {"kind": kind, "action": action, "source_url": (source_url or "").strip(),
            "proposed_on": proposed_on, "reason": (reason or "").strip()}


def source_rows(source_url: str, title: str | None, source_kind: str | None, proposed_on: str, reason: str,
                directory: Directory, pending: list[dict]) -> list[dict]:
    """A `source` add row for a page not yet in sources.csv (nor in the pending rows), else []."""
    url = (source_url or "").strip()
    if not url or url in _known_sources(directory, pending):
        return []
    row = _meta("source", "add", url, proposed_on, reason)
    row.update({"title": (title or "").strip(), SOURCE_KIND: source_kind or "provider_site"})
    return [row]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v).strip() for v in value if str(v).strip())
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:g}"
    return str(value).strip()


def provider_correction_rows(provider_id: str, values: dict, source_url: str, reason: str, proposed_on: str,
                             directory: Directory, pending: list[dict] | None = None,
                             source_title: str | None = None, source_kind: str | None = None) -> list[dict]:
    """Rows proposing the changed fields of an existing provider (and its new source, if any).

    `values` holds the form's fields (text, or lists for `;` fields); only fields that differ from
    the data are proposed, each with the value it replaces in `expected_<field>`. A change to
    closed cites `source_url` as its `status_source_url`. A typed phone is stored in its one form.
    Returns [] when nothing changed."""
    pending = pending or []
    existing = current_rows(directory)["provider"].get((provider_id,), {})
    row = _meta("provider", "update", source_url, proposed_on, reason)
    row["provider_id"] = provider_id
    changed = []
    for column in CORRECTABLE_FIELDS:
        if column not in values:
            continue
        new = _cell(values[column])
        if column == "phone" and new:
            new = normalise_phone(new) or new  # a number that is not a US phone stays as typed; the schema reports it
        old = existing.get(column)
        if not new or same_value(column, old, new):
            continue
        row[column] = new
        changed.append(column)
    if not changed:
        return []
    # The page behind a closure becomes that fact's own source.
    cited = {}
    if row.get("status") == "closed":
        cited["status_source_url"] = row["source_url"]
    for column, url in cited.items():
        if not same_value(column, existing.get(column), url):
            row[column] = url
            changed.append(column)
    for column in changed:
        if existing.get(column) is not None:
            row[EXPECTED_PREFIX + column] = existing[column]
    return source_rows(source_url, source_title, source_kind, proposed_on, reason, directory, pending) + [row]


def new_provider_rows(values: dict, source_url: str, reason: str, proposed_on: str, directory: Directory,
                      pending: list[dict] | None = None, source_title: str | None = None,
                      source_kind: str | None = None) -> list[dict]:
    """Rows proposing a new provider (and its new source, if any). An empty `provider_id` is made
    from the name and city."""
    pending = pending or []
    row = _meta("provider", "add", source_url, proposed_on, reason)
    for column in CORRECTABLE_FIELDS:
        if _cell(values.get(column)):
            row[column] = _cell(values.get(column))
    if row.get("phone"):
        row["phone"] = normalise_phone(row["phone"]) or row["phone"]
    taken = set(directory.providers["provider_id"]) | {r.get("provider_id") for r in pending if r.get("kind") == "provider"}
    row["provider_id"] = _cell(values.get("provider_id")) or suggest_provider_id(row.get("name", ""), row.get("city"), taken)
    if row.get("status") == "closed":
        row["status_source_url"] = row["source_url"]
    return source_rows(source_url, source_title, source_kind, proposed_on, reason, directory, pending) + [row]


def evidence_rows(provider_id: str, criterion_id: str, status: str, note: str, source_url: str, reason: str,
                  proposed_on: str, directory: Directory, pending: list[dict] | None = None,
                  source_title: str | None = None, source_kind: str | None = None) -> list[dict]:
    """Rows proposing what a page shows for one criterion: an add, or an update of the row with the
    same provider, criterion and page (stating the status and note it replaces)."""
    pending = pending or []
    url = (source_url or "").strip()
    existing = current_rows(directory)["evidence"].get((provider_id, criterion_id, url))
    row = _meta("evidence", "update" if existing else "add", url, proposed_on, reason)
    row.update({"provider_id": provider_id, "criterion_id": criterion_id, "status": status or "",
                "note": (note or "").strip(), "checked_on": proposed_on})
    if existing:
        for column in ("status", "note", "checked_on"):
            if existing.get(column) is not None and not same_value(column, existing[column], row[column]):
                row[EXPECTED_PREFIX + column] = existing[column]
    return source_rows(url, source_title, source_kind, proposed_on, reason, directory, pending) + [row]


def price_rows(provider_id: str, values: dict, source_url: str, reason: str, proposed_on: str,
               directory: Directory, pending: list[dict] | None = None, source_title: str | None = None,
               source_kind: str | None = None) -> list[dict]:
    """Rows proposing one price a page shows (route, unit, amounts, sessions included, payer, note),
    and its new source if any. The same provider, route, unit and page is an update that states the
    amounts it replaces; anything else is an add. The price is never converted."""
    pending = pending or []
    url = (source_url or "").strip()
    key = (provider_id, _cell(values.get("route")) or None, _cell(values.get("unit")) or None, url)
    existing = current_rows(directory)["price"].get(key)
    row = _meta("price", "update" if existing else "add", url, proposed_on, reason)
    row.update({"provider_id": provider_id, "checked_on": proposed_on})
    for column in ("route", "unit", "sessions_included", "low_usd", "high_usd", "payer", "note"):
        if _cell(values.get(column)):
            row[column] = _cell(values.get(column))
    row.setdefault("payer", "unknown")
    if existing:
        for column in ("sessions_included", "low_usd", "high_usd", "payer", "note", "checked_on"):
            if existing.get(column) is not None and column in row and not same_value(column, existing[column], row[column]):
                row[EXPECTED_PREFIX + column] = existing[column]
    return source_rows(url, source_title, source_kind, proposed_on, reason, directory, pending) + [row]


def proposal_csv(rows: list[dict]) -> str:
    """The proposal file: the columns the rows use, in the documented order."""
    used = [c for c in ALL_COLUMNS if c in META_COLUMNS or any(_cell(r.get(c)) for r in rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(used)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in used])
    return buffer.getvalue()
