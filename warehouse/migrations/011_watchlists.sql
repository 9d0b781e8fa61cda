-- Watchlists: terms a user follows, and every article that matched one (once per watch and article).
create table watches (
    name varchar primary key,
    terms varchar[] not null,
    webhook varchar,
    created_at timestamptz not null
);

create table watch_hits (
    watch varchar not null,
    article_id varchar not null,
    run_id varchar not null,
    terms varchar[] not null,
    hit_at timestamptz not null,
    primary key (watch, article_id)
);
