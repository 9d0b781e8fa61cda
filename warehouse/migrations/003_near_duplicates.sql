-- Near-duplicate detection: LSH band keys per article, the verified links, and one row per story.
create table article_bands (
    bucket bigint not null,
    article_id varchar not null
);

create table near_duplicates (
    article_id varchar not null,
    similar_to varchar not null,
    similarity double not null,
    primary key (article_id, similar_to)
);

create view unique_stories as
select c.cluster_id, c.first_seen, c.title, c.size, coalesce(s.sources, []) as sources, coalesce(s.copies, 0) as copies,
       c.article_ids
from (
    select cluster_id,
           min(coalesce(published_at, ingested_at)) as first_seen,
           arg_min(title, coalesce(published_at, ingested_at)) as title,
           count(*) as size,
           list(article_id order by coalesce(published_at, ingested_at), article_id) as article_ids
    from articles group by cluster_id
) c
left join (
    select a.cluster_id,
           list(distinct s.source order by s.source) filter (where s.source is not null) as sources,
           count(*) as copies
    from sightings s join articles a using (article_id) group by a.cluster_id
) s using (cluster_id);
