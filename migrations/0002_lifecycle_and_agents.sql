-- cpep schema 2: heartbeats, agent settings, deployments (action results) and action reports.
-- Instants are microseconds since 1970-01-01T00:00:00Z (UTC).

-- The last heartbeat since the connection was last enabled (NULL: none yet).
ALTER TABLE external_partner ADD COLUMN last_heartbeat_at INTEGER;

-- The agent setting (configureAgent); agent_url IS NULL means none is configured.
ALTER TABLE external_partner ADD COLUMN agent_url TEXT;
ALTER TABLE external_partner ADD COLUMN agent_sha256 TEXT;
ALTER TABLE external_partner ADD COLUMN agent_install_parameters TEXT;  -- JSON array of strings
ALTER TABLE external_partner ADD COLUMN agent_auto_deployment INTEGER;

-- Listing is per tenant in creation order, paged by keyset on seq.
CREATE INDEX external_partner_tenant_seq ON external_partner (tenant_id, seq);

-- One row per Cloud PC of each deployAgent call; the state is derived from started_at.
CREATE TABLE action_result (
    seq         INTEGER PRIMARY KEY,
    partner_seq INTEGER NOT NULL REFERENCES external_partner (seq) ON DELETE CASCADE,
    activity_id TEXT    NOT NULL,
    cloud_pc_id TEXT    NOT NULL,
    started_at  INTEGER NOT NULL
);
CREATE INDEX action_result_partner ON action_result (partner_seq, seq);

-- One row per successful configureAgent call, and per Cloud PC of each successful deployAgent call.
CREATE TABLE action_report (
    seq                    INTEGER PRIMARY KEY,
    partner_seq            INTEGER NOT NULL REFERENCES external_partner (seq) ON DELETE CASCADE,
    action_type            TEXT    NOT NULL CHECK (action_type IN ('configureAgent', 'deployAgent')),
    activity_id            TEXT,
    cloud_pc_id            TEXT    NOT NULL,
    agent_setting          TEXT,              -- JSON of the setting configured (configureAgent)
    authenticated_app_id   TEXT    NOT NULL,
    authenticated_method   TEXT    NOT NULL,
    authenticated_upn      TEXT,
    created_at             INTEGER NOT NULL
);
CREATE INDEX action_report_partner ON action_report (partner_seq, seq);

-- Secrets of this database (the key that seals @odata.nextLink tokens).
CREATE TABLE engine_secret (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
