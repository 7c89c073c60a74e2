SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- Policy data, edited through the admin API. Names are unique case-insensitively, because the
-- engine compares them that way.
CREATE TABLE role (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    description TEXT,
    version     INTEGER     NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_name_uq ON role (lower(name));

CREATE TABLE role_binding (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role_id      BIGINT      NOT NULL REFERENCES role (id),
    subject_type TEXT        NOT NULL CHECK (subject_type IN ('USER', 'GROUP', 'PROJECT_ROLE')),
    subject      TEXT        NOT NULL,
    project_key  TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_binding_uq ON role_binding (role_id, subject_type, subject, COALESCE(upper(project_key), ''));

CREATE TABLE target (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           TEXT        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    kind           TEXT        NOT NULL CHECK (kind IN ('GITHUB_ACTIONS', 'GITLAB', 'JENKINS', 'NOOP')),
    base_url       TEXT,
    repository     TEXT,
    workflow       TEXT,
    project        TEXT,
    job            TEXT,
    ref            TEXT,
    credential_ref TEXT,
    -- inputs (GitHub), variables (GitLab) or parameters (Jenkins), as a JSON object of templates
    template_values TEXT       NOT NULL DEFAULT '{}',
    version        INTEGER     NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX target_name_uq ON target (lower(name));

CREATE TABLE rule (
    id                          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                        TEXT        NOT NULL,
    project_key                 TEXT        NOT NULL,
    issue_types                 TEXT[]      NOT NULL DEFAULT '{}',
    from_status                 TEXT        NOT NULL,
    to_status                   TEXT        NOT NULL,
    allowed_roles               TEXT[]      NOT NULL DEFAULT '{}',
    target                      TEXT,
    mode                        TEXT        NOT NULL CHECK (mode IN ('ENFORCE', 'DRY_RUN')),
    comment                     BOOLEAN     NOT NULL DEFAULT true,
    revert_on_deny              BOOLEAN     NOT NULL DEFAULT false,
    approval_required           INTEGER,
    approval_roles              TEXT[],
    approval_separation_of_duties BOOLEAN,
    approval_expires_after      TEXT,
    enabled                     BOOLEAN     NOT NULL DEFAULT true,
    version                     INTEGER     NOT NULL DEFAULT 0,
    created_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX rule_name_uq ON rule (lower(name));

-- Bumped in the same transaction as every policy change; replicas poll it to reload their snapshot.
CREATE TABLE policy_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO policy_version (id, version) VALUES (1, 1);

-- API tokens: only a SHA-256 hash of the token is stored; the token is shown once at creation.
CREATE TABLE api_token (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT        NOT NULL,
    token_hash TEXT        NOT NULL,
    scopes     TEXT[]      NOT NULL,
    account_id TEXT,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT api_token_hash_uq UNIQUE (token_hash)
);
CREATE UNIQUE INDEX api_token_name_uq ON api_token (lower(name));
