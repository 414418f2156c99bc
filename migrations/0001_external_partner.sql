-- cpep schema 1: the cloudPcExternalPartner entity and the engine's persistent counters.
-- Instants are microseconds since 1970-01-01T00:00:00Z (UTC).

CREATE TABLE external_partner (
    seq               INTEGER PRIMARY KEY,   -- creation order
    id                TEXT    NOT NULL,      -- lowercase canonical UUID, the Graph key
    tenant_id         TEXT    NOT NULL,      -- lowercase canonical GUID of the owning tenant
    partner_id        TEXT    NOT NULL,      -- lowercase canonical GUID
    enable_connection INTEGER NOT NULL CHECK (enable_connection IN (0, 1)),
    created_at        INTEGER NOT NULL,
    enabled_at        INTEGER,               -- when the connection was last enabled; NULL while disabled
    CHECK ((enable_connection = 1) = (enabled_at IS NOT NULL))
);

CREATE UNIQUE INDEX external_partner_id ON external_partner (id);
CREATE UNIQUE INDEX external_partner_tenant_partner ON external_partner (tenant_id, partner_id);

-- Counters that must never go backwards across reopenings (the idSeed id stream).
CREATE TABLE engine_counter (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
