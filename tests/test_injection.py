"""Provider fields and typed text always render as text: no HTML, no links except validated
http(s) URL columns (checked here with AppTest; the browser test checks the rendered page)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.factories import provider, write_directory
from vetting import load_directory

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NAMES = ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "<script>alert(1)</script>",
                 "**bold** $x^2$ :material/warning:"]


@pytest.fixture
def hostile_dir(tmp_path, monkeypatch):
    rows = [provider(f"hostile-{i}", name=name, city="New York", state="NY", zip="10001")
            for i, name in enumerate(HOSTILE_NAMES)]
    rows.append(provider("js-site", website="javascript:alert(1)"))  # must be set aside, never linked
    folder = write_directory(tmp_path / "hostile", rows)
    monkeypatch.setenv("VETTING_DATA_DIR", str(folder))
    return folder


def all_markdown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader] + [h.value for h in at.header]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts)


def test_hostile_names_are_data_not_markup(hostile_dir):
    directory = load_directory(hostile_dir)
    assert set(directory.providers["name"]) == set(HOSTILE_NAMES)
    assert [p.column for p in directory.problems] == ["website"]


def test_find_page_renders_hostile_names_literally(hostile_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["q"] = "[x](javascript:alert(1))"
    at.run()
    assert not at.exception
    text = all_markdown(at)
    assert "](javascript:" not in text.replace("\\]", "").replace("\\(", "(") or "\\[" in text
    # the typed search comes back escaped, so Markdown cannot turn it into a link
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in text


def test_find_table_holds_names_as_plain_values(hostile_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(HOSTILE_NAMES) <= set(table["name"])
    assert not table["website"].astype(str).str.startswith("javascript").any()
