-- The raw store: every fetched feed body and page, compressed, so a backfill can redo any range offline.
create table raw_documents (
    raw_id varchar primary key,
    url varchar not null,
    kind varchar not null,
    fetched_at timestamptz not null,
    status integer,
    headers json,
    size integer not null,
    body blob not null,
    run_id varchar not null
);

alter table articles add column fetched_at timestamptz;
alter table articles add column feed_key varchar;
alter table articles add column entry_key varchar;
alter table articles add column raw_feed_id varchar;
alter table articles add column raw_page_id varchar;
