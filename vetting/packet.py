"""The printable referral packet: a PDF a coordinator can send, built from a shortlist comparison.

Layout:
- page 1 (landscape): the notice, then a side-by-side summary of the providers
  (vetting.shortlist.SUMMARY_FACTS: phone, address or states served, routes, setting, known price as
  listed, insurance facts, grade with its coverage, red flags, open questions, your quote), at most
  SUMMARY_COLUMNS providers across, further blocks below or on the next page;
- then, flowing in portrait, each provider under its own heading: the other facts, what public
  sources show per criterion, the questions still open and your answers;
- last, the References: every source URL once, numbered, clickable. Text cites them as [n] instead
  of repeating "Source:" lines.
The footer of every page carries the not-medical-advice and 988/911 notice.

Bounded: a shortlist longer than MAX_PACKET_PROVIDERS gives a packet of the first
MAX_PACKET_PROVIDERS, and its first page says so. An empty comparison raises EmptyPacketError
(the page shows a message instead of an empty PDF).

Built with fpdf2 and its core Helvetica font, which only encodes latin-1: every text goes through
`latin1()` first (typographic quotes and dashes become ASCII, anything else that latin-1 lacks
becomes "?"), so no provider name or note can stop the packet from being made. Reference URLs wrap
by character, so they never run off the page.

About the person, the packet holds only what they entered and chose to include: a ZIP code and an
insurance name, each only when given, their recorded answers and the quotes they entered.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Iterable

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .answers import ANSWER_STATUSES
from .checklists import criteria, patient_questions
from .shortlist import FACT_LABELS, SUMMARY_FACTS, Comparison
from .vocab import STATUSES, split_list

TITLE = "Referral packet: ketamine-therapy providers"
NOTICE = ("Information, not medical advice: talk to a clinician about your own care. In crisis? Call or text 988 "
          "(Suicide & Crisis Lifeline), or call 911.")
FOOTER_NOTICE = "Not medical advice. In crisis: call or text 988, or call 911."
MAX_PACKET_PROVIDERS = 12   # 50 shortlisted providers would be a booklet nobody sends: the first 12, said so
SUMMARY_COLUMNS = 4         # providers side by side on the landscape summary; more go in the next block
CITE_LIMIT = 3              # a fact cites at most this many pages; the provider's section lists them all
UNCAPPED = {"prices", "course_estimate"}  # every price keeps every source it comes from
# Shown in the summary; the per-provider section gives the rest, so nothing is printed twice.
DETAIL_FACTS = ["status", "supervision_model", "distance", "course_estimate", "coverage", "checked_on", "website"]
_ASCII = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u2022": "*", "\u2192": "->", "\u2260": "!=", "\u2264": "<=", "\u2265": ">=",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\ufeff": "", "\t": " ", "\u00b7": "-",
}


class EmptyPacketError(ValueError):
    """No provider to put in a packet."""


def latin1(text) -> str:
    """Text the core PDF fonts can draw: ASCII look-alikes where known, "?" for the rest, no control characters."""
    text = "".join(_ASCII.get(ch, ch) for ch in unicodedata.normalize("NFC", str(text)))
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return text.encode("latin-1", errors="replace").decode("latin-1")


class References:
    """Source URLs numbered in order of first citation; each URL gets one number."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def cite(self, urls: Iterable[str], limit: int | None = None) -> str:
        """" [1][3]" for these URLs ("" for none), numbering new ones; past `limit`, " [1][3][4]+"."""
        urls = list(dict.fromkeys(u for u in urls if isinstance(u, str) and u))
        more = "+" if limit is not None and len(urls) > limit else ""
        marks = []
        for url in urls[:limit]:
            if url not in self.urls:
                self.urls.append(url)
            marks.append(f"[{self.urls.index(url) + 1}]")
        return " " + "".join(marks) + more if marks else ""


