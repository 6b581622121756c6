-- V1: helpers every later migration uses.
--
-- One trigger function keeps updated_at true on every table that has it: application code
-- never has to remember to set it, and a bulk UPDATE from psql keeps it honest too.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- True when a jsonb value is an array whose every element is an https URL (cover images,
-- profile pictures): the app only ever loads images over TLS.
CREATE FUNCTION jsonb_is_https_url_array(value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(value) = 'array'
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(value) AS e(item)
           WHERE jsonb_typeof(e.item) <> 'string' OR (e.item #>> '{}') !~ '^https://[^[:space:]]+$'
       );
$$;
