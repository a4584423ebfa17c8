-- The history of an accreditation (issue 4, ACC-13 … ACC-21): every change of status, services, dates or
-- certificate is one row, in the transaction that makes the change; the accreditation row holds the current state.
CREATE TABLE accreditation_events (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    kind             TEXT NOT NULL,
    occurred_on      TEXT NOT NULL,
    detail           TEXT NOT NULL,
    actor_id         TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX accreditation_events_accreditation ON accreditation_events(accreditation_id, created_at);
