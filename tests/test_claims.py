"""The claim audit: red flags with their negations, answered questions, HTML reduction, report
shapes, fuzzing and the `audit` command. Every sentence here is written for these tests."""

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetting import cli
from vetting.claims import (
    ANSWER_IDS, ANSWERS, FLAG_IDS, FLAGS, MARK_CLOSE, MARK_OPEN, audit, looks_like_html, reduce_html, report_to_json,
    report_to_markdown,
)
from vetting.claims.anchors import anchors as _anchors, finditer as _finditer
from vetting.claims.engine import Sentences as _Sentences
from vetting.claims.rules import ANSWER_RULES, FLAG_RULES
from vetting.claims.text import _squash
from vetting.vocab import CRITERION_IDS

def flag_ids(text: str, **kwargs) -> set[str]:
    return {finding.id for finding in audit(text, **kwargs).flags}


def test_inflated_efficacy_reports_the_number_and_the_reference_range():
    finding = next(f for f in audit("Our clinic has a 95% success rate.").flags if f.id == "inflated_efficacy")
    assert "95" in finding.detail and "40" in finding.detail and "70" in finding.detail


def test_a_question_in_the_text_answers_nothing():
    report = audit("How do you handle adverse reactions?")
    assert report.answers["adverse_reaction_handling"] is None


def test_answer_span_points_at_the_answering_words():
    text = "Payment first. A session costs $500 today."
    match = audit(text).answers["price_stated"]
    assert text[match.start:match.end] == "$500"


# ---------------------------------------------------------------- HTML

@pytest.mark.parametrize("html, present, absent", [
    ("<p>Visible words</p><script>var hidden = 'guarantee results';</script>", "Visible words", "hidden"),
    ("<style>p { color: red }</style><p>Shown</p>", "Shown", "color"),
    ("<head><title>Tab title</title><meta charset=utf-8></head><body><p>Body text</p></body>", "Body text", "Tab title"),
    ("<template><p>Later</p></template><p>Now</p>", "Now", "Later"),
    ("<noscript>Enable JS</noscript><div>Main</div>", "Main", "Enable JS"),
    ("<p>Fish &amp; chips &lt;3 caf&eacute;</p>", "Fish & chips <3 café", "&amp;"),
    ("<!-- a comment --><p>After comment</p>", "After comment", "comment -->"),
])
def test_reduce_html_keeps_visible_text_only(html, present, absent):
    text = reduce_html(html)
    assert present in text and absent not in text


def test_block_tags_become_lines():
    assert reduce_html("<h1>Title</h1><p>One</p><ul><li>A</li><li>B</li></ul>").split("\n") == ["Title", "One", "A", "B"]


def test_html_flags_point_into_the_reduced_text():
    html = "<html><body><script>guaranteed results</script><p>Results are guaranteed.</p></body></html>"
    report = audit(html, is_html=True)
    assert report.text == "Results are guaranteed."
    finding = next(f for f in report.flags if f.id == "guarantee_or_cure")
    assert report.text[finding.start:finding.end] == "Results are guaranteed"


@pytest.mark.parametrize("text, expected", [
    ("<!DOCTYPE html><html><body><p>Hi</p></body></html>", True),
    ("<div>Hello</div>", True),
    ("We use <img src=x onerror=alert(1)> in examples", False),
    ("5 < 7 and 9 > 3", False),
])
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected


def test_plain_text_is_never_reduced():
    text = "Plain <b>text</b> stays & as it is"
    assert audit(text, is_html=False).text == text


# ---------------------------------------------------------------- report shapes

def test_json_shape_is_exact():
    text = "Welcome. We guarantee results. A session costs $400."
    data = report_to_json(audit(text, source="page.txt"))
    assert set(data) == {"source", "read_as_html", "truncated", "flags", "answers"} and data["source"] == "page.txt"
    assert data["flags"] and all(set(f) == {
        "id", "label", "criterion_id", "sentence", "sentence_start", "sentence_end", "claim", "start", "end",
        "excerpt", "detail", "why", "evidence", "source_id", "section", "sources"} for f in data["flags"])
    finding = data["flags"][0]
    assert finding["sentence"] == "We guarantee results." == text[finding["sentence_start"]:finding["sentence_end"]]
    assert finding["claim"] == text[finding["start"]:finding["end"]] == "guarantee results"
    assert set(data["answers"]) == set(ANSWER_IDS) and data["answers"]["price_stated"] is True
    json.dumps(data)


