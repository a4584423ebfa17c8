-- The directory counts from its index alone (docs/decisions.md, "Counting from the index"): each document keeps
-- the last day it is listed, and the filters (prefecture, method, service) become facets. The index is rebuilt
-- under its new layout version at the next start.
ALTER TABLE search_docs ADD COLUMN listed_until TEXT;

CREATE INDEX search_docs_listed ON search_docs (kind, listed_until);
