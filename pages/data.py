"""Data & sources: what every column means, every source cited, and rows that could not be used."""

import pandas as pd
import streamlit as st

import ui
from vetting.coverage import coverage_frame, coverage_rows, read_previous
from vetting.docs import data_dictionary_markdown
from vetting.vocab import SOURCE_KINDS

ui.ensure_app()

st.title("Data & sources")
directory = ui.directory()
st.markdown(
    f"The directory holds **{len(directory.providers)} providers**, **{len(directory.evidence)} evidence rows** and "
    f"**{len(directory.sources)} sources**. "
    "Every provider fact links to the page it came from and the date it was read; an empty cell means "
    "*not found*, never *no*. No provider pays to be listed or ranked.")

st.header("How much is known")
previous = read_previous(ui.data_dir())
st.caption("Shares of open providers (closed ones are hidden by default and left out). On-site means a clinic "
           "or a hybrid service with a location. A criterion is known when an evidence row records it, met or "
           "red flag; everything else is unknown, which is never counted against a provider."
           + (f" The previous release is the {previous[0]}." if previous else ""))
st.dataframe(coverage_frame(coverage_rows(directory), previous[1] if previous else None), hide_index=True,
             width="stretch")

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
sources = directory.sources.assign(kind=directory.sources["kind"].map(SOURCE_KINDS)).fillna("")  # empty, not "None"
st.dataframe(sources[["source_id", "title", "publisher", "kind", "published", "source_url", "notes"]],
             hide_index=True, width="stretch",
             column_config={"source_url": st.column_config.LinkColumn("Link"), "source_id": "Id",
                            "title": "Title", "publisher": "Publisher", "kind": "Kind", "published": "Published",
                            "notes": "Notes"})

st.header("What each column means")
st.markdown(data_dictionary_markdown().split("\n", 1)[1])
