"""The printable referral packet: a PDF of a shortlist comparison, every fact with its source URL.

Built with fpdf2 and its core Helvetica font, which only encodes latin-1: every text goes through
`latin1()` first (typographic quotes and dashes become ASCII, anything else that latin-1 lacks
becomes "?"), so no provider name or note can stop the packet from being made. Long URLs wrap by
character, so they never run off the page.

About the person, the packet holds only what they entered and chose to include: a ZIP code and an
insurance name, each only when given.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from .answers import ANSWER_STATUSES
from .checklists import criteria, patient_questions
from .shortlist import Comparison
from .vocab import STATUSES, split_list

TITLE = "Referral packet: ketamine-therapy providers"
NOTICE = ("Information, not medical advice: talk to a clinician about your own care. In crisis? Call or text 988 "
          "(Suicide & Crisis Lifeline), or call 911.")
_ASCII = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u2022": "*", "\u2192": "->", "\u2260": "!=", "\u2264": "<=", "\u2265": ">=",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\ufeff": "", "\t": " ",
}


def latin1(text) -> str:
    """Text the core PDF fonts can draw: ASCII look-alikes where known, "?" for the rest, no control characters."""
    text = "".join(_ASCII.get(ch, ch) for ch in unicodedata.normalize("NFC", str(text)))
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return text.encode("latin-1", errors="replace").decode("latin-1")


class _Packet(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(90)
        self.cell(0, 5, latin1(f"{TITLE} - page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0)


def _line(pdf: FPDF, text: str, size: float = 9.5, style: str = "", height: float = 4.8,
          link: str | None = None, indent: float = 0.0) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=WrapMode.WORD)
    if link:
        _url(pdf, link, indent)


def _url(pdf: FPDF, url: str, indent: float = 4.0, prefix: str = "Source: ") -> None:
    """A source URL in small type, clickable, wrapped by character so a long URL stays on the page."""
    pdf.set_font("Helvetica", size=7.5)
    pdf.set_text_color(20, 60, 140)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, 3.8, latin1(prefix + url), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=WrapMode.CHAR, link=url if url.startswith(("http://", "https://")) else None)
    pdf.set_text_color(0)


def _heading(pdf: FPDF, text: str, size: float = 11) -> None:
    pdf.ln(2)
    _line(pdf, text, size=size, style="B", height=6)


def build_packet(comparison: Comparison, today: date | None = None, user_zip: str | None = None,
                 user_insurance: str | None = None) -> bytes:
    """The referral packet as PDF bytes: a title, the date, then per provider its facts with
    source URLs, checklist status per criterion with the evidence's source, open questions and
    your recorded answers (marked "your answer"). `user_zip` / `user_insurance` appear only when given."""
    pdf = _Packet(format="Letter")
    pdf.set_title(latin1(TITLE))
    pdf.set_creator("Ketamine therapy provider directory")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _line(pdf, TITLE, size=16, style="B", height=8)
    _line(pdf, f"Prepared on {(today or date.today()).isoformat()} from the directory's public sources. "
               "Every fact below names the page it comes from; confirm prices and policies with the provider.")
    if user_zip:
        _line(pdf, f"ZIP code you entered: {user_zip}")
    if user_insurance:
        _line(pdf, f"Insurance you entered: {user_insurance}")
    _line(pdf, NOTICE, size=8.5, style="I")
    _line(pdf, "Providers appear in the order they were shortlisted; this is not a ranking. Unknown means no "
               "public source was found yet, never a red flag.", size=8.5)
    checklist = criteria()
    questions = patient_questions()
    titles = {**checklist["title"].to_dict(), **questions["title"].to_dict()}
    for provider_id, name in zip(comparison.providers["provider_id"], comparison.providers["name"]):
        pdf.add_page()
        _line(pdf, name, size=14, style="B", height=7)
        _line(pdf, f"Directory id: {provider_id}", size=8)

        _heading(pdf, "Facts")
        facts = comparison.facts[comparison.facts["provider_id"] == provider_id]
        pages = split_list(comparison.providers.set_index("provider_id").at[provider_id, "source_urls"])
        # The provider's own pages back most facts: list them once, and only other sources per fact.
        _line(pdf, "Unless another source is named, these facts come from:", size=8.5, style="I")
        for url in pages:
            _url(pdf, url, prefix="")
        for label, value, urls in zip(facts["label"], facts["value"], facts["source_urls"]):
            _line(pdf, f"{label}: {value}")
            if list(urls) != pages:
                for url in urls:
                    _url(pdf, url)

        _heading(pdf, "Checklist")
        statuses = comparison.statuses[comparison.statuses["provider_id"] == provider_id]
        for criterion_id, status, note, url, checked_on, origin in zip(
                statuses["criterion_id"], statuses["status"], statuses["note"], statuses["source_url"],
                statuses["checked_on"], statuses["origin"]):
            text = f"[{STATUSES[status].upper()}] {checklist.at[criterion_id, 'title']}"
            if status == "unknown":
                text += ": not yet known from public sources"
            elif origin == "your answer":
                text += f" (your answer, {checked_on})" + (f": {note}" if note else "")
            else:
                text += f": {note}" + (f" (checked {checked_on})" if checked_on else "")
            _line(pdf, text)
            if isinstance(url, str) and url:
                _url(pdf, url, prefix="Evidence: ")

        _heading(pdf, "Questions still open")
        asked = comparison.questions[comparison.questions["provider_id"] == provider_id]
        if asked.empty:
            _line(pdf, "None: every applicable item has a known status or an answer.")
        for number, (title, question, url) in enumerate(zip(asked["title"], asked["question"], asked["source_url"]), 1):
            _line(pdf, f"{number}. {title}: {question}")
            if isinstance(url, str) and url:
                _url(pdf, url, indent=6)

        answers = comparison.answers[comparison.answers["provider_id"] == provider_id]
        if len(answers):
            _heading(pdf, "Your answers")
            for item_id, status, note, recorded_on in zip(answers["item_id"], answers["status"], answers["note"],
                                                          answers["recorded_on"]):
                _line(pdf, f"Your answer ({recorded_on}) - {titles.get(item_id, item_id)}: "
                           f"{ANSWER_STATUSES.get(status, status)}" + (f". {note}" if note else ""))
    return bytes(pdf.output())
