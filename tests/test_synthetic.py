"""The benchmark's synthetic directories: valid, deterministic, visibly synthetic, never in data/."""

import csv

import pytest

from benchmarks.synthetic import HOST, REAL_DATA_DIR, generate_directory, marketing_text
from vetting import load_directory

FILES = ("providers.csv", "evidence.csv", "sources.csv")


@pytest.fixture(scope="module")
def synthetic_1k(tmp_path_factory):
    return generate_directory(tmp_path_factory.mktemp("synthetic-1k"), 1000)


def test_1k_directory_loads_with_zero_problems(synthetic_1k):
    directory = load_directory(synthetic_1k)
    assert directory.problems == []
    assert len(directory.providers) == 1000
    # About 2-3 evidence rows per provider, both statuses present.
    assert 2000 <= len(directory.evidence) <= 3000
    assert set(directory.evidence["status"]) == {"met", "red_flag"}
    # Every provider with a street address, ZIP or city got a position; at-home services may have none.
    on_site = directory.providers[directory.providers["care_setting"] != "at_home"]
    assert on_site["latitude"].notna().all()


def test_same_seed_gives_identical_files_and_another_seed_does_not(synthetic_1k, tmp_path):
    again = generate_directory(tmp_path / "again", 1000)
    other = generate_directory(tmp_path / "other", 1000, seed=1)
    for name in FILES:
        assert (again / name).read_bytes() == (synthetic_1k / name).read_bytes(), name
    assert (other / "providers.csv").read_bytes() != (synthetic_1k / "providers.csv").read_bytes()


@pytest.mark.parametrize("name, column", [("providers.csv", "website"), ("providers.csv", "source_urls"),
                                          ("evidence.csv", "source_url"), ("sources.csv", "source_url")])
def test_every_url_is_on_the_synthetic_host(synthetic_1k, name, column):
    with open(synthetic_1k / name, encoding="utf-8") as handle:
        values = [row[column] for row in csv.DictReader(handle)]
    assert values and all(v.startswith(HOST + "/") for v in values if v)


def test_ids_and_names_say_synthetic(synthetic_1k):
    with open(synthetic_1k / "providers.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["provider_id"] == "synthetic-000001" and rows[0]["name"] == "Synthetic Provider 000001"
    assert all(r["provider_id"].startswith("synthetic-") and r["name"].startswith("Synthetic Provider ") for r in rows)


@pytest.mark.parametrize("target", [REAL_DATA_DIR, REAL_DATA_DIR / "synthetic"])
def test_refuses_to_write_into_data(target):
    with pytest.raises(ValueError):
        generate_directory(target, 10)
    assert not (REAL_DATA_DIR / "synthetic").exists()


@pytest.mark.parametrize("size", [1_000, 250_000])
def test_marketing_text_has_the_asked_size_and_is_deterministic(size):
    text = marketing_text(size)
    assert len(text) == size
    assert text == marketing_text(size) != marketing_text(size, seed=1)
