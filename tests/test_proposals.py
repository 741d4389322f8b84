"""Proposals: validation, the merge plan, `python -m vetting merge` and applying into a copy of data/."""

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vetting import load_directory
from vetting import proposals as P
from vetting.cli import main
from vetting.loader import DATA_FILES

DATA = Path(__file__).resolve().parent.parent / "data"
NEW_URL = "https://new-clinic.example.com/about"
DAY = "2026-11-20"


@pytest.fixture(scope="module")
def bundled(bundled_directory):
    return bundled_directory


@pytest.fixture
def data_copy(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in DATA_FILES:
        shutil.copy(DATA / name, folder / name)
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in DATA_FILES}


def meta(kind, action, url=NEW_URL, reason="The page shows it."):
    return {"kind": kind, "action": action, "source_url": url, "proposed_on": DAY, "reason": reason}


def new_source(url=NEW_URL):
    return {**meta("source", "add", url), "title": "New clinic: about us", "source_kind": "provider_site"}


def new_provider(provider_id="new-clinic-austin", **fields):
    row = {**meta("provider", "add"), "provider_id": provider_id, "name": "New Clinic", "care_setting": "clinic",
           "routes": "iv", "supervision_model": "in_clinic_monitored", "city": "Austin", "state": "TX"}
    row.update(fields)
    return row


def new_evidence(provider_id="new-clinic-austin", criterion_id="medical_screening", **fields):
    row = {**meta("evidence", "add"), "provider_id": provider_id, "criterion_id": criterion_id, "status": "met",
           "note": "Screens every patient before the first infusion."}
    row.update(fields)
    return row


def write(folder: Path, rows: list[dict], name="proposal.csv") -> Path:
    path = folder.parent / name
    path.write_text(P.proposal_csv(rows), encoding="utf-8")
    return path


