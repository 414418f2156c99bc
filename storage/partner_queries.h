#pragma once
// The SQL of the list and count queries, shared by the repository and storage.QueryPlans (which
// checks with EXPLAIN QUERY PLAN that each is answered from an index, never by scanning the
// table). A filter on partnerId has statements of its own: with "?4 IS NULL OR partner_id = ?4"
// in one statement SQLite cannot use the (tenant_id, partner_id) index and walks the tenant's rows.

#define CPEP_PARTNER_COLUMNS                                                                          \
    "seq, id, tenant_id, partner_id, enable_connection, created_at, enabled_at, last_heartbeat_at," \
    " agent_url, agent_sha256, agent_install_parameters, agent_auto_deployment"

namespace cpep::storage::sql {

// ?1 tenant, ?2 after this seq (keyset), ?3 enableConnection or NULL, ?5 limit, ?6 offset.
inline constexpr const char *kListPartners =
    "SELECT " CPEP_PARTNER_COLUMNS " FROM external_partner"
    " WHERE tenant_id = ?1 AND seq > ?2 AND (?3 IS NULL OR enable_connection = ?3)"
    " ORDER BY seq LIMIT ?5 OFFSET ?6";
// The same with ?4, the partnerId (never NULL here).
inline constexpr const char *kListPartnersByPartnerId =
    "SELECT " CPEP_PARTNER_COLUMNS " FROM external_partner"
    " WHERE tenant_id = ?1 AND partner_id = ?4 AND seq > ?2 AND (?3 IS NULL OR enable_connection = ?3)"
    " ORDER BY seq LIMIT ?5 OFFSET ?6";
// ?1 tenant, ?2 enableConnection or NULL.
inline constexpr const char *kCountPartners =
    "SELECT count(*) FROM external_partner WHERE tenant_id = ?1 AND (?2 IS NULL OR enable_connection = ?2)";
// The same with ?3, the partnerId (never NULL here).
inline constexpr const char *kCountPartnersByPartnerId =
    "SELECT count(*) FROM external_partner WHERE tenant_id = ?1 AND partner_id = ?3"
    " AND (?2 IS NULL OR enable_connection = ?2)";

}  // namespace cpep::storage::sql
