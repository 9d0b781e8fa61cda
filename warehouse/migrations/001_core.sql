-- Articles, their topics, where each was seen, and the runs that loaded them.
create table runs (
    run_id varchar primary key,
    flow varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    read integer not null default 0,
    new integer not null default 0,
    duplicate integer not null default 0,
    skipped integer not null default 0,
    failed integer not null default 0,
    parameters json,
    skips json,
    counts json
);

create table articles (
    article_id varchar primary key,
    url varchar,
    source varchar,
    source_uri varchar not null,
    title varchar,
    body varchar not null,
    authors varchar[],
    published_at timestamptz,
    language varchar,
    content_hash varchar not null,
    cluster_id varchar,
    run_id varchar not null,
    ingested_at timestamptz not null,
    description varchar,
    categories varchar[],
    input_format varchar,
    extractor varchar,
    word_count integer,
    tagger_version varchar,
    updated_at timestamptz
);

create table article_topics (
    article_id varchar not null,
    topic varchar not null,
    label varchar,
    score double not null,
    terms varchar[],
    tagger_version varchar,
    primary key (article_id, topic)
);

create table sightings (
    article_id varchar not null,
    source varchar,
    url varchar not null default '',
    source_uri varchar not null,
    first_run_id varchar not null,
    first_seen_at timestamptz not null,
    last_run_id varchar not null,
    last_seen_at timestamptz not null,
    times_seen integer not null default 1,
    primary key (article_id, source_uri, url)
);
