SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- Where a started run lives as its CI system names it in status callbacks (GitHub repository full
-- name, GitLab project, Jenkins job), lower-case: a callback is matched only to a run of its own home.
ALTER TABLE pipeline_run ADD COLUMN run_scope TEXT;
UPDATE pipeline_run r
SET run_scope = lower(btrim(CASE r.provider
        WHEN 'GITHUB_ACTIONS' THEN t.repository
        WHEN 'GITLAB' THEN t.project
        WHEN 'JENKINS' THEN t.job
    END, ' /'))
FROM target t
WHERE t.name = r.target AND r.run_scope IS NULL;
-- Where the target's runs are shown on the web: a run URL reported by a callback is linked from Jira
-- only under it.
ALTER TABLE pipeline_run ADD COLUMN web_root TEXT;
UPDATE pipeline_run r
SET web_root = CASE
        WHEN r.provider = 'GITHUB_ACTIONS' AND (t.base_url IS NULL OR rtrim(t.base_url, '/') = 'https://api.github.com')
            THEN 'https://github.com/'
        WHEN r.provider = 'GITLAB' THEN rtrim(COALESCE(t.base_url, 'https://gitlab.com'), '/') || '/'
        WHEN r.provider = 'JENKINS' AND t.base_url IS NOT NULL THEN rtrim(t.base_url, '/') || '/'
    END
FROM target t
WHERE t.name = r.target AND r.web_root IS NULL;
CREATE INDEX pipeline_run_scope_run_idx ON pipeline_run (provider, run_scope, run_id);

-- The same for a report parked until its run is recorded.
ALTER TABLE pipeline_report ADD COLUMN run_scopes TEXT[];
