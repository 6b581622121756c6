-- V18: image URLs are https, or served by the local stack's S3 on the loopback interface (a
-- laptop's uploads, where the local S3 speaks plain http): a URL a phone can only load from the
-- machine it runs on. The app accepts the latter only under the configured uploads base URL.
CREATE OR REPLACE FUNCTION jsonb_is_https_url_array(value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(value) = 'array'
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements(value) AS e(item)
           WHERE jsonb_typeof(e.item) <> 'string'
              OR (e.item #>> '{}') !~ '^(https://[^[:space:]]+|http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/[^[:space:]]+)$'
       );
$$;
