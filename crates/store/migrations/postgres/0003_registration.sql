-- Registration of counseling institutions (REG, issue 5). Dates are ISO TEXT, timestamps Unix seconds, JSON TEXT.

-- One row per registered counseling room (REG-2), under its stable public number REG-YYYY-NNNN.
CREATE TABLE registrations (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    organization_id     TEXT NOT NULL REFERENCES organizations(id),
    site_id             TEXT NOT NULL REFERENCES sites(id),
    -- The case whose review registered it or last renewed it.
    case_id             TEXT NOT NULL,
    first_registered_on TEXT NOT NULL,
    -- The first and last day of the current validity (REG-4).
    registered_on       TEXT NOT NULL,
    expires_on          TEXT NOT NULL,
    -- registered | under_investigation | deregistration_review | expired | abolished | deregistered
    status              TEXT NOT NULL,
    -- The published REG-3 1(3)イ items, in the shape of API.md's `disclosure`.
    disclosure          TEXT NOT NULL,
    -- The registered data as applied and changed (REG-6): counselors, psychiatrists, disclosure answers.
    counselors          TEXT NOT NULL,
    psychiatrists       TEXT NOT NULL,
    disclosure_answers  TEXT NOT NULL,
    ended_on            TEXT,
    end_reason          TEXT,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX registrations_organization ON registrations(organization_id);
CREATE INDEX registrations_site ON registrations(site_id);
CREATE INDEX registrations_status ON registrations(status, expires_on);
-- REG-2: at most one registration in force per counseling room.
CREATE UNIQUE INDEX registrations_one_in_force ON registrations(site_id)
    WHERE status IN ('registered', 'under_investigation', 'deregistration_review');

-- The last sequence used per registration year; its row is locked while a number is taken.
CREATE TABLE reg_number_counters (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- Applications, first or renewal (REG-1 … REG-5).
CREATE TABLE reg_cases (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    site_id         TEXT NOT NULL REFERENCES sites(id),
    renewal_of      TEXT REFERENCES registrations(id),
    applied_on      TEXT NOT NULL,
    -- submitted | returned | registered
    status          TEXT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    eligibility     TEXT,
    criteria        TEXT NOT NULL,
    counselors      TEXT NOT NULL,
    psychiatrists   TEXT NOT NULL,
    disclosure      TEXT NOT NULL,
    documents       TEXT,
    findings        TEXT NOT NULL,
    decision        TEXT,
    decided_on      TEXT,
    decision_reason TEXT,
    decided_by      TEXT REFERENCES users(id),
    registration_id TEXT REFERENCES registrations(id),
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX reg_cases_organization ON reg_cases(organization_id, created_at);
CREATE INDEX reg_cases_site ON reg_cases(site_id, status);
CREATE INDEX reg_cases_renewal ON reg_cases(renewal_of, status);
-- At most one application (first or renewal) under review per counseling room.
CREATE UNIQUE INDEX reg_cases_one_submitted ON reg_cases(site_id) WHERE status = 'submitted';

-- Notified changes of registered matters (REG-6); acknowledged by the office, then published.
CREATE TABLE reg_change_notices (
    id              TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    notified_on     TEXT NOT NULL,
    changed_on      TEXT NOT NULL,
    kinds           TEXT NOT NULL,
    changes         TEXT NOT NULL,
    note            TEXT NOT NULL,
    findings        TEXT NOT NULL,
    -- notified | acknowledged
    status          TEXT NOT NULL,
    acknowledged_on TEXT,
    acknowledged_by TEXT REFERENCES users(id),
    version         BIGINT NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX reg_change_notices_registration ON reg_change_notices(registration_id, created_at);
CREATE INDEX reg_change_notices_status ON reg_change_notices(status, created_at);

-- Public reports (通報, REG-7). The contact e-mail is optional and shown to the registrar only.
CREATE TABLE reg_reports (
    id                  TEXT PRIMARY KEY,
    registration_id     TEXT NOT NULL REFERENCES registrations(id),
    registration_number TEXT NOT NULL,
    message             TEXT NOT NULL,
    contact_email       TEXT,
    received_at         BIGINT NOT NULL,
    -- new | investigating | filed
    status              TEXT NOT NULL,
    investigation_id    TEXT,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX reg_reports_received ON reg_reports(status, received_at);
CREATE INDEX reg_reports_registration ON reg_reports(registration_id);

-- Throttling of the public report form: per hashed client address and per registration number.
CREATE TABLE reg_report_attempts (
    id    TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX reg_report_attempts_key ON reg_report_attempts(scope, key, at);

-- Deregistration cases (REG-7): investigation, referral to the registration review committee, decision.
CREATE TABLE reg_investigations (
    id              TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    -- open | referred | closed | decided
    status          TEXT NOT NULL,
    opened_on       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    referred_on     TEXT,
    referral_reason TEXT,
    closed_on       TEXT,
    close_reason    TEXT,
    outcome         TEXT,
    decided_on      TEXT,
    decision_reason TEXT,
    decided_by      TEXT REFERENCES users(id),
    version         BIGINT NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX reg_investigations_registration ON reg_investigations(registration_id);
CREATE INDEX reg_investigations_status ON reg_investigations(status, created_at);

CREATE TABLE reg_document_requests (
    id               TEXT PRIMARY KEY,
    investigation_id TEXT NOT NULL REFERENCES reg_investigations(id),
    requested_on     TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    items            TEXT NOT NULL,
    received_on      TEXT,
    created_by       TEXT NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL
);
CREATE INDEX reg_document_requests_case ON reg_document_requests(investigation_id);

-- On-site investigation, hearing (聴聞) and other records of a deregistration case.
CREATE TABLE reg_investigation_records (
    id               TEXT PRIMARY KEY,
    investigation_id TEXT NOT NULL REFERENCES reg_investigations(id),
    kind             TEXT NOT NULL,
    held_on          TEXT NOT NULL,
    summary          TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL
);
CREATE INDEX reg_investigation_records_case ON reg_investigation_records(investigation_id);

-- One vote per committee member and case; a later vote replaces the earlier one (the audit keeps both).
CREATE TABLE reg_committee_votes (
    investigation_id TEXT NOT NULL REFERENCES reg_investigations(id),
    member_id        TEXT NOT NULL REFERENCES users(id),
    outcome          TEXT NOT NULL,
    comment          TEXT NOT NULL,
    voted_at         BIGINT NOT NULL,
    PRIMARY KEY (investigation_id, member_id)
);

-- Training of counselors of registered institutions (REG-9).
CREATE TABLE reg_trainings (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    place       TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX reg_trainings_held ON reg_trainings(held_on);

CREATE TABLE reg_training_attendance (
    id              TEXT PRIMARY KEY,
    training_id     TEXT NOT NULL REFERENCES reg_trainings(id),
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    counselor_name  TEXT NOT NULL,
    attended        BIGINT NOT NULL,
    recorded_by     TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    UNIQUE (training_id, registration_id, counselor_name)
);
CREATE INDEX reg_training_attendance_registration ON reg_training_attendance(registration_id);
