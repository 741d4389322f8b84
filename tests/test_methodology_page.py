"""The Methodology page renders the checklist, the formula, freshness and the ranking statement."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from vetting import checklists, scoring

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
