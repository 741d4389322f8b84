"""Data & sources: what every column means, every source cited, and rows that could not be used."""

import pandas as pd
import streamlit as st

import ui
from vetting.docs import data_dictionary_markdown
from vetting.vocab import SOURCE_KINDS

ui.ensure_app()

st.title("Data & sources")
directory = ui.directory()
st.markdown(
    f"The directory holds **{len(directory.providers)} providers**, **{len(directory.evidence)} evidence rows** and "
    f"**{len(directory.sources)} sources**, read from `{ui.escape_markdown(ui.data_dir())}`. "
    "Every provider fact links to the page it came from and the date it was read; an empty cell means "
    "*not found*, never *no*. No provider pays to be listed or ranked.")

st.header("Rows set aside")
if directory.problems:
    st.caption("These rows broke a rule of the schema below and were left out; everything else loaded. "
               "Line numbers are lines of the file (line 1 is the header).")
    st.dataframe(pd.DataFrame([p.__dict__ for p in directory.problems]), hide_index=True, width="stretch",
                 column_config={"file": "File", "line": st.column_config.NumberColumn("Line", format="%d"),
                                "column": "Column", "message": "Problem"})
else:
    st.success("Every row of every data file passed validation.")

st.header("Sources")
sources = directory.sources.assign(kind=directory.sources["kind"].map(SOURCE_KINDS))
st.dataframe(sources[["source_id", "title", "publisher", "kind", "published", "source_url", "notes"]],
             hide_index=True, width="stretch",
             column_config={"source_url": st.column_config.LinkColumn("Link"), "source_id": "Id",
                            "title": "Title", "publisher": "Publisher", "kind": "Kind", "published": "Published",
                            "notes": "Notes"})

st.header("What each column means")
st.markdown(data_dictionary_markdown().split("\n", 1)[1])
