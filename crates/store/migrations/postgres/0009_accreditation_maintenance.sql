-- The accreditation after the decision (issue 4, part 1): annual maintenance reports (ACC-14), the office's
-- written questions on them and on self-reports, self-reports (ACC-15), compliance reviews with their document
-- requests, findings and the committee members' answers (ACC-16), and certificates (ACC-13, ACC-22). Status
-- changes (suspension, lapse, revocation) live on `accreditations.status` with their history in
-- `accreditation_events` (0008). Same conventions as 0001: Unix-second timestamps, ISO dates as TEXT, JSON as TEXT.

-- One row per accreditation and year of validity (1, 2), made with the accreditation: the due date is known then.
CREATE TABLE acc_annual_reports (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    year             BIGINT NOT NULL,
    due_on           TEXT NOT NULL,
    submitted_on     TEXT,
    content          TEXT,
    submitted_by     TEXT,
    created_at       BIGINT NOT NULL,
    UNIQUE (accreditation_id, year)
);

-- The office's written questions (疑義) on an annual report or a self-report, and the organization's answers.
CREATE TABLE acc_questions (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    subject          TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    asked_on         TEXT NOT NULL,
    question         TEXT NOT NULL,
    answer_due_on    TEXT,
    asked_by         TEXT NOT NULL,
    answered_on      TEXT,
    answer           TEXT,
    answered_by      TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX acc_questions_accreditation ON acc_questions(accreditation_id);

-- Self-reports (ACC-15): the event, its due date, and whether it came late.
CREATE TABLE acc_self_reports (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    kind             TEXT NOT NULL,
    event_on         TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    submitted_on     TEXT NOT NULL,
    late             BIGINT NOT NULL,
    content          TEXT NOT NULL,
    submitted_by     TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX acc_self_reports_accreditation ON acc_self_reports(accreditation_id);

-- Compliance reviews (ACC-16): open → revocation_requested → closed. One open review per accreditation.
CREATE TABLE acc_reviews (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    trigger_kind     TEXT NOT NULL,
    trigger_ref      TEXT,
    opened_on        TEXT NOT NULL,
    reason           TEXT NOT NULL,
    status           TEXT NOT NULL,
    site_visit_on    TEXT,
    requested_on     TEXT,
    method           TEXT,
    request_reason   TEXT,
    outcome          TEXT,
    closed_on        TEXT,
    closing_note     TEXT,
    opened_by        TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX acc_reviews_one_open ON acc_reviews(accreditation_id) WHERE status <> 'closed';

-- What a review asks for: documents by a date, or a minor finding to correct within a period.
CREATE TABLE acc_review_items (
    id           TEXT PRIMARY KEY,
    review_id    TEXT NOT NULL REFERENCES acc_reviews(id),
    kind         TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    description  TEXT NOT NULL,
    met_on       TEXT,
    note         TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX acc_review_items_review ON acc_review_items(review_id);

-- Each committee member's answer on a revocation request (meeting or the head's poll, ACC-16, ACC-8).
CREATE TABLE acc_review_answers (
    id          TEXT PRIMARY KEY,
    review_id   TEXT NOT NULL REFERENCES acc_reviews(id),
    member_id   TEXT NOT NULL REFERENCES users(id),
    answer      TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (review_id, member_id)
);

-- Certificates (認定証): at most one current (not returned) per accreditation.
CREATE TABLE acc_certificates (
    id               TEXT PRIMARY KEY,
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    serial           TEXT NOT NULL UNIQUE,
    issued_on        TEXT NOT NULL,
    services         TEXT NOT NULL,
    reissue          BIGINT NOT NULL,
    invoice_id       TEXT,
    returned_on      TEXT,
    issued_by        TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX acc_certificates_one_current ON acc_certificates(accreditation_id) WHERE returned_on IS NULL;

-- The history's order within one accreditation: events of the same second (one request can record two) keep the
-- order they were recorded in. Set by `accreditations::record_event` under the accreditation's row lock.
ALTER TABLE accreditation_events ADD COLUMN seq BIGINT;
