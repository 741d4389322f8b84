"""Write data/README.md from the schemas' column descriptions (plus the import notes below them)."""

from pathlib import Path

from vetting.docs import data_dictionary_markdown

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
MARKER = "<!-- end of generated part -->"

if __name__ == "__main__":
    tail = README.read_text().split(MARKER, 1)[1] if README.exists() and MARKER in README.read_text() else "\n"
    README.write_text(data_dictionary_markdown() + "\n" + MARKER + tail)
