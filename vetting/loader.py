"""Load and validate a directory of data files, setting bad rows aside instead of failing.

`load_directory(data_dir)` returns a `Directory`: the validated frames and a list of
`Problem`s (file, line, column, message), where line is the line number in the file, so a
person can open the file and find the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

try:
    import pyarrow  # pandas keeps `str` columns in pyarrow when it is installed
except ImportError:  # pragma: no cover - pandas then uses Python strings
    pyarrow = None

from . import geo
from .schemas import NUMERIC_COLUMNS, REQUIRED_COLUMNS, SCHEMAS
from .vocab import ANY_ROUTE, split_list

DATA_FILES = ("providers.csv", "evidence.csv", "sources.csv", "prices.csv")
OPTIONAL_FILES = ("prices.csv",)  # an older data folder without prices still loads, with no prices
LINE = "_line"  # the line number of a row in its file, kept beside the data for reports
SAMPLE_ROWS = 2000  # rows read before parse_lines stops sharing text in a mostly distinct column
BINARY = "the file looks binary (it contains NUL bytes), not CSV"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1 is the header; 0 means the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column or '-'}: {self.message}"


@dataclass
class Directory:
    providers: pd.DataFrame
    evidence: pd.DataFrame
    sources: pd.DataFrame
    prices: pd.DataFrame = field(default_factory=lambda: empty_data_frame("prices.csv"))
    problems: list[Problem] = field(default_factory=list)
    data_dir: str = ""


def read_rows(path: Path, problems: list[Problem]) -> pd.DataFrame:
    """Read a CSV as text cells (None for empty) with each record's line number; never raises on bad bytes."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, 0, "", f"cannot read the file ({error.strerror})"))
        return pd.DataFrame()
    errors = "strict"
    try:
        raw.decode("utf-8-sig")  # only to find bad bytes: the rows are decoded line by line below
    except UnicodeDecodeError as error:
        # Keep going with replacement characters and report the lines that held the bad bytes.
        errors = "replace"
        bad_line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(name, bad_line, "", "the file is not valid UTF-8; bad bytes were replaced with �"))
    if b"\x00" in raw:  # the same test as parse_csv's: in UTF-8 only U+0000 has a zero byte
        problems.append(Problem(name, 0, "", BINARY))
        return pd.DataFrame()
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", errors=errors, newline="")
    del raw  # the BytesIO holds the bytes until the lines are read
    frame = parse_lines(lines, name, problems, empty=None)
    if frame is None:
        return pd.DataFrame()
    return frame


def parse_csv(text: str, name: str, problems: list[Problem], set_aside: str = "row set aside") -> pd.DataFrame | None:
    """CSV text as trimmed text cells plus each record's line number (column `_line`); malformed
    records are reported and skipped; None when the file as a whole is unusable."""
    if "\x00" in text:
        problems.append(Problem(name, 0, "", BINARY))
        return None
    return parse_lines(io.StringIO(text, newline=""), name, problems, set_aside)


def parse_lines(lines, name: str, problems: list[Problem], set_aside: str = "row set aside",
                empty: str | None = "") -> pd.DataFrame | None:
    """parse_csv's work on an iterable of lines (newline="" semantics); an empty cell becomes `empty`."""
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem(name, 0, "", "the file is empty (no header row)"))
        return None
    except csv.Error as error:
        problems.append(Problem(name, 1, "", f"unreadable header: {error}"))
        return None
    if len(set(header)) != len(header):
        problems.append(Problem(name, 1, "", "the header repeats a column name"))
        return None
    records, line_numbers = [], []
    # Per column, one object per distinct text: states, dates and notes repeat thousands of times.
    # A column still mostly distinct after SAMPLE_ROWS rows (ids, names, URLs) stops being tracked.
    shared: list[dict | None] = [{} for _ in header]
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(name, start, "", f"unreadable row: {error}; {set_aside}"))
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(name, start, "", f"row has {len(record)} cells but the header has {len(header)}; {set_aside}"))
            continue
        row = []
        for cell, seen in zip(record, shared):
            cell = cell.strip()
            row.append((seen.setdefault(cell, cell) if seen is not None else cell) if cell else empty)
        records.append(row)
        line_numbers.append(start)
        if len(records) == SAMPLE_ROWS:
            shared = [seen if seen is not None and len(seen) <= SAMPLE_ROWS // 4 else None for seen in shared]
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header, dtype=object)
    del records
    frame[LINE] = line_numbers
    return frame


