#pragma once
// The wire form of responses. Built by hand rather than through a DOM: a create's reply is on
// the hot path, and these shapes are fixed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/agent.h"
#include "core/external_partner.h"
#include "core/graph_error.h"

namespace cpep {

inline constexpr std::string_view kEntityContext =
    "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners/$entity";
inline constexpr std::string_view kCollectionContext =
    "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners";
inline constexpr std::string_view kPartnerODataType = "#microsoft.graph.cloudPcExternalPartner";

// Appends `s` as a JSON string literal. `s` must be valid UTF-8 (all engine text is).
void append_json_string(std::string &out, std::string_view s);

// Appends the entity as an object: "@odata.type", "id", then the properties in `select_mask`
// (bits as in odata_query.h's kSelectable; "id" is always present).
void append_partner(std::string &out, const ExternalPartner &p, const PartnerStatus &status,
                    std::uint32_t select_mask = 0x7F);

// A single-entity response: {"@odata.context": ".../$entity", "@odata.type": ..., ...}.
// `context_suffix` is the "(id,partnerId)" of an explicit $select, or "".
std::string render_partner(const ExternalPartner &p, const PartnerStatus &status,
                           std::uint32_t select_mask = 0x7F, std::string_view context_suffix = {});

// null, or {"agentSha256", "agentUrl", "autoDeploymentEnabled", "installParameters"}.
void append_agent_setting(std::string &out, const std::optional<AgentSetting> &s);
void append_action_result(std::string &out, const ActionResult &r, const ActionProgress &progress);
void append_action_report(std::string &out, const ActionReport &r);

struct ErrorContext {
    std::string_view request_id;
    std::string_view date;               // innerError.date, "2020-11-03T12:43:14"
    std::string_view client_request_id;  // echoed when non-empty
};

// {"error": {"code", "message", "innerError": {"code"?, "date", "request-id", "client-request-id"?}}}
std::string render_error(const GraphError &e, const ErrorContext &ctx);

}  // namespace cpep
