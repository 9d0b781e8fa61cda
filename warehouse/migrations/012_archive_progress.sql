-- How far runs got in each WARC archive, per set of record filters: committed with each batch's articles, so a
-- killed archive ingest resumes at the first record whose pages were not loaded.
create table archive_progress (
    archive varchar not null,       -- the file's absolute path
    filters varchar not null,       -- the run's domain, language and date filters, as text
    size bigint not null,           -- the file's size when it was read
    next_offset bigint not null,    -- the byte offset of the first record not yet read
    records bigint not null,        -- records read so far
    finished boolean not null,      -- read to its end
    run_id varchar not null,
    updated_at timestamptz not null,
    primary key (archive, filters)
);
