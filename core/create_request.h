#pragma once
// Validation of the create body, in the order of CONTRACT §3 (steps 2-5; step 1 is json_reader,
// step 6, the uniqueness of partnerId, needs storage and belongs to the service).
#include <string>

#include <nlohmann/json.hpp>

#include "core/graph_error.h"

namespace cpep {

inline constexpr std::string_view kPartnerType = "microsoft.graph.cloudPcExternalPartner";

struct CreatePartnerCommand {
    std::string partner_id;  // lowercase canonical GUID
    bool enable_connection = false;
};

Outcome<CreatePartnerCommand> validate_create_body(const nlohmann::json &body);

// Shared by create and update: a non-object body, a wrong @odata.type, a key that is not a
// property of the type. nullopt when none of these applies.
std::optional<GraphError> check_object_and_type(const nlohmann::json &body);

// True for the properties Graph computes or sets through actions (CONTRACT §3 step 4).
bool is_read_only_property(std::string_view name);
bool is_entity_property(std::string_view name);

}  // namespace cpep
