"""One bad record costs itself, never its batch: invalid Unicode is repaired, and a record that a stage fails
on becomes a failed skip with its stage and location while the rest of its file loads."""

import json

import pytest

from flows.ingest import ingest_flow
from warehouse.connect import open_warehouse

BODY = "The harbour board met on Tuesday and approved the ferry budget for the coming year after a long debate."


def write_lines(path, records: list[dict]) -> None:
    # json.dumps writes a lone surrogate as the escape "\\ud800", exactly as a broken exporter would
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


@pytest.mark.usefixtures("prefect_harness")
def test_a_lone_surrogate_in_a_body_is_repaired_and_all_three_load(tmp_path, db):
    source = tmp_path / "three.jsonl"
    write_lines(source, [
        {"title": "Ferry budget approved", "body": BODY, "url": "https://paper.example/ferry"},
        {"title": "Bridge repairs begin", "body": "Bridge \ud800 repairs begin next week. " + BODY[:60],
         "url": "https://paper.example/bridge"},
        {"title": "School opens library", "body": "The school opened its new library on Monday. " + BODY[40:],
         "url": "https://paper.example/library"},
    ])  # fmt: skip
    result = ingest_flow(paths=[str(source)], db=db)
    assert (result["new"], result["skipped"], result["failed"]) == (3, 0, 0)
    with open_warehouse(db) as con:
        body = con.execute("select body from articles where title = 'Bridge repairs begin'").fetchone()[0]
    assert body.startswith("Bridge \ufffd repairs")


@pytest.mark.usefixtures("prefect_harness")
def test_a_record_a_stage_fails_on_is_a_failed_skip_and_the_rest_load(tmp_path, db):
    source = tmp_path / "three.jsonl"
    write_lines(source, [
        {"title": "Ferry budget approved", "body": BODY, "url": "https://paper.example/ferry"},
        {"title": "Broken link", "body": "A story whose link cannot be encoded. " + BODY,
         "url": "https://paper.example/\ud800"},  # the identity stage cannot hash this URL
        {"title": "School opens library", "body": "The school opened its new library on Monday. " + BODY[40:]},
    ])  # fmt: skip
    result = ingest_flow(paths=[str(source)], db=db)
    assert (result["new"], result["failed"]) == (2, 1)
    [skip] = [s for s in result["skips"] if s["failed"]]
    assert skip["source_uri"] == f"{source}#line2"  # the record, by its line
    assert skip["reason"].startswith("identity failed: UnicodeEncodeError")
    with open_warehouse(db) as con:
        titles = sorted(r[0] for r in con.execute("select title from articles").fetchall())
        runs = con.execute("select status, failed from runs").fetchall()
    assert titles == ["Ferry budget approved", "School opens library"] and runs == [("completed", 1)]