class _Packet(FPDF):
    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", size=7)
        self.set_text_color(90)
        self.cell(0, 4, latin1(f"{FOOTER_NOTICE}   {TITLE} - page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0)


def _line(pdf: FPDF, text: str, size: float = 8.5, style: str = "", height: float = 3.9, indent: float = 0.0) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=WrapMode.WORD, align="L")


def _heading(pdf: FPDF, text: str, size: float = 9.5) -> None:
    pdf.ln(1.2)
    _line(pdf, text, size=size, style="B", height=5)


def _facts(comparison: Comparison, provider_id: str) -> dict[str, tuple[str, list[str]]]:
    part = comparison.facts[comparison.facts["provider_id"] == provider_id]
    return {fact: (value, list(urls)) for fact, value, urls in zip(part["fact"], part["value"], part["source_urls"])}


def _summary(pdf: FPDF, comparison: Comparison, ids: list[str], refs: References) -> None:
    """The side-by-side table, SUMMARY_COLUMNS providers per block; long cells wrap; "+" after the
    citations of a cell means more of the provider's pages, all cited in its section."""
    names = dict(zip(comparison.providers["provider_id"], comparison.providers["name"]))
    present = set(comparison.facts["fact"])
    rows = [fact for fact in SUMMARY_FACTS if fact in present]
    label_width = 30
    # One block uses the page's width; several keep one column width, so blocks line up.
    across = SUMMARY_COLUMNS if len(ids) > SUMMARY_COLUMNS else max(len(ids), 2)
    for start in range(0, len(ids), SUMMARY_COLUMNS):
        block = ids[start:start + SUMMARY_COLUMNS]
        width = (pdf.epw - label_width) / across
        facts = {p: _facts(comparison, p) for p in block}
        pdf.set_font("Helvetica", size=7.2)
        pdf.ln(1.5)
        with pdf.table(col_widths=[label_width] + [width] * len(block), width=label_width + width * len(block),
                       align="LEFT", line_height=3.3, text_align="LEFT", padding=1, wrapmode=WrapMode.WORD,
                       headings_style=FontFace(emphasis="BOLD", size_pt=8, fill_color=(230, 234, 240)),
                       repeat_headings=1) as table:
            header = table.row()
            header.cell("")
            for number, provider_id in enumerate(block, start + 1):
                header.cell(latin1(f"{number}. {names[provider_id]}"))
            for fact in rows:
                row = table.row()
                row.cell(latin1(FACT_LABELS[fact]), style=FontFace(emphasis="BOLD"))
                for provider_id in block:
                    value, urls = facts[provider_id].get(fact, ("", []))
                    if fact == "open_questions":  # the count here; the questions under the provider
                        asked = int((comparison.questions["provider_id"] == provider_id).sum())
                        value, urls = f"{asked} (listed under the provider)" if asked else "none", []
                    row.cell(latin1(" ".join(str(value).split()) + refs.cite(urls, None if fact in UNCAPPED else CITE_LIMIT)))


def _provider_section(pdf: FPDF, comparison: Comparison, number: int, provider_id: str, name: str,
                      refs: References, titles: dict[str, str]) -> None:
    checklist = criteria()
    if pdf.will_page_break(30):  # a heading never sits alone at the foot of a page
        pdf.add_page(orientation="P")
    pdf.ln(2)
    pdf.set_draw_color(150)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1)
    _line(pdf, f"{number}. {name}", size=12, style="B", height=6)
    facts = _facts(comparison, provider_id)
    shown = [f"{FACT_LABELS[fact]}: {' '.join(str(facts[fact][0]).split())}"
             f"{refs.cite(facts[fact][1], None if fact in UNCAPPED else CITE_LIMIT)}"
             for fact in DETAIL_FACTS if fact in facts]
    pages = split_list(comparison.providers.set_index("provider_id").at[provider_id, "source_urls"])
    _line(pdf, f"Directory id: {provider_id}. " + ". ".join(shown) + f". Its pages read:{refs.cite(pages) or ' none'}.")
    if "your_quote" in facts and facts["your_quote"][0] != "none entered":
        _line(pdf, f"Your quote (entered by you, not from a source): {facts['your_quote'][0]}", style="B")

    statuses = comparison.statuses[comparison.statuses["provider_id"] == provider_id]
    known = statuses[statuses["status"] != "unknown"]
    _heading(pdf, "Checklist: what sources and your answers show")
    for criterion_id, status, note, url, checked_on, origin in zip(
            known["criterion_id"], known["status"], known["note"], known["source_url"], known["checked_on"],
            known["origin"]):
        text = f"[{STATUSES[status].upper()}] {checklist.at[criterion_id, 'title']}"
        if origin == "your answer":
            text += f" (your answer, {checked_on})" + (f": {note}" if note else "")
        else:
            text += (f": {note}" if note else "") + (f" (checked {checked_on})" if checked_on else "")
        _line(pdf, text + refs.cite([url]), indent=2)
    unknown = statuses[statuses["status"] == "unknown"]
    if len(unknown):
        _line(pdf, f"Not yet known from public sources ({len(unknown)}, never counted as a red flag): "
                   + "; ".join(checklist.at[c, "title"] for c in unknown["criterion_id"]) + ".", indent=2)
    if known.empty and unknown.empty:
        _line(pdf, "No criterion applies.", indent=2)

    asked = comparison.questions[comparison.questions["provider_id"] == provider_id]
    _heading(pdf, f"Questions still open ({len(asked)})")
    if asked.empty:
        _line(pdf, "None: every applicable item has a known status or an answer.", indent=2)
    for n, (title, question, url) in enumerate(zip(asked["title"], asked["question"], asked["source_url"]), 1):
        _line(pdf, f"{n}. {title}: {question}{refs.cite([url])}", indent=2)

    answers = comparison.answers[comparison.answers["provider_id"] == provider_id]
    if len(answers):
        _heading(pdf, "Your answers")
        for item_id, status, note, recorded_on in zip(answers["item_id"], answers["status"], answers["note"],
                                                      answers["recorded_on"]):
            _line(pdf, f"Your answer ({recorded_on}) - {titles.get(item_id, item_id)}: "
                       f"{ANSWER_STATUSES.get(status, status)}" + (f". {note}" if note else ""), indent=2)


