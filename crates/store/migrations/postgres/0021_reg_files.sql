-- Files of the registration scheme, stored as the ACC files are (bytes outside the database, named by SHA-256):
-- the registration documents uploaded with an application (REG-3, seed 000 別紙2 登録申請関係書類; `owner_type`
-- 'reg_case', `purpose` the document) and the institution's answers to a REG-7 document request (`owner_type`
-- 'reg_investigation', `purpose` the request id).
CREATE TABLE reg_files (
    id            TEXT PRIMARY KEY,
    owner_type    TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users(id),
    uploaded_at   BIGINT NOT NULL
);
CREATE INDEX reg_files_owner ON reg_files(owner_type, owner_id, purpose);
CREATE INDEX reg_files_sha ON reg_files(sha256);
