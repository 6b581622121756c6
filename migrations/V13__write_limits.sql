-- V13: per-user write limits count a host's invites of the last hour; this index makes that
-- an index range scan (join requests already have event_request_requester_idx).
CREATE INDEX event_invite_invited_by_created_idx ON event_invite (invited_by, created_at DESC);
DROP INDEX event_invite_invited_by_idx;
