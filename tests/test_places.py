"""Countries from names, demonyms and capitals (ISO 3166-1 alpha-2), with ambiguous names held back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tasks.models import Article
from tasks.tagging.places import DEFAULT_GAZETTEER, build_gazetteer, find_places, place_articles

SEED = Path(__file__).parent.parent / "samples" / "seed" / "000_5ed3d45f0ad7f27d.txt"


@pytest.fixture(scope="module")
def gazetteer():
    return build_gazetteer()


def test_gazetteer_covers_the_world_with_valid_codes():
    data = tomllib.loads(DEFAULT_GAZETTEER.read_text(encoding="utf-8"))
    codes = [c["code"] for c in data["country"]]
    assert len(codes) == len(set(codes)) >= 200
    assert all(len(c) == 2 and c.isupper() for c in codes)
    assert {"US", "GB", "CN", "IN", "BR", "NG", "ZA", "AU", "DE", "FR", "JP", "MX", "EG"} <= set(codes)


def test_the_seed_article_names_azerbaijan_turkey_russia_and_armenia(gazetteer):
    article = Article(source_uri=str(SEED), body=SEED.read_text(encoding="utf-8"))
    place_articles([article], gazetteer)
    assert {"AZ", "TR", "RU", "AM"} <= {code for code, _ in article.places}
    assert article.places[0][0] == "AZ" and article.places_version == gazetteer.version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks in Paris between French and German ministers.", {"FR", "DE"}),
        ("The U.S. and the UK signed the deal; Britons and Americans welcomed it.", {"US", "GB"}),
        ("Officials in Kyiv said Russian forces shelled Kharkiv.", {"UA", "RU"}),
        ("Beijing and Tokyo agreed to resume flights.", {"CN", "JP"}),
        ("Protests in Côte d'Ivoire and Burkina Faso.", {"CI", "BF"}),
        ("Michael Jordan flew to Georgia to eat turkey with Chad.", set()),
        ("The Turkish army entered Turkey's south-east.", {"TR"}),
        ("Jordan's king met Jordanian ministers in Amman.", {"JO"}),
        ("us and them, china plates", set()),
        ("Juba, the capital of South Sudan, welcomed South Sudanese returnees.", {"SS"}),
        ("Drought in New Mexico; oil spills in the Niger Delta.", set()),
        ("Port Moresby is the capital of Papua New Guinea.", {"PG"}),
    ],
)
def test_names_demonyms_capitals_and_ambiguous_words(gazetteer, text, expected):
    assert {code for code, _ in find_places(gazetteer, text)} == expected


def test_mentions_are_counted_and_sorted(gazetteer):
    places = find_places(gazetteer, "Kenya beat Uganda. Kenyan fans in Nairobi cheered. Kenya next.")
    assert places[0] == ("KE", 4) and ("UG", 1) in places
