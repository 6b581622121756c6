-- Retention: rows kept only to recognise a repeat are deleted once no repeat can come
-- (shared::retention, run by the one-minute sweep in bounded batches).
--
-- The purge walks each table oldest first and stops at the first row it must keep, so each
-- table it reads by age needs an index on that age.
--   idempotency_key: idempotency_key_created_idx already exists (V9).
--   payment_webhook_event: deduplicates Razorpay's retries (they stop after 24 hours).
--   outbox_message: sent messages (unsent ones have outbox_message_unsent_idx, V8).
CREATE INDEX payment_webhook_event_created_idx ON payment_webhook_event (created_at);
CREATE INDEX outbox_message_sent_idx ON outbox_message (published_at) WHERE published_at IS NOT NULL;