def test_findings_are_ordered_by_position():
    report = audit("No side effects at all. Only 2 spots left! We guarantee results.")
    starts = [f.start for f in report.flags]
    assert starts == sorted(starts) and [f.id for f in report.flags] == [
        "minimizes_risk", "pressure_tactics", "guarantee_or_cure"]


def test_markdown_report_lists_findings_and_open_questions_without_html():
    text = "We guarantee results <script>alert(1)</script>."
    markdown = report_to_markdown(audit(text, is_html=False), {"seed-innerwell-ketamine-101": "https://helloinnerwell.com"})
    assert "Guarantees results" in markdown and "https://helloinnerwell.com" in markdown
    assert ANSWERS["price_stated"].question in markdown
    # the pasted tag appears only inside a fenced code block, never as page markup we produced
    fenced = markdown.split("```")
    assert all("<script>" not in part for part in fenced[0::2])
    assert "characters" not in markdown  # people read sentences, not offsets
    assert "«guarantee results»" in markdown


def test_excerpt_is_bounded_and_marks_the_match():
    text = ("filler words " * 40) + "we guarantee results " + ("more filler " * 40)
    finding = audit(text).flags[0]
    assert len(finding.excerpt) <= 200
    assert MARK_OPEN + text[finding.start:finding.end] + MARK_CLOSE in finding.excerpt


# ---------------------------------------------------------------- fuzzing

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.sampled_from([None, True, False]))
def test_audit_never_raises_and_spans_are_consistent(text, is_html):
    report = audit(text, is_html=is_html)
    for finding in report.flags:
        assert 0 <= finding.start < finding.end <= len(report.text)
        assert MARK_OPEN + report.text[finding.start:finding.end] + MARK_CLOSE in finding.excerpt
        assert len(finding.excerpt) <= 200
    for match in report.answers.values():
        if match:
            assert 0 <= match.start < match.end <= len(report.text)
            assert MARK_OPEN + report.text[match.start:match.end] + MARK_CLOSE in match.excerpt


CLAIM_WORDS = ["guarantee", "results", "cure", "not", "never", "no", "side effects", "most", "patients", "recover",
               "85%", "70-80%", "Spravato", "at home", "FDA-approved", "ketamine", "depression", "<p>", "</p>",
               "<script>", "&amp;", ".", "?", "\n", ",", "Dr.", "Lee", "$", "400", "only", "spots", "left"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CLAIM_WORDS), max_size=40).map(" ".join), st.sampled_from([None, True, False]))
def test_audit_on_claim_like_word_salad(text, is_html):
    report = audit(text, is_html=is_html)
    for finding in report.flags:
        assert MARK_OPEN + report.text[finding.start:finding.end] + MARK_CLOSE in finding.excerpt
    json.dumps(report_to_json(report))
    report_to_markdown(report)


# ---------------------------------------------------------------- fast paths give what re gives

RULES = [rule for table in (FLAG_RULES, ANSWER_RULES) for rules in table.values() for rule in rules]
# Rule words plus traps: words inside words (secure, someone), optional characters (k-hole, in-network,
# M.D.), capitals and letters that grow when lower-cased (İ).
ANCHOR_WORDS = CLAIM_WORDS + [
    "secure", "unguaranteed", "guaranteed", "someone", "phone", "k-hole", "khole", "k hole", "in-network", "innetwork",
    "co-pay", "M.D.", "MD", "RN", "Our", "our", "nurse", "Ana", "Ruiz", "Sam", "(our RN)", "monitors", "İ", "one",
    "nine", "of", "ten", "9", "10", "out", "%", "success", "rate", "is", "we", "offer", "therapy", "sessions",
    "infusions", "over", "six", "weeks", "45", "minutes", "mg/kg", "insurance", "no-risk", "risk-free", "\t", "  "]


def assert_same_matches_as_finditer(text: str) -> None:
    sentences = _Sentences(text)
    for rule in RULES:
        searched = sentences.text if rule.case_sensitive else sentences.lowered
        fast = [(m.span(), m.groups()) for m in _finditer(rule.pattern, sentences.anchored(rule.case_sensitive))]
        assert fast == [(m.span(), m.groups()) for m in rule.pattern.finditer(searched)], rule.pattern.pattern


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ANCHOR_WORDS), max_size=60).map(lambda words: "".join(
    word + (" " if i % 5 else "") for i, word in enumerate(words))))
