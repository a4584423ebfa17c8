-- A compact directory search index (docs/decisions.md, "A compact search index"): one integer id per document,
-- the kind folded into each term as a tag, and the term rows keyed by (term, doc_id) with no second index. The
-- index is rebuilt from the listings at the next start (the layout version setting is cleared here).

DROP TABLE search_terms;
DROP TABLE search_docs;

CREATE TABLE search_docs (
    doc_id   INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    doc_key  TEXT NOT NULL,
    text     TEXT NOT NULL,
    facets   TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, doc_key)
);

CREATE TABLE search_terms (
    term     TEXT NOT NULL,
    doc_id   INTEGER NOT NULL,
    PRIMARY KEY (term, doc_id)
) WITHOUT ROWID;

DELETE FROM settings WHERE key = 'search.index_version';
