-- Self-service onboarding: an organization asks for an account from the public site. A request is kept only once
-- its e-mail address is verified by the mailed link (the unverified row expires with its link); the office then
-- approves it (creating or linking the organization and inviting the contact) or refuses it with a reason.
CREATE TABLE account_requests (
    id              TEXT PRIMARY KEY,
    organization    TEXT NOT NULL,
    email           TEXT NOT NULL,
    address         TEXT NOT NULL,
    token_hash      TEXT UNIQUE,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    verified_at     BIGINT,
    decided_at      BIGINT,
    decided_by      TEXT,
    reason          TEXT,
    organization_id TEXT
);
CREATE INDEX account_requests_status ON account_requests (status, created_at);
CREATE INDEX account_requests_address ON account_requests (address, created_at);
