#pragma once
// The wire form of responses. Built by hand rather than through a DOM: a create's reply is on
// the hot path, and these shapes are fixed.
#include <string>
#include <string_view>

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

// Appends the entity's members (without braces): "@odata.type", "id", "partnerId", ... .
void append_partner_members(std::string &out, const ExternalPartner &p, const PartnerStatus &status);

// A single-entity response: {"@odata.context": ".../$entity", "@odata.type": ..., ...}.
std::string render_partner(const ExternalPartner &p, const PartnerStatus &status);

struct ErrorContext {
    std::string_view request_id;
    std::string_view date;               // innerError.date, "2020-11-03T12:43:14"
    std::string_view client_request_id;  // echoed when non-empty
};

// {"error": {"code", "message", "innerError": {"code"?, "date", "request-id", "client-request-id"?}}}
std::string render_error(const GraphError &e, const ErrorContext &ctx);

}  // namespace cpep
