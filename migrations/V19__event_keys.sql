-- V19: a path's `{event_id}` names an event by public id or by slug. These two functions split
-- the key so one statement finds the event either way: exactly one of them is not NULL, and
-- `e.uuid = event_key_uuid($1) OR e.slug = event_key_slug($1)` probes one unique index each
-- (the other probe, with a NULL key, costs nothing). Both are plain SQL expressions the planner
-- inlines. A key shaped like a uuid is never a slug, so a slug that looks like one is reached by
-- nothing but its event's public id.
CREATE FUNCTION event_key_uuid(key text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN key ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                THEN key::uuid END;
$$;

CREATE FUNCTION event_key_slug(key text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN key ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                THEN NULL ELSE key END;
$$;