def validate_frame(name: str, frame: pd.DataFrame, problems: list[Problem], model=None,
                   required: list[str] | None = None, numeric: list[str] | None = None,
                   unique_key: str | None = None) -> pd.DataFrame:
    """Validate one file's rows against its schema; return the good rows, report the others.

    The data files' model, required, numeric and unique columns are the defaults; other files
    (costs.csv) pass their own."""
    model = model or SCHEMAS[name]
    required = REQUIRED_COLUMNS.get(name, []) if required is None else required
    numeric = NUMERIC_COLUMNS.get(name, []) if numeric is None else numeric
    if unique_key is None:
        unique_key = {"providers.csv": "provider_id", "sources.csv": "source_url", "costs.csv": "cost_id",
                      "course_defaults.csv": "figure_id"}.get(name)
    columns = list(model.to_schema().columns)
    if frame.empty and LINE not in frame.columns:
        return empty_frame(columns, numeric)
    missing_required = [c for c in required if c not in frame.columns]
    if missing_required:
        for column in missing_required:
            problems.append(Problem(name, 1, column, "required column is missing; the file was not loaded"))
        return empty_frame(columns, numeric)
    for column in frame.columns:
        if column not in columns and column != LINE:
            problems.append(Problem(name, 1, column, "unknown column ignored"))
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[columns + [LINE]].copy()
    bad = pd.Series(False, index=frame.index)
    for column in numeric:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        not_numbers = frame[column].notna() & numbers.isna()
        for index in frame.index[not_numbers]:
            problems.append(Problem(name, int(frame.at[index, LINE]), column,
                                    f"not a number: {frame.at[index, column]!r}; row set aside"))
        bad |= not_numbers
        frame[column] = numbers.astype("float64")
    if bad.any():  # (filtering copies every column, so only when a row goes)
        frame = frame[~bad]
    # Duplicates keep the first row and report the later ones, so the report names the extra line.
    if unique_key:
        duplicated = frame[unique_key].notna() & frame.duplicated(unique_key, keep="first")
        for index in frame.index[duplicated]:
            first = frame.loc[frame[unique_key] == frame.at[index, unique_key], LINE].min()
            problems.append(Problem(name, int(frame.at[index, LINE]), unique_key,
                                    f"duplicate {unique_key} {frame.at[index, unique_key]!r} (first on line {first}); row set aside"))
        if duplicated.any():
            frame = frame[~duplicated]
    try:
        model.validate(frame.drop(columns=[LINE]), lazy=True)
        return frame.reset_index(drop=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    finally:
        release_arrow_memory()
    # A dataframe-wide check fails once per column of the row; report it once, for the whole row.
    per_row = cases.groupby(["index", "check"], dropna=False)["column"].transform("nunique")
    bad_index: set = set()
    seen: set = set()
    for case, columns_failing in zip(cases.itertuples(index=False), per_row):
        index = case.index
        if index is None or (isinstance(index, float) and pd.isna(index)):
            problems.append(Problem(name, 1, str(case.column or ""), f"{case.check}"))
            continue
        bad_index.add(index)
        whole_row = columns_failing > 1
        column = "" if whole_row or not (isinstance(case.column, str) and case.column in frame.columns) else case.column
        if (index, str(case.check), column) in seen:
            continue
        seen.add((index, str(case.check), column))
        value = frame.at[index, column] if column else None
        message = f"{case.check}; row set aside" if whole_row else describe_failure(str(case.check), value)
        problems.append(Problem(name, int(frame.at[index, LINE]), column, message))
    return frame.drop(index=list(bad_index)).reset_index(drop=True)


def release_arrow_memory() -> None:
    """Hand back to the system the memory pyarrow's pool keeps after validation: the schemas
    coerce every text column to pyarrow strings, then drop them (about 60 MB at 50,000 providers)."""
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()


def describe_failure(check: str, value) -> str:
    shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else f" {str(value)[:80]!r}"
    if check == "not_nullable":
        return "required value is empty; row set aside"
    if check.startswith("isin"):
        return f"value{shown} is not one of the allowed values; row set aside"
    if check.startswith("str_matches"):
        return f"value{shown} has the wrong format; row set aside"
    if check.startswith(("greater_than", "less_than", "in_range")):
        return f"value{shown} is out of range ({check}); row set aside"
    if check.startswith("field_uniqueness") or check == "unique":
        return f"value{shown} is duplicated; row set aside"
    return f"{check}:{shown}; row set aside" if shown else f"{check}; row set aside"


def empty_frame(columns: list[str], numeric: list[str] = ()) -> pd.DataFrame:
    """No rows, but every column (and `_line`) with its type, so later steps need no special case."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in numeric else object) for c in list(columns) + [LINE]})


def empty_data_frame(name: str) -> pd.DataFrame:
    return empty_frame(list(SCHEMAS[name].to_schema().columns), NUMERIC_COLUMNS.get(name, []))


def cross_check(providers: pd.DataFrame, evidence: pd.DataFrame, sources: pd.DataFrame,
                problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evidence must point at a known provider and a known source; providers' sources must exist."""
    known_providers = set(providers["provider_id"])
    known_sources = set(sources["source_url"])
    unknown_provider = ~evidence["provider_id"].isin(known_providers)
    unlisted_source = ~unknown_provider & ~evidence["source_url"].isin(known_sources)
    bad_evidence = unknown_provider | unlisted_source
    for line, provider_id, unknown in zip(evidence.loc[bad_evidence, LINE], evidence.loc[bad_evidence, "provider_id"],
                                          unknown_provider[bad_evidence]):
        if unknown:
            problems.append(Problem("evidence.csv", int(line), "provider_id",
                                    f"unknown provider {provider_id!r}; row set aside"))
        else:
            problems.append(Problem("evidence.csv", int(line), "source_url",
                                    "source is not listed in sources.csv; row set aside"))
    duplicated = evidence.duplicated(["provider_id", "criterion_id", "source_url"], keep="first") & ~bad_evidence
    for index in evidence.index[duplicated]:
        problems.append(Problem("evidence.csv", int(evidence.at[index, LINE]), "criterion_id",
                                "same provider, criterion and source as an earlier row; row set aside"))
    if (bad_evidence | duplicated).any():  # (filtering copies every column, so only when a row goes)
        evidence = evidence[~bad_evidence & ~duplicated]
    # A row names its first unlisted source: source_urls items in order, then the status URL.
    # Most cells are one listed URL; only the others are split (a listed URL may itself hold ";").
    urls = providers["source_urls"]
    whole = urls.isin(known_sources) & urls.map(lambda cell: ";" not in cell and cell == cell.strip()
                                                 if isinstance(cell, str) else False)
    cited = urls[~whole].map(split_list).explode().dropna()
    unlisted = cited[~cited.isin(known_sources)]
    first = ~unlisted.index.duplicated()
    first_unlisted = dict(zip(unlisted.index[first], unlisted[first]))
    status = providers["status_source_url"]
    unlisted_status = status.map(bool) & ~status.isin(known_sources)  # map(bool): an empty cell cites nothing
    bad_providers = pd.Series(providers.index.isin(list(first_unlisted)), index=providers.index) | unlisted_status
    for index, line, status_url in zip(providers.index[bad_providers], providers.loc[bad_providers, LINE],
                                       status[bad_providers]):
        column, url = ("source_urls", first_unlisted[index]) if index in first_unlisted else ("status_source_url", status_url)
        problems.append(Problem("providers.csv", int(line), column,
                                f"source {url!r} is not listed in sources.csv; row set aside"))
    if bad_providers.any():
        providers = providers[~bad_providers]
        evidence = evidence[evidence["provider_id"].isin(set(providers["provider_id"]))]
    return providers.reset_index(drop=True), evidence.reset_index(drop=True)


def check_zips(providers: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """A ZIP must exist and lie in the row's state; a wrong one is reported and emptied (the row stays)."""
    has_zip = providers["zip"].notna()
    if not has_zip.any():
        return providers
    wrong = {index: message for index, zip_code, state in zip(providers.index[has_zip], providers.loc[has_zip, "zip"],
                                                             providers.loc[has_zip, "state"])
             if (message := geo.zip_problems(zip_code, state))}
    if not wrong:
        return providers
    providers = providers.copy()
    for index, message in wrong.items():
        problems.append(Problem("providers.csv", int(providers.at[index, LINE]), "zip", f"{message}; the ZIP is ignored"))
        providers.at[index, "zip"] = None
    return providers


def check_prices(prices: pd.DataFrame, providers: pd.DataFrame, known_sources: set,
                 problems: list[Problem]) -> pd.DataFrame:
    """A price must name a known provider, a route that provider offers (or `any`) and a listed page."""
    routes = dict(zip(providers["provider_id"], providers["routes"].map(split_list)))
    kept = []
    for index, row in prices.iterrows():
        line = int(row[LINE])
        if row["provider_id"] not in routes:
            problems.append(Problem("prices.csv", line, "provider_id", f"unknown provider {row['provider_id']!r}; row set aside"))
        elif row["route"] != ANY_ROUTE and row["route"] not in routes[row["provider_id"]]:
            problems.append(Problem("prices.csv", line, "route",
                                    f"{row['provider_id']!r} does not offer route {row['route']!r} (providers.csv); row set aside"))
        elif row["source_url"] not in known_sources:
            problems.append(Problem("prices.csv", line, "source_url", "source is not listed in sources.csv; row set aside"))
        else:
            kept.append(index)
    return prices.loc[kept].reset_index(drop=True)


def load_directory(data_dir: str | Path) -> Directory:
    """Read, validate and cross-check the data files of a directory; geocode providers."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    frames = {}
    if not data_dir.is_dir():
        problems.append(Problem(str(data_dir), 0, "", "data folder not found"))
    for name in DATA_FILES:
        path = data_dir / name
        if not path.exists():
            if data_dir.is_dir() and name not in OPTIONAL_FILES:
                problems.append(Problem(name, 0, "", "file not found"))
            frames[name] = empty_data_frame(name)
            continue
        frames[name] = validate_frame(name, read_rows(path, problems), problems)
    providers, evidence = cross_check(frames["providers.csv"], frames["evidence.csv"], frames["sources.csv"], problems)
    providers = check_zips(providers, problems)
    prices = check_prices(frames["prices.csv"], providers, set(frames["sources.csv"]["source_url"]), problems)
    providers = geo.geocode_providers(providers)
    problems.sort(key=lambda p: (DATA_FILES.index(p.file) if p.file in DATA_FILES else -1, p.line))
    release_arrow_memory()  # what cross_check and geocoding left in pyarrow's pool
    return Directory(providers=providers, evidence=evidence, sources=frames["sources.csv"], prices=prices,
                     problems=problems, data_dir=str(data_dir))
