"""The rules file (vetting/claims/rules.toml) is the reviewer's copy of every rule: each example it
gives must behave as it says, each flag cites a source the directory knows and a criterion the
checklist has, and the file's fields are all understood."""

import csv
import tomllib
from pathlib import Path

import pytest

from vetting.claims import ANSWER_IDS, ANSWERS, FLAG_CRITERION, FLAG_IDS, FLAGS, audit
from vetting.claims.rules import RULES_PATH, expand, load_rules
from vetting.vocab import CRITERION_IDS

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources.csv"
SEED_IDS = {"seed-lumin-medical-vs-nonmedical", "seed-risks-benefits-explained", "seed-innerwell-ketamine-101",
            "seed-innerwell-myths-facts"}
# Independent sources in data/sources.csv (issue 15): not written by a ketamine provider.
INDEPENDENT_IDS = {"fda-spravato-rems", "spravato-rems-program", "spravato-label-dosing", "fda-compounded-ketamine-2023",
                   "apa-ketamine-consensus-2017", "jama-ketamine-ads-2023", "dea-telemedicine"}


def known_source_ids() -> set[str]:
    with open(SOURCES, encoding="utf-8") as handle:
        return {row["source_id"] for row in csv.DictReader(handle) if row["source_id"]}


FLAG_EXAMPLES = [(text, flag_id, True) for flag_id in FLAG_IDS for text in FLAGS[flag_id].must_match] + \
                [(text, flag_id, False) for flag_id in FLAG_IDS for text in FLAGS[flag_id].must_not_match]
ANSWER_EXAMPLES = [(text, answer_id, True) for answer_id in ANSWER_IDS for text in ANSWERS[answer_id].must_match] + \
                  [(text, answer_id, False) for answer_id in ANSWER_IDS for text in ANSWERS[answer_id].must_not_match]


@pytest.mark.parametrize("text, flag_id, expected", FLAG_EXAMPLES)
def test_flag_example(text, flag_id, expected):
    assert (flag_id in {f.id for f in audit(text).flags}) is expected


@pytest.mark.parametrize("text, answer_id, expected", ANSWER_EXAMPLES)
def test_answer_example(text, answer_id, expected):
    assert (audit(text).answers[answer_id] is not None) is expected


@pytest.mark.parametrize("rule_id", FLAG_IDS + ANSWER_IDS)
def test_every_rule_has_examples_both_ways(rule_id):
    info = FLAGS.get(rule_id) or ANSWERS[rule_id]
    assert info.must_match and info.must_not_match


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_flag_explains_itself_and_cites_an_independent_source_and_a_seed(flag_id):
    info = FLAGS[flag_id]
    cited = {s.source_id for s in info.sources}
    assert info.label and info.why.endswith(".") and info.evidence.endswith(".") and info.note.endswith(".")
    assert info.source_id in INDEPENDENT_IDS and cited & SEED_IDS
    assert cited <= known_source_ids() and all(s.section for s in info.sources)


@pytest.mark.parametrize("answer_id", ANSWER_IDS)
def test_answer_cites_a_known_source_and_a_criterion(answer_id):
    info = ANSWERS[answer_id]
    assert {s.source_id for s in info.sources} <= known_source_ids()
    assert info.criterion_id in CRITERION_IDS and info.question.endswith("?")


def test_one_mapping_from_flag_to_criterion():
    assert FLAG_CRITERION == {
        "guarantee_or_cure": "no_guarantees", "inflated_efficacy": "success_rate_claims",
        "pressure_tactics": "no_guarantees", "recreational_framing": "medical_framing",
        "spravato_at_home": "rems_compliance", "fda_overclaim": "no_guarantees", "minimizes_risk": "no_guarantees",
    }
    assert set(FLAG_CRITERION.values()) <= set(CRITERION_IDS)
    assert "realistic_claims" not in FLAG_CRITERION.values()


@pytest.mark.parametrize("change, message", [
    (lambda data: data["flags"][0]["rules"][0].update(check="no_such_check"), "unknown check"),
    (lambda data: data["flags"][0]["rules"][0].update(pattern="{{NO_SUCH_FRAGMENT}}x"), "unknown fragment"),
    (lambda data: data["flags"][0]["rules"][0].update(negaton="inside"), "unknown rule field"),
    (lambda data: data["flags"][0]["rules"][0].update(negation="sometimes"), "negation must be"),
])
def test_a_mistake_in_the_rules_file_fails_loudly(tmp_path, change, message):
    with open(RULES_PATH, "rb") as handle:
        data = tomllib.load(handle)
    change(data)
    path = tmp_path / "rules.toml"
    path.write_text(_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_rules(path)


def _dump(data) -> str:
    """Just enough TOML writing for the test above (tomllib only reads)."""
    import json

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        raise TypeError(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, (dict, list)) or
             (isinstance(v, list) and not (v and isinstance(v[0], dict)))]
    for table in ("fragments", "context"):
        lines += [f"[{table}]"] + [f"{k} = {value(v)}" for k, v in data[table].items()]
    for kind in ("flags", "answers"):
        for entry in data[kind]:
            lines.append(f"[[{kind}]]")
            lines += [f"{k} = {value(v)}" for k, v in entry.items() if k != "rules"]
            for rule in entry["rules"]:
                lines.append(f"[[{kind}.rules]]")
                lines += [f"{k} = {value(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def test_fragments_expand_and_gaps_stay_in_one_sentence():
    assert expand("a{{gap:5}}{{X}}", {"X": "b{{Y}}", "Y": "c"}) == r"a[^\n.!?]{0,5}?bc"
