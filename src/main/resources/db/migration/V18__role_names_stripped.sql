SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- Role names in rules (and their copies in approval requests) are stored as the roles are named:
-- since this version the API strips them on write, and this strips those stored before. A name such
-- as ' approver' matched no role when a vote was counted or a role was deleted.
UPDATE rule
   SET allowed_roles = ARRAY(SELECT regexp_replace(n, '^\s+|\s+$', '', 'g')
                             FROM unnest(allowed_roles) WITH ORDINALITY AS u(n, i) ORDER BY i)
 WHERE EXISTS (SELECT 1 FROM unnest(allowed_roles) n WHERE n ~ '^\s|\s$');
UPDATE rule
   SET approval_roles = ARRAY(SELECT regexp_replace(n, '^\s+|\s+$', '', 'g')
                              FROM unnest(approval_roles) WITH ORDINALITY AS u(n, i) ORDER BY i)
 WHERE EXISTS (SELECT 1 FROM unnest(approval_roles) n WHERE n ~ '^\s|\s$');
UPDATE approval_request
   SET approver_roles = ARRAY(SELECT regexp_replace(n, '^\s+|\s+$', '', 'g')
                              FROM unnest(approver_roles) WITH ORDINALITY AS u(n, i) ORDER BY i)
 WHERE EXISTS (SELECT 1 FROM unnest(approver_roles) n WHERE n ~ '^\s|\s$');
