-- Impartiality of an accreditation review and the site-visit timetable (issue 3, ACC-2, ACC-7, ACC-8): the
-- head's decision on a department unit, the organization's objections to a surveyor and the office's decisions,
-- the 6-month cooling-off after a decision, surveyors' engagements with organizations, and the timetable.

-- ACC-2: one decision per case (the head decides once; the case's audit keeps who and when).
CREATE TABLE acc_unit_decisions (
    case_id    TEXT PRIMARY KEY REFERENCES acc_cases(id),
    qualifies  BIGINT NOT NULL,
    decided_on TEXT NOT NULL,
    reason     TEXT,
    decided_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);

-- ACC-8: an objection is open until decided (`upheld` NULL); one open objection per surveyor and case.
CREATE TABLE acc_surveyor_objections (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES acc_cases(id),
    surveyor_id TEXT NOT NULL REFERENCES users(id),
    reason      TEXT NOT NULL,
    raised_on   TEXT NOT NULL,
    raised_by   TEXT NOT NULL REFERENCES users(id),
    upheld      BIGINT,
    decided_on  TEXT,
    decided_by  TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX acc_surveyor_objections_case ON acc_surveyor_objections(case_id, surveyor_id);
CREATE UNIQUE INDEX acc_surveyor_objections_open ON acc_surveyor_objections(case_id, surveyor_id)
    WHERE upheld IS NULL;

-- ACC-8: the surveyors' cooling-off after each decision on a case.
CREATE TABLE acc_cooling_offs (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES acc_cases(id),
    surveyor_id     TEXT NOT NULL REFERENCES users(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    decided_on      TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (case_id, surveyor_id, decided_on)
);
CREATE INDEX acc_cooling_offs_surveyor ON acc_cooling_offs(surveyor_id, organization_id);

-- ACC-8: consulting, services or research funds between a surveyor and an organization, as the office records
-- them; `warnings` (JSON) keeps what the office was warned of when recording.
CREATE TABLE surveyor_engagements (
    id              TEXT PRIMARY KEY,
    surveyor_id     TEXT NOT NULL REFERENCES users(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    kind            TEXT NOT NULL,
    started_on      TEXT NOT NULL,
    note            TEXT,
    warnings        TEXT NOT NULL,
    recorded_by     TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    UNIQUE (surveyor_id, organization_id, kind, started_on)
);

-- ACC-7: the edited timetable (JSON items); absent until edited (the standard one is generated).
CREATE TABLE acc_site_visit_schedules (
    case_id    TEXT PRIMARY KEY REFERENCES acc_cases(id),
    items      TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
