"""vetting.packet on the bundled data: page 1 is the side-by-side summary, 3 providers fit on 4 pages,
every price cites its source among the references, quotes reach the packet, and the packet is
bounded (50 providers) or refused (none)."""

from __future__ import annotations

import io
import re
import time

import pypdf
import pytest

from vetting import shortlist as S
from vetting.costs import parse_quote
from vetting.packet import MAX_PACKET_PROVIDERS, EmptyPacketError, References, build_packet


def page_count(data: bytes) -> int:
    """Pages counted in the PDF bytes ("/Type /Page" objects, not the "/Type /Pages" tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def links(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
            if "/URI" in a.get_object().get("/A", {})]


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def chosen(directory, kind: str, count: int) -> list[str]:
    """Provider ids: the most evidence rows (long checklists), none (long question lists), most prices, or file order."""
    evidence = directory.evidence.groupby("provider_id").size().sort_values(ascending=False, kind="stable")
    prices = directory.prices.groupby("provider_id").size().sort_values(ascending=False, kind="stable")
    ids = list(directory.providers["provider_id"])
    ordered = {"verbose": list(evidence.index), "no_evidence": [i for i in ids if i not in evidence.index],
               "priced": list(prices.index), "typical": ids[10:]}[kind]
    return (ordered + [i for i in ids if i not in ordered])[:count]


def packet(directory, ids, quotes=()):
    comparison = S.compare(directory.providers, directory.evidence, directory.sources, ids, prices=directory.prices,
                           quotes=quotes)
    return comparison, build_packet(comparison)


@pytest.mark.parametrize("kind, count, max_pages", [
    ("verbose", 1, 2), ("no_evidence", 1, 2), ("typical", 1, 2),
    ("verbose", 3, 4), ("no_evidence", 3, 4), ("priced", 3, 4), ("typical", 3, 4),
    ("verbose", 10, 10), ("typical", 10, 10),
])
def test_packet_pages(bundled_directory, kind, count, max_pages):
    _, data = packet(bundled_directory, chosen(bundled_directory, kind, count))
    assert page_count(data) == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    assert page_count(data) <= max_pages


@pytest.mark.parametrize("kind", ["verbose", "priced", "typical"])
def test_page_one_is_the_summary_and_every_page_has_the_notice(bundled_directory, kind):
    comparison, data = packet(bundled_directory, chosen(bundled_directory, kind, 3))
    texts = page_texts(data)
    first = texts[0]
    assert "Information, not medical advice" in first and "988" in first and "911" in first
    for label in ("Phone", "Routes", "Care setting", "Known prices (as listed)", "Checklist grade", "Red flags",
                  "Questions still open"):
        assert label in first
    for name in comparison.providers["name"]:
        assert " ".join(name.split())[:20] in first
    assert all("988" in text and "911" in text for text in texts)


@pytest.mark.parametrize("kind", ["verbose", "priced", "typical"])
def test_every_price_in_the_packet_is_traceable_to_a_source(bundled_directory, kind):
    comparison, data = packet(bundled_directory, chosen(bundled_directory, kind, 3))
    linked = links(data)
    cited = comparison.facts[comparison.facts["fact"].isin(["prices", "course_estimate"])]
    for urls in cited["source_urls"]:
        assert set(urls) <= set(linked)
    for provider_id in comparison.providers["provider_id"]:
        rows = bundled_directory.prices[bundled_directory.prices["provider_id"] == provider_id]
        assert set(rows["source_url"]) <= set(linked), provider_id
    # Every dollar figure printed is one a price row, the estimate, your quote or a cited evidence note gives.
    allowed = set()
    for value in list(comparison.facts["value"]) + [n for n in comparison.statuses["note"] if isinstance(n, str)]:
        allowed |= set(re.findall(r"\$[\d,]+", value))
    assert set(re.findall(r"\$[\d,]+", " ".join(page_texts(data)))) <= allowed


@pytest.mark.parametrize("calls, expected_marks, expected_urls", [
    ([["https://a.example"], ["https://b.example", "https://a.example"]], [" [1]", " [2][1]"],
     ["https://a.example", "https://b.example"]),
    ([[], [None, ""]], ["", ""], []),
    ([["https://a.example", "https://a.example"]], [" [1]"], ["https://a.example"]),
])
def test_references_number_each_url_once(calls, expected_marks, expected_urls):
    refs = References()
    assert [refs.cite(urls) for urls in calls] == expected_marks
    assert refs.urls == expected_urls


def test_references_past_the_limit_are_marked():
    assert References().cite(["https://a", "https://b", "https://c"], limit=2) == " [1][2]+"


def test_the_packet_links_each_reference_once_per_line(bundled_directory):
    _, data = packet(bundled_directory, chosen(bundled_directory, "verbose", 3))
    text = " ".join(page_texts(data))
    numbers = [int(n) for n in re.findall(r"\[(\d+)\] https?://", text)]
    assert numbers == list(range(1, len(numbers) + 1))  # the References list: 1, 2, 3 ... each once


def test_quotes_reach_the_packet_for_the_provider_that_quoted(bundled_directory):
    ids = chosen(bundled_directory, "typical", 3)
    quote = parse_quote("$4,000", "program", "6", "iv", ids[1])
    _, data = packet(bundled_directory, ids, quotes=[quote, parse_quote("300", "session", None, "iv", "not-shortlisted")])
    text = " ".join(page_texts(data))
    assert "$4,000 for a program of 6 sessions, IV infusion" in text
    assert "Your quote (entered by you" in text and "$300 per session" not in text


def test_empty_shortlist_gives_a_message_not_a_pdf(bundled_directory):
    comparison = S.compare(bundled_directory.providers, bundled_directory.evidence, bundled_directory.sources, [],
                           prices=bundled_directory.prices)
    with pytest.raises(EmptyPacketError, match="shortlist is empty"):
        build_packet(comparison)


def test_fifty_providers_give_a_bounded_packet_in_bounded_time(bundled_directory):
    ids = list(bundled_directory.providers["provider_id"])[:50]
    started = time.monotonic()
    _, data = packet(bundled_directory, ids)
    assert time.monotonic() - started < 20
    assert page_count(data) <= 14
    assert f"the first {MAX_PACKET_PROVIDERS} of your 50 shortlisted providers" in " ".join(page_texts(data))
