"""Countries an article mentions (ISO 3166-1 alpha-2), from names, demonyms and capitals, in one pass.

Matching keeps case ("US" is the country, "us" is not) and whole words, and the longest name wins: "South
Sudan" is SS, not SD. Names that often mean something else (Jordan the person, Georgia the state, turkey the
bird) are marked `ambiguous` in the data file and count only when the same country is also named unambiguously
in the article. Place names that contain a country's name but are not that country ("New Mexico", "Indian
Ocean") are listed under `not_countries` and hide the shorter name they contain.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import ahocorasick

from tasks.models import Article
from tasks.tagging.tag import normalise

DEFAULT_GAZETTEER = Path(__file__).parent.parent / "data" / "countries.toml"


@dataclass(slots=True)
class Gazetteer:
    version: str
    automaton: ahocorasick.Automaton
    keys: list[tuple[str, bool]]  # automaton value → (country code, ambiguous); code "" for not_countries
    widths: list[int]  # automaton value → length of its name


def build_gazetteer(path: Path = DEFAULT_GAZETTEER) -> Gazetteer:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    names: list[tuple[str, str, bool]] = []  # (name, country code or "" for not a country, ambiguous)
    for country in data.get("country", []):
        ambiguous = set(country.get("ambiguous", []))
        for text in [country["name"], *country.get("names", []), *country.get("demonyms", []),
                     *country.get("capitals", [])]:  # fmt: skip
            names.append((text, country["code"], text in ambiguous))
    names += [(text, "", False) for text in data.get("not_countries", {}).get("names", [])]
    automaton, keys, widths, seen = ahocorasick.Automaton(), [], [], set()
    for text, code, ambiguous in names:
        key = " ".join(normalise(text, fold=False).split())
        if not key or key in seen:  # a name belongs to the first entry that lists it
            continue
        seen.add(key)
        automaton.add_word(f" {key} ", len(keys))
        keys.append((code, ambiguous))
        widths.append(len(key))
    if len(automaton) == 0:
        automaton.add_word("\x00", len(keys))
        keys.append(("", True))
        widths.append(1)
    automaton.make_automaton()
    return Gazetteer(version=str(data.get("version", "0")), automaton=automaton, keys=keys, widths=widths)


@lru_cache(maxsize=2)
def cached_gazetteer(path: str = str(DEFAULT_GAZETTEER)) -> Gazetteer:
    return build_gazetteer(Path(path))


def find_places(gazetteer: Gazetteer, text: str) -> list[tuple[str, int]]:
    """(country code, mentions) for each country named at least once unambiguously, most mentioned first."""
    hits = Counter(map(itemgetter(1), longest_matches(gazetteer, normalise(text, fold=False))))
    sure, maybe = Counter(), Counter()
    for key, count in hits.items():
        code, ambiguous = gazetteer.keys[key]
        (maybe if ambiguous else sure)[code] += count
    found = {code: count + maybe.get(code, 0) for code, count in sure.items() if code}
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))


def longest_matches(gazetteer: Gazetteer, spaced: str) -> list[tuple[int, int]]:
    """(end, key) of each match that no longer match overlaps (a match ends on the space after its name)."""
    matches = list(gazetteer.automaton.iter(spaced))
    if len(matches) < 2:
        return matches
    matches.sort(key=lambda match: -gazetteer.widths[match[1]])
    taken: list[tuple[int, int]] = []
    kept = []
    for end, key in matches:
        start = end - gazetteer.widths[key]  # the name spans start .. end - 1
        if not any(start < t_end and t_start < end for t_start, t_end in taken):
            taken.append((start, end))
            kept.append((end, key))
    return kept


def place_articles(articles: list[Article], gazetteer: Gazetteer | None = None) -> None:
    gazetteer = gazetteer or cached_gazetteer()
    for article in articles:
        article.places = find_places(gazetteer, f"{article.title or ''}\n{article.body}")
        article.places_version = gazetteer.version
