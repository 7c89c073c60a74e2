SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The SHA-256 of the raw signed body: a body seen before is a duplicate whatever delivery id
-- header comes with it (a replay under a fresh id), beside the delivery id and the changelog id.
ALTER TABLE delivery ADD COLUMN body_sha256 TEXT;
CREATE UNIQUE INDEX delivery_source_body_sha256_uq ON delivery (source, body_sha256) WHERE body_sha256 IS NOT NULL;
