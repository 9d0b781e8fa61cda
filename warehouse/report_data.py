"""The data behind the report's charts and tables, read from the published file for [since, until)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warehouse.connect import open_warehouse

TOP_TOPICS = 6
TOP_STORIES = 10
TOP_PLACES = 12
RANGE = "($since is null or {col} >= $since) and ($until is null or {col} < $until)"


@dataclass(slots=True)
class ReportData:
    since: datetime | None
    until: datetime | None
    articles: int = 0
    topic_trend: list[tuple[str, str, int]] = field(default_factory=list)  # (period, topic label, articles)
    period: str = "day"
    stories: list[tuple[str, str, int, int]] = field(default_factory=list)  # (cluster, title, sources, copies)
    places: list[tuple[str, int]] = field(default_factory=list)  # (country code, articles)
    sources: list[tuple] = field(default_factory=list)  # source_quality summed over the range
    runs: list[tuple] = field(default_factory=list)  # (started, flow, status, new, duplicate, skipped, failed)


def read_report_data(db: str | Path, since: datetime | None, until: datetime | None) -> ReportData:
    data = ReportData(since, until)
    day = "coalesce(a.published_at, a.fetched_at, a.ingested_at)"
    params = {"since": since, "until": until}
    with open_warehouse(db) as con:
        data.articles = con.execute(f"select count(*) from articles a where {RANGE.format(col=day)}",
                                    params).fetchone()[0]  # fmt: skip
        span = con.execute(f"select min({day}), max({day}) from articles a where {RANGE.format(col=day)}",
                           params).fetchone()  # fmt: skip
        data.period = "week" if span[0] and (span[1] - span[0]).days > 60 else "day"
        trunc = f"strftime(date_trunc('{data.period}', timezone('UTC', {day})), '%Y-%m-%d')"
        top = (f"select t.label from article_topics t join articles a using (article_id) where t.topic like"
               f" 'medtop:__000000' and {RANGE.format(col=day)} group by t.label order by count(*) desc, t.label"
               f" limit {TOP_TOPICS}")  # fmt: skip
        data.topic_trend = con.execute(
            f"select {trunc} as period, t.label, count(*) from article_topics t join articles a using (article_id)"
            f" where t.topic like 'medtop:__000000' and t.label in ({top}) and {RANGE.format(col=day)}"
            " group by all order by period, t.label",
            params,
        ).fetchall()
        data.stories = con.execute(
            "select coalesce(a.cluster_id, a.article_id) as story, arg_min(a.title, a.ingested_at),"
            " count(distinct s.source), count(*) from articles a join sightings s using (article_id)"
            f" where {RANGE.format(col=day)} group by story order by count(distinct s.source) * count(*) desc,"
            f" story limit {TOP_STORIES}",
            params,
        ).fetchall()
        data.places = con.execute(
            "select p.country_code, count(distinct p.article_id) from article_places p join articles a"
            f" using (article_id) where {RANGE.format(col=day)} group by 1 order by 2 desc, 1 limit {TOP_PLACES}",
            params,
        ).fetchall()
        data.sources = con.execute(
            "select source, sum(articles), sum(skipped), sum(failed), round(median(median_words)),"
            " round(avg(share_without_date), 2), round(avg(share_without_author), 2), sum(pages_fetched),"
            " sum(pages_blocked), sum(pages_pending) from source_quality"
            f" where {RANGE.format(col='day')} and source is not null group by source order by 2 desc, source",
            params,
        ).fetchall()
        data.runs = con.execute(
            "select started_at, flow, status, new, duplicate, skipped, failed from runs"
            f" where {RANGE.format(col='started_at')} order by started_at",
            params,
        ).fetchall()
    return data
