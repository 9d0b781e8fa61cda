-- Countries an article mentions, and the gazetteer version that found them.
create table article_places (
    article_id varchar not null,
    country_code varchar not null,
    mentions integer not null,
    primary key (article_id, country_code)
);

alter table articles add column places_version varchar;
