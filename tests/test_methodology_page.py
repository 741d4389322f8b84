"""The Methodology page renders the checklist, the formula, freshness and the ranking statement."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from vetting import checklists, scoring
from vetting.loader import load_directory

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_methodology() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/methodology.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_methodology_renders_checklist_formula_and_ranking():
    at = open_methodology()
    markdown = "\n".join(m.value for m in at.markdown)
    for criterion_id in checklists.criteria().index:
        assert f"(`{criterion_id}`)" in markdown
    assert scoring.FORMULA_MARKDOWN in markdown
    assert "Nothing in this directory is ordered, badged or hidden for payment" in markdown
    assert "(<https://" in markdown  # seed sources are links
    headers = [h.value for h in at.header]
    assert headers == ["The checklist", "How the grade is computed", "What unknown means", "How fresh the data is",
                       "Neutral ranking"]
    freshness = at.dataframe[0].value
    assert list(freshness["rows"]) and freshness["older_than_12_months"].ge(0).all()


def test_methodology_shows_the_rubric_and_who_wrote_the_sources():
    at = open_methodology()
    criteria = checklists.criteria()
    assert [e.label for e in at.expander][:len(criteria)] == list(criteria["title"])
    rubric = next(e for e in at.expander if e.label == criteria.loc["success_rate_claims", "title"])
    text = "\n".join(m.value for m in rubric.markdown)
    assert "Counts as a red flag" in text and "Does not count" in text and "Severity:" in text
    markdown = "\n".join(m.value for m in at.markdown)
    assert "published by ketamine providers" in markdown
    sources = load_directory(Path(APP).parent / "data").sources
    plain = markdown.replace("\\", "")  # titles are shown escaped
    for title in sources.loc[sources["kind"] == "source_document", "title"]:
        assert title in plain
    assert "Innerwell" in markdown  # a provider in the directory that publishes two of them
    assert "lists providers by place unless you choose" in markdown
