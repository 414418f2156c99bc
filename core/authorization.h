#pragma once
// The permission policy of CONTRACT §2: who may call which operation.
#include <optional>

#include "core/caller.h"

namespace cpep {

enum class Operation {
    create,
    update,
    remove,
    list,
    get,
    retrieve_deploy_agent_action_results,
    retrieve_action_reports,
    configure_agent,
    deploy_agent,
    partner_heartbeat,
    batch,  // POST /$batch itself: only the personal-account check; each request is authorised on its own
};

inline constexpr std::string_view kGlobalAdministratorRole = "62e90394-69f5-4237-9190-012177145e10";
inline constexpr std::string_view kWindows365AdministratorRole = "11451d60-acb2-45eb-a7d6-43d0f0125c13";

// nullopt when the caller may perform the operation, else the 403 to answer.
std::optional<GraphError> authorize(const Caller &caller, Operation op);

}  // namespace cpep
