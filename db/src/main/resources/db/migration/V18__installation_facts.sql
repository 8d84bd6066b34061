-- Facts about this installation that must never be forgotten. 'administrator': some
-- account has held the administrator role, so first-run setup (the setup page, the
-- LANYARD_BOOTSTRAP_ADMIN_* variables) never opens again, even if every administrator
-- later loses the role.
CREATE TABLE installation_facts (
    name  VARCHAR(100) PRIMARY KEY,
    since TIMESTAMPTZ  NOT NULL DEFAULT now()
);
INSERT INTO installation_facts (name) SELECT 'administrator' WHERE EXISTS (SELECT 1 FROM users WHERE 'admin' = ANY(roles));
