"""End-to-end: the flows under a real Prefect API (prefect_test_harness) into DuckDB files in tmp_path."""

import json
import shutil
from pathlib import Path

import pytest

from flows.backfill import backfill_flow
from flows.ingest import ingest_flow
from tasks.tagging.tag import DEFAULT_TAXONOMY, build_tagger
from warehouse.connect import open_warehouse

SAMPLES = Path(__file__).parent.parent / "samples"


def table_counts(db: str) -> dict[str, int]:
    with open_warehouse(db) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "article_topics", "sightings", "runs")}  # fmt: skip


def read_artifact(key: str, flow_run_id: str) -> str:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    flt = ArtifactFilter(
        key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(flow_run_id)])
    )
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=flt)
    return artifacts[0].data if artifacts else ""


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_samples_end_to_end_and_rerun_adds_nothing(db):
    result = ingest_flow(paths=[str(SAMPLES)], db=db, batch_size=7)
    assert result["failed"] == 0
    assert result["new"] >= 31 and result["duplicate"] >= 2
    assert result["skipped"] == 1  # samples/bad/not-an-article.json
    first = table_counts(db)
    with open_warehouse(db) as con:
        row = con.execute(
            "select title, body, published_at::date, authors, source, article_id from articles"
            " where body like '%13th meeting of the Azerbaijan-Turkey%'"
        ).fetchall()
        assert len(row) == 1
        title, body, day, authors, source, article_id = row[0]
        topics = {r[0] for r in con.execute("select topic from article_topics where article_id = ?",
                                            [article_id]).fetchall()}  # fmt: skip
        run = con.execute("select status, read, new, duplicate, skipped, failed, skips from runs").fetchone()
    assert str(day) == "2021-05-31" and "Vafa Ismayilova" in authors and title and source == "AzerNews"
    assert body.endswith("to end the war in Nagorno-Karabakh.")
    assert "date 2021" not in body and "--" not in body and "Follow us on Twitter" not in body
    assert topics & {"medtop:16000000", "medtop:11000000"}
    assert run[:6] == ("completed", result["read"], result["new"], result["duplicate"], 1, 0)
    assert json.loads(run[6])[0]["source_uri"].endswith("not-an-article.json#item0")
    artifact = read_artifact("newsflow-ingest", result["run_id"])
    assert result["run_id"] in artifact and f"| {result['read']} | {result['new']} |" in artifact
    counts = json.loads(read_artifact("newsflow-ingest-counts", result["run_id"]))  # a table artifact
    assert {"scope": "run", "counter": "new", "value": result["new"]} in counts

    again = ingest_flow(paths=[str(SAMPLES)], db=db)
    assert again["new"] == 0 and again["duplicate"] == result["new"] + result["duplicate"]
    second = table_counts(db)
    assert {k: v for k, v in second.items() if k != "runs"} == {k: v for k, v in first.items() if k != "runs"}
    assert second["runs"] == first["runs"] + 1


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_retags_a_date_range_only(db, fixtures, tmp_path, monkeypatch):
    ingest_flow(paths=[str(fixtures / "json")], db=db)
    extra = tmp_path / "extra.toml"
    extra.write_text('version = "local-2"\n[[topic]]\ncode = "local:skiing"\nlabel = "skiing"\n'
                     'strong = ["ski lifts", "snowfall"]\n')  # fmt: skip
    monkeypatch.setenv("NEWSFLOW_TAXONOMY", str(extra))
    before = table_counts(db)
    result = backfill_flow(since="2025-11-01", until="2025-12-01", db=db)
    assert result["read"] == 2 and result["new"] == 0 and result["failed"] == 0
    with open_warehouse(db) as con:
        versions = dict(con.execute("select title, tagger_version from articles").fetchall())
        skiing = con.execute("select a.title from article_topics t join articles a using (article_id)"
                             " where t.topic = 'local:skiing'").fetchall()  # fmt: skip
    assert skiing == [("Ski lifts open early after snowfall",)]
    assert versions["Ski lifts open early after snowfall"].endswith("+local-2")
    shipped = build_tagger([DEFAULT_TAXONOMY]).version
    assert versions["Ferry fares frozen for a second year"] == shipped  # outside the range
    after = table_counts(db)
    assert after["articles"] == before["articles"] and after["runs"] == before["runs"] + 1


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_rereads_paths_and_refreshes_without_duplicating(db, fixtures, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(fixtures / "text", folder)
    ingest_flow(paths=[str(folder)], db=db)
    before = table_counts(db)
    page = folder / "titled.txt"
    page.write_text(page.read_text().replace("forty years", "forty-one years"))
    result = backfill_flow(paths=[str(folder)], db=db)
    assert result["new"] == 0 and result["duplicate"] == before["articles"]
    assert (result["extra"]["refreshed"], result["extra"]["unchanged"]) == (1, before["articles"] - 1)
    with open_warehouse(db) as con:
        bodies = [r[0] for r in con.execute("select body from articles where title like 'Lighthouse%'").fetchall()]
    assert len(bodies) == 1 and "forty-one years" in bodies[0]
    assert table_counts(db)["articles"] == before["articles"]


@pytest.mark.usefixtures("prefect_harness")
def test_backfill_reclusters_its_range_and_leaves_the_rest(db, monkeypatch):
    from datetime import UTC, datetime

    from tasks.loading.load import load_articles
    from tests.test_cluster import copies_of, originals

    now = datetime(2026, 11, 1, tzinfo=UTC)
    load_articles(db, originals(), "run1", now)  # published 30 days before NOW of test_cluster (2026-10-29)
    load_articles(db, copies_of("bank-decision") + copies_of("rivers-match"), "run2", now)  # published 2026-10-30
    with open_warehouse(db) as con:
        before = dict(con.execute("select source_uri, cluster_id from articles").fetchall())
    assert len(set(before.values())) == 7
    monkeypatch.setenv("NEWSFLOW_NEAR_DUPLICATE_THRESHOLD", "0.995")
    result = backfill_flow(since="2026-10-30", until="2026-10-31", db=db)
    with open_warehouse(db) as con:
        strict = dict(con.execute("select source_uri, cluster_id from articles").fetchall())
    assert result["read"] == 10 and result["new"] == 0 and result["failed"] == 0
    originals_uris = [uri for uri in before if uri.count("-") == 1]  # "bank-decision.txt"; copies have two
    assert all(strict[uri] == before[uri] for uri in originals_uris)  # outside the range: untouched
    moved = [uri for uri in before if strict[uri] != before[uri]]
    assert moved and all(uri.count("-") == 2 for uri in moved)
    monkeypatch.setenv("NEWSFLOW_NEAR_DUPLICATE_THRESHOLD", "0.6")
    again = backfill_flow(since="2026-10-30", until="2026-10-31", db=db)
    with open_warehouse(db) as con:
        after = dict(con.execute("select source_uri, cluster_id from articles").fetchall())
    assert after == before  # the range rejoined its clusters
    assert result["extra"]["reclustered"] == len(moved) == again["extra"]["reclustered"]


@pytest.mark.usefixtures("prefect_harness")
def test_retag_changes_tags_after_a_taxonomy_edit_and_records_versions(db, fixtures, tmp_path, monkeypatch):
    from flows.retag import retag_flow

    ingest_flow(paths=[str(fixtures / "json")], db=db)
    with open_warehouse(db) as con:
        before = dict(con.execute("select article_id, tagger_version from articles").fetchall())
        topics_before = con.execute("select count(*) from article_topics where topic like 'local:%'").fetchall()[0][0]
    assert topics_before == 0
    extra = tmp_path / "local.toml"
    extra.write_text('version = "local-1"\n[[topic]]\ncode = "local:ferries"\nlabel = "ferries"\n'
                     'strong = ["ferry", "ferries"]\n')  # fmt: skip
    monkeypatch.setenv("NEWSFLOW_TAXONOMY", str(extra))
    result = retag_flow(db=db)
    assert result["read"] == len(before) and result["new"] == 0
    with open_warehouse(db) as con:
        versions = set(r[0] for r in con.execute("select tagger_version from articles").fetchall())
        ferries = con.execute(
            "select a.title, t.tagger_version from article_topics t join articles a using (article_id)"
            " where t.topic = 'local:ferries'"
        ).fetchall()
        runs = con.execute("select flow, status from runs order by started_at").fetchall()
    assert versions == {f"{next(iter(before.values()))}+local-1"}
    assert ferries == [("Ferry fares frozen for a second year", versions.pop())]
    assert runs[-1] == ("retag", "completed")


@pytest.mark.usefixtures("prefect_harness")
def test_a_jsonl_file_read_in_parts_loads_every_record_once(db, tmp_path, monkeypatch):
    import tasks.reading.read_files

    records = [
        {"url": f"https://example.org/news/{n}", "title": f"Council report number {n}",
         "body": f"Report {n}: the council approved the budget for road repairs in district {n}. " * 8}
        for n in range(120)
    ]  # fmt: skip
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setattr(tasks.reading.read_files, "PART_BYTES", 8192)
    first = ingest_flow(paths=[str(path)], db=db, batch_size=50)
    assert first["read"] == 120 and first["new"] == 120 and first["failed"] == 0
    again = ingest_flow(paths=[str(path)], db=db, batch_size=50)
    assert again["new"] == 0 and again["duplicate"] == 120
    with open_warehouse(db) as con:
        assert con.execute("select count(distinct url) from articles").fetchone()[0] == 120
