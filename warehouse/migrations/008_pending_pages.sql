-- The page behind a feed entry: fetched, feed_only (the source keeps the feed's text), pending (a transient
-- failure: retried on later runs, the article upgraded in place when it arrives), failed, disallowed (robots.txt),
-- blocked (a bot challenge, consent wall, JavaScript shell or paywall teaser instead of the article)
-- or gave_up (still failing after the source's page_attempts). page_url is the entry's link, to retry it even
-- when the feed no longer lists it or answers 304.
alter table feed_entries add column page_status varchar;
alter table feed_entries add column page_url varchar;
alter table feed_entries add column page_attempts integer not null default 0;
alter table feed_entries add column page_error varchar;
