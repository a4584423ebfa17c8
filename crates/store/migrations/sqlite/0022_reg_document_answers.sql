-- The institution's answers to a REG-7 document request (seed 000 別紙2 2【登録の抹消】): one row per file uploaded
-- in the system, with the institution's note and the date of the answer. The file itself is a row of reg_files
-- (`owner_type` 'reg_investigation', `owner_id` the case, `purpose` the request id); the office still records the
-- receipt of the documents on the request (reg_document_requests.received_on).
CREATE TABLE reg_document_answers (
    id               TEXT PRIMARY KEY,
    investigation_id TEXT NOT NULL REFERENCES reg_investigations(id),
    request_id       TEXT NOT NULL REFERENCES reg_document_requests(id),
    file_id          TEXT NOT NULL UNIQUE REFERENCES reg_files(id),
    answered_on      TEXT NOT NULL,
    note             TEXT NOT NULL,
    answered_by      TEXT NOT NULL REFERENCES users(id),
    answered_at      BIGINT NOT NULL
);
CREATE INDEX reg_document_answers_request ON reg_document_answers(investigation_id, request_id);
