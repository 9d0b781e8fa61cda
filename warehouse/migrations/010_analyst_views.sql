-- Views analysts query first. A day is the UTC day of publication, else of the fetch, else of the load.

create view daily_topics as
with days as (
    select article_id, cast(timezone('UTC', coalesce(published_at, fetched_at, ingested_at)) as date) as day
    from articles
), totals as (
    select day, count(*) as total from days group by day
)
select d.day, t.topic, any_value(t.label) as label, count(*) as articles,
       round(count(*) / any_value(n.total), 4) as share
from days d join article_topics t on t.article_id = d.article_id join totals n on n.day = d.day
group by d.day, t.topic;

create view story_timeline as
select coalesce(a.cluster_id, a.article_id) as cluster_id,
       cast(timezone('UTC', s.first_seen_at) as date) as day,
       count(distinct a.article_id) as articles, count(distinct s.source) as sources,
       min(s.first_seen_at) as first_seen, max(s.last_seen_at) as last_seen
from articles a join sightings s on s.article_id = a.article_id
group by 1, 2;

create view source_quality as
with loaded as (
    select source, cast(timezone('UTC', ingested_at) as date) as day, count(*) as articles,
           median(word_count) as median_words,
           round(avg(case when published_at is null then 1 else 0 end), 4) as share_without_date,
           round(avg(case when coalesce(len(authors), 0) = 0 then 1 else 0 end), 4) as share_without_author,
           round(avg(case when language is null then 1 else 0 end), 4) as share_without_language
    from articles group by 1, 2
), pages as (
    select f.source, cast(timezone('UTC', e.first_seen_at) as date) as day,
           count(*) filter (where e.page_status = 'fetched') as pages_fetched,
           count(*) filter (where e.page_status = 'blocked') as pages_blocked,
           count(*) filter (where e.page_status = 'pending') as pages_pending,
           count(*) filter (where e.page_status in ('failed', 'gave_up', 'disallowed')) as pages_failed
    from feed_entries e join feed_state f on f.feed_key = e.feed_key group by 1, 2
), runs_per_source as (
    select feed.key as source, cast(timezone('UTC', r.started_at) as date) as day,
           sum(coalesce(try_cast(feed.value ->> 'entry_unreadable' as integer), 0)) as skipped,
           sum(coalesce(try_cast(feed.value ->> 'failed' as integer), 0)
               + coalesce(try_cast(feed.value ->> 'page_failed' as integer), 0)) as failed
    from runs r, json_each(r.counts -> 'feeds') as feed
    group by 1, 2
)
select coalesce(l.source, p.source, r.source) as source, coalesce(l.day, p.day, r.day) as day,
       coalesce(l.articles, 0) as articles, coalesce(r.skipped, 0) as skipped, coalesce(r.failed, 0) as failed,
       l.median_words, l.share_without_date, l.share_without_author, l.share_without_language,
       coalesce(p.pages_fetched, 0) as pages_fetched, coalesce(p.pages_blocked, 0) as pages_blocked,
       coalesce(p.pages_pending, 0) as pages_pending, coalesce(p.pages_failed, 0) as pages_failed
from loaded l
full join pages p on p.source = l.source and p.day = l.day
full join runs_per_source r on r.source = coalesce(l.source, p.source) and r.day = coalesce(l.day, p.day);

create view latest_articles as
with last_run as (
    select run_id from runs where status = 'completed' and new > 0 order by started_at desc limit 1
)
select a.article_id, a.title, a.source, a.url, a.published_at, a.run_id,
       (select list(t.label order by t.score desc) from article_topics t where t.article_id = a.article_id) as topics,
       (select list(p.country_code order by p.mentions desc, p.country_code) from article_places p
        where p.article_id = a.article_id) as places
from articles a where a.run_id in (select run_id from last_run);