def _references(pdf: FPDF, refs: References) -> None:
    if pdf.will_page_break(20):
        pdf.add_page(orientation="P")
    pdf.ln(3)
    _line(pdf, "References", size=11, style="B", height=6)
    _line(pdf, "Every [n] above points to one of these pages. Confirm prices and policies with the provider.", size=7.5)
    for number, url in enumerate(refs.urls, 1):
        pdf.set_font("Helvetica", size=7.2)
        pdf.set_text_color(20, 60, 140)
        pdf.multi_cell(pdf.epw, 3.4, latin1(f"[{number}] {url}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       wrapmode=WrapMode.CHAR, link=url if url.startswith(("http://", "https://")) else None)
    pdf.set_text_color(0)
    pdf.ln(1.5)
    _line(pdf, NOTICE, size=8, style="I")


def build_packet(comparison: Comparison, today: date | None = None, user_zip: str | None = None,
                 user_insurance: str | None = None) -> bytes:
    """The referral packet as PDF bytes (see the module docstring for its layout).

    Your quotes reach it through the comparison (`vetting.shortlist.compare(quotes=...)`), as the
    fact "your_quote". `user_zip` / `user_insurance` appear only when given. Raises
    EmptyPacketError when the comparison holds no provider."""
    all_ids = list(comparison.providers["provider_id"])
    if not all_ids:
        raise EmptyPacketError("your shortlist is empty: add providers to make a referral packet")
    ids = all_ids[:MAX_PACKET_PROVIDERS]
    names = dict(zip(comparison.providers["provider_id"], comparison.providers["name"]))
    refs = References()
    pdf = _Packet(format="Letter", orientation="L")
    pdf.set_margins(10, 10, 10)
    pdf.set_title(latin1(TITLE))
    pdf.set_creator("Ketamine therapy provider directory")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    _line(pdf, TITLE, size=14, style="B", height=7)
    _line(pdf, NOTICE, size=8.5, style="B")
    intro = (f"Prepared on {(today or date.today()).isoformat()} from the directory's public sources. Providers appear "
             "in the order they were shortlisted; this is not a ranking. Unknown means no public source was found "
             "yet, never a red flag. [n] points to the References at the end.")
    if user_zip:
        intro += f" ZIP code you entered: {user_zip}."
    if user_insurance:
        intro += f" Insurance you entered: {user_insurance}."
    _line(pdf, intro, size=8)
    if len(all_ids) > len(ids):
        _line(pdf, f"This packet holds the first {len(ids)} of your {len(all_ids)} shortlisted providers, so that it "
                   f"stays short enough to send. The comparison CSV holds all {len(all_ids)}.", size=8.5, style="B")
    _summary(pdf, comparison, ids, refs)

    pdf.add_page(orientation="P")
    questions = patient_questions()
    titles = {**criteria()["title"].to_dict(), **questions["title"].to_dict()}
    for number, provider_id in enumerate(ids, 1):
        _provider_section(pdf, comparison, number, provider_id, names[provider_id], refs, titles)
    _references(pdf, refs)
    return bytes(pdf.output())
