-- REG-4 terms with history. A renewal decided before the current validity ends does not overwrite it: the next
-- term waits in `next_*` until its first day (the current one stays published until then), and every term a
-- registration had is kept in `reg_terms`.
ALTER TABLE registrations ADD COLUMN next_case_id TEXT;
ALTER TABLE registrations ADD COLUMN next_registered_on TEXT;
ALTER TABLE registrations ADD COLUMN next_expires_on TEXT;

CREATE TABLE reg_terms (
    id              TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    -- The case (first application or renewal) whose review gave this term.
    case_id         TEXT NOT NULL,
    registered_on   TEXT NOT NULL,
    expires_on      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX reg_terms_start ON reg_terms(registration_id, registered_on);

-- The terms known so far: each registration's current one.
INSERT INTO reg_terms (id, registration_id, case_id, registered_on, expires_on, created_at)
    SELECT 'term-' || id, id, case_id, registered_on, expires_on, updated_at FROM registrations;

-- REG-6: a change notice ends as `acknowledged` (applied), `scheduled` (acknowledged, applied on its
-- `changed_on`), `refused` by the office (it breaks REG-3, say), or `closed` when the registration ended first.
ALTER TABLE reg_change_notices ADD COLUMN closed_on TEXT;
ALTER TABLE reg_change_notices ADD COLUMN close_reason TEXT;

-- REG-9: counselors an institution enrols in a training session; the office sees them and records attendance.
CREATE TABLE reg_training_enrolments (
    id              TEXT PRIMARY KEY,
    training_id     TEXT NOT NULL REFERENCES reg_trainings(id),
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    counselor_name  TEXT NOT NULL,
    enrolled_by     TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX reg_training_enrolments_one ON reg_training_enrolments(training_id, registration_id, counselor_name);
