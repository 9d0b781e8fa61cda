-- The raw store moves to its own file (raw.duckdb beside the working copy), out of what is published; runs
-- record the process that writes them, so a run that died can be told from one still writing.
drop table if exists raw_documents;
alter table runs add column pid integer;
alter table runs add column host varchar;
