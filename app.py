"""Entry point: `streamlit run app.py`. Builds the navigation and shows the safety notice on every page."""

import streamlit as st

import ui

# A local favicon: a Material icon here (or, without one, each page's icon) makes the browser fetch
# it from fonts.gstatic.com, which the privacy test catches.
st.set_page_config(page_title="Ketamine therapy provider directory", page_icon=str(ui.APP_DIR / "assets" / "favicon.png"),
                   layout="wide")

# (file, title, icon, url_path). Every page is listed here; a wrong path fails loudly at start-up.
PAGES = [
    ("pages/find.py", "Find providers", ":material/search:", "find"),
    ("pages/provider.py", "Provider", ":material/local_hospital:", "provider"),
    ("pages/costs.py", "Costs", ":material/payments:", "costs"),
    ("pages/compare.py", "Compare & shortlist", ":material/compare:", "compare"),
    ("pages/audit.py", "Audit a claim", ":material/fact_check:", "audit"),
    ("pages/suggest.py", "Suggest a correction", ":material/edit_note:", "suggest"),
    ("pages/methodology.py", "Methodology", ":material/rule:", "methodology"),
    ("pages/data.py", "Data & sources", ":material/dataset:", "data"),
]

pages = [
    st.Page(path, title=title, icon=icon, url_path=url_path, default=(url_path == "find"))
    for path, title, icon, url_path in PAGES
]
navigation = st.navigation(pages)
# Visible keyboard focus (3:1 or better against the page) and 24 px tap targets for help icons and
# heading anchors; our own constant CSS, never provider data.
st.html("<style>"
        "a:focus-visible, button:focus-visible, [role='button']:focus-visible, input:focus-visible,"
        " [tabindex]:focus-visible { outline: 3px solid #1f4e8c !important; outline-offset: 2px !important; }"
        " [data-testid='stTooltipIcon'], [data-testid='stHeaderActionElements'] a"
        " { min-width: 24px; min-height: 24px; display: inline-flex; align-items: center; justify-content: center; }"
        "</style>")
ui.safety_notice()
# A shared ?shortlist= link joins the session on any page and stays in the URL.
ui.shortlist_ids()
ui.show_shortlist_notes()
ui.sync_shortlist_param()
navigation.run()
