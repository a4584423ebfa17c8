-- Accreditation (ACC, issue 3): standards catalogs, cases from application to the committee's decision,
-- surveyors, ratings with history, votes, decisions, deadlines, invoices and payments, and accreditations.
-- Same conventions as 0001 (PostgreSQL): Unix-second timestamps, ISO dates as TEXT, booleans 0/1, JSON as TEXT.

-- A standards catalog version (認定基準). The catalog in force is the one with the highest `seq`; a case keeps
-- the version it started with.
CREATE TABLE acc_catalogs (
    version     TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL UNIQUE,
    sample      BIGINT NOT NULL,
    source      TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT
);

CREATE TABLE acc_standards (
    catalog_version TEXT NOT NULL REFERENCES acc_catalogs(version),
    position        BIGINT NOT NULL,
    code            TEXT NOT NULL,
    group_name      TEXT NOT NULL,
    section         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    fundamental     TEXT,
    service         TEXT,
    title           TEXT NOT NULL,
    PRIMARY KEY (catalog_version, code)
);

-- One accreditation case (MH認定の審査): the application, the office's decisions and the committee's outcome.
CREATE TABLE acc_cases (
    id                     TEXT PRIMARY KEY,
    organization_id        TEXT NOT NULL REFERENCES organizations(id),
    unit_name              TEXT,
    services               TEXT NOT NULL,
    other_services         TEXT NOT NULL,
    annual_revenue_yen     BIGINT NOT NULL,
    applied_on             TEXT NOT NULL,
    application            TEXT NOT NULL,
    catalog_version        TEXT NOT NULL REFERENCES acc_catalogs(version),
    status                 TEXT NOT NULL,
    version                BIGINT NOT NULL DEFAULT 1,
    eligibility_decision   BIGINT,
    eligibility_decided_on TEXT,
    eligibility_reason     TEXT,
    coordinator_id         TEXT REFERENCES users(id),
    coordinator_visit_on   TEXT,
    self_study_due_on      TEXT,
    site_visit_on          TEXT,
    self_study_submitted_on TEXT,
    report_issued_on       TEXT,
    response_submitted_on  TEXT,
    response_opinion       TEXT,
    response_action_plan   TEXT,
    outcome                TEXT,
    decided_on             TEXT,
    decision_reason        TEXT,
    grace_until            TEXT,
    first_deferred_on      TEXT,
    notice_sent_on         TEXT,
    notice_received_on     TEXT,
    withdrawn_on           TEXT,
    accreditation_number   TEXT UNIQUE,
    accredited_on          TEXT,
    expires_on             TEXT,
    created_by             TEXT,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX acc_cases_organization ON acc_cases(organization_id);
-- One open case per organization and unit, also under concurrent applications.
CREATE UNIQUE INDEX acc_cases_one_open ON acc_cases(organization_id, (COALESCE(unit_name, '')))
    WHERE status NOT IN ('ineligible', 'accredited', 'denied', 'withdrawn', 'stopped');
CREATE INDEX acc_cases_status ON acc_cases(status);

-- Surveyors of a case (ACC-7): two at most, one lead (the lead is unique per case).
CREATE TABLE acc_case_surveyors (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES acc_cases(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    lead        BIGINT NOT NULL,
    assigned_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (case_id, user_id)
);
CREATE UNIQUE INDEX acc_case_surveyors_one_lead ON acc_case_surveyors(case_id) WHERE lead = 1;

-- Ratings (ACC-9): every rating is kept; `current` = 1 marks the one in force per standard.
CREATE TABLE acc_ratings (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES acc_cases(id),
    standard_code TEXT NOT NULL,
    rating        BIGINT NOT NULL,
    comment       TEXT NOT NULL,
    surveyor_id   TEXT NOT NULL REFERENCES users(id),
    current       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX acc_ratings_case ON acc_ratings(case_id, standard_code);
CREATE UNIQUE INDEX acc_ratings_one_current ON acc_ratings(case_id, standard_code) WHERE current = 1;

-- Committee votes (ACC-8, ACC-11); `round` counts the decisions recorded before the vote.
CREATE TABLE acc_votes (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES acc_cases(id),
    round      BIGINT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id),
    outcome    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (case_id, round, user_id)
);

-- Every decision recorded on a case (ACC-11), in order; the case row carries the latest.
CREATE TABLE acc_decisions (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES acc_cases(id),
    round       BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    grace_until TEXT,
    reason      TEXT,
    recorded_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (case_id, round)
);

-- Deadlines of a case (ACC-5, ACC-11, ACC-12, ACC-21); `open` = 0 once met or superseded.
CREATE TABLE acc_deadlines (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES acc_cases(id),
    kind       TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    open       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX acc_deadlines_case ON acc_deadlines(case_id);
CREATE INDEX acc_deadlines_due ON acc_deadlines(open, due_on);

-- Numbering (accreditation numbers, invoice numbers): one counter row per name and year, locked by its update.
CREATE TABLE acc_sequences (
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (name, year)
);

-- Invoices (ACC-22): base + add-ons on acceptance, extra fees later; tax at the rate of the invoice date.
CREATE TABLE invoices (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    case_id             TEXT NOT NULL REFERENCES acc_cases(id),
    organization_id     TEXT NOT NULL REFERENCES organizations(id),
    issued_on           TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    tax_rate_percent    BIGINT NOT NULL,
    subtotal_yen        BIGINT NOT NULL,
    tax_yen             BIGINT NOT NULL,
    total_yen           BIGINT NOT NULL,
    created_by          TEXT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX invoices_case ON invoices(case_id);

CREATE TABLE invoice_lines (
    id         TEXT PRIMARY KEY,
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    position   BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity   BIGINT NOT NULL,
    unit_yen   BIGINT NOT NULL,
    amount_yen BIGINT NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);

CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices(id),
    paid_on     TEXT NOT NULL,
    amount_yen  BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX payments_invoice ON payments(invoice_id);

-- Accreditations in force (ACC-11, ACC-23): what the public directory and certificate verification read.
CREATE TABLE accreditations (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    case_id         TEXT NOT NULL UNIQUE REFERENCES acc_cases(id),
    unit_name       TEXT,
    services        TEXT NOT NULL,
    accredited_on   TEXT NOT NULL,
    expires_on      TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX accreditations_organization ON accreditations(organization_id);
