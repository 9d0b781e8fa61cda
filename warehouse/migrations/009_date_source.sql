-- Where each article's published_at came from: json_ld, meta (a meta tag), time (a <time datetime>), htmldate (the
-- page text and URL), feed (the feed entry), record (a JSON field), header (a text file's header line). Empty for
-- articles loaded before schema 9 and for articles without a date.
alter table articles add column date_source varchar;
