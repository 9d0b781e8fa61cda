-- Watchlist hits: every article that matched a watch of the watchlist file, once per watch and article.
create table watch_hits (
    watch varchar not null,
    article_id varchar not null,
    run_id varchar not null,
    terms varchar[] not null,
    hit_at timestamptz not null,
    primary key (watch, article_id)
);
