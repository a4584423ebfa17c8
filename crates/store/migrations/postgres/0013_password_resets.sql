-- Password recovery: one row per request, for known and unknown addresses alike (so the rate limits cannot tell
-- them apart). Only a request for a known, active account carries a token, stored as its SHA-256 hash, valid for
-- one hour and used at most once.
CREATE TABLE password_resets (
    id         TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    address    TEXT NOT NULL,
    user_id    TEXT REFERENCES users(id),
    token_hash TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_email ON password_resets (email, created_at);
CREATE INDEX password_resets_address ON password_resets (address, created_at);
