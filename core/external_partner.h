#pragma once
// The cloudPcExternalPartner entity: the stored facts, and the status derived from them at read time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/agent.h"
#include "core/instant.h"

namespace cpep {

enum class ConnectionStatus { not_available, available, healthy, unhealthy };

std::string_view to_string(ConnectionStatus s);  // the CSDL member name, e.g. "notAvailable"

// Stored facts. Everything Graph shows beyond these is derived (see derive_status).
struct ExternalPartner {
    std::string id;          // lowercase canonical UUID
    std::string tenant_id;   // lowercase canonical GUID
    std::string partner_id;  // lowercase canonical GUID
    bool enable_connection = false;
    Instant created_at;
    std::optional<Instant> enabled_at;         // set while enabled: when it was last enabled
    std::optional<Instant> last_heartbeat_at;  // since it was last enabled
    std::optional<AgentSetting> agent_setting;  // set by configureAgent
};

struct PartnerStatus {
    ConnectionStatus connection_status;
    std::string status_details;
    std::optional<Instant> last_sync;
};

struct StatusPolicy {
    std::int64_t heartbeat_timeout_seconds = 900;
};

// connectionStatus, statusDetails and lastSyncDateTime at `now` (CONTRACT §1, §5).
PartnerStatus derive_status(const ExternalPartner &p, Instant now, const StatusPolicy &policy);

// The initial state of a new entity (CONTRACT §3's table).
ExternalPartner new_external_partner(std::string id, std::string tenant_id, std::string partner_id,
                                     bool enable_connection, Instant now);

// PATCH enableConnection: enabling starts afresh (available, earlier heartbeats forgotten);
// disabling clears both. Setting the current value changes nothing. Returns whether it changed.
bool set_connection(ExternalPartner &p, bool enable, Instant now);

}  // namespace cpep
