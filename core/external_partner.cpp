#include "core/external_partner.h"

#include <utility>

namespace cpep {

std::string_view to_string(ConnectionStatus s) {
    switch (s) {
    case ConnectionStatus::not_available: return "notAvailable";
    case ConnectionStatus::available: return "available";
    case ConnectionStatus::healthy: return "healthy";
    case ConnectionStatus::unhealthy: return "unhealthy";
    }
    return "unknownFutureValue";
}

PartnerStatus derive_status(const ExternalPartner &p, Instant now, const StatusPolicy &policy) {
    PartnerStatus s;
    if (!p.enable_connection) {
        s.connection_status = ConnectionStatus::not_available;
        s.status_details = "The external partner connection is disabled";
        return s;
    }
    if (!p.last_heartbeat_at) {
        s.connection_status = ConnectionStatus::available;
        s.status_details = "The external partner is available";
        s.last_sync = p.enabled_at ? p.enabled_at : p.created_at;
        return s;
    }
    s.last_sync = p.last_heartbeat_at;
    if (now < p.last_heartbeat_at->plus_seconds(policy.heartbeat_timeout_seconds)) {
        s.connection_status = ConnectionStatus::healthy;
        s.status_details = "The external partner is healthy";
    } else {
        s.connection_status = ConnectionStatus::unhealthy;
        s.status_details = "The external partner has not sent a heartbeat since " +
                           format_iso8601(*p.last_heartbeat_at);
    }
    return s;
}

ExternalPartner new_external_partner(std::string id, std::string tenant_id, std::string partner_id,
                                     bool enable_connection, Instant now) {
    ExternalPartner p;
    p.id = std::move(id);
    p.tenant_id = std::move(tenant_id);
    p.partner_id = std::move(partner_id);
    p.enable_connection = enable_connection;
    p.created_at = now;
    if (enable_connection) p.enabled_at = now;
    return p;
}

bool set_connection(ExternalPartner &p, bool enable, Instant now) {
    if (p.enable_connection == enable) return false;
    p.enable_connection = enable;
    p.last_heartbeat_at.reset();
    if (enable)
        p.enabled_at = now;
    else
        p.enabled_at.reset();
    return true;
}

}  // namespace cpep
