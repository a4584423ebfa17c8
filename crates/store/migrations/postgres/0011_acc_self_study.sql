-- The self-study of an accreditation case (issue 3, ACC-2, ACC-3, ACC-6 … ACC-8): uploaded files (stored outside
-- the database, named by their SHA-256), narratives per section, the representative's confirmation and the
-- office's format check, anonymous questionnaires, the head's decision on a department unit, objections to a
-- surveyor with the cooling-off that follows, service engagements, and the site-visit schedule.
CREATE TABLE acc_files (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES acc_cases(id),
    purpose       TEXT NOT NULL,
    standard      TEXT,
    original_name TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users(id),
    uploaded_at   BIGINT NOT NULL
);
CREATE INDEX acc_files_case ON acc_files(case_id, purpose, standard);

CREATE TABLE acc_self_study (
    case_id           TEXT PRIMARY KEY REFERENCES acc_cases(id),
    confirmed_by_name TEXT,
    confirmed_on      TEXT,
    confirmed_by      TEXT,
    format_status     TEXT NOT NULL,
    format_note       TEXT,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE acc_narratives (
    case_id    TEXT NOT NULL REFERENCES acc_cases(id),
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, section)
);

CREATE TABLE acc_format_checks (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES acc_cases(id),
    result     TEXT NOT NULL,
    checked_on TEXT NOT NULL,
    note       TEXT,
    checked_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX acc_format_checks_case ON acc_format_checks(case_id, created_at);

-- One-time anonymous links: only the token's hash is kept; an answer does not name its link.
CREATE TABLE acc_questionnaire_links (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES acc_cases(id),
    kind       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    used       BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX acc_questionnaire_links_case ON acc_questionnaire_links(case_id, kind);

CREATE TABLE acc_questionnaire_answers (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES acc_cases(id),
    kind         TEXT NOT NULL,
    answers      TEXT NOT NULL,
    submitted_on TEXT NOT NULL
);
CREATE INDEX acc_questionnaire_answers_case ON acc_questionnaire_answers(case_id, kind);
