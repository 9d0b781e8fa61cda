-- A sighting is one distinct appearance of an article (where, under which URL), recorded once: re-reading the
-- same input changes nothing. It keeps the headline it appeared under (a copy may carry another one).
alter table sightings add column title varchar;
