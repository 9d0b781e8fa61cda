import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tasks.dedup.identity import assign_identity
from tasks.loading.load import load_articles
from tasks.models import Article

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def newsflow(*args: str, env_db: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def loaded_db(db):
    articles = [
        Article(
            source_uri="a.txt",
            body="First body about the harbour and its boats.",
            title="First",
            url="https://x.example/1",
            authors=["Ann Lee", "Bo Chan"],
            published_at=datetime(2025, 1, 2, tzinfo=UTC),
        ),
        Article(source_uri="b.txt", body='Second body, with a comma and "quotes".', title="Second, again"),
    ]
    assign_identity(articles)
    load_articles(db, articles, "run1", NOW)
    return db


def test_sql_json_is_a_list_of_objects(loaded_db):
    done = newsflow("sql", "select title, authors, published_at from articles order by title", "--db", loaded_db,
                    "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows == [
        {"title": "First", "authors": ["Ann Lee", "Bo Chan"], "published_at": "2025-01-02T00:00:00+00:00"},
        {"title": "Second, again", "authors": [], "published_at": None},
    ]


def test_sql_csv_and_table(loaded_db):
    done = newsflow("sql", "select title, body from articles order by title", "--db", loaded_db, "--format", "csv")
    assert done.returncode == 0
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["title", "body"] and rows[2] == [
        "Second, again",
        'Second body, with a comma and "quotes".',
    ]
    table = newsflow("sql", "select count(*) as n from articles", "--db", loaded_db)
    assert table.returncode == 0 and table.stdout.split("\n")[0].strip() == "n" and "(1 row)" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["sql", "select 1", "--db", "{missing}"], 1, "no warehouse at"),
        (["sql", "selec nonsense", "--db", "{db}"], 1, "error"),
        (["sql", "delete from articles", "--db", "{db}"], 1, "read-only"),
        (["sql", "select 1", "--db", "{db}", "--format", "xml"], 2, "invalid choice"),
        (["ingest", "{missing}", "--db", "{db}"], 2, "no such file or folder"),
        (["ingest", "--db", "{db}"], 2, "required"),
        (["backfill", "--since", "May 1st", "--db", "{db}"], 2, "not a date"),
        (["backfill", "--since", "2025-02-01", "--until", "2025-01-01", "--db", "{db}"], 2, "before --until"),
        (["backfill", "--db", "{db}"], 2, "give --since"),
        (["ingest", "{db}", "--db", "{notdb}"], 1, "cannot open"),
        (["nonsense"], 2, "invalid choice"),
    ],
)
def test_exit_codes_and_one_line_errors(loaded_db, tmp_path, args, code, message):
    not_db = tmp_path / "not.duckdb"
    not_db.write_text("plain text")
    values = {"missing": str(tmp_path / "missing.duckdb"), "db": loaded_db, "notdb": str(not_db)}
    done = newsflow(*[a.format(**values) for a in args])
    assert done.returncode == code
    assert message in done.stderr.lower()
    assert "Traceback" not in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("newsflow: error")]) == 1


def test_ingest_command_in_process(prefect_harness, fixtures, db, capsys):
    from flows.cli import main

    assert main(["ingest", str(fixtures / "text"), str(fixtures / "bad" / "empty.txt"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "read 4, new 4, duplicate 0, skipped 1, failed 0" in out
    assert "empty.txt: empty file" in out


def test_sql_prints_every_statement_and_reads_files_and_stdin(loaded_db, tmp_path):
    both = newsflow("sql", "select 1 as a; select 2 as b", "--db", loaded_db)
    assert both.returncode == 0, both.stderr
    assert both.stdout.split("\n")[0].strip() == "a" and "\nb" in both.stdout and both.stdout.count("(1 row)") == 2
    query = tmp_path / "titles.sql"
    query.write_text("select title from articles order by title;\n")
    from_file = newsflow("sql", "--file", str(query), "--db", loaded_db, "--format", "csv")
    assert from_file.stdout.split("\n")[:3] == ["title", "First", '"Second, again"']
    argv = [sys.executable, "-m", "flows.cli", "sql", "-", "--db", loaded_db, "--format", "json"]
    piped = subprocess.run(
        argv, input="select count(*) as n from articles", capture_output=True, text=True, timeout=120
    )
    assert json.loads(piped.stdout) == [{"n": 2}]
    neither = newsflow("sql", "--db", loaded_db)
    assert neither.returncode == 2 and "no SQL" in neither.stderr


def test_sql_max_width_and_version(loaded_db):
    cut = newsflow("sql", "select repeat('x', 100) as long", "--db", loaded_db, "--max-width", "10")
    assert cut.stdout.split("\n")[2].strip() == "x" * 9 + "…"
    whole = newsflow("sql", "select repeat('x', 100) as long", "--db", loaded_db, "--max-width", "0")
    assert whole.stdout.split("\n")[2].strip() == "x" * 100
    version = newsflow("--version")
    assert version.returncode == 0 and version.stdout.startswith("newsflow 0.")
