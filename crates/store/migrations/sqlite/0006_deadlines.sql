-- One deadline model for both schemes (issue 6). Status "late" is derived from the dates, never stored.

CREATE TABLE deadlines (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations(id),
    owner           TEXT NOT NULL,
    assignee_id     TEXT REFERENCES users(id),
    title           TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    met_on          TEXT,
    waived          INTEGER NOT NULL DEFAULT 0,
    waived_reason   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (subject, subject_id, kind)
);
CREATE INDEX deadlines_due ON deadlines(due_on);
CREATE INDEX deadlines_organization ON deadlines(organization_id, due_on);
CREATE INDEX deadlines_assignee ON deadlines(assignee_id, due_on);

-- Secret calendar-feed URLs (iCalendar); only the token's hash is kept, and a feed can be revoked.
CREATE TABLE calendar_feeds (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
