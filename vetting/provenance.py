"""Whose words a fact rests on: the provider's own (its site, its ads, the blog documents it
publishes) or an independent page (news, a regulator, a registry, a journal).

One definition, used by the provider page, the packet and Methodology. The kind of a page is its
`kind` in sources.csv; a page missing from sources.csv is treated as the provider's own words when
it is on the provider's own website, and as unclassified otherwise. `published_sources` finds the
providers in the directory that publish one of the cited documents (a conflict of interest the
pages disclose); a match is by web domain, since sources.csv names a publisher, not a provider id.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from .vocab import SELF_REPORTED_KINDS, SOURCE_KINDS

OWN_WORDS = "provider's own words"
INDEPENDENT = "independent page"
UNCLASSIFIED = "page not classified"


def domain(url) -> str:
    """`https://www.Example.com/a` -> `example.com` ("" for anything that is not an http(s) URL)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def page_kinds(sources: pd.DataFrame) -> dict[str, str]:
    """source_url -> kind, from sources.csv."""
    return dict(zip(sources["source_url"], sources["kind"])) if len(sources) else {}


def origin(source_url, kinds: dict[str, str], website=None) -> str:
    """Whose words a page is: OWN_WORDS, INDEPENDENT or UNCLASSIFIED."""
    kind = kinds.get(source_url)
    if kind is None:
        own = domain(source_url) and domain(source_url) == domain(website)
        return OWN_WORDS if own else UNCLASSIFIED
    return OWN_WORDS if kind in SELF_REPORTED_KINDS else INDEPENDENT


def evidence_origins(evidence: pd.DataFrame, sources: pd.DataFrame, providers: pd.DataFrame) -> pd.Series:
    """Per evidence row (aligned with `evidence`): OWN_WORDS, INDEPENDENT or UNCLASSIFIED."""
    kinds = page_kinds(sources)
    sites = dict(zip(providers["provider_id"], providers["website"]))
    return pd.Series([origin(url, kinds, sites.get(pid)) for pid, url in zip(evidence["provider_id"], evidence["source_url"])],
                     index=evidence.index, dtype=object)


def published_sources(providers: pd.DataFrame, sources: pd.DataFrame, kinds=("source_document",)) -> pd.DataFrame:
    """Providers that publish a cited document of the given kinds: provider_id, name, source_id,
    title, source_url. The seed documents are all `source_document`s published by ketamine providers."""
    columns = ["provider_id", "name", "source_id", "title", "source_url", "publisher"]
    documents = sources[sources["kind"].isin(kinds)] if len(sources) else sources
    by_domain: dict[str, list[dict]] = {}
    for record in documents.to_dict("records"):
        by_domain.setdefault(domain(record["source_url"]), []).append(record)
    rows = []
    for record in providers[["provider_id", "name", "website"]].to_dict("records"):
        for document in by_domain.get(domain(record["website"]), []) if domain(record["website"]) else []:
            rows.append({"provider_id": record["provider_id"], "name": record["name"],
                         "source_id": document.get("source_id"), "title": document["title"],
                         "source_url": document["source_url"], "publisher": document.get("publisher")})
    return pd.DataFrame(rows, columns=columns)


def kind_label(kind: str) -> str:
    return SOURCE_KINDS.get(kind, kind)
