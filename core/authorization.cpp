#include "core/authorization.h"

#include <string>

namespace cpep {
namespace {

constexpr std::string_view kRead = "cloudpc.read.all";
constexpr std::string_view kReadWrite = "cloudpc.readwrite.all";
constexpr std::string_view kPartner = "cloudpc.partnerreadwrite.all";

GraphError missing_permission(const Caller &caller, std::string_view needed) {
    const char *source = caller.kind == CallerKind::application ? "application permission (roles)"
                                                                : "delegated permission (scp)";
    return errors::forbidden("missingPermission",
                             std::string("The caller lacks the ") + source + " '" + std::string(needed) +
                                 "' that this operation requires.");
}

}  // namespace

std::optional<GraphError> authorize(const Caller &caller, Operation op) {
    if (caller.tenant_id == kPersonalAccountTenant)
        return errors::forbidden("personalAccountNotSupported",
                                 "Personal Microsoft accounts are not supported; sign in with a work or school account.");
    const bool app = caller.kind == CallerKind::application;
    switch (op) {
    case Operation::create:
    case Operation::update:
    case Operation::remove:
        if (!caller.has_permission(kReadWrite)) return missing_permission(caller, "CloudPC.ReadWrite.All");
        return std::nullopt;
    case Operation::list:
    case Operation::get:
    case Operation::retrieve_deploy_agent_action_results:
    case Operation::retrieve_action_reports:
        if (!caller.has_permission(kRead) && !caller.has_permission(kReadWrite))
            return missing_permission(caller, "CloudPC.Read.All");
        return std::nullopt;
    case Operation::configure_agent:
    case Operation::deploy_agent: {
        if (app)
            return errors::forbidden("applicationNotSupported",
                                     "This operation supports delegated (user) callers only; application callers are not supported.");
        if (!caller.has_permission(kReadWrite)) return missing_permission(caller, "CloudPC.ReadWrite.All");
        const bool global_admin = caller.has_role(kGlobalAdministratorRole);
        if (op == Operation::configure_agent && !global_admin)
            return errors::forbidden("missingRole",
                                     "The signed-in user must hold the Global Administrator role to configure the agent.");
        if (op == Operation::deploy_agent && !global_admin && !caller.has_role(kWindows365AdministratorRole))
            return errors::forbidden("missingRole",
                                     "The signed-in user must hold the Windows 365 Administrator or Global Administrator role to deploy the agent.");
        return std::nullopt;
    }
    case Operation::partner_heartbeat:
        if (!app)
            return errors::forbidden("delegatedNotSupported",
                                     "Partner heartbeats are sent by the partner's application; delegated callers are not supported.");
        if (!caller.has_permission(kPartner)) return missing_permission(caller, "CloudPC.PartnerReadWrite.All");
        return std::nullopt;
    case Operation::batch:
        return std::nullopt;
    }
    return errors::forbidden("missingPermission", "Unknown operation.");
}

}  // namespace cpep
