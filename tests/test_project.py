"""Project conventions that must stay true."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

from vetting.docs import data_dictionary_markdown
from vetting.schemas import SCHEMAS, column_descriptions

ROOT = Path(__file__).resolve().parent.parent


def test_vetting_never_imports_streamlit():
    for path in (ROOT / "vetting").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_no_raw_html_anywhere():
    for path in list(ROOT.glob("*.py")) + list((ROOT / "pages").glob("*.py")) + list((ROOT / "vetting").rglob("*.py")):
        assert "unsafe_allow_html" not in path.read_text(), path


def test_usage_stats_are_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned(requirements):
    for line in (ROOT / requirements).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[0-9][^ ]*", line), line


@pytest.mark.parametrize("file_name", list(SCHEMAS))
def test_every_column_is_documented(file_name):
    for column, description in column_descriptions(file_name).items():
        assert len(description) > 10, f"{file_name}:{column} has no description"


def test_data_readme_is_generated_from_the_schemas():
    assert (ROOT / "data" / "README.md").read_text().startswith(data_dictionary_markdown())


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_commands = re.findall(r"make (run|test)", text)[:2]
    assert first_commands == ["run", "test"]
