"""How much of the directory is known: the share of open providers with a phone, an address, the
states they serve, a price, insurance facts and evidence, and the median number of checklist
criteria known per provider.

One definition, shown on the Data page and printed by `python -m vetting validate`. Closed
providers are left out of every share (they are hidden by default), and a closure counts only when
it cites a page. `PREVIOUS_FILE` holds the same figures for the release before, measured by
`coverage_rows` on that release's data (see `write_previous`), so the page can show the change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .loader import Directory

PREVIOUS_FILE = "coverage_previous.json"
ON_SITE = ("clinic", "hybrid")
SERVES_REMOTELY = ("at_home", "hybrid")
INSURANCE_COLUMNS = ("insurance", "spravato_covered_by_insurance", "hsa_fsa", "superbill")


@dataclass(frozen=True)
class Coverage:
    """One measure: `count` of `of` (a share), or a plain `value` when `of` is None."""

    measure: str
    count: float
    of: int | None = None

    @property
    def share(self) -> float | None:
        return None if not self.of else self.count / self.of

    def text(self) -> str:
        if self.of is None:
            return f"{self.count:g}"
        return f"{self.count:g} of {self.of} ({self.share:.0%})" if self.of else "0 of 0"


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].notna() & (frame[column].astype(str).str.strip() != "")


def coverage_rows(directory: Directory) -> list[Coverage]:
    """The coverage table, in the order people read it."""
    providers, evidence, prices = directory.providers, directory.evidence, directory.prices
    closed = providers["status"].eq("closed") if "status" in providers else pd.Series(False, index=providers.index)
    open_ = providers[~closed.fillna(False)]
    on_site = open_[open_["care_setting"].isin(ON_SITE)]
    remote = open_[open_["care_setting"].isin(SERVES_REMOTELY)]
    priced = set(prices["provider_id"]) if len(prices) else set()
    known = evidence.groupby("provider_id")["criterion_id"].nunique() if len(evidence) else pd.Series(dtype=int)
    known_per_open = known.reindex(open_["provider_id"]).fillna(0)
    insurance = pd.concat([_filled(open_, c) for c in INSURANCE_COLUMNS], axis=1).any(axis=1) if len(open_) else []
    closures = providers[closed.fillna(False) & _filled(providers, "status_source_url")]
    return [
        Coverage("Providers listed", len(providers)),
        Coverage("Open providers with a phone", int(_filled(open_, "phone").sum()), len(open_)),
        Coverage("On-site providers with street and ZIP", int((_filled(on_site, "street") & _filled(on_site, "zip")).sum()),
                 len(on_site)),
        Coverage("On-site providers with city and state", int((_filled(on_site, "city") & _filled(on_site, "state")).sum()),
                 len(on_site)),
        Coverage("At-home and hybrid services with states served", int(_filled(remote, "states_served").sum()), len(remote)),
        Coverage("Open providers with a price", int(open_["provider_id"].isin(priced).sum()), len(open_)),
        Coverage("Open providers with insurance facts", int(pd.Series(insurance).sum()), len(open_)),
        Coverage("Open providers with evidence", int((known_per_open > 0).sum()), len(open_)),
        Coverage("Median checklist criteria known per open provider", float(known_per_open.median()) if len(open_) else 0.0),
        Coverage("Closures with a source", len(closures)),
    ]


def coverage_frame(current: list[Coverage], previous: list[Coverage] | None = None) -> pd.DataFrame:
    """Measure, now and (when known) in the release before, as text for a table."""
    before = {c.measure: c.text() for c in previous or []}
    return pd.DataFrame([{"Measure": c.measure, "Now": c.text(), "Previous release": before.get(c.measure, "")}
                         for c in current])


def read_previous(data_dir: str | Path) -> tuple[str, list[Coverage]] | None:
    """(release label, figures) from `PREVIOUS_FILE`, or None when the folder has none or it is unreadable."""
    path = Path(data_dir) / PREVIOUS_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return record["release"], [Coverage(**row) for row in record["figures"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_previous(directory: Directory, release: str, out_dir: str | Path) -> Path:
    """Freeze a release's figures (run on that release's data) for the next release to compare with."""
    path = Path(out_dir) / PREVIOUS_FILE
    figures = [asdict(c) for c in coverage_rows(directory)]
    path.write_text(json.dumps({"release": release, "figures": figures}, indent=1) + "\n", encoding="utf-8")
    return path
