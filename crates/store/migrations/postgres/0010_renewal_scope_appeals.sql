-- Accreditation after the decision, part 2 (issue 4): appeals (ACC-21), renewal (ACC-19) and scope changes
-- (ACC-20). Same conventions as 0001: Unix-second timestamps, ISO dates as TEXT, booleans 0/1, JSON as TEXT.

-- A case is a first application, a renewal of an accreditation, or services added to one; renewal and scope
-- cases name the accreditation they change.
ALTER TABLE acc_cases ADD COLUMN kind TEXT NOT NULL DEFAULT 'initial';
ALTER TABLE acc_cases ADD COLUMN accreditation_id TEXT REFERENCES accreditations(id);
CREATE INDEX acc_cases_accreditation ON acc_cases(accreditation_id);

-- Appeals (不服申立て, ACC-21): the four required items, the supporting material, the filing and review dates and
-- the committee's decision. One appeal per decision appealed (double submissions meet the unique index).
CREATE TABLE acc_appeals (
    id                TEXT PRIMARY KEY,
    organization_id   TEXT NOT NULL REFERENCES organizations(id),
    subject           TEXT NOT NULL,
    case_id           TEXT NOT NULL REFERENCES acc_cases(id),
    accreditation_id  TEXT REFERENCES accreditations(id),
    decision_on       TEXT NOT NULL,
    organization_name TEXT NOT NULL,
    address           TEXT NOT NULL,
    responsible_title TEXT NOT NULL,
    responsible_name  TEXT NOT NULL,
    known_on          TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    reasons           TEXT NOT NULL,
    appealed_on       TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    evidence          TEXT NOT NULL,
    filing_due_on     TEXT NOT NULL,
    review_due_on     TEXT NOT NULL,
    status            TEXT NOT NULL,
    outcome           TEXT,
    decided_on        TEXT,
    method            TEXT,
    deciders          TEXT,
    decision_reason   TEXT,
    justifiable       BIGINT,
    cost_invoice_id   TEXT REFERENCES invoices(id),
    version           BIGINT NOT NULL DEFAULT 1,
    created_by        TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX acc_appeals_one_per_decision ON acc_appeals(subject, case_id, decision_on);
CREATE INDEX acc_appeals_organization ON acc_appeals(organization_id);

-- Requests for more information during the review (ACC-21): each extends the review to a new due date.
CREATE TABLE acc_appeal_requests (
    id              TEXT PRIMARY KEY,
    appeal_id       TEXT NOT NULL REFERENCES acc_appeals(id),
    requested_on    TEXT NOT NULL,
    items           TEXT NOT NULL,
    previous_due_on TEXT NOT NULL,
    review_due_on   TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX acc_appeal_requests_appeal ON acc_appeal_requests(appeal_id);

-- Each member's answer when the head polls the committee (ACC-21); a second answer replaces the first.
CREATE TABLE acc_appeal_votes (
    id         TEXT PRIMARY KEY,
    appeal_id  TEXT NOT NULL REFERENCES acc_appeals(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    outcome    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (appeal_id, user_id)
);

-- The renewal notice sent for one validity of an accreditation (ACC-19): the key makes the daily job idempotent
-- and safe with two workers.
CREATE TABLE acc_renewal_notices (
    accreditation_id TEXT NOT NULL REFERENCES accreditations(id),
    expires_on       TEXT NOT NULL,
    sent_on          TEXT NOT NULL,
    mail_id          TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (accreditation_id, expires_on)
);

-- Extensions of validity asked during a renewal review (ACC-19); one per renewal case.
CREATE TABLE acc_extensions (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL UNIQUE REFERENCES acc_cases(id),
    accreditation_id    TEXT NOT NULL REFERENCES accreditations(id),
    requested_on        TEXT NOT NULL,
    requested_until     TEXT NOT NULL,
    reasons             TEXT NOT NULL,
    status              TEXT NOT NULL,
    decided_on          TEXT,
    extended_until      TEXT,
    decision_reason     TEXT,
    original_expires_on TEXT NOT NULL,
    requested_by        TEXT NOT NULL,
    decided_by          TEXT,
    created_at          BIGINT NOT NULL
);
