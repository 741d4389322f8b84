"""Whose words a fact rests on, and which providers publish the directory's source documents."""

from __future__ import annotations

import pandas as pd
import pytest

from vetting import provenance as P

SOURCES = pd.DataFrame({
    "source_url": ["https://clinic.example.com/faq", "https://news.example.org/a", "https://www.fda.gov/x",
                   "https://blog.example.net/guide"],
    "kind": ["provider_site", "news", "government", "source_document"],
    "source_id": [None, None, "fda-x", "seed-guide"], "title": ["FAQ", "A", "X", "Guide"], "publisher": [None] * 4,
})
KINDS = P.page_kinds(SOURCES)


@pytest.mark.parametrize("url, website, expected", [
    ("https://clinic.example.com/faq", None, P.OWN_WORDS),
    ("https://news.example.org/a", "https://clinic.example.com", P.INDEPENDENT),
    ("https://www.fda.gov/x", None, P.INDEPENDENT),
    ("https://blog.example.net/guide", None, P.OWN_WORDS),           # a provider's blog document
    ("https://www.clinic.example.com/new", "https://clinic.example.com", P.OWN_WORDS),  # its own site, not listed
    ("https://elsewhere.example.com/new", "https://clinic.example.com", P.UNCLASSIFIED),
    ("javascript:alert(1)", "https://clinic.example.com", P.UNCLASSIFIED),
])
def test_origin(url, website, expected):
    assert P.origin(url, KINDS, website) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://WWW.Example.com/a?b", "example.com"), ("http://sub.example.com", "sub.example.com"),
    ("ftp://example.com", ""), (None, ""), ("example.com", ""),
])
def test_domain(url, expected):
    assert P.domain(url) == expected


def test_published_sources_match_by_domain_only_for_source_documents():
    providers = pd.DataFrame({"provider_id": ["blogger", "clinic", "nosite"], "name": ["Blogger", "Clinic", "No site"],
                              "website": ["https://www.blog.example.net", "https://clinic.example.com", None]})
    found = P.published_sources(providers, SOURCES)
    assert found[["provider_id", "source_id"]].values.tolist() == [["blogger", "seed-guide"]]  # not the clinic's FAQ
