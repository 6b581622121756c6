-- V11: idempotent notification delivery. A queue message may arrive more than once; its
-- (message, recipient) key makes the second delivery create nothing.
ALTER TABLE notification ADD COLUMN dedupe_key varchar(120);
ALTER TABLE notification ADD CONSTRAINT notification_dedupe_key_key UNIQUE (dedupe_key);
