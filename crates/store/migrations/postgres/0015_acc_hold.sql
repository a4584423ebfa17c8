-- ACC-11 hold (seed 003 第6章3): what the office and the head record while a case is on hold — whether the hold
-- was about ratings (they may then be confirmed), the receipt of the requested documents, and the head's report
-- to the committee when they did not arrive within 3 months. One row per case, reset by each new hold.
CREATE TABLE acc_holds (
    case_id               TEXT PRIMARY KEY REFERENCES acc_cases(id),
    held_on               TEXT NOT NULL,
    about_ratings         BIGINT NOT NULL,
    documents_received_on TEXT,
    head_reported_on      TEXT,
    head_report           TEXT,
    updated_at            BIGINT NOT NULL
);

-- ACC-22: a reissue (追加発行) is an additional copy beside the original, which stays in force: one original in
-- force per accreditation, and each paid reissue invoice pays for one copy.
DROP INDEX acc_certificates_one_current;
CREATE UNIQUE INDEX acc_certificates_one_original ON acc_certificates(accreditation_id)
    WHERE returned_on IS NULL AND reissue = 0;
CREATE UNIQUE INDEX acc_certificates_one_per_invoice ON acc_certificates(invoice_id) WHERE invoice_id IS NOT NULL;
