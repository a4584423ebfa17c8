-- The REG application form saved as a draft, one per counseling room, until it is submitted (the fields as the
-- form sent them, so that a resumed form shows exactly what was typed).
CREATE TABLE reg_drafts (
    site_id         TEXT PRIMARY KEY REFERENCES sites(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    fields          TEXT NOT NULL,
    saved_by        TEXT NOT NULL,
    saved_at        BIGINT NOT NULL
);
