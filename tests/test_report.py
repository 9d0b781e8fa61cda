"""`newsflow report` from a warehouse built from the samples: the HTML and its PNGs, and each chart holding the
data the warehouse says it should."""

from datetime import UTC, datetime
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from flows.cli import main
from tasks.loading.load import load_articles
from tasks.reading.read_files import discover_files
from tasks.reporting.render import places_chart, runs_chart, sources_chart, stories_chart, topic_chart
from tasks.running.prepare import prepare_files
from tasks.running.run_record import begin_run, end_run
from warehouse.connect import open_warehouse
from warehouse.report_data import read_report_data

SAMPLES = Path(__file__).parent.parent / "samples"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("report") / "samples.duckdb")
    files, _ = discover_files([str(SAMPLES)])
    state = begin_run(db, "ingest", {})
    batch = prepare_files(files, NOW)
    loaded = load_articles(db, batch.articles, state.run_id, NOW)
    state.record_load(loaded)
    end_run(state, "completed")
    return db


def sql(db: str, query: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(query).fetchall()


def test_the_report_is_an_html_file_with_its_charts(samples_db, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", "--db", samples_db, "--out", str(out)]) == 0
    assert "report.html" in capsys.readouterr().out
    page = (out / "report.html").read_text()
    for name in ("topics", "stories", "places", "sources", "runs"):
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"src='{name}.png'" in page
    assert "http" not in page.split("<body>")[0]  # nothing to fetch: it opens offline


def test_each_chart_holds_the_warehouse_data(samples_db):
    data = read_report_data(samples_db, None, None)
    plt.close("all")
    top = sql(samples_db, "select t.label, count(*) from article_topics t where t.topic like 'medtop:__000000'"
                          " group by 1 order by 2 desc, 1 limit 6")  # fmt: skip
    lines = {line.get_label(): sum(line.get_ydata()) for line in topic_chart(data).axes[0].get_lines()}
    assert lines == dict(top)
    stories = stories_chart(data).axes[0]
    widths = [bar.get_width() for bar in stories.patches]
    assert max(widths) == sql(samples_db, "select max(sources * copies) from (select count(distinct s.source) sources,"
                                          " count(*) copies from articles a join sightings s using (article_id)"
                                          " group by coalesce(a.cluster_id, a.article_id))")[0][0]  # fmt: skip
    places = places_chart(data).axes[0]
    bars = {tick.get_text(): bar.get_height() for tick, bar in zip(places.get_xticklabels(), places.patches)}
    expected = dict(sql(samples_db, "select country_code, count(distinct article_id) from article_places group by 1"))
    assert bars and all(expected[code] == n for code, n in bars.items())
    sources = sources_chart(data).axes[0]
    per_source = dict(sql(samples_db, "select source, count(*) from articles where source is not null group by 1"))
    drawn = {tick.get_text(): bar.get_width() for tick, bar in zip(sources.get_yticklabels(), sources.patches)}
    assert drawn == {name[:39] + "…" if len(name) > 40 else name: n for name, n in per_source.items()}
    runs = runs_chart(data).axes[0]
    assert [bar.get_height() for bar in runs.patches[: len(data.runs)]] == [r[0] for r in sql(
        samples_db, "select new from runs order by started_at")]  # fmt: skip
    plt.close("all")


def test_a_range_limits_the_report(samples_db):
    narrow = read_report_data(samples_db, datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
    day = "coalesce(published_at, fetched_at, ingested_at)"
    count = sql(samples_db, f"select count(*) from articles where {day} >= '2026-09-01' and {day} < '2026-10-01'")
    assert narrow.articles == count[0][0] and 0 < narrow.articles < read_report_data(samples_db, None, None).articles
