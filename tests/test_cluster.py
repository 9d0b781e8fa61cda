"""Near-duplicates and story clusters, on corpora built in code (tests/stories.py), in real DuckDB files."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tasks.dedup.cluster import story_similarity
from tasks.dedup.minhash import band_keys, jaccard, shingle_hashes, signature
from tasks.loading.load import load_articles
from tasks.models import Article, Batch
from tasks.running.prepare import prepare_articles
from tests.stories import STORIES, body, variants
from warehouse.connect import open_warehouse

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def article(key: str, title: str, text: str, url: str | None = None, day: int = 0) -> Article:
    raw = Article(source_uri=f"{key}.txt", body=text, title=title, url=url or f"https://news.example/{key}",
                  published_at=NOW - timedelta(days=30 - day))  # fmt: skip
    (prepared,) = prepare_articles(Batch(articles=[raw], read=1), NOW).articles
    return prepared


def originals() -> list[Article]:
    return [article(key, title, body(paragraphs)) for key, (title, paragraphs) in STORIES.items()]


def copies_of(key: str) -> list[Article]:
    return [article(f"{key}-{kind}", title, text, day=1) for kind, (title, text) in variants(key).items()]


def clusters(db: str) -> dict[str, str]:
    with open_warehouse(db) as con:
        return dict(con.execute("select source_uri, cluster_id from articles").fetchall())


def test_signature_estimates_jaccard():
    a = shingle_hashes(body(STORIES["bridge-repair"][1]))
    b = shingle_hashes(body(STORIES["bridge-repair"][1][:4]))
    estimate = float(np.mean(signature(a) == signature(b)))
    assert abs(estimate - jaccard(a, b)) < 0.12
    assert band_keys(signature(a)).shape == (32,)
    assert (
        band_keys(signature(a)).tolist()
        == band_keys(signature(shingle_hashes(body(STORIES["bridge-repair"][1])))).tolist()
    )


def test_shingles_ignore_case_spacing_and_punctuation():
    assert np.array_equal(shingle_hashes("The Bridge, closed; again!"), shingle_hashes("the bridge closed again"))
    assert shingle_hashes("").size == 0 and shingle_hashes("two words").size == 1


@pytest.mark.parametrize("kind", ["headline", "drop", "add", "reword", "boilerplate", "combined"])
@pytest.mark.parametrize("key", sorted(STORIES))
def test_every_edit_is_the_same_story(key, kind):
    _, paragraphs = STORIES[key]
    _, text = variants(key)[kind]
    assert story_similarity(shingle_hashes(body(paragraphs)), shingle_hashes(text), 0.6) is not None


@pytest.mark.parametrize(("a", "b"), [("bridge-repair", "bridge-storm"), ("rivers-match", "rivers-contract"),
                                      ("bank-decision", "bank-speech")])  # fmt: skip
def test_same_subject_different_stories_stay_apart(a, b):
    first, second = shingle_hashes(body(STORIES[a][1])), shingle_hashes(body(STORIES[b][1]))
    assert story_similarity(first, second, 0.6) is None
    assert jaccard(first, second) < 0.1


def test_clusters_across_runs(db):
    load_articles(db, originals(), "run1", NOW)
    assert len(set(clusters(db).values())) == len(STORIES)  # different stories, same subjects: apart
    for number, key in enumerate(STORIES, start=2):
        load_articles(db, copies_of(key), f"run{number}", NOW + timedelta(hours=number))
    found = clusters(db)
    for key in STORIES:
        members = {uri: c for uri, c in found.items() if uri == f"{key}.txt" or uri.startswith(f"{key}-")}
        assert len(members) == len(variants(key)), key  # the headline-only copy is an exact duplicate
        assert len(set(members.values())) == 1, (key, members)
    assert len(set(found.values())) == len(STORIES)
    with open_warehouse(db) as con:
        copies = con.execute("select min(copies), max(copies) from unique_stories").fetchone()
    assert copies == (1 + len(variants("bridge-repair")),) * 2  # every copy, exact ones too, is a sighting


def test_clusters_inside_one_batch_and_the_view(db):
    batch = originals() + copies_of("rivers-match") + copies_of("bank-speech")
    load_articles(db, batch, "run1", NOW)
    with open_warehouse(db) as con:
        stories = con.execute("select title, size, copies from unique_stories order by size desc, title").fetchall()
        links = con.execute("select count(*) from near_duplicates").fetchone()[0]
    assert len(stories) == len(STORIES)
    sizes = {title: size for title, size, _ in stories}
    assert sizes["Rivers United beat City Athletic in derby"] == 6  # + 1 exact copy (headline only)
    assert sizes["Central bank governor warns inflation fight is not over"] == 6
    assert sizes["Harbour Bridge closed after storm damages railings"] == 1
    assert links >= 12


def test_exact_duplicates_keep_their_handling(db):
    original = originals()[0]
    load_articles(db, [original], "run1", NOW)
    copy = article("bridge-repair-copy", original.title, original.body, url="https://other.example/copy")
    counts = load_articles(db, [copy], "run2", NOW)
    assert (counts.new, counts.duplicate) == (0, 1)
    with open_warehouse(db) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 1
        assert con.execute("select count(*) from sightings").fetchone()[0] == 2


def test_threshold_setting_changes_the_decision(db, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_NEAR_DUPLICATE_THRESHOLD", "0.99")
    load_articles(db, [originals()[0]], "run1", NOW)
    load_articles(db, [copies_of("bridge-repair")[3]], "run2", NOW)  # the reworded copy
    assert len(set(clusters(db).values())) == 2


def test_a_big_cluster_of_near_copies_stays_bounded(db):
    """A templated site: 70 pages share all but their first sentence. Each keeps at most MAX_LINKS pairs, and
    all of them, in one batch and across batches, are one story."""
    from tasks.dedup.cluster import MAX_LINKS

    title, paragraphs = STORIES["bridge-repair"]
    text = body(paragraphs)
    pages = [article(f"page-{n}", title, f"Update number {n} for readers in district {n}. {text}") for n in range(70)]
    load_articles(db, pages[:40], "run-1", NOW)
    load_articles(db, pages[40:], "run-2", NOW + timedelta(hours=1))
    with open_warehouse(db) as con:
        per_article = con.execute("select max(c) from (select count(*) c from near_duplicates group by article_id)")
        most = per_article.fetchone()[0]
        pairs = con.execute("select count(*) from near_duplicates").fetchone()[0]
        stories = con.execute("select count(distinct cluster_id) from articles").fetchone()[0]
    assert most == MAX_LINKS and pairs <= 70 * MAX_LINKS  # not all 2,415 pairs
    assert stories == 1


def test_candidates_are_read_by_row_number_as_by_id_after_deletes(db):
    from warehouse.connect import Publish, open_working
    from warehouse.forget import delete_articles
    from warehouse.neardup import read_candidates

    load_articles(db, originals(), "run1", NOW)
    with open_working(db, Publish.LATER) as con:
        ids = [row[0] for row in con.execute("select article_id from articles order by article_id").fetchall()]
        assert delete_articles(con, ids[:1]) == 1  # rows after it keep going
        expected = {
            row[0]: row[1:]
            for row in con.execute(
                "select article_id, body, coalesce(cluster_id, article_id), ingested_at, published_at from articles"
            ).fetchall()
        }
        asked = [ids[0], *ids[1:], "no-such-article"]
        assert read_candidates(con, asked) == expected and len(expected) == len(ids) - 1
        assert read_candidates(con, ids[-1:]) == {ids[-1]: expected[ids[-1]]}
        assert read_candidates(con, ["no-such-article"]) == {} and read_candidates(con, []) == {}