def merge(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["merge", *map(str, args)], out=out, err=err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def plan_for(rows, directory) -> P.MergePlan:
    checked, problems = P.validate_proposal(rows, directory)
    return P.plan_merge(checked, directory, problems)


def provider_with(directory, column, present: bool):
    """A loaded provider whose `column` is filled (present) or empty, and its raw cells."""
    rows = P.current_rows(directory)["provider"]
    for (provider_id,), cells in rows.items():
        if (cells.get(column) is not None) == present:
            return provider_id, cells
    pytest.skip(f"no provider with {column} {'filled' if present else 'empty'}")


def test_a_good_proposal_merges_and_the_directory_shows_it(data_copy):
    before = snapshot(data_copy)
    proposal = write(data_copy, [new_source(), new_provider(phone="512-555-0100"), new_evidence()])
    code, out, _ = merge(proposal, data_copy)
    assert code == 0, out
    assert out.splitlines()[:3] == [
        f"+ sources.csv {NEW_URL}: title=New clinic: about us, source_kind=provider_site",
        "+ providers.csv new-clinic-austin: name=New Clinic, care_setting=clinic, routes=iv, supervision_model=in_clinic_monitored, "
        f"phone=512-555-0100, city=Austin, state=TX, source_urls={NEW_URL}, checked_on={DAY}",
        f"+ evidence.csv new-clinic-austin medical_screening {NEW_URL}: status=met, "
        f"note=Screens every patient before the first infusion., checked_on={DAY}",
    ]
    assert snapshot(data_copy) == before  # without --apply nothing is written
    code, out, _ = merge("--apply", proposal, data_copy)
    assert code == 0, out
    after = snapshot(data_copy)
    for name in ("providers.csv", "evidence.csv", "sources.csv"):  # every earlier row keeps its bytes; one row is appended
        assert after[name].startswith(before[name])
        assert after[name].count("\n") == before[name].count("\n") + 1
    merged = load_directory(data_copy)
    assert merged.problems == []
    added = merged.providers.set_index("provider_id").loc["new-clinic-austin"]
    assert (added["name"], added["city"], added["source_urls"]) == ("New Clinic", "Austin", NEW_URL)
    evidence = merged.evidence[merged.evidence["provider_id"] == "new-clinic-austin"]
    assert evidence[["criterion_id", "status", "source_url"]].values.tolist() == [["medical_screening", "met", NEW_URL]]


def test_an_update_fills_an_empty_field_and_keeps_every_other_row(data_copy, bundled):
    provider_id, cells = provider_with(bundled, "city", present=False)
    source = cells["source_urls"].split(";")[0]
    row = {**meta("provider", "update", url=source), "provider_id": provider_id, "city": "Springfield"}
    proposal = write(data_copy, [row])
    before = snapshot(data_copy)
    code, out, _ = merge("--apply", proposal, data_copy)
    assert code == 0, out
    assert f"~ providers.csv {provider_id}: city: (empty) -> Springfield" in out.splitlines()
    after = snapshot(data_copy)
    assert after["evidence.csv"] == before["evidence.csv"] and after["sources.csv"] == before["sources.csv"]
    changed = [(old, new) for old, new in zip(before["providers.csv"].splitlines(), after["providers.csv"].splitlines()) if old != new]
    assert len(changed) == 1 and changed[0][0].startswith(provider_id + ",") and ",Springfield," in changed[0][1]
    merged = load_directory(data_copy).providers.set_index("provider_id")
    assert merged.at[provider_id, "city"] == "Springfield"
    assert merged.at[provider_id, "source_urls"] == cells["source_urls"]  # its page was already cited


@pytest.mark.parametrize("expected, outcome", [
    (None, "conflict"),        # the field holds a value the proposal does not mention
    ("wrong", "conflict"),     # the proposal expects a value the data does not hold
    ("current", "applied"),    # the proposal names the value it replaces
])
def test_replacing_a_value_needs_the_value_it_replaces(data_copy, bundled, expected, outcome):
    provider_id, cells = provider_with(bundled, "name", present=True)
    row = {**meta("provider", "update", url=cells["source_urls"].split(";")[0]), "provider_id": provider_id,
           "name": "A Corrected Name"}
    if expected is not None:
        row["expected_name"] = cells["name"] if expected == "current" else "Some Other Name"
    proposal = write(data_copy, [row])
    before = snapshot(data_copy)
    code, out, _ = merge("--apply", proposal, data_copy)
    if outcome == "conflict":
        assert code == 1
        assert out.splitlines()[0].startswith(f"? conflict line 2: providers.csv {provider_id}: name holds {cells['name']!r}")
        assert snapshot(data_copy) == before  # nothing is overwritten
    else:
        assert code == 0
        assert f"~ providers.csv {provider_id}: name: {cells['name']} -> A Corrected Name" in out
        assert load_directory(data_copy).providers.set_index("provider_id").at[provider_id, "name"] == "A Corrected Name"


def price_row_with(directory):
    """A loaded price row and its raw cells (the bundled data has prices)."""
    (key, cells), *_ = P.current_rows(directory)["price"].items()
    return key, cells


def test_a_new_price_on_a_new_page_is_added_and_the_same_key_again_is_refused(data_copy, bundled):
    (provider_id, route, unit, _), cells = price_row_with(bundled)
    new_low = float(cells["low_usd"]) + 50
    rows = P.price_rows(provider_id, {"route": route, "unit": unit, "low_usd": f"{new_low:g}", "high_usd": f"{new_low:g}",
                                      "payer": "self_pay", "note": "New list on the page."},
                        NEW_URL, "The page lists a new price.", DAY, bundled, [], "New clinic: about", "provider_site")
    assert [r["kind"] for r in rows] == ["source", "price"] and rows[-1]["action"] == "add"
    code, out, _ = merge("--apply", write(data_copy, rows), data_copy)
    assert code == 0, out
    merged = load_directory(data_copy)
    assert merged.problems == []
    added = merged.prices[(merged.prices["provider_id"] == provider_id) & (merged.prices["source_url"] == NEW_URL)]
    assert added[["route", "unit", "low_usd"]].values.tolist() == [[route, unit, new_low]]
    # the old row stays: a price from another page is another row, never an overwrite
    assert len(merged.prices) == len(bundled.prices) + 1
    again = [{**meta("price", "add"), "provider_id": provider_id, "route": route, "unit": unit, "low_usd": "1",
              "high_usd": "1", "payer": "self_pay", "checked_on": DAY}]
    code, out, _ = merge(write(data_copy, again), data_copy)
    assert code == 1 and "already in prices.csv; use action update" in out


def test_a_price_update_states_what_it_replaces(data_copy, bundled):
    (provider_id, route, unit, url), cells = price_row_with(bundled)
    new_low = float(cells["low_usd"]) + 25
    rows = P.price_rows(provider_id, {"route": route, "unit": unit, "low_usd": f"{new_low:g}",
                                      "high_usd": f"{max(new_low, float(cells['high_usd'])):g}"},
                        url, "The page now lists more.", DAY, bundled)
    assert rows[-1]["action"] == "update" and rows[-1]["expected_low_usd"] == cells["low_usd"]
    code, out, _ = merge("--apply", write(data_copy, rows), data_copy)
    assert code == 0, out
    merged = load_directory(data_copy).prices
    row = merged[(merged["provider_id"] == provider_id) & (merged["route"] == route) & (merged["unit"] == unit)
                 & (merged["source_url"] == url)]
    assert row["low_usd"].tolist() == [new_low]


UNREADABLE = [
    ("binary", b"kind,action\x00\x01\x02", "looks binary"),
    ("latin-1", "kind,action,source_url,proposed_on,reason\nprovider,add,https://a.example.com,2026-01-01,caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("empty", b"", "empty"),
]


@pytest.mark.parametrize("label, content, message", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_an_unreadable_proposal_is_a_message_and_exit_2(data_copy, label, content, message):
    path = data_copy.parent / "proposal.csv"
    path.write_bytes(content)
    code, out, err = merge("--apply", path, data_copy)
    assert (code, out) == (2, "")
    assert message in err


@pytest.mark.parametrize("target, message", [("missing.csv", "no such file"), (".", "is a folder")])
def test_a_missing_proposal_or_data_folder_is_exit_2(data_copy, target, message):
    code, _, err = merge(data_copy.parent / target, data_copy)
    assert code == 2 and message in err


HEADER = "kind,action,source_url,proposed_on,reason,provider_id,name,care_setting,supervision_model,zip,criterion_id,status,note\n"
MALFORMED = [
    ("unknown column", "kind,action,source_url,proposed_on,reason,provider_id,price\nprovider,update,{url},2026-11-20,x,{pid},400\n",
     "! rejected line 1: price: unknown column 'price'"),
    ("missing reason column", "kind,action,source_url,proposed_on,provider_id,name\nprovider,update,{url},2026-11-20,{pid},X\n",
     "! rejected line 1: reason: required column is missing"),
    ("too few cells", HEADER + "provider,update,{url}\n", "! rejected line 2: -: row has 3 cells but the header has 13"),
    ("bad URL", HEADER + "provider,update,javascript:alert(1),2026-11-20,x,{pid},New name,,,,,,\n",
     "! rejected line 2: source_url: source_url 'javascript:alert(1)' is not an absolute http(s) URL"),
    ("relative URL", HEADER + "provider,update,/about,2026-11-20,x,{pid},New name,,,,,,\n", "is not an absolute http(s) URL"),
    ("unknown provider", HEADER + "provider,update,{url},2026-11-20,x,no-such-clinic,New name,,,,,,\n",
     "! rejected line 2: provider_id: no-such-clinic is not in providers.csv; an update must name an existing row"),
    ("add collides", HEADER + "provider,add,{url},2026-11-20,x,{pid},Dup,clinic,in_clinic_monitored,,,,\n",
     f"is already in providers.csv; use action update"),
    ("bad zip", HEADER + "provider,update,{url},2026-11-20,x,{pid},,,,1234,,,\n",
     "! rejected line 2: zip: value '1234' has the wrong format; row set aside"),
    ("bad kind", HEADER + "clinic,add,{url},2026-11-20,x,{pid},,,,,,,\n", "kind 'clinic' is not one of provider, evidence, source"),
    ("no reason", HEADER + "provider,update,{url},2026-11-20,,{pid},New name,,,,,,\n", "! rejected line 2: reason: say why"),
    ("bad date", HEADER + "provider,update,{url},2026-13-40,x,{pid},New name,,,,,,\n", "proposed_on '2026-13-40' is not a date"),
    ("unknown criterion", HEADER + "evidence,add,{url},2026-11-20,x,{pid},,,,,magic,met,Shows it.\n",
     "! rejected line 2: criterion_id: value 'magic' is not one of the allowed values"),
    ("evidence for unknown provider", HEADER + "evidence,add,{url},2026-11-20,x,nobody-here,,,,,medical_screening,met,Shows it.\n",
     "unknown provider 'nobody-here'"),
    ("uncited source", HEADER + "evidence,add,https://not-listed.example.com/,2026-11-20,x,{pid},,,,,medical_screening,met,Shows it.\n",
     "is not listed in sources.csv nor added by a source row"),
    ("field of another file", HEADER + "provider,update,{url},2026-11-20,x,{pid},,,,,,,A note\n",
     "note is not a providers.csv column; leave it empty on provider rows"),
]


@pytest.mark.parametrize("label, text, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_proposal_is_rejected_with_the_reason_and_nothing_is_written(data_copy, bundled, label, text, message):
    provider_id, cells = provider_with(bundled, "name", present=True)
    url = cells["source_urls"].split(";")[0]
    path = data_copy.parent / "proposal.csv"
    path.write_text(text.format(url=url, pid=provider_id), encoding="utf-8")
    before = snapshot(data_copy)
    code, out, err = merge("--apply", path, data_copy)
    assert code == 1
    assert message in out, out
    assert snapshot(data_copy) == before


def test_apply_writes_only_the_accepted_rows(data_copy, bundled):
    named_id, named = provider_with(bundled, "name", present=True)
    rows = [
        new_source(),
        new_provider(),                                                                  # accepted
        new_evidence(criterion_id="not_a_criterion"),                                    # rejected
        {**meta("provider", "update"), "provider_id": named_id, "name": "Overwritten"},  # conflict
        new_provider("second-new-clinic", zip="12"),                                     # rejected
    ]
    before = snapshot(data_copy)
    code, out, _ = merge("--apply", write(data_copy, rows), data_copy)
    assert code == 1
    assert out.count("\n! rejected") + out.startswith("! rejected") == 2 and out.count("? conflict") == 1
    merged = load_directory(data_copy)
    ids = set(merged.providers["provider_id"])
    assert "new-clinic-austin" in ids and "second-new-clinic" not in ids
    assert merged.providers.set_index("provider_id").at[named_id, "name"] == named["name"]
    assert NEW_URL in set(merged.sources["source_url"])
    after = snapshot(data_copy)
    assert after["evidence.csv"] == before["evidence.csv"]
    for name in ("providers.csv", "sources.csv"):
        assert after[name].startswith(before[name]) and after[name].count("\n") == before[name].count("\n") + 1


def test_rows_that_depend_on_a_rejected_row_are_rejected_too(bundled):
    rows = [{**new_source(), "source_kind": "blog"}, new_provider(), new_evidence()]
    checked, problems = P.validate_proposal(rows, bundled)
    plan = P.plan_merge(checked, bundled, problems)
    assert [r.line for r in plan.rejected] == [2, 3, 4] and not plan.added
    reasons = {p.line: p.message for p in problems}
    assert "not one of the allowed values" in reasons[2]
    assert "proposed on line 2, which is rejected" in reasons[3]
    assert "which is rejected" in reasons[4]


def test_schema_messages_are_the_ones_validate_prints(data_copy, bundled):
    """A bad value gets the same message in a proposal as in a data file."""
    provider_id, cells = provider_with(bundled, "name", present=True)
    _, problems = P.validate_proposal([{**meta("provider", "update", url=cells["source_urls"].split(";")[0]),
                                        "provider_id": provider_id, "state": "ZZ"}], bundled)
    path = data_copy / "providers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    index = next(i for i, line in enumerate(lines) if line.startswith(provider_id + ","))
    cells_in_file = next(csv.reader([lines[index]]))
    cells_in_file[header.index("state")] = "ZZ"
    lines[index] = ",".join(f'"{c}"' if ("," in c or '"' in c) else c for c in cells_in_file) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    loaded = [p.message for p in load_directory(data_copy).problems if p.column == "state"]
    assert [p.message for p in problems] == loaded == ["value 'ZZ' is not one of the allowed values; row set aside"]


def test_apply_writes_nothing_when_the_merged_data_would_not_load_cleanly(data_copy, bundled):
    plan = plan_for([new_source(), new_provider()], bundled)
    # The data drifts after the plan was made: the new provider's source is no longer going to be written.
    plan.added = [e for e in plan.added if e.kind == "provider"]
    before = snapshot(data_copy)
    with pytest.raises(P.MergeError, match="new problem"):
        P.apply_merge(plan, data_copy)
    assert snapshot(data_copy) == before


def test_apply_refuses_an_update_whose_field_changed_since_the_plan(data_copy, bundled):
    provider_id, cells = provider_with(bundled, "city", present=False)
    plan = plan_for([{**meta("provider", "update", url=cells["source_urls"].split(";")[0]),
                      "provider_id": provider_id, "city": "Springfield"}], bundled)
    path = data_copy / "providers.csv"
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith(provider_id + ","))
    # Fill the city in the file behind the plan's back.
    header = next(csv.reader([text.splitlines()[0]]))
    row = next(csv.reader([line]))
    row[header.index("city")] = "Shelbyville"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    path.write_text(text.replace(line, buffer.getvalue()), encoding="utf-8")
    before = snapshot(data_copy)
    with pytest.raises(P.MergeError, match="changed since the plan was made"):
        P.apply_merge(plan, data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("form", ["list", "frame", "text", "bytes"])
def test_every_input_form_reads_the_same(bundled, form):
    rows = [new_source(), new_provider(), new_evidence()]
    proposal = {"list": rows, "frame": pd.DataFrame(rows), "text": P.proposal_csv(rows),
                "bytes": P.proposal_csv(rows).encode("utf-8")}[form]
    checked, problems = P.validate_proposal(proposal, bundled)
    assert problems == []
    assert [(r.line, r.kind, r.action, r.key) for r in checked] == [
        (2, "source", "add", (NEW_URL,)), (3, "provider", "add", ("new-clinic-austin",)),
        (4, "evidence", "add", ("new-clinic-austin", "medical_screening", NEW_URL))]


@pytest.mark.parametrize("column, a, b, same", [
    ("low_usd", "400", "400.0", True),
    ("low_usd", "400", "450", False),
    ("routes", "iv;im", "im; iv", True),
    ("routes", "iv", "iv;im", False),
    ("name", "Clinic", "clinic", False),
    ("city", None, "", True),
    ("city", None, "Austin", False),
])
def test_same_value(column, a, b, same):
    assert P.same_value(column, a, b) is same


def test_the_page_builders_round_trip_through_the_cli(data_copy, bundled):
    """What the Suggest page downloads merges with `python -m vetting merge` and is then visible."""
    corrected_id, corrected = provider_with(bundled, "phone", present=False)
    rows = P.new_provider_rows({"name": "Round Trip Ketamine", "city": "Denver", "state": "CO", "care_setting": "clinic",
                                "supervision_model": "in_clinic_monitored", "routes": ["iv", "im"]},
                               NEW_URL, "Listed on its own site.", DAY, bundled, [], "Round Trip: about", "provider_site")
    new_id = rows[-1]["provider_id"]
    assert new_id == "round-trip-ketamine-denver"
    rows += P.evidence_rows(new_id, "emergency_protocols", "met", "Describes its emergency plan.", NEW_URL,
                            "Page shows it.", DAY, bundled, rows)
    rows += P.price_rows(new_id, {"route": "iv", "unit": "session", "low_usd": "500", "high_usd": "500",
                                  "payer": "self_pay"}, NEW_URL, "Its price page.", DAY, bundled, rows)
    correction = P.provider_correction_rows(corrected_id, {"phone": "(303) 555-0199", "name": corrected["name"]},
                                            NEW_URL, "Phone on the page.", DAY, bundled, rows)
    assert [r["kind"] for r in correction] == ["provider"]  # the source is already pending
    assert correction[0]["phone"] == "303-555-0199" and "name" not in correction[0]
    rows += correction
    path = data_copy.parent / "from-the-page.csv"
    path.write_text(P.proposal_csv(rows), encoding="utf-8")
    code, out, _ = merge("--apply", path, data_copy)
    assert code == 0, out
    merged = load_directory(data_copy)
    assert merged.problems == []
    providers = merged.providers.set_index("provider_id")
    assert providers.at[new_id, "name"] == "Round Trip Ketamine" and providers.at[new_id, "routes"] == "iv;im"
    assert providers.at[corrected_id, "phone"] == "303-555-0199"
    assert NEW_URL in providers.at[corrected_id, "source_urls"].split(";")
    assert ((merged.evidence["provider_id"] == new_id) & (merged.evidence["criterion_id"] == "emergency_protocols")).sum() == 1
    assert merged.prices[merged.prices["provider_id"] == new_id][["route", "unit", "low_usd"]].values.tolist() == [["iv", "session", 500.0]]


def test_a_correction_that_changes_nothing_proposes_nothing(bundled):
    provider_id, cells = provider_with(bundled, "name", present=True)
    assert P.provider_correction_rows(provider_id, {"name": cells["name"], "city": ""}, NEW_URL, "x", DAY, bundled) == []
