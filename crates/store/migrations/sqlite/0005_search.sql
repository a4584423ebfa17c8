-- Public directory search (issue 7): a portable n-gram index that works the same on SQLite and PostgreSQL.
-- search_docs keeps each listing's normalized text for the final substring check; search_terms holds its
-- unigrams and bigrams. verification_counts counts certificate checks per number and day (no personal data).

CREATE TABLE search_docs (
    kind     TEXT NOT NULL,
    doc_key  TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (kind, doc_key)
);

CREATE TABLE search_terms (
    kind     TEXT NOT NULL,
    term     TEXT NOT NULL,
    doc_key  TEXT NOT NULL,
    PRIMARY KEY (kind, term, doc_key)
);
CREATE INDEX search_terms_doc ON search_terms(kind, doc_key);

CREATE TABLE verification_counts (
    number  TEXT NOT NULL,
    day     TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (number, day)
);