def test_anchored_search_finds_exactly_what_finditer_finds(text):
    # Words are sometimes glued together, so anchors also occur inside words.
    assert_same_matches_as_finditer(text)


@pytest.mark.parametrize("text", [
    "We review and discuss your medical history.",  # "discuss" starts a match inside the first one
    "An unguaranteed, guaranteed result.",  # a match inside a word that the audit then drops
    "Most of the patients, most patients recover.",
    "A secure cure; K-hole, khole and k hole.",
    "Dr. Ana Ruiz, MD and Sam (our RN) monitor; İstanbul İ.",
])
def test_anchored_search_skips_what_finditer_skips(text):
    assert_same_matches_as_finditer(text)


@pytest.mark.parametrize("pattern, anchors", [
    (r"k[- ]?hole\b", ("k hole", "k-hole", "khole")),
    (r"(?:in-?network|medicare)\b", ("in-network", "innetwork", "medicare")),
    (r"(?P<part>one|two)[^\S\n]{1,3}of", ("one", "two")),
    (r"(?:results?|relief)[^\S\n]{1,3}guaranteed", ("relief", "result")),  # "results" adds no start of its own
    (r"cure|miracle", None),  # a top-level alternation
    (r"(?:very[^\S\n]{1,3})?cure", None),  # an optional leading group
    (r"[0-9][0-9]{0,2}%", None),
])
def test_anchors_are_the_literals_every_match_starts_with(pattern, anchors):
    assert _anchors(pattern) == anchors


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\t\r\n\f\v\xa0\u2028\x1c"))))
def test_squash_matches_the_whitespace_regex(text):
    assert _squash(text) == re.sub(r"[ \t\r\n\f\v\xa0]+", " ", text)


# ---------------------------------------------------------------- the audit command

def run_cli(args, stdin_text=""):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["audit", *args], out=out, err=err, stdin=io.StringIO(stdin_text))
    return code, out.getvalue(), err.getvalue()


def test_cli_json_one_line_per_file(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.html"
    first.write_text("We guarantee results.", encoding="utf-8")
    second.write_text("<html><body><p>A session costs $300.</p><script>cure</script></body></html>", encoding="utf-8")
    code, out, err = run_cli(["--json", str(first), str(second)])
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert [line["source"] for line in lines] == [str(first), str(second)]
    assert [f["id"] for f in lines[0]["flags"]] == ["guarantee_or_cure"]
    assert lines[1]["flags"] == [] and lines[1]["answers"]["price_stated"] is True


def test_cli_reads_stdin():
    code, out, _ = run_cli(["--json", "-"], stdin_text="Ketamine is completely non-addictive.")
    data = json.loads(out)
    assert code == 0 and data["source"] == "stdin" and [f["id"] for f in data["flags"]] == ["minimizes_risk"]


def test_cli_text_summary_lists_flags_and_questions(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("Only 2 spots left this week!", encoding="utf-8")
    code, out, _ = run_cli([str(path)])
    assert code == 0 and "Pressure to sign up quickly" in out and ANSWERS["price_stated"].question in out


@pytest.mark.parametrize("make_input, message", [
    (lambda tmp: tmp / "missing.txt", "no such file"),
    (lambda tmp: tmp, "is a folder"),
    (lambda tmp: (tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00") and tmp / "image.txt", "binary"),
    (lambda tmp: (tmp / "latin.txt").write_bytes("caf\xe9".encode("latin-1")) and tmp / "latin.txt", "UTF-8"),
    (lambda tmp: (tmp / "big.txt").write_bytes(b"a" * (2 * 1024 * 1024 + 1)) and tmp / "big.txt", "2 MB"),
])
def test_cli_unreadable_input_exits_2_and_continues(tmp_path, make_input, message):
    bad = make_input(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("We guarantee results.", encoding="utf-8")
    code, out, err = run_cli(["--json", str(bad), str(good)])
    assert code == 2 and message in err
    assert json.loads(out)["source"] == str(good)


def test_one_finding_per_flag_per_sentence():
    report = audit("You will feel like yourself again after your first session, that's our promise. We guarantee results.")
    assert [(f.id, report.sentence(f)) for f in report.flags] == [
        ("guarantee_or_cure", "You will feel like yourself again after your first session, that's our promise."),
        ("guarantee_or_cure", "We guarantee results.")]
