-- Outgoing mail (issue 6): an outbox row is written in the same transaction as the state change it reports, and a
-- `send_mail` job delivers it. The Message-ID is fixed when the row is written, so a retried send carries the same
-- id and the recipient's system can recognise the duplicate.

CREATE TABLE mail_outbox (
    id          TEXT PRIMARY KEY,
    to_address  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    message_id  TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,            -- queued, sent, failed
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX mail_outbox_created ON mail_outbox(created_at);
CREATE INDEX mail_outbox_status ON mail_outbox(status, created_at);

-- One row per SMTP delivery attempt: when, and what the server (or the connection) answered.
CREATE TABLE mail_attempts (
    id          TEXT PRIMARY KEY,
    outbox_id   TEXT NOT NULL REFERENCES mail_outbox(id),
    attempt     BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    outcome     TEXT NOT NULL,            -- sent, error
    detail      TEXT NOT NULL
);
CREATE INDEX mail_attempts_outbox ON mail_attempts(outbox_id, attempt);
