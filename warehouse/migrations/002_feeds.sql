-- Per-feed fetch state (validators, health) and the entries already taken from each feed.
create table feed_state (
    feed_key varchar primary key,
    source varchar not null,
    url varchar not null,
    etag varchar,
    last_modified varchar,
    status varchar not null default 'active',
    consecutive_failures integer not null default 0,
    last_status integer,
    last_error varchar,
    last_fetch_at timestamptz,
    last_success_at timestamptz,
    next_attempt_at timestamptz,
    entries_taken integer not null default 0
);

create table feed_entries (
    feed_key varchar not null,
    entry_key varchar not null,
    article_id varchar not null,
    first_run_id varchar not null,
    first_seen_at timestamptz not null,
    primary key (feed_key, entry_key)
);
