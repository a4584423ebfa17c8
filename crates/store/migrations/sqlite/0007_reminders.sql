-- Deadline reminders sent (issue 6): one row per deadline and reminder point, so each goes out once even when
-- several instances run the reminder job.
CREATE TABLE reminders_sent (
    deadline_id TEXT NOT NULL REFERENCES deadlines(id),
    reminder    TEXT NOT NULL,
    sent_on     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    outbox_id   TEXT,
    PRIMARY KEY (deadline_id, reminder)
);
